package dev.orquestra.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummarizeTest {

    private static ResultLine e2e(String journal, double cps) {
        return ResultLine.parse("RESULT bench=e2e journal=" + journal + " shape=layered cards=1000 width=50 chain_length=NA"
                + " pipeline=celery concurrency=5 task_ms=0.0 cards_per_s=" + cps + " dispatch_p50_ms=1.5 status=ok");
    }

    private static ResultLine celery(String variant, double cps) {
        return ResultLine.parse("RESULT bench=celery variant=" + variant + " shape=layered cards=1000 concurrency=5"
                + " cards_per_s=" + cps + " dispatch_p50_ms=5.1 tasks=3000 width=50 chain_length=NA tracking=poll"
                + " poll_ms=20.0 task_ms=0.0 safety_net_hits=NA celery_version=5.2.6");
    }

    @Test
    void foldsRepeatedRunsIntoMediansWithSpread() {
        List<ResultLine> s = Summarize.summarize(List.of(e2e("h2", 100), e2e("h2", 300), e2e("h2", 200), e2e("memory", 900)));

        assertThat(s).hasSize(2);
        assertThat(s.get(0).get("cards_per_s")).isEqualTo("200.0");
        assertThat(s.get(0).get("cards_per_s_min")).isEqualTo("100.0");
        assertThat(s.get(0).get("cards_per_s_max")).isEqualTo("300.0");
        assertThat(s.get(0).get("runs")).isEqualTo("3");
        assertThat(s.get(1).get("runs")).isEqualTo("1");
    }

    @Test
    void comparesWithBothCeleryVariantsAndEndsWithTheHeadline() {
        List<ResultLine> s = Summarize.summarize(List.of(e2e("memory", 800), e2e("h2", 200), celery("seed", 80),
                celery("seed", 100), celery("tuned", 50)));

        List<ResultLine> c = Summarize.compare(s, null);

        assertThat(c).hasSize(2);
        ResultLine last = c.get(c.size() - 1);
        assertThat(last.line()).startsWith("RESULT bench=compare workload=layered-1000-w50 journal=h2")
                .contains("ratio_vs_celery_tuned=4.00", "ratio_vs_celery_seed=2.22", "celery_seed_cards_per_s=90.0");
        assertThat(c.get(0).get("ratio_vs_celery_tuned")).isEqualTo("16.00");
    }

    @Test
    void saysWhenCeleryDidNotRun() {
        List<ResultLine> c = Summarize.compare(Summarize.summarize(List.of(e2e("h2", 200))), null);

        assertThat(c.get(0).get("status")).isEqualTo("celery_unavailable");
        assertThat(c.get(0).get("ratio_vs_celery_tuned")).isEqualTo("NA");
    }

    private static ResultLine scale(int cards, double wallS, double rssMb, String status) {
        return ResultLine.parse("RESULT bench=scale journal=h2 cards=" + cards + " latency_ms=0..1 seed=42 layer_size=1000"
                + " dependent_percent=33 backlog_bytes=" + cards * 640 + " wall_s=" + wallS + " cards_per_s="
                + Math.round(cards / wallS * 10) / 10.0 + " done=" + cards + " awaiting_review=0 todo=0 peak_rss_mb=" + rssMb
                + " cpu_s=" + wallS * 1.5 + " h2_file_mb=1.0 exit_code=0 timeout_s=" + (60 + cards / 50)
                + " last_progress=progress:_1/2_done loadavg_1m_at_start=1.00 cpus=2 java=17 status=" + status);
    }

    @Test
    void foldsScaleRunsPerSizeAndKeepsATimedOutSizeAsItWas() {
        List<ResultLine> s = Summarize.summarize(List.of(scale(10_000, 20.0, 500.0, "ok"), scale(20_000, 44.0, 800.0, "ok"),
                scale(10_000, 30.0, 520.0, "ok"), scale(50_000, 1060.0, 900.0, "timeout")));

        assertThat(s).hasSize(3);
        ResultLine ten = s.get(0);
        assertThat(ten.get("cards")).isEqualTo("10000");
        assertThat(ten.get("runs")).isEqualTo("2");
        assertThat(ten.get("wall_s")).isEqualTo("25.0");
        assertThat(ten.get("wall_s_min")).isEqualTo("20.0");
        assertThat(ten.get("peak_rss_mb_max")).isEqualTo("520.0");
        assertThat(ten.get("cpu_s_min")).isEqualTo("30.0");
        assertThat(ten.get("latency_ms")).isEqualTo("0..1");
        assertThat(ten.get("timeout_s")).isEqualTo("260");
        assertThat(ten.get("seed")).isEqualTo("42");
        assertThat(s.get(2).get("status")).isEqualTo("timeout");
        assertThat(s.get(2).has("runs")).isFalse();
    }

    @Test
    void drawsTheScaleCurveWithItsGrowthExponent() {
        List<ResultLine> s = Summarize.summarize(List.of(scale(20_000, 40.0, 800.0, "ok"), scale(10_000, 20.0, 500.0, "ok"),
                scale(40_000, 160.0, 1200.0, "ok"), scale(100_000, 2060.0, 1500.0, "timeout")));

        List<ResultLine> curves = Summarize.scaleCurves(s);

        assertThat(curves).singleElement().satisfies(c -> {
            assertThat(c.line()).startsWith("RESULT bench=scale_curve journal=h2 latency_ms=0..1 layer_size=1000");
            assertThat(c.get("sizes")).isEqualTo("10000,20000,40000");
            assertThat(c.get("cards_per_s")).isEqualTo("500.0,500.0,250.0");
            assertThat(c.get("s_per_1k_cards")).isEqualTo("2.000,2.000,4.000");
            assertThat(c.get("peak_rss_mb")).isEqualTo("500.0,800.0,1200.0");
            assertThat(c.get("wall_growth_exponents")).isEqualTo("1.00,2.00");
            assertThat(c.get("wall_growth_exponent")).isEqualTo("1.50");
            assertThat(c.get("not_ok")).isEqualTo("100000:timeout");
            assertThat(c.get("status")).isEqualTo("incomplete");
        });
        assertThat(Summarize.markdown(curves)).contains("#### scale_curve", "| h2 | 0..1 | 10000,20000,40000 |");
        assertThat(Summarize.markdown(s)).contains("#### scale", "| 10000 | ok | 20.0 | 500.0 |", "| 100000 | timeout |");
    }

    @Test
    void aSingleScaleSizeHasNoGrowthExponent() {
        List<ResultLine> curves = Summarize.scaleCurves(Summarize.summarize(List.of(scale(1_000, 5.0, 300.0, "ok"))));

        assertThat(curves).singleElement().satisfies(c -> {
            assertThat(c.get("sizes")).isEqualTo("1000");
            assertThat(c.get("wall_growth_exponent")).isEqualTo("NA");
            assertThat(c.get("status")).isEqualTo("ok");
        });
        assertThat(Summarize.scaleCurves(Summarize.summarize(List.of(e2e("h2", 100))))).isEmpty();
    }

    @Test
    void resultLinesRoundTrip() {
        ResultLine r = new ResultLine("x").text("journal", "h2").number("cards", 10).number("p", 1.23456, 2).na("q");

        assertThat(r.line()).isEqualTo("RESULT bench=x journal=h2 cards=10 p=1.23 q=NA");
        assertThat(ResultLine.parse(r.line()).line()).isEqualTo(r.line());
        assertThatThrownBy(() -> ResultLine.parse("bench=x")).hasMessageContaining("not a RESULT line");
        assertThatThrownBy(() -> r.text("k", "two words")).hasMessageContaining("one word");
    }
}
