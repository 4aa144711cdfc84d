package dev.orquestra.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The harness at tiny sizes on the in-memory journal: a well-formed RESULT line and every card DONE. No timings are checked. */
class EndToEndBenchmarkTest {

    static final String WELL_FORMED = "RESULT bench=e2e( [a-z][a-z0-9_]*=\\S+)+";

    @ParameterizedTest
    @ValueSource(strings = {"independent", "chains", "layered"})
    void runsEveryShapeToTheEnd(String shape) throws Exception {
        EndToEndBenchmark.Options o = EndToEndBenchmark.Options.parse("--cards", "60", "--shape", shape, "--width", "10",
                "--chain-length", "5", "--journal", "memory", "--warmup-cards", "0");

        ResultLine r = EndToEndBenchmark.run(o);

        assertThat(r.line()).matches(WELL_FORMED).doesNotContain("=null");
        assertThat(r.get("status")).isEqualTo("ok");
        assertThat(r.get("done")).isEqualTo("60");
        assertThat(r.get("shape")).isEqualTo(shape);
        assertThat(r.getDouble("cards_per_s")).isPositive();
        assertThat(r.getDouble("calls")).isEqualTo(60 * 4);
        assertThat(r.getDouble("events_per_card")).isGreaterThanOrEqualTo(6);
        int dependent = new Workload(Workload.Shape.parse(shape), 60, 10, 5).cardsWithDependencies();
        assertThat(r.getDouble("dispatch_samples")).isEqualTo(dependent);
        if (dependent > 0) {
            assertThat(r.getDouble("dispatch_p99_ms")).isGreaterThanOrEqualTo(r.getDouble("dispatch_p50_ms"));
        } else {
            assertThat(r.get("dispatch_p99_ms")).isEqualTo("NA");
        }
    }

    @Test
    void runsTheCeleryPipelineWithoutTheListenerAndSummarizesRounds() throws Exception {
        EndToEndBenchmark.Options o = EndToEndBenchmark.Options.parse("--cards", "30", "--shape", "layered", "--width", "10",
                "--pipeline", "celery", "--no-listener", "--warmup-cards", "10", "--rounds", "2");

        ResultLine r = EndToEndBenchmark.run(o);

        assertThat(r.line()).matches(WELL_FORMED);
        assertThat(r.get("status")).isEqualTo("ok");
        assertThat(r.get("done")).isEqualTo("30");
        assertThat(r.getDouble("calls")).isEqualTo(30 * 3);
        assertThat(r.get("dispatch_p99_ms")).isEqualTo("NA");
        assertThat(r.get("runs")).isEqualTo("2");
        assertThat(r.get("warmup_rounds")).isEqualTo("1");
        assertThat(r.get("timed_rounds")).isEqualTo("2");
        assertThat(r.getDouble("cards_per_s_min")).isLessThanOrEqualTo(r.getDouble("cards_per_s_max"));
    }

    @Test
    void runsABacklogFileAndWritesJson(@TempDir Path dir) throws Exception {
        Path backlog = dir.resolve("backlog.json");
        new Workload(Workload.Shape.CHAINS, 20, 50, 4).write(backlog);

        ResultLine r = EndToEndBenchmark.run(EndToEndBenchmark.Options.parse("--backlog", backlog.toString(),
                "--warmup-cards", "5", "--pipeline", "none"));
        ResultLine.writeJson(List.of(r), dir.resolve("out.json"));

        assertThat(r.get("shape")).isEqualTo("file");
        assertThat(r.get("done")).isEqualTo("20");
        assertThat(Files.readString(dir.resolve("out.json"))).contains("\"bench\" : \"e2e\"", "\"done\" : 20",
                "\"chain_length\" : null");
    }

    @Test
    void warmsUpTheAskedRoundsThenWhileTheJitIsBusyUpToTheMaximum() {
        EndToEndBenchmark.Options fixed = EndToEndBenchmark.Options.parse("--warmup-rounds", "3");
        assertThat(EndToEndBenchmark.anotherWarmup(fixed, 2, 50, 50)).isTrue();
        assertThat(EndToEndBenchmark.anotherWarmup(fixed, 3, 50, 50)).as("no JIT threshold: exactly the asked rounds").isFalse();

        EndToEndBenchmark.Options settling = EndToEndBenchmark.Options.parse("--warmup-rounds", "3", "--warmup-jit-pct", "5",
                "--warmup-max-rounds", "6");
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 1, 1, 1)).as("the asked rounds come first").isTrue();
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 3, 2, 30)).isTrue();
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 4, 30, 4.9)).as("one quiet warm-up is not enough").isTrue();
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 4, 3, 4.9)).as("the JIT has settled").isFalse();
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 4, 3, Double.NaN)).as("unknown counts as busy").isTrue();
        assertThat(EndToEndBenchmark.anotherWarmup(settling, 6, 30, 30)).as("the maximum bounds it").isFalse();
    }

    @Test
    void refusesBadOptions() {
        assertThatThrownBy(() -> EndToEndBenchmark.Options.parse("--shape", "star")).hasMessageContaining("'star'");
        assertThatThrownBy(() -> EndToEndBenchmark.Options.parse("--journal", "redis")).hasMessageContaining("'redis'");
        assertThatThrownBy(() -> EndToEndBenchmark.Options.parse("--cards", "0")).hasMessageContaining("--cards");
        assertThatThrownBy(() -> EndToEndBenchmark.Options.parse("--fast")).hasMessageContaining("--fast");
    }
}
