package dev.orquestra;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine treats attempts, retries, time limits, budgets and scheduling. An immutable value
 * with {@code equals}, {@code hashCode} and a {@code toString} that shows every setting. Build one with
 * {@link #builder()} (or {@link #toBuilder()} from another), or change one setting at a time with the
 * methods named after the settings, each of which returns a new policy. A bad value is refused at once
 * with the value in the message. Cross-field rules (the soft limit must not exceed the hard one, the
 * first backoff must not exceed the cap) are checked by {@link Builder#build()} and {@link #validate()},
 * which {@code OrquestraBuilder.build()} calls.
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

    private static final Policy DEFAULTS = new Builder().buildUnchecked();

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

    private Policy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.softTimeLimit = b.softTimeLimit;
        this.hardTimeLimit = b.hardTimeLimit;
        this.cardBudgetUsd = b.cardBudgetUsd;
        this.backlogBudgetUsd = b.backlogBudgetUsd;
        this.agingInterval = b.agingInterval;
        this.debugRepeatedFailures = b.debugRepeatedFailures;
        this.highCostThresholdUsd = b.highCostThresholdUsd;
        this.cardSnapshotEvery = b.cardSnapshotEvery;
        this.orchestratorSnapshotEvery = b.orchestratorSnapshotEvery;
        this.maxActiveCards = b.maxActiveCards;
    }

    /** The defaults listed in the class comment. */
    public static Policy defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every setting of this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * At most this many cards are started and not yet settled at once (default 10,000). Further
     * ready cards wait in the orchestrator, in the dispatchers' order (priority, critical path, time
     * ready), and start as others settle. This bounds memory and journal pressure for very large
     * backlogs; it should stay well above the total of all pool sizes.
     */
    public Policy maxActiveCards(int value) {
        return toBuilder().maxActiveCards(value).buildUnchecked();
    }

    /** Attempts a card may make before it is escalated to a human (1–100; default 3). */
    public Policy maxAttempts(int value) {
        return toBuilder().maxAttempts(value).buildUnchecked();
    }

    /**
     * Retries of a failed call before the attempt counts as failed (0–20; default 3), waiting
     * {@code initialBackoff} before the first retry and doubling up to {@code maxBackoff}.
     */
    public Policy retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        return toBuilder().retries(maxRetries, initialBackoff, maxBackoff).buildUnchecked();
    }

    /** Random spread of each backoff, as a fraction (0 to 1; default 0.2 = ±20 %). 0 makes backoff exact. */
    public Policy jitter(double fraction) {
        return toBuilder().jitter(fraction).buildUnchecked();
    }

    /** After this long a call's cancellation signal fires and an event records it (default 50 min). */
    public Policy softTimeLimit(Duration value) {
        return toBuilder().softTimeLimit(value).buildUnchecked();
    }

    /** After this long a call counts as failed and is retried (default 1 h). */
    public Policy hardTimeLimit(Duration value) {
        return toBuilder().hardTimeLimit(value).buildUnchecked();
    }

    /** A card whose cost exceeds this many US dollars is escalated instead of retried (default: none). */
    public Policy cardBudgetUsd(BigDecimal usd) {
        return toBuilder().cardBudgetUsd(usd).buildUnchecked();
    }

    /**
     * Once the backlog's total cost exceeds this many US dollars no new card starts; running cards
     * finish (default: none).
     */
    public Policy backlogBudgetUsd(BigDecimal usd) {
        return toBuilder().backlogBudgetUsd(usd).buildUnchecked();
    }

    /**
     * How long waiting in a queue is worth one priority level (default 1 min). Higher priority goes
     * first, but work that has waited long enough overtakes it, so nothing starves.
     */
    public Policy agingInterval(Duration value) {
        return toBuilder().agingInterval(value).buildUnchecked();
    }

    /** Whether the debugger runs when the same failure repeats on attempt 2 or later (default on). */
    public Policy debugRepeatedFailures(boolean enabled) {
        return toBuilder().debugRepeatedFailures(enabled).buildUnchecked();
    }

    /** Cards costing more than this count as high-cost in the metrics (default USD 0.50). */
    public Policy highCostThresholdUsd(BigDecimal usd) {
        return toBuilder().highCostThresholdUsd(usd).buildUnchecked();
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
        return toBuilder().snapshotEvery(cardEvents, orchestratorEvents).buildUnchecked();
    }

    /**
     * Checks the rules between settings.
     *
     * @return this policy
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

    public int maxActiveCards() {
        return maxActiveCards;
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

    /** Two policies are equal when every setting is; amounts compare by value ({@code 0.5} equals {@code 0.50}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Policy p && maxAttempts == p.maxAttempts && maxRetries == p.maxRetries
                && initialBackoff.equals(p.initialBackoff) && maxBackoff.equals(p.maxBackoff)
                && Double.compare(jitter, p.jitter) == 0 && softTimeLimit.equals(p.softTimeLimit)
                && hardTimeLimit.equals(p.hardTimeLimit) && sameAmount(cardBudgetUsd, p.cardBudgetUsd)
                && sameAmount(backlogBudgetUsd, p.backlogBudgetUsd) && agingInterval.equals(p.agingInterval)
                && debugRepeatedFailures == p.debugRepeatedFailures
                && sameAmount(highCostThresholdUsd, p.highCostThresholdUsd) && cardSnapshotEvery == p.cardSnapshotEvery
                && orchestratorSnapshotEvery == p.orchestratorSnapshotEvery && maxActiveCards == p.maxActiveCards;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, maxRetries, initialBackoff, maxBackoff, jitter, softTimeLimit, hardTimeLimit,
                amountHash(cardBudgetUsd), amountHash(backlogBudgetUsd), agingInterval, debugRepeatedFailures,
                amountHash(highCostThresholdUsd), cardSnapshotEvery, orchestratorSnapshotEvery, maxActiveCards);
    }

    private static boolean sameAmount(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    private static int amountHash(BigDecimal a) {
        return a == null ? 0 : a.stripTrailingZeros().hashCode();
    }

    /** Every setting, by the name of its method. */
    @Override
    public String toString() {
        return "Policy[maxAttempts=" + maxAttempts + ", maxRetries=" + maxRetries + ", initialBackoff="
                + initialBackoff + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", softTimeLimit="
                + softTimeLimit + ", hardTimeLimit=" + hardTimeLimit + ", cardBudgetUsd="
                + (cardBudgetUsd == null ? "none" : cardBudgetUsd.toPlainString()) + ", backlogBudgetUsd="
                + (backlogBudgetUsd == null ? "none" : backlogBudgetUsd.toPlainString()) + ", agingInterval="
                + agingInterval + ", debugRepeatedFailures=" + debugRepeatedFailures + ", highCostThresholdUsd="
                + highCostThresholdUsd.toPlainString() + ", cardSnapshotEvery=" + cardSnapshotEvery
                + ", orchestratorSnapshotEvery=" + orchestratorSnapshotEvery + ", maxActiveCards=" + maxActiveCards + "]";
    }

    /**
     * Builds a {@link Policy}: starts from the defaults (or from a policy, with {@link Policy#toBuilder()}),
     * refuses a bad value at once, and checks the rules between settings in {@link #build()}. The setters
     * mean what the policy's methods of the same names mean.
     */
    public static final class Builder {

        private int maxAttempts = 3;
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);
        private double jitter = 0.2;
        private Duration softTimeLimit = Duration.ofMinutes(50);
        private Duration hardTimeLimit = Duration.ofHours(1);
        private BigDecimal cardBudgetUsd;
        private BigDecimal backlogBudgetUsd;
        private Duration agingInterval = Duration.ofMinutes(1);
        private boolean debugRepeatedFailures = true;
        private BigDecimal highCostThresholdUsd = new BigDecimal("0.50");
        private int cardSnapshotEvery = 50;
        private int orchestratorSnapshotEvery = 20_000;
        private int maxActiveCards = 10_000;

        private Builder() {
        }

        private Builder(Policy p) {
            maxAttempts = p.maxAttempts;
            maxRetries = p.maxRetries;
            initialBackoff = p.initialBackoff;
            maxBackoff = p.maxBackoff;
            jitter = p.jitter;
            softTimeLimit = p.softTimeLimit;
            hardTimeLimit = p.hardTimeLimit;
            cardBudgetUsd = p.cardBudgetUsd;
            backlogBudgetUsd = p.backlogBudgetUsd;
            agingInterval = p.agingInterval;
            debugRepeatedFailures = p.debugRepeatedFailures;
            highCostThresholdUsd = p.highCostThresholdUsd;
            cardSnapshotEvery = p.cardSnapshotEvery;
            orchestratorSnapshotEvery = p.orchestratorSnapshotEvery;
            maxActiveCards = p.maxActiveCards;
        }

        /** See {@link Policy#maxAttempts(int)}. */
        public Builder maxAttempts(int value) {
            if (value < 1 || value > 100) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + value);
            }
            maxAttempts = value;
            return this;
        }

        /** See {@link Policy#retries(int, Duration, Duration)}. */
        public Builder retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
            if (maxRetries < 0 || maxRetries > 20) {
                throw new IllegalArgumentException("maxRetries must be between 0 and 20, was " + maxRetries);
            }
            requirePositive(initialBackoff, "initialBackoff");
            requirePositive(maxBackoff, "maxBackoff");
            this.maxRetries = maxRetries;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** See {@link Policy#jitter(double)}. */
        public Builder jitter(double fraction) {
            if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
                throw new IllegalArgumentException("jitter must be between 0 and 1, was " + fraction);
            }
            jitter = fraction;
            return this;
        }

        /** See {@link Policy#softTimeLimit(Duration)}. */
        public Builder softTimeLimit(Duration value) {
            requirePositive(value, "softTimeLimit");
            softTimeLimit = value;
            return this;
        }

        /** See {@link Policy#hardTimeLimit(Duration)}. */
        public Builder hardTimeLimit(Duration value) {
            requirePositive(value, "hardTimeLimit");
            hardTimeLimit = value;
            return this;
        }

        /** See {@link Policy#cardBudgetUsd(BigDecimal)}. */
        public Builder cardBudgetUsd(BigDecimal usd) {
            requirePositive(usd, "cardBudgetUsd");
            cardBudgetUsd = usd;
            return this;
        }

        /** See {@link Policy#backlogBudgetUsd(BigDecimal)}. */
        public Builder backlogBudgetUsd(BigDecimal usd) {
            requirePositive(usd, "backlogBudgetUsd");
            backlogBudgetUsd = usd;
            return this;
        }

        /** See {@link Policy#agingInterval(Duration)}. */
        public Builder agingInterval(Duration value) {
            requirePositive(value, "agingInterval");
            agingInterval = value;
            return this;
        }

        /** See {@link Policy#debugRepeatedFailures(boolean)}. */
        public Builder debugRepeatedFailures(boolean enabled) {
            debugRepeatedFailures = enabled;
            return this;
        }

        /** See {@link Policy#highCostThresholdUsd(BigDecimal)}. */
        public Builder highCostThresholdUsd(BigDecimal usd) {
            requirePositive(usd, "highCostThresholdUsd");
            highCostThresholdUsd = usd;
            return this;
        }

        /** See {@link Policy#snapshotEvery(int, int)}. */
        public Builder snapshotEvery(int cardEvents, int orchestratorEvents) {
            if (cardEvents < 1) {
                throw new IllegalArgumentException("card snapshot interval must be at least 1, was " + cardEvents);
            }
            if (orchestratorEvents < 1) {
                throw new IllegalArgumentException("orchestrator snapshot interval must be at least 1, was "
                        + orchestratorEvents);
            }
            cardSnapshotEvery = cardEvents;
            orchestratorSnapshotEvery = orchestratorEvents;
            return this;
        }

        /** See {@link Policy#maxActiveCards(int)}. */
        public Builder maxActiveCards(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxActiveCards must be at least 1, was " + value);
            }
            maxActiveCards = value;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException naming both settings when two conflict (see {@link Policy#validate()})
         */
        public Policy build() {
            return buildUnchecked().validate();
        }

        private Policy buildUnchecked() {
            return new Policy(this);
        }
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
}
