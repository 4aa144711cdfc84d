package dev.orquestra.benchmarks;

import dev.orquestra.internal.backlog.BacklogGraphs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.internal.backlog.DependencyGraph;
import dev.orquestra.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadBenchmarkTest {

    private static final String RESULT_LINE =
            "RESULT bench=load journal=none cards=1000 median_ms=\\d+\\.\\d min_ms=\\d+\\.\\d max_ms=\\d+\\.\\d"
                    + " cards_per_s=\\d+ bytes=\\d+ rounds=\\d+ warmup=\\d+ source=(file|string) .*status=ok";

    @Test
    void generatesAValidLayeredBacklogDeterministically() {
        String json = LoadBenchmark.generate(1_000, 7);

        Backlog backlog = Backlog.parse(json);
        DependencyGraph graph = BacklogGraphs.of(backlog);

        assertThat(LoadBenchmark.generate(1_000, 7)).isEqualTo(json);
        assertThat(LoadBenchmark.generate(1_000, 8)).isNotEqualTo(json);
        assertThat(graph.size()).isEqualTo(1_000);
        assertThat(backlog.cards().subList(0, 50)).allSatisfy(c -> assertThat(c.dependencies()).isEmpty());
        assertThat(backlog.cards().subList(50, 1_000)).allSatisfy(c -> assertThat(c.dependencies()).hasSizeBetween(1, 3));
        assertThat(backlog.cards()).extracting(CardSpec::owner).containsAll(Role.standard());
        assertThat(backlog.cards().get(0).metadata()).containsKeys("phase", "requirement", "estimate_hours", "tags",
                "acceptance_criteria");
        assertThat(graph.criticalPath(backlog.cards().get(0).id())).isLessThanOrEqualTo(19);
        assertThat(backlog.cards().stream().mapToInt(c -> graph.criticalPath(c.id())).max().orElseThrow())
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void measuresAndPrintsAWellFormedResultLine() throws IOException {
        LoadBenchmark.Result result = LoadBenchmark.measure(1_000, LoadBenchmark.Options.parse("--rounds", "2", "--warmup", "0"));

        assertThat(result.line()).matches(RESULT_LINE);
        assertThat(result.bytes()).isEqualTo(LoadBenchmark.generate(1_000, 42).getBytes(StandardCharsets.UTF_8).length);
        assertThat(result.minMs()).isLessThanOrEqualTo(result.medianMs());
        assertThat(result.medianMs()).isLessThanOrEqualTo(result.maxMs());
    }

    @Test
    void mainPrintsResultsAndWritesJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("out/load.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoadBenchmark.main(new String[] {"--cards", "1000", "--rounds=1", "--warmup", "0", "--source", "string",
                "--json", json.toString()});
        } finally {
            System.setOut(original);
        }

        List<String> results = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT")).toList();
        assertThat(results).singleElement().asString().matches(RESULT_LINE);
        assertThat(Files.readString(json)).startsWith("[").contains("\"bench\" : \"load\"", "\"cards\" : 1000",
                "\"median_ms\"", "\"source\" : \"string\"");
    }

    @Test
    void refusesBadOptions() {
        assertThatThrownBy(() -> LoadBenchmark.Options.parse("--cards", "10,x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> LoadBenchmark.Options.parse("--rounds", "0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> LoadBenchmark.Options.parse("--fast")).hasMessageContaining("--fast");
        assertThat(LoadBenchmark.Options.parse().cards()).containsExactly(1_000, 10_000, 100_000);
    }
}
