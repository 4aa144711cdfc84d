package dev.orquestra.examples.squad;

import dev.orquestra.Pipeline;
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
 * The simulated LLM judge: scores an attempt from 0 to 10 and passes it when the score is at least
 * {@value Pipeline#DEFAULT_JUDGE_SCORE}; below that it fails with the critiques a reviewer of that
 * role would write, and feedback keyed by topic for the next attempt.
 *
 * <p>The score is a pure function of {@code (seed, card, attempt, "llm-judge")} and of the guidance
 * the work carries: the odds of a low score are the role's, lower on later attempts and lower still
 * when the correction notes in the artifacts show the debugger's diagnosis or a reviewer's
 * clarification (see {@link SquadSettings#odds}). Failing scores spread over 4.4–7.9, passing
 * scores over 8.0–9.8. Which critiques a card gets is the card's own (rolled with attempt 0), so a
 * card that fails twice fails for the same reasons, which is what calls the debugger in.
 */
public final class SimulatedJudge extends SimulatedCheck {

    /** The name of this check, in its verdicts and its dice. */
    public static final String STAGE = SquadSettings.JUDGE;

    /**
     * @param dataDir   the data directory, where the judge reads the correction notes of the artifacts
     * @param scheduler runs the check when its latency has passed; the caller owns it
     */
    public SimulatedJudge(SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
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
        double score = score(role, id, submission.attempt(), guidance);
        if (score >= Pipeline.DEFAULT_JUDGE_SCORE) {
            return new Verdict(STAGE, true, score, List.of(), Map.of(), usage);
        }
        Dice weakSpot = Dice.of(settings.seed(), id, 0, STAGE).roll("critiques");
        List<Finding> pool = new ArrayList<>(Findings.critiques(role));
        int count = weakSpot.chance(0.35) ? 2 : 1;
        List<String> reasons = new ArrayList<>();
        Map<String, String> feedback = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Finding f = pool.remove(weakSpot.between(0, pool.size() - 1));
            reasons.add(f.reason());
            feedback.put(f.topic(), f.advice());
        }
        return new Verdict(STAGE, false, score, reasons, feedback, usage);
    }

    /** The score of an attempt, rounded to one decimal. */
    double score(Role role, String cardId, int attempt, Guidance guidance) {
        double odds = settings.odds(Trouble.LOW_SCORE, role, cardId, attempt, guidance.diagnosed(),
                guidance.clarified());
        double u = Dice.of(settings.seed(), cardId, attempt, STAGE).roll("score").uniform();
        if (u < odds) {
            double depth = (odds - u) / odds; // 0 just below the bar .. 1 far below it
            return Math.floor((7.9 - 3.5 * depth * depth) * 10) / 10;
        }
        double height = odds >= 1 ? 0 : (u - odds) / (1 - odds);
        return Math.max(8.0, Math.round((8.0 + 1.8 * Math.pow(height, 0.8)) * 10) / 10.0);
    }

    @Override
    public String toString() {
        return "SimulatedJudge[" + dataDir + "]";
    }
}
