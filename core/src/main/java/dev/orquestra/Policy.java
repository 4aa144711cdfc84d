package dev.orquestra;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine treats attempts, retries, time limits, budgets and scheduling. Immutable: every
 * method returns a new policy, and a bad value is refused at once with the value in the message.
 * Cross-field rules (the soft limit must not exceed the hard one, the first backoff must not exceed
 * the cap) are checked by {@link #validate()}, which {@code Orquestra.Builder.build()} calls.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>from the seed</th></tr>
 *   <tr><td>max attempts</td><td>3</td><td>MAX_ATTEMPTS = 3</td></tr>
 *   <tr><td>retries per call</td><td>3, backoff 1 s doubling, capped at 1 min, jitter ±20 %</td><td>max_retries=3, exponential backoff</td></tr>
 *   <tr><td>soft / hard time limit</td><td>50 min / 1 h</td><td>task_soft_time_limit / task_time_limit</td></tr>
 *   <tr><td>card budget / backlog budget</td><td>none / none</td><td>—</td></tr>
 *   <tr><td>aging interval</td><td>1 min: waiting that long outranks one priority level</td><td>—</td></tr>
 *   <tr><td>debugger on repeated failure</td><td>on</td><td>attempt ≥ 2 and same reasons</td></tr>
 *   <tr><td>high-cost threshold (metrics)</td><td>USD 0.50</td><td>cards &gt; $0.50</td></tr>
 *   <tr><td>snapshot every</td><td>50 events of a card, 20,000 of the orchestrator</td><td>—</td></tr>
 *   <tr><td>max active cards</td><td>10,000 started and not settled at once</td><td>—</td></tr>
 * </table>
 */
public final class Policy {

    private static final Policy DEFAULTS = new Policy(3, 3, Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2,
            Duration.ofMinutes(50), Duration.ofHours(1), null, null, Duration.ofMinutes(1), true,
            new BigDecimal("0.50"), 50, 20_000, 10_000);

    private final int maxAttempts;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration softTimeLimit;
    private final Duration hardTimeLimit;
    private final BigDecimal cardBudgetUsd;
    private final BigDecimal backlogBudgetUsd;
    private final Duration agingInterval;
    private final boolean debugRepeatedFailures;
    private final BigDecimal highCostThresholdUsd;
    private final int cardSnapshotEvery;
    private final int orchestratorSnapshotEvery;
    private final int maxActiveCards;

    private Policy(int maxAttempts, int maxRetries, Duration initialBackoff, Duration maxBackoff, double jitter,
                   Duration softTimeLimit, Duration hardTimeLimit, BigDecimal cardBudgetUsd,
                   BigDecimal backlogBudgetUsd, Duration agingInterval, boolean debugRepeatedFailures,
                   BigDecimal highCostThresholdUsd, int cardSnapshotEvery, int orchestratorSnapshotEvery,
                   int maxActiveCards) {
        this.maxAttempts = maxAttempts;
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.softTimeLimit = softTimeLimit;
        this.hardTimeLimit = hardTimeLimit;
        this.cardBudgetUsd = cardBudgetUsd;
        this.backlogBudgetUsd = backlogBudgetUsd;
        this.agingInterval = agingInterval;
        this.debugRepeatedFailures = debugRepeatedFailures;
        this.highCostThresholdUsd = highCostThresholdUsd;
        this.cardSnapshotEvery = cardSnapshotEvery;
        this.orchestratorSnapshotEvery = orchestratorSnapshotEvery;
        this.maxActiveCards = maxActiveCards;
    }

    /** The defaults listed in the class comment. */
    public static Policy defaults() {
        return DEFAULTS;
    }

    private Policy copy(int maxAttempts, int maxRetries, Duration initialBackoff, Duration maxBackoff, double jitter,
                        Duration softTimeLimit, Duration hardTimeLimit, BigDecimal cardBudgetUsd,
                        BigDecimal backlogBudgetUsd, Duration agingInterval, boolean debugRepeatedFailures,
                        BigDecimal highCostThresholdUsd, int cardSnapshotEvery, int orchestratorSnapshotEvery) {
        return new Policy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd,
                cardSnapshotEvery, orchestratorSnapshotEvery, maxActiveCards);
    }

    /**
     * At most this many cards are started and not yet settled at once (default 10,000). Further
     * ready cards wait in the orchestrator, in the dispatchers' order (priority, critical path, time
     * ready), and start as others settle. This bounds memory and journal pressure for very large
     * backlogs; it should stay well above the total of all pool sizes.
     */
    public Policy maxActiveCards(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxActiveCards must be at least 1, was " + value);
        }
        return new Policy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd,
                cardSnapshotEvery, orchestratorSnapshotEvery, value);
    }

    public int maxActiveCards() {
        return maxActiveCards;
    }

    /** Attempts a card may make before it is escalated to a human (1–100; default 3). */
    public Policy maxAttempts(int value) {
        if (value < 1 || value > 100) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + value);
        }
        return copy(value, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit, cardBudgetUsd,
                backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /**
     * Retries of a failed call before the attempt counts as failed (0–20; default 3), waiting
     * {@code initialBackoff} before the first retry and doubling up to {@code maxBackoff}.
     */
    public Policy retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        if (maxRetries < 0 || maxRetries > 20) {
            throw new IllegalArgumentException("maxRetries must be between 0 and 20, was " + maxRetries);
        }
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd,
                cardSnapshotEvery, orchestratorSnapshotEvery);
    }

    /** Random spread of each backoff, as a fraction (0 to 1; default 0.2 = ±20 %). 0 makes backoff exact. */
    public Policy jitter(double fraction) {
        if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + fraction);
        }
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, fraction, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd,
                cardSnapshotEvery, orchestratorSnapshotEvery);
    }

    /** After this long a call's cancellation signal fires and an event records it (default 50 min). */
    public Policy softTimeLimit(Duration value) {
        requirePositive(value, "softTimeLimit");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, value, hardTimeLimit, cardBudgetUsd,
                backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /** After this long a call counts as failed and is retried (default 1 h). */
    public Policy hardTimeLimit(Duration value) {
        requirePositive(value, "hardTimeLimit");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, value, cardBudgetUsd,
                backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /** A card whose cost exceeds this many US dollars is escalated instead of retried (default: none). */
    public Policy cardBudgetUsd(BigDecimal usd) {
        requirePositive(usd, "cardBudgetUsd");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit, usd,
                backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /**
     * Once the backlog's total cost exceeds this many US dollars no new card starts; running cards
     * finish (default: none).
     */
    public Policy backlogBudgetUsd(BigDecimal usd) {
        requirePositive(usd, "backlogBudgetUsd");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, usd, agingInterval, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /**
     * How long waiting in a queue is worth one priority level (default 1 min). Higher priority goes
     * first, but work that has waited long enough overtakes it, so nothing starves.
     */
    public Policy agingInterval(Duration value) {
        requirePositive(value, "agingInterval");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, value, debugRepeatedFailures, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /** Whether the debugger runs when the same failure repeats on attempt 2 or later (default on). */
    public Policy debugRepeatedFailures(boolean enabled) {
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, enabled, highCostThresholdUsd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /** Cards costing more than this count as high-cost in the metrics (default USD 0.50). */
    public Policy highCostThresholdUsd(BigDecimal usd) {
        requirePositive(usd, "highCostThresholdUsd");
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, usd, cardSnapshotEvery,
                orchestratorSnapshotEvery);
    }

    /**
     * Snapshot a card every {@code cardEvents} events and the orchestrator every
     * {@code orchestratorEvents} events (defaults 50 and 20,000), so recovery reads a snapshot and the
     * tail instead of the whole history. The orchestrator's snapshot holds the whole backlog while each
     * of its events is a small batch of card outcomes, so replaying its events costs little and its
     * snapshots are rare: with a snapshot every 500 events a 100,000-card run wrote its backlog dozens
     * of times.
     */
    public Policy snapshotEvery(int cardEvents, int orchestratorEvents) {
        if (cardEvents < 1) {
            throw new IllegalArgumentException("card snapshot interval must be at least 1, was " + cardEvents);
        }
        if (orchestratorEvents < 1) {
            throw new IllegalArgumentException("orchestrator snapshot interval must be at least 1, was " + orchestratorEvents);
        }
        return copy(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                cardBudgetUsd, backlogBudgetUsd, agingInterval, debugRepeatedFailures, highCostThresholdUsd,
                cardEvents, orchestratorEvents);
    }

    /**
     * Checks the rules between settings.
     *
     * @throws IllegalArgumentException naming both settings when they conflict
     */
    public Policy validate() {
        if (softTimeLimit.compareTo(hardTimeLimit) > 0) {
            throw new IllegalArgumentException("softTimeLimit (" + softTimeLimit + ") must not exceed hardTimeLimit ("
                    + hardTimeLimit + ")");
        }
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("initialBackoff (" + initialBackoff + ") must not exceed maxBackoff ("
                    + maxBackoff + ")");
        }
        return this;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double jitter() {
        return jitter;
    }

    public Duration softTimeLimit() {
        return softTimeLimit;
    }

    public Duration hardTimeLimit() {
        return hardTimeLimit;
    }

    public Optional<BigDecimal> cardBudgetUsd() {
        return Optional.ofNullable(cardBudgetUsd);
    }

    public Optional<BigDecimal> backlogBudgetUsd() {
        return Optional.ofNullable(backlogBudgetUsd);
    }

    public Duration agingInterval() {
        return agingInterval;
    }

    public boolean debugRepeatedFailures() {
        return debugRepeatedFailures;
    }

    public BigDecimal highCostThresholdUsd() {
        return highCostThresholdUsd;
    }

    public int cardSnapshotEvery() {
        return cardSnapshotEvery;
    }

    public int orchestratorSnapshotEvery() {
        return orchestratorSnapshotEvery;
    }

    /**
     * The backoff before retry number {@code retry} (from 1), before jitter: the initial backoff
     * doubled for every earlier retry, capped.
     */
    public Duration backoffBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
        }
        Duration d = initialBackoff;
        for (int i = 1; i < retry && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static void requirePositive(BigDecimal v, String name) {
        Objects.requireNonNull(v, name);
        if (v.signum() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }

    @Override
    public String toString() {
        return "Policy[maxAttempts=" + maxAttempts + ", retries=" + maxRetries + " (" + initialBackoff + ".."
                + maxBackoff + ", jitter " + jitter + "), soft=" + softTimeLimit + ", hard=" + hardTimeLimit
                + ", cardBudget=" + cardBudgetUsd + ", backlogBudget=" + backlogBudgetUsd + ", aging=" + agingInterval
                + ", debugRepeated=" + debugRepeatedFailures + "]";
    }
}
