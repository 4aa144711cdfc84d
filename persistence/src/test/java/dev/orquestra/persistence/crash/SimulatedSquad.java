package dev.orquestra.persistence.crash;

import dev.orquestra.Artifact;
import dev.orquestra.Diagnosis;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.Dice;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The crash test's agents: owners, the three checks of {@code Pipeline.defaults} and a debugger,
 * each answering after a few milliseconds (on a scheduler, never by sleeping in the caller's thread),
 * and each deciding only from {@code (seed, cardId, attempt, stage)} through {@link Dice}. A
 * retry of a call gets the same answer, so a failing owner call fails every retry of its attempt,
 * and a call repeated after a crash gets the answer the first one would have had.
 *
 * <table>
 *   <caption>Odds of a setback per call</caption>
 *   <tr><th>call</th><th>attempt 1</th><th>later attempts</th><th>cursed card (3 % of cards)</th></tr>
 *   <tr><td>owner fails (all retries)</td><td>3 %</td><td>1.5 %</td><td>30 %</td></tr>
 *   <tr><td>verification rejects</td><td>8 %</td><td>4 %</td><td>50 %</td></tr>
 *   <tr><td>llm-judge scores below 8.0</td><td>6 %</td><td>3 %</td><td>60 %</td></tr>
 *   <tr><td>qa rejects</td><td>5 %</td><td>2.5 %</td><td>40 %</td></tr>
 * </table>
 *
 * <p>A cursed card fails about nine attempts in ten, so most cursed cards escalate after three
 * attempts. Setbacks of a card usually repeat the same reason (its weak spot), which brings in the
 * debugger from attempt 2 on. Half of the judge's low scores come with a passing verdict, so the
 * pipeline's passing score (8.0) is what fails them. Besides, {@link #DOOMED} fails verification on
 * every attempt and {@link #FLAKY_OWNER}'s owner fails attempt 1, so escalation, the debugger and dead
 * letters occur whatever the seed.
 */
final class SimulatedSquad {

    static final double CURSED = 0.03;
    /** A card whose verification fails every attempt, so that at least one card escalates. */
    static final String DOOMED = CrashBacklog.id(0);
    /** A card whose owner fails attempt 1, so that at least one attempt is dead-lettered and fails. */
    static final String FLAKY_OWNER = CrashBacklog.id(1);

    private static final List<String> WEAK_SPOTS = List.of("error handling", "input validation", "test coverage",
            "naming", "documentation");

    private final long seed;
    private final ScheduledExecutorService timer;
    private final CallLog calls;

    SimulatedSquad(long seed, ScheduledExecutorService timer, CallLog calls) {
        this.seed = seed;
        this.timer = timer;
        this.calls = calls;
    }

    static boolean cursed(long seed, String cardId) {
        return Dice.of(seed, cardId, 0, "card").roll("cursed").chance(CURSED);
    }

    private String weakSpot(String cardId) {
        Dice card = Dice.of(seed, cardId, 0, "card");
        return WEAK_SPOTS.get(card.roll("weak-spot").between(0, WEAK_SPOTS.size() - 1));
    }

    /** The reason a check gives: usually the card's weak spot, sometimes something else. */
    private String reason(String cardId, Dice dice) {
        return dice.roll("usual-reason").chance(0.8) ? weakSpot(cardId)
                : WEAK_SPOTS.get(dice.roll("other-reason").between(0, WEAK_SPOTS.size() - 1));
    }

    private static double odds(boolean cursed, int attempt, double cursedOdds, double first) {
        return cursed ? cursedOdds : attempt == 1 ? first : first / 2;
    }

    private static Usage usage(Dice dice, int minTokens, int maxTokens) {
        long in = dice.roll("tokens-in").between(minTokens, maxTokens);
        long out = dice.roll("tokens-out").between(minTokens / 4, maxTokens / 4);
        return new Usage(in, out, BigDecimal.valueOf(in * 3 + out * 15, 6));
    }

    Agent owner() {
        return order -> {
            calls.called(order.idempotencyKey());
            String id = order.card().id().value();
            int attempt = order.attempt();
            Dice dice = Dice.of(seed, id, attempt, "owner");
            boolean fails = id.equals(FLAKY_OWNER) && attempt == 1
                    || dice.roll("fails").chance(odds(cursed(seed, id), attempt, 0.30, 0.03));
            Usage usage = usage(dice, 800, 3000);
            return after(dice.roll("latency").between(2, 6), () -> fails
                    ? WorkResult.failed("build broke on " + weakSpot(id), usage)
                    : WorkResult.succeeded(List.of(Artifact.of("code", "crash/" + id + "/attempt-" + attempt + ".java")
                            .withContentHash("fnv:" + Long.toHexString(dice.roll("content").nextLong()))), usage));
        };
    }

    Validator verification() {
        return submission -> {
            calls.called(submission.idempotencyKey());
            String id = submission.card().id().value();
            Dice dice = Dice.of(seed, id, submission.attempt(), submission.stage());
            boolean rejects = id.equals(DOOMED)
                    || dice.roll("rejects").chance(odds(cursed(seed, id), submission.attempt(), 0.50, 0.08));
            Verdict verdict = rejects ? Verdict.fail(submission.stage(), "evidence missing for "
                    + (id.equals(DOOMED) ? weakSpot(id) : reason(id, dice)))
                    : Verdict.pass(submission.stage());
            return after(dice.roll("latency").between(1, 4), () -> verdict.withUsage(usage(dice, 200, 600)));
        };
    }

    Validator judge() {
        return submission -> {
            calls.called(submission.idempotencyKey());
            String id = submission.card().id().value();
            Dice dice = Dice.of(seed, id, submission.attempt(), submission.stage());
            boolean low = dice.roll("low-score").chance(odds(cursed(seed, id), submission.attempt(), 0.60, 0.06));
            Verdict verdict;
            if (low) {
                double score = 4.0 + dice.roll("score").between(0, 39) / 10.0;
                verdict = dice.roll("lenient").chance(0.5) ? Verdict.pass(submission.stage()).withScore(score)
                        : Verdict.fail(submission.stage(), "weak " + reason(id, dice)).withScore(score);
            } else {
                verdict = Verdict.pass(submission.stage()).withScore(8.0 + dice.roll("score").between(0, 20) / 10.0);
            }
            Verdict answer = verdict.withUsage(usage(dice, 400, 1200));
            return after(dice.roll("latency").between(1, 4), () -> answer);
        };
    }

    Validator qa() {
        return submission -> {
            calls.called(submission.idempotencyKey());
            String id = submission.card().id().value();
            Dice dice = Dice.of(seed, id, submission.attempt(), submission.stage());
            boolean rejects = dice.roll("rejects").chance(odds(cursed(seed, id), submission.attempt(), 0.40, 0.05));
            Verdict verdict = rejects ? Verdict.fail(submission.stage(), "acceptance test fails on " + reason(id, dice))
                    : Verdict.pass(submission.stage());
            return after(dice.roll("latency").between(1, 4), () -> verdict.withUsage(usage(dice, 200, 600)));
        };
    }

    Debugger debugger() {
        return report -> {
            calls.called(report.idempotencyKey());
            String id = report.card().id().value();
            Dice dice = Dice.of(seed, id, report.attempt(), "debugger");
            Diagnosis diagnosis = new Diagnosis("the attempts keep missing " + weakSpot(id),
                    List.of("cover " + weakSpot(id) + " first", "re-run the checks locally"), usage(dice, 500, 1500));
            return after(dice.roll("latency").between(2, 5), () -> diagnosis);
        };
    }

    /** Completes with the value after a delay, on the scheduler: the caller's thread never waits. */
    private <T> CompletionStage<T> after(int millis, Supplier<T> value) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            timer.schedule(() -> result.complete(value.get()), millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            result.completeExceptionally(closing);
        }
        return result;
    }
}
