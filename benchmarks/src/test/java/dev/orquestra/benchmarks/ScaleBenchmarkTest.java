package dev.orquestra.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale harness without the app: the generated backlog, and {@link ScaleBenchmark#measure} driving a
 * stand-in launcher (a shell script that prints the app's captured output, or hangs) so that the RESULT
 * line, the environment and the timeout can be checked in seconds.
 */
class ScaleBenchmarkTest {

    static final String WELL_FORMED = "RESULT bench=scale journal=h2 cards=\\d+ latency_ms=\\S+ seed=\\d+ layer_size=\\d+"
            + " dependent_percent=\\d+ with_dependencies=\\d+ dependencies=\\d+ max_dependents=\\d+ mean_dependents=\\S+"
            + " backlog_bytes=\\d+ wall_s=\\S+ cards_per_s=\\S+( [a-z][a-z0-9_]*=\\S+)* status=(ok|timeout|failed)";

    private static String generate(int cards, long seed, int layerSize) throws IOException {
        StringWriter out = new StringWriter();
        ScaleBenchmark.generate(cards, seed, layerSize, 33, out);
        return out.toString();
    }

    @Test
    void generatesTheSameValidBacklogForTheSameSeed() throws IOException {
        String json = generate(3_000, 7, 300);

        Backlog backlog = BacklogReader.standard().parse(json);

        assertThat(generate(3_000, 7, 300)).isEqualTo(json);
        assertThat(generate(3_000, 8, 300)).isNotEqualTo(json);
        assertThat(backlog.cards()).hasSize(3_000);
        assertThat(backlog.project()).isEqualTo("Synthetic scale 3000");
        assertThat(Role.standard()).hasSize(6);
        assertThat(backlog.cards()).extracting(CardSpec::owner).containsAll(Role.standard());
        assertThat(backlog.cards().get(0).metadata()).containsKeys("phase", "requirement", "estimate_hours", "tags",
                "acceptance_criteria");
        assertThat(backlog.cards().stream().map(CardSpec::priority).distinct().count()).isEqualTo(4);
    }

    @Test
    void aboutAThirdOfTheCardsDependOnOneOrTwoCardsOfTheLayerBefore() throws IOException {
        int cards = 10_000;
        int layerSize = 1_000;
        StringWriter out = new StringWriter();
        LoadBenchmark.Generated generated = ScaleBenchmark.generate(cards, 42, layerSize, 33, out);
        Backlog backlog = BacklogReader.standard().parse(out.toString());

        Map<CardId, Integer> position = new HashMap<>();
        for (int i = 0; i < cards; i++) {
            position.put(backlog.cards().get(i).id(), i);
        }
        int withDependencies = 0;
        for (int i = 0; i < cards; i++) {
            List<CardId> deps = backlog.cards().get(i).dependencies();
            int layer = i / layerSize;
            if (layer == 0) {
                assertThat(deps).as("card %d of the first layer", i).isEmpty();
            }
            assertThat(deps).hasSizeLessThanOrEqualTo(2).doesNotHaveDuplicates();
            for (CardId dep : deps) {
                assertThat(position.get(dep) / layerSize).as("layer of %s, a dependency of card %d", dep, i)
                        .isEqualTo(layer - 1);
            }
            withDependencies += deps.isEmpty() ? 0 : 1;
        }
        assertThat(generated.withDependencies()).isEqualTo(withDependencies);
        assertThat(generated.layers()).isEqualTo(10);
        // 33 % of the nine layers after the first: 29.7 % of all cards
        assertThat(withDependencies / (double) cards).isBetween(0.27, 0.32);
        assertThat(generated.dependencyCount()).isBetween((long) (withDependencies * 1.2), (long) (withDependencies * 1.45));

        double[] dependents = ScaleBenchmark.transitiveDependents(generated);
        assertThat(dependents[1]).as("mean transitive dependents").isBetween(0.3, 1.0);
        assertThat(dependents[0]).as("most transitive dependents of one card").isLessThanOrEqualTo(40);
    }

    @Test
    void countsTransitiveDependents() {
        // 0 <- 1 <- 2, and 0 <- 3: card 0 has three dependents, card 1 one
        LoadBenchmark.Generated g = new LoadBenchmark.Generated(new String[] {"BE-1", "BE-2", "BE-3", "BE-4"},
                new int[][] {{}, {0}, {1}, {0}}, 2);

        assertThat(ScaleBenchmark.transitiveDependents(g)).containsExactly(3.0, 1.0);
    }

    @Test
    void loadBenchmarkKeepsItsDenseBacklog() {
        Backlog backlog = Backlog.parse(LoadBenchmark.generate(200, 42));

        assertThat(backlog.project()).isEqualTo("Synthetic load 200");
        assertThat(backlog.cards().subList(50, 200)).allSatisfy(c -> assertThat(c.dependencies()).hasSizeBetween(1, 3));
    }

    @Test
    void namesWhatWentWrongWithARun() throws IOException {
        AppRunOutput finished = AppRunOutput.parse(AppRunOutputTest.sample("scale-app-run-1000.out"));
        AppRunOutput stopped = AppRunOutput.parse(AppRunOutputTest.sample("scale-app-run-stopped.out"));

        assertThat(ScaleBenchmark.Outcome.of(false, 0, finished, 1000)).isEqualTo(new ScaleBenchmark.Outcome("ok", null));
        assertThat(ScaleBenchmark.Outcome.of(true, 143, stopped, 5000)).isEqualTo(new ScaleBenchmark.Outcome("timeout", null));
        assertThat(ScaleBenchmark.Outcome.of(false, 1, finished, 1000).reason()).isEqualTo("exit_1");
        assertThat(ScaleBenchmark.Outcome.of(false, 0, stopped, 5000).reason()).isEqualTo("no_cards_by_status_line");
        assertThat(ScaleBenchmark.Outcome.of(false, 0, finished, 2000).reason()).isEqualTo("counted_1000_cards");
    }

    @Test
    void countsAStoppedRunFromItsLastProgressLine() throws IOException {
        ResultLine r = new ResultLine("scale");

        int settled = ScaleBenchmark.counts(r, AppRunOutput.parse(AppRunOutputTest.sample("scale-app-run-stopped.out")), 4.0);

        assertThat(settled).isZero();
        assertThat(r.line()).isEqualTo("RESULT bench=scale wall_s=4.00 cards_per_s=0.0 settled=0 done=0 awaiting_review=0"
                + " cancelled=0 aborted=0 todo=1241 in_flight=3759 waiting_on_review=NA");
        ResultLine none = new ResultLine("scale");
        ScaleBenchmark.counts(none, AppRunOutput.parse(List.of()), 1.0);
        assertThat(none.get("cards_per_s")).isEqualTo("NA");
    }

    @Test
    void refusesBadOptions(@TempDir Path dir) throws IOException {
        Path launcher = fakeLauncher(dir, "echo fake");
        String l = launcher.toString();

        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(dir, "--launcher", l, "--latency-ms", "fast"))
                .hasMessageContaining("--latency-ms").hasMessageContaining("'fast'");
        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(dir, "--launcher", l, "--dependent-percent", "120"))
                .hasMessageContaining("at most 100");
        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(dir, "--launcher", dir.resolve("nothing").toString()))
                .hasMessageContaining("not an executable file");
        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(dir, "--launcher", l, "--cards", "10,0"))
                .hasMessageContaining("'0'");
        ScaleBenchmark.Options o = ScaleBenchmark.Options.parse(dir, "--launcher", l);
        assertThat(o.cards()).containsExactly(10_000, 20_000, 50_000, 100_000);
        assertThat(o.latency()).isEqualTo("0..1");
        assertThat(o.timeoutFor(100_000)).isEqualTo(2_060);
        assertThat(o.timeoutFor(10_000)).isEqualTo(260);
        assertThat(o.out().startsWith(dir.resolve("benchmarks/target"))).as(o.out().toString()).isTrue();
        assertThat(ScaleBenchmark.Options.parse(dir, "--launcher", l, "--timeout-s", "5").timeoutFor(100_000)).isEqualTo(5);
    }

    @Test
    void findsTheLauncherInTheFirstDirectoryAboveAStartThatHasOne(@TempDir Path dir) throws IOException {
        Path launcher = fakeLauncher(dir, "echo fake");
        Path below = Files.createDirectories(dir.resolve("benchmarks/target/classes"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve(ScaleBenchmark.LAUNCHER), "not executable");

        assertThat(ScaleBenchmark.findLauncher(List.of(elsewhere, below))).isEqualTo(launcher);
        Files.delete(launcher);
        assertThatThrownBy(() -> ScaleBenchmark.findLauncher(List.of(below))).hasMessageContaining("--launcher PATH")
                .hasMessageContaining(below.toString());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void runsTheLauncherAsAUserWouldAndReadsItsOutput(@TempDir Path dir) throws Exception {
        Path sample = dir.resolve("sample.out");
        Files.write(sample, AppRunOutputTest.sample("scale-app-run-1000.out"), StandardCharsets.UTF_8);
        Path launcher = fakeLauncher(dir, ""
                + "case \"$1\" in\n"
                + "  --version) echo 'fake orquestra-example' ;;\n"
                + "  run) printf '%s\\n' \"$@\" > args.txt\n"
                + "       echo \"${ORQUESTRA_JAVA_OPTS-unset} ${ORQUESTRA_EXAMPLE_SKIP_BUILD-unset}\" > env.txt\n"
                + "       pwd > cwd.txt\n"
                + "       mkdir -p orquestra-data/app-artefacts\n"
                + "       head -c 2097152 /dev/zero > orquestra-data/orquestra.mv.db\n"
                + "       head -c 1048576 /dev/zero > orquestra-data/app-artefacts/design.md\n"
                + "       sleep 0.5\n"
                + "       cat '" + sample + "' ;;\n"
                + "esac\n");
        Path out = dir.resolve("out");
        ScaleBenchmark.Options o = ScaleBenchmark.Options.parse(dir, "--launcher", launcher.toString(), "--out",
                out.toString(), "--layer-size", "100", "--keep-data");

        ResultLine r = ScaleBenchmark.measure(1000, o, ProcessWatch.clockTicks(), "17-test");

        assertThat(r.line()).matches(WELL_FORMED).doesNotContain("=null");
        assertThat(ResultLine.parse(r.line()).line()).isEqualTo(r.line());
        assertThat(r.get("status")).isEqualTo("ok");
        assertThat(r.get("done")).isEqualTo("969");
        assertThat(r.get("awaiting_review")).isEqualTo("25");
        assertThat(r.get("todo")).isEqualTo("6");
        assertThat(r.get("settled")).isEqualTo("994");
        assertThat(r.get("waiting_on_review")).isEqualTo("6");
        assertThat(r.get("exit_code")).isEqualTo("0");
        assertThat(r.get("h2_file_mb")).isEqualTo("2.0");
        assertThat(r.get("data_dir_mb")).isEqualTo("3.0");
        assertThat(r.get("tokens")).isEqualTo("42957683");
        assertThat(r.get("app_run_s")).isEqualTo("4");
        assertThat(r.get("java")).isEqualTo("17-test");
        assertThat(r.get("java_opts")).isEqualTo("launcher_default");
        assertThat(r.get("last_progress")).isEqualTo("progress:_969/1000_done,_0_in_flight,_25_awaiting_review,_$133.65,_4_s");
        assertThat(r.getDouble("wall_s")).isPositive();
        assertThat(r.getDouble("wall_s")).isGreaterThanOrEqualTo(0.5);
        assertThat(r.getDouble("cards_per_s")).isCloseTo(994 / r.getDouble("wall_s"), withinPercentage(2));
        assertThat(r.getDouble("backlog_bytes")).isEqualTo(Files.size(out.resolve("scale-1000/backlog-1000.json")));
        assertThat(r.getDouble("peak_rss_mb")).isGreaterThanOrEqualTo(0);
        for (String key : List.of("cpu_s", "peak_threads", "timeout_s", "loadavg_1m_at_start", "cpus", "app_jar")) {
            assertThat(r.has(key)).as(key).isTrue();
        }

        Path run = out.resolve("scale-1000");
        assertThat(Files.readAllLines(run.resolve("args.txt")))
                .containsExactly("run", "--backlog", "backlog-1000.json", "--data", "orquestra-data", "--latency-ms", "0..1");
        assertThat(Files.readString(run.resolve("env.txt")).strip()).isEqualTo("unset true");
        assertThat(Path.of(Files.readString(run.resolve("cwd.txt")).strip()).toRealPath()).isEqualTo(run.toRealPath());
        assertThat(out.resolve("logs/scale-1000-app.out")).hasSameTextualContentAs(sample);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void stopsARunThatOutlivesItsTimeoutAndReportsWhereItStood(@TempDir Path dir) throws Exception {
        Path launcher = fakeLauncher(dir, ""
                + "echo \"Running 'Synthetic scale 500' (backlog-500.json, 500 cards) in orquestra-data with seed 77\"\n"
                + "echo 'progress: 120/500 done, 30 in flight, 2 awaiting review, $12.00, 1 s'\n"
                + "mkdir -p orquestra-data\n"
                + "sleep 60 &\n"
                + "echo $! > \"" + dir.resolve("sleep.pid") + "\"\n"
                + "wait\n"
                + "echo 'Cards by status: DONE 500'\n");
        ScaleBenchmark.Options o = ScaleBenchmark.Options.parse(dir, "--launcher", launcher.toString(), "--out",
                dir.resolve("out").toString(), "--timeout-s", "1", "--layer-size", "100");

        long t0 = System.nanoTime();
        ResultLine r = ScaleBenchmark.measure(500, o, ProcessWatch.clockTicks(), "17-test");

        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
        assertThat(r.line()).matches(WELL_FORMED);
        assertThat(r.get("status")).isEqualTo("timeout");
        assertThat(r.get("done")).isEqualTo("120");
        assertThat(r.get("awaiting_review")).isEqualTo("2");
        assertThat(r.get("in_flight")).isEqualTo("30");
        assertThat(r.get("todo")).isEqualTo("348");
        assertThat(r.get("settled")).isEqualTo("122");
        assertThat(r.getDouble("wall_s")).isBetween(1.0, 2.0);
        assertThat(r.get("last_progress")).isEqualTo("progress:_120/500_done,_30_in_flight,_2_awaiting_review,_$12.00,_1_s");
        long sleeper = Long.parseLong(Files.readString(dir.resolve("sleep.pid")).strip());
        assertThat(ProcessHandle.of(sleeper).filter(ProcessHandle::isAlive)).as("the launcher's child, stopped").isEmpty();
        assertThat(dir.resolve("out/scale-500")).as("the data directory, deleted once measured").doesNotExist();
    }

    private static Path fakeLauncher(Path dir, String body) throws IOException {
        Path launcher = dir.resolve(ScaleBenchmark.LAUNCHER);
        Files.writeString(launcher, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }
}
