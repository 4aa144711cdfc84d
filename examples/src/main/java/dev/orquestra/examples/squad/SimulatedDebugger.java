package dev.orquestra.examples.squad;

import dev.orquestra.Diagnosis;
import dev.orquestra.Usage;
import dev.orquestra.examples.squad.Findings.Cause;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.FailureReport;
import dev.orquestra.testkit.Dice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated debugging agent: reads the reasons that repeated and returns a {@link Diagnosis}, a
 * root cause that names the repeated finding and what keeps bringing it back, with two or three
 * concrete suggestions. A pure function of the failure report and
 * {@code (seed, card, attempt, "debugger")}; its usage is priced like any other call.
 */
public final class SimulatedDebugger implements Debugger {

    /** The stage name in the dice of the debugger's call, as in the engine's idempotency keys. */
    public static final String STAGE = SquadSettings.DEBUGGER;

    private final SquadSettings settings;
    private final ScheduledExecutorService scheduler;

    /** @param scheduler runs the investigation when its latency has passed; the caller owns it */
    public SimulatedDebugger(SquadSettings settings, ScheduledExecutorService scheduler) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public CompletionStage<Diagnosis> diagnose(FailureReport report) {
        Objects.requireNonNull(report, "report");
        Dice dice = Dice.of(settings.seed(), report.card().id().value(), report.attempt(), STAGE);
        Duration latency = settings.debuggerLatency().sample(dice.roll("latency"));
        SquadSettings.TokenRange range = settings.tokens(STAGE);
        Usage usage = settings.price(STAGE).usage(range.input(dice), range.output(dice));
        return SimulatedCall.after(scheduler, latency, report.cancellation(), () -> diagnosis(report, dice, usage),
                reason -> {
                    throw new CancellationException("debugger of " + report.idempotencyKey() + " stopped: " + reason);
                });
    }

    /** The diagnosis of a report: a pure function of the report and the dice. */
    Diagnosis diagnosis(FailureReport report, Dice dice, Usage usage) {
        List<String> reasons = report.repeatedReasons();
        String first = reasons.isEmpty() ? "the attempt failed without a reason" : reasons.get(0);
        Cause cause = Cause.of(first);
        String more = reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : "";
        String attempts = report.attempt() > 1 ? "Attempts " + (report.attempt() - 1) + " and " + report.attempt()
                : "Attempt " + report.attempt();
        String rootCause = attempts + " of " + report.card().id() + " failed on the same finding, '"
                + Drafts.safe(first) + "'" + more + ": " + cause.explanation + ".";
        List<String> pool = new ArrayList<>(cause.suggestions);
        Dice pick = dice.roll("suggestions");
        int count = pick.between(2, 3);
        List<String> suggestions = new ArrayList<>();
        for (int i = 0; i < count && !pool.isEmpty(); i++) {
            suggestions.add(pool.remove(pick.between(0, pool.size() - 1)));
        }
        return new Diagnosis(rootCause, suggestions, usage);
    }

    @Override
    public String toString() {
        return "SimulatedDebugger";
    }
}
