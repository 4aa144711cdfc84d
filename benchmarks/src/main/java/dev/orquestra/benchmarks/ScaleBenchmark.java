package dev.orquestra.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The scale harness: runs the example app the way a user does, on backlogs of 10,000 to 100,000 cards,
 * and measures each run from the outside. For every size it generates a seed-format backlog, starts
 * {@code ./orquestra-example run --backlog FILE --data DIR --latency-ms 0..1} in a fresh data
 * directory (the default H2 store) with the launcher's default JVM options, and times the process
 * from start to exit while it samples the process's peak RSS.
 *
 * <pre>
 * benchmarks/run --scale                                 # 10,000 / 20,000 / 50,000 / 100,000 cards
 * benchmarks/run --scale --cards 1000,5000
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     dev.orquestra.benchmarks.ScaleBenchmark --cards 1000,5000 --json target/scale.json
 * </pre>
 *
 * <p><b>The backlog</b> has the realistic cards of {@link LoadBenchmark#generate(int, long)} (titles,
 * descriptions, six roles, priorities, tags, acceptance criteria), but a sparse layered DAG: layers of
 * {@code --layer-size} cards (1,000), and {@code --dependent-percent} (33) of the cards outside the first
 * layer depend on one or two cards of the layer just before. The app's simulated squad escalates a few
 * per cent of its cards to human review, and whatever depends on them waits: in a dense DAG that is
 * most of the backlog (1,813 of 2,000 cards behind 7 escalations), so the run would measure little.
 * Here a card has under half a direct dependent on average, and the chains behind an escalation stay short; the
 * harness prints how many cards have dependencies and how many cards, at most and on average, depend
 * on one card transitively ({@code max_dependents}, {@code mean_dependents}).
 *
 * <p><b>The run</b>: the app is built once first ({@code orquestra-example --version} builds it when it
 * is stale), so no build is timed. Each run then gets {@code ORQUESTRA_EXAMPLE_SKIP_BUILD=true}: an
 * edit someone makes to the sources meanwhile would otherwise start a build inside the timed window,
 * and the sizes would measure different code ({@code app_jar} names the jar each size ran).
 * {@code ORQUESTRA_JAVA_OPTS} is removed from the environment, so the JVM gets the launcher's defaults.
 * The working directory is the data directory's parent, and {@code --data} is relative to it, as a
 * user would type it. The app's stdout and stderr go to {@code OUT/logs/scale-N-app.out} and
 * {@code .err}; its progress lines are echoed to this harness's stderr as they come.
 *
 * <p><b>The figures</b>, one {@code RESULT bench=scale journal=h2 cards=N ...} line per size:
 * <ul>
 *   <li>{@code wall_s}: from starting the launcher to the exit of its process (the JVM's start,
 *       loading and submitting the backlog, the run, the final report and the engine's close);
 *       {@code app_run_s} is the app's own clock (whole seconds since it began following the run) at its
 *       last progress line, which comes at quiescence: a run that exits long after it spent the
 *       difference in its final report or its close;</li>
 *   <li>{@code cards_per_s}: cards that reached DONE, AWAITING_HUMAN, CANCELLED or ABORTED
 *       ({@code settled}), divided by {@code wall_s};</li>
 *   <li>{@code done}, {@code awaiting_review}, {@code cancelled}, {@code aborted}, {@code todo} (cards
 *       that never started: blocked behind an escalation), {@code waiting_on_review}: from the app's
 *       final {@code Cards by status} line and its list of cards awaiting review; {@code cost_usd} and
 *       {@code tokens} from its {@code Cost} line;</li>
 *   <li>{@code peak_rss_mb}: the process tree sampled every 200 ms, the larger of the JVM's own
 *       {@code VmHWM} and the highest sum of {@code VmRSS} (see {@link ProcessWatch});
 *       {@code peak_threads} likewise;</li>
 *   <li>{@code cpu_s}: user + system CPU of the process and its descendants, from this JVM's
 *       children times once the process is reaped ({@code cpu_source=rusage_children}; the last
 *       sample's {@code /proc/<pid>/stat} otherwise, {@code cpu_source=sampled});</li>
 *   <li>{@code h2_file_mb}: {@code orquestra.mv.db} at the end; {@code data_dir_mb}: the whole data
 *       directory (with the artefacts the simulated owners wrote); {@code backlog_bytes}: the file;</li>
 *   <li>{@code exit_code}, {@code status}: {@code ok} (exit 0, quiescent, every card counted),
 *       {@code timeout} or {@code failed}; and the machine: load, cores, the app's JDK.</li>
 * </ul>
 * A run that outlives {@code --timeout-s} (default 60 s + 20 ms per card) is stopped, SIGTERM and then
 * SIGKILL to the whole process tree, and reported with {@code status=timeout}: its counts come from
 * the last progress line ({@code last_progress}), {@code todo} is then every card not settled and not
 * in flight, and {@code wall_s} ends at the timeout ({@code stop_s} is how long the stop took). A stall
 * is a result, not a hang. A run that exits without its final lines ({@code status=failed},
 * {@code reason=exit_1} for instance) is counted from its last progress line the same way.
 * {@code --no-build} skips the build and runs the jar as it is (while the sources do not compile,
 * say).
 *
 * <p>Each data directory (and backlog) is deleted once measured unless {@code --keep-data}: 20,000
 * cards have left 0.9 to 3.4 GB. The exit code is 0 when every size ended {@code ok}, 1 otherwise.
 */
public final class ScaleBenchmark {

    static final String USAGE = """
            usage: ScaleBenchmark [options]
              --cards N[,N...]        backlog sizes, one run each (default 10000,20000,50000,100000)
              --seed S                seed of the generated backlogs (default 42; the app's own --seed stays 77)
              --latency-ms MIN..MAX   passed to the app: latency of every simulated call (default 0..1)
              --timeout-s S           stop a run after S seconds (default 60 + 0.02 per card)
              --layer-size W          cards per layer of the DAG (default 1000)
              --dependent-percent P   cards outside the first layer with dependencies, in % (default 33)
              --launcher PATH         the app's launcher (default: ./orquestra-example of the repository
                                      above these classes, or above the working directory)
              --out DIR               data directories and logs (default REPO/benchmarks/target/scale-TIME)
              --keep-data             keep each backlog and data directory (default: delete once measured)
              --no-build              run the app's jar as it is, even when its sources are newer
              --json FILE             also write the RESULT figures as JSON
            Prints '#' progress lines on stderr and one RESULT line per size on stdout.""";

    private static final Set<String> OPTIONS = Set.of("--cards", "--seed", "--latency-ms", "--timeout-s", "--layer-size",
            "--dependent-percent", "--launcher", "--out", "--json");
    private static final Set<String> FLAGS = Set.of("--keep-data", "--no-build");
    private static final Pattern LATENCY = Pattern.compile("\\d+(\\.\\.\\d+)?");
    /** Maven colours its output even in a file; the build's last line is quoted without the escapes. */
    private static final Pattern ANSI_COLOUR = Pattern.compile("\\x1B\\[[0-9;]*m");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more).*");

    static final String LAUNCHER = "orquestra-example";
    /** Where the launcher keeps the jar it runs, relative to the repository (named in {@code app_jar}). */
    private static final String APP_JAR = "examples/target/orquestra-example.jar";
    private static final String DATA_DIR = "orquestra-data";
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);
    /** How often a line says the run is still going when the app prints no progress. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(60);
    /** Time the app gets after SIGTERM to close its engine (its shutdown hook) before SIGKILL. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    /** Stop counting transitive dependents past this many visits: a dense graph would take quadratic time. */
    private static final long DEPENDENT_VISITS = 50_000_000L;

    private ScaleBenchmark() {
    }

    /** The command-line options. */
    record Options(List<Integer> cards, long seed, String latency, int timeoutSeconds, int layerSize,
                   int dependentPercent, Path launcher, Path out, boolean keepData, boolean build, Path json) {

        static Options parse(Path cwd, String... args) {
            Args a = Args.parse(args, OPTIONS, FLAGS, USAGE);
            if (a.help()) {
                throw new EndToEndBenchmark.HelpRequested(USAGE);
            }
            String latency = a.string("--latency-ms", "0..1");
            if (!LATENCY.matcher(latency).matches()) {
                throw a.bad("--latency-ms must be MIN..MAX or one number of milliseconds, was '" + latency + "'");
            }
            int percent = a.integer("--dependent-percent", 33, 0);
            if (percent > 100) {
                throw a.bad("--dependent-percent must be at most 100, was " + percent);
            }
            String seed = a.string("--seed", "42");
            long parsedSeed;
            try {
                parsedSeed = Long.parseLong(seed);
            } catch (NumberFormatException e) {
                throw a.bad("--seed must be an integer, was '" + seed + "'");
            }
            String launcher = a.string("--launcher", null);
            Path launcherPath = launcher != null ? Path.of(launcher).toAbsolutePath() : findLauncher(cwd);
            if (!Files.isExecutable(launcherPath)) {
                throw a.bad("--launcher " + launcherPath + " is not an executable file");
            }
            String out = a.string("--out", null);
            Path outPath = out != null ? Path.of(out).toAbsolutePath() : launcherPath.getParent().resolve("benchmarks/target")
                    .resolve("scale-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            String json = a.string("--json", null);
            return new Options(a.integers("--cards", List.of(10_000, 20_000, 50_000, 100_000)), parsedSeed, latency,
                    a.integer("--timeout-s", 0, 1), a.integer("--layer-size", 1000, 1), percent, launcherPath, outPath,
                    a.flag("--keep-data"), !a.flag("--no-build"), json == null ? null : Path.of(json));
        }

        /** {@code --timeout-s}, or 60 s plus 20 ms per card. */
        int timeoutFor(int cards) {
            return timeoutSeconds > 0 ? timeoutSeconds : defaultTimeoutSeconds(cards);
        }
    }

    static int defaultTimeoutSeconds(int cards) {
        return 60 + (int) Math.ceil(cards * 0.020);
    }

    /**
     * The repository's launcher: the first {@code orquestra-example} above the directory these classes
     * were loaded from (the build's {@code benchmarks/target/classes}, or the copy {@code benchmarks/run}
     * makes under {@code benchmarks/target}), or else above the working directory.
     */
    static Path findLauncher(Path cwd) {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(ScaleBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception unknown) {
            // a class loader without a code source: the working directory below still counts
        }
        starts.add(cwd.toAbsolutePath());
        return findLauncher(starts);
    }

    /** The first executable {@code orquestra-example} in a start directory or above it, trying the starts in order. */
    static Path findLauncher(List<Path> starts) {
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(LAUNCHER);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("no executable " + LAUNCHER + " above " + starts
                + "; pass --launcher PATH\n" + USAGE);
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(Path.of(""), args);
        } catch (EndToEndBenchmark.HelpRequested h) {
            System.out.println(h.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.out().resolve("logs"));
        System.err.printf(Locale.ROOT, "# scale: %s cards, latency %s ms, launcher %s, output in %s; harness %s%n",
                o.cards(), o.latency(), o.launcher(), o.out(), Machine.describe());
        long clockTicks = ProcessWatch.clockTicks();
        String buildProblem = buildApp(o);
        String appJava = buildProblem == null ? appJavaVersion() : "NA";
        List<ResultLine> results = new ArrayList<>();
        for (int cards : o.cards()) {
            ResultLine line = buildProblem == null ? measure(cards, o, clockTicks, appJava)
                    : header(cards, o).text("status", "failed").text("reason", "app_build_failed");
            System.out.println(line.line());
            System.out.flush();
            results.add(line);
        }
        if (o.json() != null) {
            ResultLine.writeJson(results, o.json());
        }
        System.exit(results.stream().allMatch(r -> r.get("status").equals("ok")) ? 0 : 1);
    }

    /**
     * Runs {@code orquestra-example --version}, which builds the app when its jar is missing or older
     * than its sources, so that no timed run includes a build. Null when it worked, or what went wrong.
     */
    private static String buildApp(Options o) throws IOException, InterruptedException {
        Path log = o.out().resolve("logs/scale-app-build.log");
        ProcessBuilder pb = new ProcessBuilder(o.launcher().toString(), "--version").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb, !o.build());
        System.err.println("# building the app if stale: " + o.launcher() + " --version (log " + log + ")");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            return "the build took longer than " + BUILD_TIMEOUT.toMinutes() + " minutes";
        }
        String output = ANSI_COLOUR.matcher(Files.readString(log, StandardCharsets.UTF_8)).replaceAll("").strip();
        if (p.exitValue() != 0) {
            System.err.println("# THE APP DID NOT BUILD (exit " + p.exitValue() + "): " + output.lines()
                    .reduce((x, y) -> y).orElse("no output") + "; see " + log);
            return "exit " + p.exitValue();
        }
        System.err.printf(Locale.ROOT, "# %s (%.1f s)%n", output.lines().reduce((x, y) -> y).orElse(""),
                (System.nanoTime() - t0) / 1e9);
        return null;
    }

    /** The environment of a user who did not set ORQUESTRA_JAVA_OPTS, so the launcher's defaults apply. */
    private static void environment(ProcessBuilder pb, boolean skipBuild) {
        Map<String, String> env = pb.environment();
        env.remove("ORQUESTRA_JAVA_OPTS");
        if (skipBuild) {
            env.put("ORQUESTRA_EXAMPLE_SKIP_BUILD", "true");
        } else {
            env.remove("ORQUESTRA_EXAMPLE_SKIP_BUILD");
        }
    }

    /** The runtime version of the {@code java} on the PATH, which the launcher runs; this JVM's when it cannot be asked. */
    private static String appJavaVersion() {
        try {
            Process p = new ProcessBuilder("java", "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out.lines().map(String::strip).filter(l -> l.startsWith("java.runtime.version = "))
                    .map(l -> l.substring("java.runtime.version = ".length()).strip()).findFirst()
                    .orElse(Machine.javaVersion());
        } catch (IOException e) {
            return Machine.javaVersion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Machine.javaVersion();
        }
    }

    // ------------------------------------------------------------------ the backlog

    /**
     * The sparse rule of the scale backlogs: outside the first layer, {@code percent} % of the cards depend
     * on one card of the layer just before, a third of those on two. Each card then has about
     * {@code percent / 100 × 4/3} dependents, well below one, so what waits behind one escalated card
     * stays a handful of cards.
     */
    static LoadBenchmark.DependencyRule sparse(int percent) {
        return (index, layer, layerSize, random) -> {
            if (layer == 0 || random.nextInt(100) >= percent) {
                return new int[0];
            }
            int from = (layer - 1) * layerSize;
            int first = from + random.nextInt(layerSize);
            if (layerSize == 1 || random.nextInt(3) != 0) {
                return new int[] {first};
            }
            int second = from + random.nextInt(layerSize - 1);
            return new int[] {first, second >= first ? second + 1 : second};
        };
    }

    /** Writes the scale backlog of {@code cards} cards to {@code out} (and closes it). */
    static LoadBenchmark.Generated generate(int cards, long seed, int layerSize, int dependentPercent, Writer out)
            throws IOException {
        return LoadBenchmark.generate(cards, seed, "Synthetic scale " + cards, layerSize, sparse(dependentPercent), out);
    }

    /**
     * How many cards depend on each card, directly or not: the most, and the mean over all cards. Past
     * {@value #DEPENDENT_VISITS} visits (a dense graph) both are NaN.
     */
    static double[] transitiveDependents(LoadBenchmark.Generated g) {
        int n = g.cards();
        int[] count = new int[n];
        for (int[] deps : g.dependencies()) {
            for (int d : deps) {
                count[d]++;
            }
        }
        int[][] dependents = new int[n][];
        for (int i = 0; i < n; i++) {
            dependents[i] = new int[count[i]];
        }
        int[] filled = new int[n];
        for (int i = 0; i < n; i++) {
            for (int d : g.dependencies()[i]) {
                dependents[d][filled[d]++] = i;
            }
        }
        int[] seen = new int[n];
        Arrays.fill(seen, -1);
        int[] stack = new int[n];
        long visits = 0;
        long max = 0;
        long sum = 0;
        for (int c = 0; c < n; c++) {
            int top = 0;
            int reached = 0;
            stack[top++] = c;
            seen[c] = c;
            while (top > 0) {
                int at = stack[--top];
                for (int next : dependents[at]) {
                    if (seen[next] != c) {
                        seen[next] = c;
                        stack[top++] = next;
                        reached++;
                        if (++visits > DEPENDENT_VISITS) {
                            return new double[] {Double.NaN, Double.NaN};
                        }
                    }
                }
            }
            max = Math.max(max, reached);
            sum += reached;
        }
        return new double[] {max, n == 0 ? 0 : sum / (double) n};
    }

    // ------------------------------------------------------------------ one size

    /** Generates the backlog, runs the app on it once and returns the RESULT line. */
    static ResultLine measure(int cards, Options o, long clockTicks, String appJava) throws IOException, InterruptedException {
        Path dir = o.out().resolve("scale-" + cards);
        if (Files.exists(dir)) {
            throw new IllegalStateException(dir + " exists already: each run needs a fresh data directory; "
                    + "remove it or choose another --out");
        }
        Files.createDirectories(dir);
        Path backlog = dir.resolve("backlog-" + cards + ".json");
        long g0 = System.nanoTime();
        LoadBenchmark.Generated generated;
        try (Writer w = Files.newBufferedWriter(backlog, StandardCharsets.UTF_8)) {
            generated = generate(cards, o.seed(), o.layerSize(), o.dependentPercent(), w);
        }
        double[] dependents = transitiveDependents(generated);
        long bytes = Files.size(backlog);
        ResultLine r = header(cards, o).number("with_dependencies", generated.withDependencies())
                .number("dependencies", generated.dependencyCount()).number("max_dependents", dependents[0], 0)
                .number("mean_dependents", dependents[1], 2).number("backlog_bytes", bytes);
        System.err.printf(Locale.ROOT, "# %d cards: %s, %,d bytes, %d layer(s) of %d; %,d cards (%.1f %%) have dependencies "
                        + "(%,d in all); one card has at most %.0f transitive dependents, %.2f on average (%.1f s)%n",
                cards, backlog, bytes, generated.layers(), o.layerSize(), generated.withDependencies(),
                100.0 * generated.withDependencies() / cards, generated.dependencyCount(), dependents[0], dependents[1],
                (System.nanoTime() - g0) / 1e9);

        Path logs = Files.createDirectories(o.out().resolve("logs"));
        Path stdout = logs.resolve("scale-" + cards + "-app.out");
        Path stderr = logs.resolve("scale-" + cards + "-app.err");
        String jar = jarDigest(o.launcher().getParent().resolve(APP_JAR));
        List<String> command = List.of(o.launcher().toString(), "run", "--backlog", backlog.getFileName().toString(),
                "--data", DATA_DIR, "--latency-ms", o.latency());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        environment(pb, true);
        int timeout = o.timeoutFor(cards);
        System.err.printf(Locale.ROOT, "# %d cards: (cd %s && %s), timeout %d s, app %s%n", cards, dir,
                String.join(" ", command), timeout, jar);

        double load = Machine.loadAverage();
        Launch run = launch(pb, cards, timeout, stdout, clockTicks);
        ProcessWatch watch = run.watch();

        AppRunOutput out = AppRunOutput.parse(Files.readAllLines(stdout, StandardCharsets.UTF_8));
        long h2 = h2Bytes(dir.resolve(DATA_DIR));
        long data = treeBytes(dir.resolve(DATA_DIR));
        if (!o.keepData()) {
            deleteTree(dir);
        }
        Outcome outcome = Outcome.of(run.timedOut(), run.exitCode(), out, cards);

        int settled = counts(r, out, run.wallS());
        r.number("app_run_s", out.lastProgress().map(l -> (double) l.seconds()).orElse(Double.NaN), 0)
                .number("cost_usd", out.finished() ? out.costUsd()
                        : out.lastProgress().map(AppRunOutput.Progress::costUsd).orElse(Double.NaN), 2)
                .number("tokens", out.tokens() < 0 ? Double.NaN : out.tokens(), 0)
                .number("peak_rss_mb", watch.peakRssMb(), 1).number("cpu_s", watch.cpuSeconds(), 2)
                .number("cpu_utilisation", watch.cpuSeconds() / run.exitedS(), 2)
                .text("cpu_source", watch.cpuSource()).number("peak_threads", watch.peakThreads())
                .number("h2_file_mb", h2 / 1048576.0, 1).number("data_dir_mb", data / 1048576.0, 1)
                .number("exit_code", run.exitCode()).number("timeout_s", timeout);
        if (run.timedOut()) {
            r.number("stop_s", run.exitedS() - run.wallS(), 1);
        }
        r.text("java_opts", "launcher_default").text("app_jar", jar)
                .text("last_progress", out.lastProgress().map(l -> oneWord(l.line())).orElse(null))
                .number("loadavg_1m_at_start", load, 2).number("cpus", Machine.cpus()).text("java", appJava);
        if (outcome.reason() != null) {
            r.text("reason", outcome.reason());
        }
        r.text("status", outcome.status());

        System.err.printf(Locale.ROOT, "# %d cards: %s in %.1f s, %,d settled (%.1f cards/s), exit %d, peak RSS %.0f MB, "
                        + "CPU %.1f s%s%n", cards, outcome.status(), run.wallS(), settled, settled / run.wallS(),
                run.exitCode(), watch.peakRssMb(), watch.cpuSeconds(),
                out.lastProgress().map(l -> "; last: " + l.line()).orElse("; no progress line"));
        if (!outcome.status().equals("ok")) {
            // the messages, not the stack frames under them, say what went wrong
            List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                    .filter(l -> !STACK_FRAME.matcher(l).matches()).toList();
            err.stream().skip(Math.max(0, err.size() - 5)).forEach(l -> System.err.println("#   app stderr: " + l));
            System.err.println("#   the app's output: " + stdout + ", " + stderr);
        }
        return r;
    }

    /**
     * One launched run, seen from outside.
     *
     * @param wallS    seconds from the start to the exit, or to the timeout when it was stopped
     * @param exitedS  seconds from the start to the exit (after the stop, when it was stopped)
     */
    record Launch(double wallS, double exitedS, boolean timedOut, int exitCode, ProcessWatch watch) {
    }

    /**
     * Starts the run and waits for it, sampling it every {@link #SAMPLE_EVERY} and echoing its progress
     * lines; stops it when it outlives {@code timeoutSeconds}.
     */
    private static Launch launch(ProcessBuilder pb, int cards, int timeoutSeconds, Path stdout, long clockTicks)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessWatch watch = ProcessWatch.start(pb, clockTicks);
        Process p = watch.process();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Tail tail = new Tail(stdout);
        long nextHeartbeat = t0 + HEARTBEAT.toNanos();
        while (!p.waitFor(SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
            watch.sample();
            long now = System.nanoTime();
            boolean progressed = false;
            for (String line : tail.newLines()) {
                if (line.startsWith("progress:")) {
                    System.err.printf(Locale.ROOT, "#   %d cards, %.0f s: %s%n", cards, (now - t0) / 1e9, line);
                    progressed = true;
                }
            }
            if (progressed) {
                nextHeartbeat = now + HEARTBEAT.toNanos();
            } else if (now >= nextHeartbeat) {
                System.err.printf(Locale.ROOT, "#   %d cards, %.0f s: running, peak RSS %.0f MB, %d threads%n", cards,
                        (now - t0) / 1e9, watch.peakRssMb(), watch.peakThreads());
                nextHeartbeat = now + HEARTBEAT.toNanos();
            }
            if (now >= deadline) {
                System.err.printf(Locale.ROOT, "# %d cards: timed out after %d s; stopping pid %d and its descendants%n",
                        cards, timeoutSeconds, p.pid());
                watch.stop(STOP_GRACE);
                return new Launch((now - t0) / 1e9, (System.nanoTime() - t0) / 1e9, true, p.exitValue(), watch);
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Launch(s, s, false, p.exitValue(), watch);
    }

    /**
     * How a run ended: {@code ok} (exit 0, quiescent, every card counted), {@code timeout}, or
     * {@code failed} with the first thing that was wrong as {@code reason}.
     */
    record Outcome(String status, String reason) {

        static Outcome of(boolean timedOut, int exitCode, AppRunOutput out, int cards) {
            if (timedOut) {
                return new Outcome("timeout", null);
            }
            if (exitCode != 0) {
                return new Outcome("failed", "exit_" + exitCode);
            }
            if (!out.finished()) {
                return new Outcome("failed", "no_cards_by_status_line");
            }
            if (!out.quiescent()) {
                return new Outcome("failed", "not_quiescent");
            }
            if (out.total() != cards) {
                return new Outcome("failed", "counted_" + out.total() + "_cards");
            }
            return new Outcome("ok", null);
        }
    }

    /**
     * Adds {@code wall_s}, {@code cards_per_s} and the counts by status: from the final line when the
     * app printed it, from its last progress line otherwise (a stopped or failed run). Returns the
     * settled cards.
     */
    static int counts(ResultLine r, AppRunOutput out, double wallS) {
        r.number("wall_s", wallS, 2);
        if (out.finished()) {
            int settled = out.settled();
            r.number("cards_per_s", settled / wallS, 1).number("settled", settled)
                    .number("done", out.count("DONE")).number("awaiting_review", out.count("AWAITING_HUMAN"))
                    .number("cancelled", out.count("CANCELLED")).number("aborted", out.count("ABORTED"))
                    .number("todo", out.count("TODO")).number("in_flight", out.total() - settled - out.count("TODO"))
                    .number("waiting_on_review", out.waitingOnReview());
            return settled;
        }
        if (out.lastProgress().isPresent()) {
            AppRunOutput.Progress last = out.lastProgress().get();
            r.number("cards_per_s", last.settled() / wallS, 1).number("settled", last.settled())
                    .number("done", last.done()).number("awaiting_review", last.awaitingReview())
                    .number("cancelled", last.cancelled()).number("aborted", last.aborted())
                    .number("todo", last.notStarted()).number("in_flight", last.inFlight()).na("waiting_on_review");
            return last.settled();
        }
        r.na("cards_per_s").number("settled", 0).na("done").na("awaiting_review").na("cancelled").na("aborted")
                .na("todo").na("in_flight").na("waiting_on_review");
        return 0;
    }

    /** The figures that say what ran, before any measurement. */
    private static ResultLine header(int cards, Options o) {
        return new ResultLine("scale").text("journal", "h2").number("cards", cards).text("latency_ms", o.latency())
                .number("seed", o.seed()).number("layer_size", o.layerSize()).number("dependent_percent", o.dependentPercent());
    }

    /** A line as one RESULT word: spaces become underscores. */
    static String oneWord(String line) {
        return line.strip().replaceAll("\\s+", "_");
    }

    /** {@code sha256:} and the first 12 hex digits of the file's SHA-256, or null when there is no such file. */
    static String jarDigest(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(jar), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Bytes of the H2 database files ({@code *.mv.db}) in a data directory; 0 when there are none. */
    static long h2Bytes(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".mv.db")).mapToLong(ScaleBenchmark::size).sum();
        }
    }

    static long treeBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(ScaleBenchmark::size).sum();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;   // removed while walking: it no longer takes space
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** The lines appended to a file since the last call; a line without its newline yet waits for the next call. */
    private static final class Tail {

        private final Path file;
        private long offset;
        private final StringBuilder partial = new StringBuilder();

        Tail(Path file) {
            this.file = file;
        }

        List<String> newLines() throws IOException {
            List<String> lines = new ArrayList<>();
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                if (length <= offset) {
                    return lines;
                }
                byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
                in.seek(offset);
                in.readFully(bytes);
                offset += bytes.length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
            }
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                lines.add(partial.substring(0, nl).strip());
                partial.delete(0, nl + 1);
            }
            return lines;
        }
    }
}
