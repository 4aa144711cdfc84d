package dev.orquestra.examples.squad;

import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.Validator;
import dev.orquestra.testkit.Dice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every simulated check shares: its latency and usage rolled from
 * {@code (seed, card, attempt, stage)}, the verdict given when the latency has passed, and an early
 * stop when the cancellation signal fires. Subclasses decide the verdict.
 */
abstract class SimulatedCheck implements Validator {

    private final String stage;
    final SquadSettings settings;
    final Path dataDir;
    private final ScheduledExecutorService scheduler;

    SimulatedCheck(String stage, SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        this.stage = stage;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public final CompletionStage<Verdict> validate(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        Dice dice = Dice.of(settings.seed(), submission.card().id().value(), submission.attempt(), stage);
        Duration latency = settings.validatorLatency().sample(dice.roll("latency"));
        SquadSettings.TokenRange range = settings.tokens(stage);
        Usage usage = settings.price(stage).usage(range.input(dice), range.output(dice));
        return SimulatedCall.after(scheduler, latency, submission.cancellation(), () -> judge(submission, usage),
                reason -> {
                    throw new CancellationException(stage + " of " + submission.idempotencyKey() + " stopped: " + reason);
                });
    }

    /** The verdict on a submission, given when the simulated latency has passed. */
    abstract Verdict judge(Submission submission, Usage usage);
}
