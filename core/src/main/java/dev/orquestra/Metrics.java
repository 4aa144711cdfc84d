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
}
