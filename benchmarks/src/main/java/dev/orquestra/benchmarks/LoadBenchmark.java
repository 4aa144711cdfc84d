package dev.orquestra.benchmarks;

import dev.orquestra.internal.backlog.BacklogGraphs;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.orquestra.Backlog;
import dev.orquestra.BacklogReader;
import dev.orquestra.internal.backlog.DependencyGraph;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long it takes to load and validate a backlog: reading the seed-format JSON with
 * {@link BacklogReader} (every card checked, dependency graph validated) and building its
 * {@link DependencyGraph}. Backlogs are synthetic, layered DAGs with realistic fields, generated
 * deterministically from a seed.
 *
 * <pre>
 * benchmarks/run --load
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.orquestra.benchmarks.LoadBenchmark \
 *     --cards 1000,10000,100000 --rounds 5 --warmup 3 --json target/load.json
 * </pre>
 *
 * <p>Prints one line per size: {@code RESULT bench=load journal=none cards=N median_ms=X min_ms=Y max_ms=Z
 * cards_per_s=C bytes=B ...} (median, fastest and slowest of the timed rounds; cards per second at the
 * median).
 * Options: {@code --cards N[,N...]} (default 1000,10000,100000), {@code --rounds R} (timed rounds,
 * default 5), {@code --warmup W} (untimed rounds first, default 3), {@code --json FILE} (also write
 * the figures as a JSON array), {@code --seed S} (default 42), {@code --source file|string} (read
 * from a temporary file, the default, or parse an in-memory string).
 */
public final class LoadBenchmark {

    private static final String USAGE = "usage: LoadBenchmark [--cards N[,N...]] [--rounds R] [--warmup W]"
            + " [--json FILE] [--seed S] [--source file|string]";

    private static final String[] PREFIXES = {"PROD", "ARQ", "BE", "FE", "QA", "INFRA"};
    private static final String[] TYPES = {"PRODUCT", "ARCH", "FEATURE", "UI", "TEST", "INFRA"};
    private static final String[] OWNERS = {"product", "architecture", "backend", "frontend", "qa", "infra"};
    /** How many cards of each role per 100: backends and frontends dominate, as in real backlogs. */
    private static final int[] ROLE_WEIGHTS = {8, 10, 35, 25, 15, 7};
    private static final String[] PRIORITIES = {"CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW"};
    private static final String[] VERBS = {"Implement", "Design", "Validate", "Expose", "Migrate", "Document",
            "Harden", "Instrument", "Refactor", "Deploy"};
    private static final String[] NOUNS = {"oracle endpoint", "ledger storage", "payment flow", "audit log",
            "login page", "rate limiter", "search index", "report export", "notification queue", "tenant settings",
            "billing job", "access policy"};
    private static final String[] WORDS = {"the", "service", "must", "handle", "errors", "and", "retries", "with",
            "clear", "contracts", "for", "every", "client", "including", "timeouts", "pagination", "idempotency",
            "metrics", "logs", "tests", "schema", "version", "latency", "budget", "under", "load"};
    private static final String[] TAGS = {"api", "db", "ui", "security", "perf", "infra", "docs", "compliance"};

    private LoadBenchmark() {
    }

    /** The command-line options. */
    record Options(List<Integer> cards, int rounds, int warmup, Path json, long seed, boolean fromFile) {

        static Options parse(String... args) {
            List<Integer> cards = List.of(1_000, 10_000, 100_000);
            int rounds = 5;
            int warmup = 3;
            Path json = null;
            long seed = 42;
            boolean fromFile = true;
            for (int i = 0; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                String option = eq > 0 ? args[i].substring(0, eq) : args[i];
                String value;
                if (eq > 0) {
                    value = args[i].substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
                }
                switch (option) {
                    case "--cards" -> cards = Arrays.stream(value.split(",")).map(String::trim)
                            .map(v -> positive(option, v)).toList();
                    case "--rounds" -> rounds = positive(option, value);
                    case "--warmup" -> warmup = nonNegative(option, value);
                    case "--json" -> json = Path.of(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--source" -> {
                        if (!value.equals("file") && !value.equals("string")) {
                            throw new IllegalArgumentException("--source must be file or string, was '" + value + "'\n" + USAGE);
                        }
                        fromFile = value.equals("file");
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'\n" + USAGE);
                }
            }
            return new Options(cards, rounds, warmup, json, seed, fromFile);
        }

        private static int positive(String option, String value) {
            int n = nonNegative(option, value);
            if (n == 0) {
                throw new IllegalArgumentException(option + " must be positive, was " + value + "\n" + USAGE);
            }
            return n;
        }

        private static int nonNegative(String option, String value) {
            try {
                int n = Integer.parseInt(value.replace("_", ""));
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " must be a non-negative integer, was '" + value + "'\n" + USAGE);
        }
    }

    /** The figures for one backlog size. */
    record Result(int cards, double medianMs, double minMs, double maxMs, long bytes, int rounds, int warmup,
                  String source, double loadAverage) {

        /**
         * {@code RESULT bench=load journal=none cards=N median_ms=X min_ms=Y max_ms=Z cards_per_s=C bytes=B
         * rounds=R warmup=W source=S ...}, the harnesses' common format.
         */
        ResultLine result() {
            return new ResultLine("load").text("journal", "none").number("cards", cards).number("median_ms", medianMs, 1)
                    .number("min_ms", minMs, 1).number("max_ms", maxMs, 1)
                    .number("cards_per_s", cards / (medianMs / 1000.0), 0).number("bytes", bytes)
                    .number("rounds", rounds).number("warmup", warmup).text("source", source)
                    .number("loadavg_1m_at_start", loadAverage, 2).number("cpus", Machine.cpus())
                    .text("java", Machine.javaVersion()).text("status", "ok");
        }

        String line() {
            return result().line();
        }
    }

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        System.out.printf(Locale.ROOT, "# load benchmark: java %s, %d cores, max heap %d MB, rounds=%d warmup=%d source=%s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, options.rounds(), options.warmup(),
                options.fromFile() ? "file" : "string");
        List<Result> results = new ArrayList<>();
        for (int cards : options.cards()) {
            Result result = measure(cards, options);
            results.add(result);
            System.out.println(result.line());
        }
        if (options.json() != null) {
            ResultLine.writeJson(results.stream().map(Result::result).toList(), options.json());
        }
    }

    /** Generates a backlog of the given size and times loading it. */
    static Result measure(int cards, Options options) throws IOException {
        String json = generate(cards, options.seed());
        long bytes = json.getBytes(StandardCharsets.UTF_8).length;
        Path file = null;
        if (options.fromFile()) {
            file = Files.createTempFile("orquestra-load-" + cards + "-", ".json");
            Files.writeString(file, json);
            json = null;   // not kept on the heap while the loads are timed
        }
        try {
            BacklogReader reader = BacklogReader.standard();
            double load = Machine.loadAverage();
            long[] nanos = new long[options.rounds()];
            for (int round = -options.warmup(); round < options.rounds(); round++) {
                cleanHeap();
                long start = System.nanoTime();
                Backlog backlog = file != null ? reader.read(file) : reader.parse(json);
                DependencyGraph graph = BacklogGraphs.of(backlog);
                long elapsed = System.nanoTime() - start;
                if (graph.size() != cards) {
                    throw new IllegalStateException("loaded " + graph.size() + " cards, generated " + cards);
                }
                if (round >= 0) {
                    nanos[round] = elapsed;
                }
            }
            Arrays.sort(nanos);
            int n = nanos.length;
            double median = n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0;
            return new Result(cards, median / 1e6, nanos[0] / 1e6, nanos[n - 1] / 1e6, bytes,
                    options.rounds(), options.warmup(), options.fromFile() ? "file" : "string", load);
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Starts each round from a heap without the previous rounds' backlogs, so rounds do not pay for
     * each other's garbage. A full GC alone would also make G1 shrink the heap to a few tens of MB and
     * the next round would be timed growing it back, which no application does; so the first call
     * sets the manageable flag {@code MaxHeapFreeRatio} to 100 (no shrinking), when the JVM allows it.
     */
    private static void cleanHeap() {
        if (!heapShrinkingOff) {
            heapShrinkingOff = true;
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption("MaxHeapFreeRatio", "100");
            } catch (RuntimeException notSupported) {
                System.out.println("# could not turn heap shrinking off (" + notSupported + "); rounds may be noisier");
            }
        }
        System.gc();
    }

    private static boolean heapShrinkingOff;

    /**
     * A seed-format backlog of {@code cards} cards, the same for the same seed. Cards come in layers of
     * about 50; each card outside the first layer depends on one to three cards of the previous three
     * layers (mostly the one just before), so the graph is deep and wide like a real program of work.
     * About a third of the cards name their owner; the rest get it from their id prefix.
     */
    static String generate(int cards, long seed) {
        StringWriter out = new StringWriter(cards * 700);
        try {
            generate(cards, seed, "Synthetic load " + cards, 50, DENSE, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string failed", e);
        }
        return out.toString();
    }

    /**
     * Chooses the dependencies of one generated card. It draws from the generator's random stream at
     * the card's place in it, so a rule's choices are part of what a seed reproduces.
     */
    @FunctionalInterface
    interface DependencyRule {

        /**
         * @param index     the card's position; every card before it exists already
         * @param layer     its layer, {@code index / layerSize}
         * @param layerSize cards per layer
         * @return positions of earlier cards, without repeats (may be empty)
         */
        int[] choose(int index, int layer, int layerSize, SplittableRandom random);
    }

    /** The dense rule of {@link #generate(int, long)}: one to three cards of the previous three layers. */
    static final DependencyRule DENSE = (index, layer, layerSize, random) -> {
        if (layer == 0) {
            return new int[0];
        }
        int count = 1 + random.nextInt(3);
        int[] chosen = new int[count];
        int found = 0;
        for (int tries = 0; found < count && tries < 10; tries++) {
            int back = random.nextInt(10) < 7 ? 1 : 1 + random.nextInt(Math.min(3, layer));
            int dep = (layer - back) * layerSize + random.nextInt(layerSize);
            if (Arrays.stream(chosen, 0, found).noneMatch(c -> c == dep)) {
                chosen[found++] = dep;
            }
        }
        return Arrays.copyOf(chosen, found);
    };

    /**
     * What {@link #generate(int, long, String, int, DependencyRule, Writer)} wrote: every card's id and
     * its dependencies as positions, so that callers can describe the graph without parsing the file.
     */
    record Generated(String[] ids, int[][] dependencies, int layerSize) {

        int cards() {
            return ids.length;
        }

        int layers() {
            return (ids.length + layerSize - 1) / layerSize;
        }

        /** Cards with at least one dependency. */
        int withDependencies() {
            return (int) Arrays.stream(dependencies).filter(d -> d.length > 0).count();
        }

        /** Dependencies over all cards. */
        long dependencyCount() {
            return Arrays.stream(dependencies).mapToLong(d -> d.length).sum();
        }
    }

    /**
     * Writes a seed-format backlog of {@code cards} cards in layers of {@code layerSize} to {@code out}
     * (and closes it), with the dependencies that {@code rule} chooses; realistic titles, descriptions,
     * roles, priorities, tags and acceptance criteria otherwise, the same for the same seed.
     */
    static Generated generate(int cards, long seed, String project, int layerSize, DependencyRule rule, Writer out)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        String[] ids = new String[cards];
        int[][] dependencies = new int[cards][];
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("project", project);
            g.writeArrayFieldStart("cards");
            int[] counters = new int[PREFIXES.length];
            for (int i = 0; i < cards; i++) {
                int layer = i / layerSize;
                int role = role(random);
                ids[i] = String.format(Locale.ROOT, "%s-%06d", PREFIXES[role], ++counters[role]);
                g.writeStartObject();
                g.writeStringField("id", ids[i]);
                g.writeStringField("type", TYPES[role]);
                String requirement = String.format(Locale.ROOT, "RF%04d", random.nextInt(1, 1000));
                g.writeStringField("title", VERBS[random.nextInt(VERBS.length)] + " "
                        + NOUNS[random.nextInt(NOUNS.length)] + " for " + requirement);
                g.writeStringField("description", sentence(random, 18 + random.nextInt(14)));
                if (random.nextInt(3) == 0) {
                    g.writeStringField("owner", OWNERS[role]);
                }
                g.writeStringField("priority", PRIORITIES[random.nextInt(PRIORITIES.length)]);
                g.writeArrayFieldStart("dependencies");
                dependencies[i] = rule.choose(i, layer, layerSize, random);
                for (int dep : dependencies[i]) {
                    if (dep < 0 || dep >= i) {
                        throw new IllegalStateException("dependency rule chose position " + dep + " for card " + i
                                + "; only earlier cards (0.." + (i - 1) + ") can be dependencies");
                    }
                    g.writeString(ids[dep]);
                }
                g.writeEndArray();
                g.writeStringField("phase", "Fase " + (1 + layer * 5 / Math.max(1, (cards + layerSize - 1) / layerSize)));
                g.writeStringField("requirement", requirement);
                g.writeFieldName("estimate_hours");
                g.writeNumber(BigDecimal.valueOf(1 + random.nextInt(80), 1));
                g.writeArrayFieldStart("tags");
                int tags = 1 + random.nextInt(3);
                for (int t = 0; t < tags; t++) {
                    g.writeString(TAGS[(i + t * 3) % TAGS.length]);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("acceptance_criteria");
                int criteria = 1 + random.nextInt(3);
                for (int c = 0; c < criteria; c++) {
                    g.writeString(sentence(random, 6 + random.nextInt(6)));
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("metadata");
            g.writeNumberField("total_cards", cards);
            g.writeStringField("phase", "Fase 1 - Fundação");
            g.writeStringField("last_updated", "2026-01-05T09:00:00Z");
            g.writeNumberField("seed", seed);
            g.writeEndObject();
            g.writeEndObject();
        }
        return new Generated(ids, dependencies, layerSize);
    }

    private static int role(SplittableRandom random) {
        int pick = random.nextInt(100);
        for (int r = 0; r < ROLE_WEIGHTS.length; r++) {
            pick -= ROLE_WEIGHTS[r];
            if (pick < 0) {
                return r;
            }
        }
        return ROLE_WEIGHTS.length - 1;
    }

    private static String sentence(SplittableRandom random, int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
        }
        return text.append('.').toString();
    }
}
