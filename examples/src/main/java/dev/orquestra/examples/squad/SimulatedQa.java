package dev.orquestra.examples.squad;

import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.examples.squad.Findings.Finding;
import dev.orquestra.examples.squad.SquadSettings.Trouble;
import dev.orquestra.spi.Submission;
import dev.orquestra.testkit.Dice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated QA stage: runs the functional and security checks of a role's work and fails it
 * with the role's realistic findings (a failing scenario, a PAN in the logs, a token in
 * localStorage…) at the odds of {@link SquadSettings#odds} for {@link Trouble#QA_FAILURE}.
 *
 * <p>The outcome is a pure function of {@code (seed, card, attempt, "qa")} and of the guidance the
 * artifacts' correction notes show; which findings a card gets is the card's own, so a repeated
 * failure repeats its reasons.
 */
public final class SimulatedQa extends SimulatedCheck {

    /** The name of this check, in its verdicts and its dice. */
    public static final String STAGE = SquadSettings.QA_CHECK;

    /**
     * @param dataDir   the data directory, where QA reads the correction notes of the artifacts
     * @param scheduler runs the check when its latency has passed; the caller owns it
     */
    public SimulatedQa(SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        super(STAGE, settings, dataDir, scheduler);
    }

    @Override
    Verdict judge(Submission submission, Usage usage) {
        return verdict(submission, Guidance.inArtifacts(dataDir, submission.artifacts()), usage);
    }

    /** The verdict on a submission carrying the given guidance: a pure function of both. */
    Verdict verdict(Submission submission, Guidance guidance, Usage usage) {
        Role role = submission.card().owner();
        String id = submission.card().id().value();
        double odds = settings.odds(Trouble.QA_FAILURE, role, id, submission.attempt(), guidance.diagnosed(),
                guidance.clarified());
        if (!Dice.of(settings.seed(), id, submission.attempt(), STAGE).roll("failure").chance(odds)) {
            return Verdict.pass(STAGE).withUsage(usage);
        }
        Dice weakSpot = Dice.of(settings.seed(), id, 0, STAGE).roll("findings");
        List<Finding> pool = new ArrayList<>(Findings.qaFindings(role));
        int count = weakSpot.chance(0.25) ? 2 : 1;
        List<String> reasons = new ArrayList<>();
        Map<String, String> feedback = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Finding f = pool.remove(weakSpot.between(0, pool.size() - 1));
            reasons.add(f.reason());
            feedback.put(f.topic(), f.advice());
        }
        return new Verdict(STAGE, false, null, reasons, feedback, usage);
    }

    @Override
    public String toString() {
        return "SimulatedQa[" + dataDir + "]";
    }
}
