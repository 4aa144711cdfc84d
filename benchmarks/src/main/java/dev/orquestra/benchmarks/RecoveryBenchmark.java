package dev.orquestra.benchmarks;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long an engine takes to resume a store: from {@code build()} to every card that was in flight
 * running again.
 *
 * <p><b>Set-up</b> (not timed): an engine runs N independent cards whose agents decide each card's
 * fate by its index ({@code i mod 8}): half reach DONE (0–3), and the rest stay in flight — an owner
 * call that never returns (4: IN_PROGRESS), an owner queue of one slot that such a call keeps busy (5:
 * QUEUED), a verification call that never returns (6: VALIDATING), or a verification that fails with
 * one attempt allowed (7: AWAITING_HUMAN). Cards are added in chunks ({@code --setup-chunk}), each
 * waited for, then the engine is closed. An H2 store is copied aside, so every timed round starts from
 * the same files.
 *
 * <p><b>Timed rounds</b>: a new engine over the store, with every call now never returning and every
 * pool large enough to hand out all the in-flight work at once. {@code resume_ms} runs from just before
 * {@code build()} until the agents have been called for every card in flight (owner calls of the
 * IN_PROGRESS and QUEUED cards, verification calls of the VALIDATING cards, each detected in the agent);
 * cards awaiting review are woken too but call nothing. {@code first_call_ms} is the first of those
 * calls: the dispatchers hand out nothing until every woken card has recovered and re-queued its work,
 * so it marks the end of the wake-up. {@code orchestrator_ready_ms} is when {@code status()}, asked
 * right after {@code build()}, is answered (the orchestrator recovered and started every wake).
 *
 * <pre>
 * benchmarks/run --recovery
 * java -cp ... dev.orquestra.benchmarks.RecoveryBenchmark --cards 10000,100000 --journal h2 --rounds 3
 * </pre>
 */
public final class RecoveryBenchmark {

    static final String USAGE = """
            usage: RecoveryBenchmark [options]
              --cards N[,N...]       cards in the store (default 10000,100000); half terminal, half in flight
              --journal J            h2 | memory | postgres (default h2)
              --rounds R             timed resumes per size (default 3); an in-memory store is set up again for each
              --setup-chunk K        cards added at a time while setting up (default 2000)
              --pekko 'K=V;K=V'      extra Pekko settings for the timed engines (the set-up always raises the
                                     persistence stash capacity, see the class comment)
              --timeout-s S          give up on a phase after this long (default 900)
              --jfr FILE             record the last timed resume with JFR
              --json FILE            also write the RESULT figures as JSON
            Ends with one RESULT line per size on stdout.""";

    private static final Set<String> OPTIONS = Set.of("--cards", "--journal", "--rounds", "--setup-chunk", "--pekko",
            "--timeout-s", "--jfr", "--json");

    /** What the set-up makes of each card, by index mod 8. */
    enum Fate {
        DONE, RUNNING, WAITING, CHECKING, REVIEW;

        static Fate of(int i) {
            return switch (i % 8) {
                case 0, 1, 2, 3 -> DONE;
                case 4 -> RUNNING;
                case 5 -> WAITING;
                case 6 -> CHECKING;
                default -> REVIEW;
            };
        }
    }

    /** Cards of one owner role at most, so every in-flight call fits in a pool (the builder allows 10,000). */
    private static final int ROLE_SIZE = 5000;
    /**
     * The set-up engine's stash: the orchestrator stashes every card update while it persists, and
     * Pekko's default capacity (4096) drops the overflow, which loses settlements when thousands of
     * cards run at once (reported to the engine's owners). Only the set-up uses this.
     */
    static final String SETUP_CONFIG = "pekko.persistence.typed.stash-capacity=1000000";

    private RecoveryBenchmark() {
    }

    record Options(List<Integer> cards, Journal.Kind journal, int rounds, int setupChunk, String pekko, long timeoutSeconds,
                   Path jfr, Path json) {

        static Options parse(String... args) {
            Args a = Args.parse(args, OPTIONS, Set.of(), USAGE);
            if (a.help()) {
                throw new EndToEndBenchmark.HelpRequested(USAGE);
            }
            String jfr = a.string("--jfr", null);
            String json = a.string("--json", null);
            return new Options(a.integers("--cards", List.of(10_000, 100_000)), Journal.Kind.parse(a.string("--journal", "h2")),
                    a.integer("--rounds", 3, 1), a.integer("--setup-chunk", 2000, 1), a.string("--pekko", ""),
                    a.integer("--timeout-s", 900, 1), jfr == null ? null : Path.of(jfr), json == null ? null : Path.of(json));
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (EndToEndBenchmark.HelpRequested h) {
            System.out.println(h.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<ResultLine> results = new ArrayList<>();
        boolean ok = true;
        for (int n : o.cards()) {
            ResultLine r = run(o, n);
            System.out.println(r.line());
            results.add(r);
            ok &= r.get("status").equals("ok");
        }
        if (o.json() != null) {
            ResultLine.writeJson(results, o.json());
        }
        System.exit(ok ? 0 : 1);
    }

    /** The layout of one store: which card has which fate and role. */
    static final class Layout {
        final int cards;
        final Fate[] fate;
        final Role[] role;
        final Map<Fate, Integer> counts = new LinkedHashMap<>();
        final Map<Role, Integer> perRole = new LinkedHashMap<>();
        final Map<CardId, Integer> index = new HashMap<>();
        final Backlog backlog;

        Layout(int cards) {
            this.cards = cards;
            fate = new Fate[cards];
            role = new Role[cards];
            Map<Fate, Integer> seen = new HashMap<>();
            List<CardSpec> specs = new ArrayList<>(cards);
            for (int i = 0; i < cards; i++) {
                Fate f = Fate.of(i);
                int k = seen.merge(f, 1, Integer::sum) - 1;
                fate[i] = f;
                role[i] = switch (f) {
                    case DONE, CHECKING, REVIEW -> Role.of(f.name());
                    case RUNNING, WAITING -> Role.of(f.name() + (k / ROLE_SIZE));
                };
                perRole.merge(role[i], 1, Integer::sum);
                String id = String.format(Locale.ROOT, "RC-%07d", i);
                index.put(CardId.of(id), i);
                specs.add(CardSpec.builder(id, role[i]).type("FEATURE").title("Recovery card " + i).build());
            }
            counts.putAll(seen);
            for (Fate f : Fate.values()) {
                counts.putIfAbsent(f, 0);
            }
            backlog = Backlog.of("recovery " + cards, specs);
        }

        int count(Fate f) {
            return counts.get(f);
        }

        /** Cards whose agent a resumed engine must call again. */
        int expectedCalls() {
            return count(Fate.RUNNING) + count(Fate.WAITING) + count(Fate.CHECKING);
        }
    }

    /** Agents and validators that act out each card's fate, and count the calls they get. */
    static final class Actors {
        private final Layout layout;
        private final boolean resumed;
        final AtomicIntegerArray called;
        final AtomicInteger distinctCalls = new AtomicInteger();
        final AtomicLong firstCallNanos = new AtomicLong();
        final AtomicLong lastCallNanos = new AtomicLong();

        /** @param resumed every call of an in-flight card blocks (the timed rounds); otherwise act out the fates */
        Actors(Layout layout, boolean resumed) {
            this.layout = layout;
            this.resumed = resumed;
            this.called = new AtomicIntegerArray(layout.cards);
        }

        private void record(int i) {
            if (called.compareAndSet(i, 0, 1)) {
                long now = System.nanoTime();
                firstCallNanos.compareAndSet(0, now);
                lastCallNanos.set(now);
                distinctCalls.incrementAndGet();
            }
        }

        CompletionStage<WorkResult> owner(CardId id) {
            int i = layout.index.get(id);
            Fate f = layout.fate[i];
            if (f == Fate.RUNNING || f == Fate.WAITING) {
                record(i);
                return new CompletableFuture<>();   // never returns
            }
            if (resumed) {
                record(i);
                return new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(WorkResult.succeeded());
        }

        CompletionStage<Verdict> verify(CardId id) {
            int i = layout.index.get(id);
            Fate f = layout.fate[i];
            if (f == Fate.CHECKING || resumed) {
                record(i);
                return new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(f == Fate.REVIEW ? Verdict.fail("verification", "made to fail")
                    : Verdict.pass("verification"));
        }

        OrquestraBuilder configure(OrquestraBuilder b) {
            for (Map.Entry<Role, Integer> e : layout.perRole.entrySet()) {
                String name = e.getKey().name();
                int pool = name.startsWith("RUNNING") ? e.getValue()
                        : name.startsWith("WAITING") ? (resumed ? e.getValue() : 1)
                        : 8;
                b.owners(e.getKey(), order -> owner(order.card().id()), pool);
            }
            Validator verification = s -> verify(s.card().id());
            Validator judge = s -> CompletableFuture.completedFuture(Verdict.pass("llm-judge").withScore(9.0));
            int checks = layout.count(Fate.CHECKING) + 8;
            return b.pipeline(Pipeline.of(Pipeline.single(Pipeline.check("verification", verification).concurrency(checks)),
                            Pipeline.single(Pipeline.check("llm-judge", judge).passingScore(8.0))))
                    .policy(Policy.defaults().maxAttempts(1).retries(0, Duration.ofSeconds(1), Duration.ofSeconds(1))
                            .debugRepeatedFailures(false)
                            .maxActiveCards(layout.cards))
                    .checkpointEvery(0).askTimeout(Duration.ofMinutes(5)).shutdownTimeout(Duration.ofMinutes(2));
        }
    }

    static ResultLine run(Options o, int n) throws Exception {
        ResultLine r = new ResultLine("recovery").text("journal", o.journal().label()).number("cards", n);
        if (o.journal() == Journal.Kind.POSTGRES) {
            var problem = Journal.postgresProblem();
            if (problem.isPresent()) {
                System.err.println("# SKIPPED: " + problem.get());
                return r.text("status", "skipped").text("reason", "postgres_unreachable");
            }
        }
        Layout layout = new Layout(n);
        System.err.printf(Locale.ROOT, "# recovery: %d cards (%s), journal %s, %d rounds; %s%n", n, layout.counts,
                o.journal().label(), o.rounds(), Machine.describe());
        String engineName = "recovery-" + ProcessHandle.current().pid() + "-" + n;
        List<ResultLine> rounds = new ArrayList<>();
        Path pristine = null;
        Journal journal = null;
        try {
            double setupS = Double.NaN;
            for (int round = 1; round <= o.rounds(); round++) {
                if (journal == null || o.journal() == Journal.Kind.MEMORY) {
                    if (journal != null) {
                        journal.close();
                    }
                    journal = Journal.create(o.journal(), engineName);
                    long t = System.nanoTime();
                    String problem = setUp(journal, layout, engineName, o);
                    setupS = (System.nanoTime() - t) / 1e9;
                    if (problem != null) {
                        return r.text("status", "setup_failed").text("reason", problem);
                    }
                    System.err.printf(Locale.ROOT, "# set-up: %.1f s, store %s%n", setupS,
                            journal.bytesOnDisk() < 0 ? "in memory" : journal.bytesOnDisk() / 1048576 + " MB");
                    if (journal.directory().isPresent()) {
                        pristine = Files.createTempDirectory("orquestra-bench-pristine-");
                        journal.copyTo(pristine);
                    }
                } else if (pristine != null) {
                    journal.restoreFrom(pristine);
                }
                ResultLine line = resume(journal, layout, engineName, o, round, round == o.rounds() ? o.jfr() : null);
                line.number("setup_s", setupS, 1);
                System.err.println("# round " + round + ": " + line.line());
                rounds.add(line);
                if (!line.get("status").equals("ok")) {
                    return line;
                }
            }
        } finally {
            if (journal != null) {
                journal.close();
            }
            Journal.deleteRecursively(pristine);
        }
        return Summary.of(rounds, List.of("resume_ms", "first_call_ms", "orchestrator_ready_ms"));
    }

    /** Builds the store: returns null when every card reached its fate, or what went wrong. */
    static String setUp(Journal journal, Layout layout, String engineName, Options o) throws Exception {
        Actors actors = new Actors(layout, false);
        try (Orquestra engine = actors.configure(Orquestra.builder().name(engineName).store(journal.store())
                .config(Machine.engineConfig(SETUP_CONFIG))).build()) {
            List<CardSpec> cards = layout.backlog.cards();
            long deadline = System.nanoTime() + o.timeoutSeconds() * 1_000_000_000L;
            for (int from = 0; from < cards.size(); from += o.setupChunk()) {
                int to = Math.min(cards.size(), from + o.setupChunk());
                if (from == 0) {
                    engine.submit(Backlog.of(layout.backlog.project(), cards.subList(0, to)));
                } else {
                    engine.addCards(cards.subList(from, to));
                }
                String problem = awaitFates(engine, layout, to, deadline);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** Waits until the first {@code upTo} cards have reached their fates. */
    private static String awaitFates(Orquestra engine, Layout layout, int upTo, long deadline)
            throws InterruptedException {
        Map<Fate, Integer> counts = new java.util.EnumMap<>(Fate.class);
        for (Fate f : Fate.values()) {
            counts.put(f, 0);
        }
        Set<Role> waitingRoles = new java.util.HashSet<>();
        for (int i = 0; i < upTo; i++) {
            counts.merge(layout.fate[i], 1, Integer::sum);
            if (layout.fate[i] == Fate.WAITING) {
                waitingRoles.add(layout.role[i]);
            }
        }
        int inProgress = counts.get(Fate.RUNNING) + waitingRoles.size();
        int queued = counts.get(Fate.WAITING) - waitingRoles.size();
        String last = "";
        long lastChange = System.nanoTime();
        while (true) {
            BacklogStatus s = engine.status();
            if (s.count(CardStatus.DONE) == counts.get(Fate.DONE) && s.count(CardStatus.AWAITING_HUMAN) == counts.get(Fate.REVIEW)
                    && s.count(CardStatus.VALIDATING) == counts.get(Fate.CHECKING)
                    && s.count(CardStatus.IN_PROGRESS) == inProgress && s.count(CardStatus.QUEUED) == queued) {
                return null;
            }
            String now = EndToEndBenchmark.nonZero(s);
            if (!now.equals(last)) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 60_000_000_000L) {
                return "set-up stalled at " + now.replace(' ', ',') + " (expected " + counts + ")";
            }
            if (System.nanoTime() > deadline) {
                return "set-up timed out at " + now.replace(' ', ',');
            }
            Thread.sleep(100);
        }
    }

    /** One timed resume over the store. */
    static ResultLine resume(Journal journal, Layout layout, String engineName, Options o, int round, Path jfr)
            throws Exception {
        Actors actors = new Actors(layout, true);
        int expected = layout.expectedCalls();
        ResultLine r = new ResultLine("recovery").text("journal", o.journal().label()).number("cards", layout.cards)
                .number("terminal", layout.count(Fate.DONE)).number("in_flight", layout.cards - layout.count(Fate.DONE))
                .number("awaiting_review", layout.count(Fate.REVIEW));
        double load = Machine.loadAverage();
        Machine.usedHeapAfterGc();
        OrquestraBuilder builder = actors.configure(Orquestra.builder().name(engineName).store(journal.reopen())
                .config(Machine.engineConfig(o.pekko())));
        jdk.jfr.Recording recording = jfr == null ? null : JfrSummary.start();
        long cpu0 = Machine.processCpuNanos();
        long t0 = System.nanoTime();
        Orquestra engine = builder.build();
        long built = System.nanoTime();
        try {
            BacklogStatus first = engine.status();
            long ready = System.nanoTime();
            long deadline = t0 + o.timeoutSeconds() * 1_000_000_000L;
            int last = -1;
            long lastChange = System.nanoTime();
            while (actors.distinctCalls.get() < expected) {
                int calls = actors.distinctCalls.get();
                if (calls != last) {
                    last = calls;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > 60_000_000_000L || System.nanoTime() > deadline) {
                    System.err.println("# round " + round + ": " + calls + " of " + expected + " cards called again; "
                            + EndToEndBenchmark.nonZero(engine.status()));
                    return r.text("status", "stalled").number("called", calls);
                }
                Thread.sleep(1);
            }
            long all = actors.lastCallNanos.get();
            long cpu = Machine.processCpuNanos() - cpu0;
            JfrSummary.stop(recording, jfr);
            BacklogStatus after = engine.status();
            r.number("resume_ms", (all - t0) / 1e6, 1).number("build_ms", (built - t0) / 1e6, 1)
                    .number("orchestrator_ready_ms", (ready - t0) / 1e6, 1)
                    .number("first_call_ms", (actors.firstCallNanos.get() - t0) / 1e6, 1)
                    .number("resumed_cards_per_s", (layout.cards - layout.count(Fate.DONE)) / ((all - t0) / 1e9), 0)
                    .number("cpu_s", cpu / 1e9, 2).number("calls_expected", expected)
                    .number("awaiting_after", after.count(CardStatus.AWAITING_HUMAN))
                    .number("db_mb", journal.bytesOnDisk() < 0 ? Double.NaN : journal.bytesOnDisk() / 1048576.0, 1)
                    .number("loadavg_1m_at_start", load, 2).number("cpus", Machine.cpus()).text("java", Machine.javaVersion())
                    .text("engine_config", o.pekko().isBlank() ? "default" : "custom")
                    .text("status", first.totalCards() == layout.cards
                            && after.count(CardStatus.AWAITING_HUMAN) == layout.count(Fate.REVIEW) ? "ok" : "inconsistent");
            return r;
        } finally {
            engine.close();
        }
    }
}
