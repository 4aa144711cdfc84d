package dev.orquestra;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The seed's success metrics, computed over the cards that ran (started at least once and then
 * settled: terminal or awaiting review). Cards still running count only in {@link #totalCostUsd()}.
 *
 * @param cardsRan               cards the figures are computed over
 * @param rejectionRate          rejected validation rounds / validation rounds that ended with a verdict
 *                               (seed target &lt; 10 %)
 * @param averageAttempts        attempts per card (target &lt; 1.5)
 * @param escalationRate         cards ever escalated / cards (target &lt; 5 %)
 * @param firstTimeRightRate     cards approved by the validators on attempt 1 / cards (target &gt; 80 %)
 * @param timeToApprovalP50      median of approval time − first owner start, over approved cards
 * @param timeToApprovalP95      95th percentile of the same (target &lt; 10 min)
 * @param correctionLoopMean     mean time from a rejection or failure to the next owner start (target &lt; 5 min)
 * @param elapsed                from the first owner start to the last approval
 * @param throughputPerHour      approved cards per hour of {@link #elapsed()} (target 120 cards in &lt; 2 h)
 * @param costPerCardUsd         mean cost of a card (target &lt; USD 0.15)
 * @param totalCostUsd           everything spent so far, running cards included (target &lt; USD 18 for 120 cards)
 * @param totalTokens            tokens of the cards that ran
 * @param highCostCards          cards costing more than {@link #highCostThresholdUsd()} (target &lt; 5)
 * @param highCostThresholdUsd   the threshold, from the policy (default USD 0.50)
 */
public record Metrics(int cardsRan, double rejectionRate, double averageAttempts, double escalationRate,
                      double firstTimeRightRate, Duration timeToApprovalP50, Duration timeToApprovalP95,
                      Duration correctionLoopMean, Duration elapsed, double throughputPerHour,
                      BigDecimal costPerCardUsd, BigDecimal totalCostUsd, long totalTokens, int highCostCards,
                      BigDecimal highCostThresholdUsd) {

    /**
     * The figures on one line, readable in a log: {@code 120 cards ran: rejection 8.3 %, 1.12 attempts/card,
     * escalation 1.7 %, first time right 89.2 %, approval p50 3.1 s / p95 12.0 s, correction loop 0.9 s,
     * elapsed 1m 2.0s, 6968 cards/h, USD 0.0410/card, USD 4.92 in all, 651000 tokens, 0 cards over USD 0.50}.
     */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%d cards ran: rejection %.1f %%, %.2f attempts/card, escalation %.1f %%, first time right %.1f %%, "
                        + "approval p50 %s / p95 %s, correction loop %s, elapsed %s, %.0f cards/h, USD %s/card, "
                        + "USD %s in all, %d tokens, %d cards over USD %s",
                cardsRan, 100 * rejectionRate, averageAttempts, 100 * escalationRate, 100 * firstTimeRightRate,
                readable(timeToApprovalP50), readable(timeToApprovalP95), readable(correctionLoopMean), readable(elapsed),
                throughputPerHour, plain(costPerCardUsd), plain(totalCostUsd), totalTokens, highCostCards,
                plain(highCostThresholdUsd));
    }

    private static String plain(BigDecimal usd) {
        return usd == null ? "?" : usd.stripTrailingZeros().toPlainString();
    }

    /** {@code 850 ms}, {@code 3.1 s}, {@code 4m 2.0s}, {@code 2h 5m}; {@code -} when unknown. */
    static String readable(Duration d) {
        if (d == null) {
            return "-";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return String.format(java.util.Locale.ROOT, "%dm %.1fs", ms / 60_000, (ms % 60_000) / 1000.0);
        }
        return (ms / 3_600_000) + "h " + (ms % 3_600_000) / 60_000 + "m";
    }
}
