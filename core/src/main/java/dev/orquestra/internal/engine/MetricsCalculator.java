package dev.orquestra.internal.engine;

import dev.orquestra.Metrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Computes the seed's success metrics from card summaries; pure, so it is tested on hand-made figures. */
public final class MetricsCalculator {

    private MetricsCalculator() {
    }

    public static Metrics compute(Collection<CardSummary> settled, BigDecimal liveCost, BigDecimal highCostThreshold) {
        int ran = 0;
        long attempts = 0;
        int rejections = 0;
        int rounds = 0;
        int escalated = 0;
        int firstTimeRight = 0;
        int loops = 0;
        long loopMillis = 0;
        int highCost = 0;
        long tokens = 0;
        BigDecimal cost = BigDecimal.ZERO;
        List<Long> approvalMillis = new ArrayList<>();
        Instant firstStart = null;
        Instant lastApproval = null;
        for (CardSummary s : settled) {
            if (s.attempts() < 1) {
                continue; // cancelled before it ever ran
            }
            ran++;
            attempts += s.attempts();
            rejections += s.rejections();
            rounds += s.rejections() + s.approvals();
            escalated += s.escalated() ? 1 : 0;
            firstTimeRight += s.firstTimeRight() ? 1 : 0;
            loops += s.correctionLoops();
            loopMillis += s.correctionLoopMillis();
            tokens += s.usage().totalTokens();
            cost = cost.add(s.usage().costUsd());
            if (s.usage().costUsd().compareTo(highCostThreshold) > 0) {
                highCost++;
            }
            if (s.startedAt() != null) {
                firstStart = firstStart == null || s.startedAt().isBefore(firstStart) ? s.startedAt() : firstStart;
                if (s.completedAt() != null) {
                    approvalMillis.add(Duration.between(s.startedAt(), s.completedAt()).toMillis());
                    lastApproval = lastApproval == null || s.completedAt().isAfter(lastApproval) ? s.completedAt()
                            : lastApproval;
                }
            }
        }
        Collections.sort(approvalMillis);
        Duration elapsed = firstStart != null && lastApproval != null ? Duration.between(firstStart, lastApproval)
                : Duration.ZERO;
        double hours = elapsed.toMillis() / 3_600_000.0;
        return new Metrics(ran, ratio(rejections, rounds), ratio(attempts, ran), ratio(escalated, ran),
                ratio(firstTimeRight, ran), percentile(approvalMillis, 50), percentile(approvalMillis, 95),
                loops == 0 ? Duration.ZERO : Duration.ofMillis(loopMillis / loops), elapsed,
                hours > 0 ? approvalMillis.size() / hours : 0.0,
                ran == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(ran), 6, RoundingMode.HALF_UP),
                cost.add(liveCost), tokens, highCost, highCostThreshold);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }

    /** Nearest-rank percentile of sorted values. */
    static Duration percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Duration.ofMillis(sorted.get(Math.max(0, rank - 1)));
    }
}
