package dev.orquestra.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardStatus;
import dev.orquestra.Metrics;
import dev.orquestra.Usage;
import dev.orquestra.internal.engine.CardSummary;
import dev.orquestra.internal.engine.MetricsCalculator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric formulas, on figures worked out by hand. */
class MetricsCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-02-01T08:00:00Z");

    private static CardSummary summary(CardStatus status, int attempts, int startMin, Integer approvedMin, String usd,
                                       int rejections, int approvals, boolean escalated, boolean overridden,
                                       int loops, long loopMillis) {
        return new CardSummary(status, attempts, T0.plus(Duration.ofMinutes(startMin)),
                approvedMin == null ? null : T0.plus(Duration.ofMinutes(approvedMin)), null,
                Usage.of(1000, 0, usd), rejections, approvals, 0, escalated, overridden, loops, loopMillis, null);
    }

    @Test
    void formulasMatchTheSeedDefinitions() {
        List<CardSummary> cards = List.of(
                summary(CardStatus.DONE, 1, 0, 4, "0.10", 0, 1, false, false, 0, 0),
                summary(CardStatus.DONE, 1, 1, 9, "0.12", 0, 1, false, false, 0, 0),
                summary(CardStatus.DONE, 2, 2, 20, "0.30", 1, 1, false, false, 1, 120_000),
                summary(CardStatus.DONE, 3, 3, 60, "0.70", 3, 0, true, true, 2, 360_000),
                summary(CardStatus.AWAITING_HUMAN, 3, 5, null, "0.55", 3, 0, true, false, 2, 240_000),
                summary(CardStatus.CANCELLED, 0, 0, null, "0", 0, 0, false, false, 0, 0));
        Metrics m = MetricsCalculator.compute(cards, new BigDecimal("0.03"), new BigDecimal("0.50"));

        assertThat(m.cardsRan()).isEqualTo(5);
        assertThat(m.rejectionRate()).isEqualTo(7.0 / 10.0);
        assertThat(m.averageAttempts()).isEqualTo(10.0 / 5);
        assertThat(m.escalationRate()).isEqualTo(2.0 / 5);
        assertThat(m.firstTimeRightRate()).isEqualTo(2.0 / 5);
        // approval times 4, 8, 18, 57 min; nearest rank p50 = 2nd = 8 min, p95 = 4th = 57 min
        assertThat(m.timeToApprovalP50()).isEqualTo(Duration.ofMinutes(8));
        assertThat(m.timeToApprovalP95()).isEqualTo(Duration.ofMinutes(57));
        assertThat(m.correctionLoopMean()).isEqualTo(Duration.ofMillis(720_000 / 5));
        assertThat(m.elapsed()).isEqualTo(Duration.ofMinutes(60));
        assertThat(m.throughputPerHour()).isEqualTo(4.0);
        assertThat(m.totalCostUsd()).isEqualByComparingTo("1.80");
        assertThat(m.costPerCardUsd()).isEqualByComparingTo("0.354");
        assertThat(m.highCostCards()).isEqualTo(2);
        assertThat(m.totalTokens()).isEqualTo(5000);
    }

    @Test
    void anEmptyBacklogHasZeroMetricsNotErrors() {
        Metrics m = MetricsCalculator.compute(List.of(), BigDecimal.ZERO, new BigDecimal("0.50"));
        assertThat(m.cardsRan()).isZero();
        assertThat(m.rejectionRate()).isZero();
        assertThat(m.timeToApprovalP95()).isEqualTo(Duration.ZERO);
        assertThat(m.throughputPerHour()).isZero();
    }
}
