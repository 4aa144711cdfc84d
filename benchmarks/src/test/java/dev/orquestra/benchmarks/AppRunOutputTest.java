package dev.orquestra.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parser against the example app's real output. {@code scale-app-run-1000.out} is the stdout of
 * {@code orquestra-example run --backlog backlog-1000.json --data orquestra-data --latency-ms 0..1}
 * on a backlog from {@code ScaleBenchmark --cards 1000 --layer-size 100}; {@code scale-app-run-stopped.out}
 * that of a 5,000-card run stopped by the harness's timeout (SIGTERM) four seconds in.
 */
class AppRunOutputTest {

    static List<String> sample(String name) throws IOException {
        try (InputStream in = AppRunOutputTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void readsAFinishedRun() throws IOException {
        AppRunOutput out = AppRunOutput.parse(sample("scale-app-run-1000.out"));

        assertThat(out.cards()).isEqualTo(1000);
        assertThat(out.finished()).isTrue();
        assertThat(out.quiescent()).isTrue();
        assertThat(out.byStatus()).containsExactly(entry("TODO", 6), entry("AWAITING_HUMAN", 25), entry("DONE", 969));
        assertThat(out.total()).isEqualTo(1000);
        assertThat(out.settled()).isEqualTo(994);
        assertThat(out.costUsd()).isEqualTo(133.65);
        assertThat(out.tokens()).isEqualTo(42_957_683L);
        assertThat(out.waitingOnReview()).isEqualTo(6);
        AppRunOutput.Progress last = out.lastProgress().orElseThrow();
        assertThat(last.line()).isEqualTo("progress: 969/1000 done, 0 in flight, 25 awaiting review, $133.65, 4 s");
        assertThat(last.done()).isEqualTo(969);
        assertThat(last.awaitingReview()).isEqualTo(25);
        assertThat(last.seconds()).isEqualTo(4);
        assertThat(last.settled()).isEqualTo(994);
    }

    @Test
    void keepsTheLastProgressLineOfAStoppedRun() throws IOException {
        AppRunOutput out = AppRunOutput.parse(sample("scale-app-run-stopped.out"));

        assertThat(out.cards()).isEqualTo(5000);
        assertThat(out.finished()).isFalse();
        assertThat(out.quiescent()).isFalse();
        assertThat(out.costUsd()).isNaN();
        assertThat(out.tokens()).isEqualTo(-1);
        AppRunOutput.Progress last = out.lastProgress().orElseThrow();
        assertThat(last.total()).isEqualTo(5000);
        assertThat(last.inFlight()).isEqualTo(3759);
        assertThat(last.settled()).isZero();
        assertThat(last.notStarted()).isEqualTo(1241);
    }

    @Test
    void readsAbortedAndCancelledCardsAndSingularForms() {
        AppRunOutput out = AppRunOutput.parse(List.of(
                "Running 'One' (hello.json, 1 card) in data with seed 77",
                "progress: 90/120 done, 2 in flight, 3 awaiting review, 4 aborted, 5 cancelled, $7.12, 3 s",
                "Cards by status: AWAITING_HUMAN 1, DONE 110, ABORTED 4, CANCELLED 5",
                "Cost: $12.00 in total",
                "1 card awaits review; 1 more card waits on it:"));

        assertThat(out.cards()).isEqualTo(1);
        AppRunOutput.Progress p = out.lastProgress().orElseThrow();
        assertThat(p.aborted()).isEqualTo(4);
        assertThat(p.cancelled()).isEqualTo(5);
        assertThat(p.settled()).isEqualTo(102);
        assertThat(p.costUsd()).isEqualTo(7.12);
        assertThat(out.settled()).isEqualTo(120);
        assertThat(out.tokens()).isEqualTo(-1);
        assertThat(out.costUsd()).isEqualTo(12.0);
        assertThat(out.waitingOnReview()).isEqualTo(1);
    }

    @Test
    void aRunWithNothingToCountAndAStatusLineItCannotRead() {
        assertThat(AppRunOutput.parse(List.of("Cards by status: none")).finished()).isFalse();
        assertThat(AppRunOutput.parse(List.of()).lastProgress()).isEmpty();
        assertThatThrownBy(() -> AppRunOutput.parse(List.of("Cards by status: DONE 3, lots")))
                .hasMessageContaining("'lots'").hasMessageContaining("Cards by status");
    }

    private static java.util.Map.Entry<String, Integer> entry(String status, int count) {
        return java.util.Map.entry(status, count);
    }
}
