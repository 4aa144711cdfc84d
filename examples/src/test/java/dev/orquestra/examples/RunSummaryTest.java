package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Metrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed plan's targets: each metric against its limit, and nothing judged when no card ran. */
class RunSummaryTest {

    private static Metrics metrics(int cardsRan, double rejectionRate, double firstTimeRight, String totalCost) {
        return new Metrics(cardsRan, rejectionRate, 1.23, 0.036, firstTimeRight, Duration.ofSeconds(1),
                Duration.ofMinutes(9), Duration.ofSeconds(250), Duration.ofMinutes(30), 240.0,
                new BigDecimal("0.127"), new BigDecimal(totalCost), 4_000_000, 1, new BigDecimal("0.50"));
    }

    private static List<String> results(List<RunSummary.Row> rows) {
        return rows.stream().map(r -> r.key() + " " + r.result()).toList();
    }

    @Test
    void everyMetricIsJudgedAgainstTheSeedTarget() {
        List<RunSummary.Row> rows = RunSummary.rows(metrics(112, 0.169, 0.82, "14.18"), 120);
        assertThat(results(rows)).containsExactly("rejection_rate MISS", "average_attempts PASS",
                "escalation_rate PASS", "first_time_right PASS", "time_to_approval_p95 PASS", "correction_loop PASS",
                "throughput PASS", "cost_per_card PASS", "total_cost PASS", "high_cost_cards PASS");
        assertThat(rows).extracting(RunSummary.Row::shown).startsWith("16.9 %", "1.23", "3.6 %", "82.0 %",
                "9 min 0 s", "4 min 10 s", "240 cards/h", "$0.127", "$14.18", "1");
        assertThat(rows.get(0).limit()).isEqualTo(0.10);
        assertThat(rows.get(4).value()).isEqualTo(540.0);
    }

    @Test
    void limitsAreStrictAndFirstTimeRightMustExceedItsTarget() {
        List<RunSummary.Row> rows = RunSummary.rows(metrics(120, 0.10, 0.80, "18"), 120);
        assertThat(results(rows)).contains("rejection_rate MISS", "first_time_right MISS", "total_cost MISS");
    }

    @Test
    void theTotalCostTargetScalesWithTheBacklog() {
        RunSummary.Row total = RunSummary.rows(metrics(5, 0, 1, "0.80"), 5).get(8);
        assertThat(total.limit()).isEqualTo(0.75);
        assertThat(total.target()).isEqualTo("< $0.75 ($18 per 120 cards)");
        assertThat(total.pass()).isFalse();
    }

    @Test
    void nothingIsJudgedWhenNoCardRan() {
        assertThat(RunSummary.rows(metrics(0, 0, 0, "0"), 120)).extracting(RunSummary.Row::result).containsOnly("n/a");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(RunSummary.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(RunSummary.duration(Duration.ofMillis(12_400))).isEqualTo("12.4 s");
        assertThat(RunSummary.duration(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
        assertThat(RunSummary.duration(Duration.ofMinutes(130))).isEqualTo("2 h 10 min");
        assertThat(Progress.bar(57, 120)).isEqualTo("[#########-----------]");
    }
}
