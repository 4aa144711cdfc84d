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

    @Test
    void resultLinesRoundTrip() {
        ResultLine r = new ResultLine("x").text("journal", "h2").number("cards", 10).number("p", 1.23456, 2).na("q");

        assertThat(r.line()).isEqualTo("RESULT bench=x journal=h2 cards=10 p=1.23 q=NA");
        assertThat(ResultLine.parse(r.line()).line()).isEqualTo(r.line());
        assertThatThrownBy(() -> ResultLine.parse("bench=x")).hasMessageContaining("not a RESULT line");
        assertThatThrownBy(() -> r.text("k", "two words")).hasMessageContaining("one word");
    }
}
