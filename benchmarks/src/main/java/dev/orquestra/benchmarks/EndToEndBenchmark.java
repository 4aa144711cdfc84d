package dev.orquestra.benchmarks;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The end-to-end harness: N cards through a real engine with no-op agents, from the first submit to
 * quiescence, on a chosen journal, pipeline and DAG shape. A plain {@code main}: each invocation is one
 * fresh JVM, so {@code benchmarks/run} repeats it for medians and spread.
 *
 * <pre>
 * benchmarks/run --e2e                                   # the standard matrix, 3 runs each
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     dev.orquestra.benchmarks.EndToEndBenchmark --cards 10000 --shape layered --width 50 --journal h2
 * </pre>
 *
 * <p>What it measures, per run (after one untimed warm-up run of the same configuration):
 * <ul>
 *   <li>{@code cards_per_s}: cards ÷ wall time from just before {@code submit()} to
 *       {@code awaitQuiescence()} returning; {@code cards_per_s_to_last_approval} ends at the last
 *       approval's own timestamp instead, which is where the Celery baseline's window ends;</li>
 *   <li>{@code dispatch_p50/p95/p99/max_ms}: per card with dependencies, from the {@code Approved}
 *       event of its last-approved dependency (the event's timestamp, which the engine takes just
 *       before persisting it, seen by a {@code OrquestraBuilder.listener}) to the first call of the card's owner
 *       agent; nearest-rank percentiles, as in the baseline;</li>
 *   <li>{@code card_latency_p50/p99_ms}: per card, first {@code Queued} to {@code Approved};</li>
 *   <li>{@code cpu_ms_per_card}: process CPU time (all threads, GC and JIT included) over the window;</li>
 *   <li>{@code peak_heap_mb}: the sum of the heap pools' peaks over the window;
 *       {@code heap_per_terminal_card_bytes}: heap retained by the engine after a full GC once every
 *       card is DONE, minus the idle engine, per card — the in-memory journal's own contents are
 *       measured apart ({@code journal_heap_per_card_bytes}) and not counted;</li>
 *   <li>{@code events_per_card}: card events in the journal (read back with {@code Orquestra.events}),
 *       per card; {@code journal_events} adds the orchestrator's (in-memory journal only).</li>
 * </ul>
 *
 * <p>Checkpoints are off ({@code checkpointEvery(0)}) unless {@code --checkpoint-every K} is given: the
 * seed-format checkpoint is a tool-compatibility feature, not part of the engine's hot path.
 */
public final class EndToEndBenchmark {

    static final String USAGE = """
            usage: EndToEndBenchmark [options]
              --cards N              cards to generate (default 1000)
              --shape S              independent | chains | layered (default layered)
              --width W              layer width for layered (default 50)
              --chain-length L       chain length for chains (default 10)
              --backlog FILE         run this seed-format backlog instead of a generated one
              --journal J            memory | h2 | postgres (default memory)
              --pipeline P           default | celery | none (default default: verification, then llm-judge and qa)
              --concurrency C        pool size of the owner role and of every check (default 5, the seed's)
              --task-ms MS           fixed latency of every agent and validator call (default 0: no-op)
              --checkpoint-every K   write a seed-format checkpoint every K approvals (default 0: off)
              --no-listener          run without the event listener (no dispatch or card latency figures)
              --warmup-cards K       cards of the untimed warm-up run of the same configuration (default min(N, 10000);
                                     0 for none). The JIT compiles Pekko's and the engine's paths for a long time)
              --warmup-rounds R      untimed warm-up runs (default 1). The JIT keeps improving for several 10,000-card
                                     runs: a long-running engine is faster than the first runs of a fresh JVM
              --warmup-jit-pct P     after the R warm-up runs, go on warming up while the JIT compilers took more than
                                     P % of the last warm-up run's CPU (default 0: exactly R runs). The timed run is then
                                     one of a JVM whose hot paths are compiled, as in a long-running engine
              --warmup-max-rounds M  at most this many warm-up runs in all when --warmup-jit-pct is set (default 20)
              --rounds R             timed runs in this JVM (default 1); with more, the RESULT line holds medians
              --timeout-s S          give up after this long (default 900)
              --pekko 'K=V;K=V'      extra Pekko settings for the engine (recorded as engine_config=custom)
              --stall-s S            give up when no agent call was made for this long (default 60)
              --jfr FILE             record the timed window of the last round with JFR (1 ms sampling) to FILE
              --json FILE            also write the RESULT figures as JSON
              --emit-backlog FILE    write the generated backlog (seed format) and exit
              --check-backlog FILE   check that FILE holds the generated workload's cards and dependencies, and exit
                                     (0 when it does; used to check the Celery baseline's generator against this one)
            Prints '#' progress lines on stderr and ends with one RESULT line on stdout.""";

    private static final Set<String> OPTIONS = Set.of("--cards", "--shape", "--width", "--chain-length", "--backlog",
            "--journal", "--pipeline", "--concurrency", "--task-ms", "--checkpoint-every", "--warmup-cards", "--warmup-rounds", "--warmup-jit-pct", "--warmup-max-rounds", "--rounds",
            "--timeout-s", "--stall-s", "--pekko", "--jfr", "--json", "--check-backlog", "--emit-backlog");
    private static final Set<String> FLAGS = Set.of("--no-listener");

    /** The keys whose spread the summary of several rounds shows. */
    static final List<String> HEADLINE = List.of("cards_per_s", "dispatch_p50_ms", "dispatch_p99_ms",
            "cpu_ms_per_card", "heap_per_terminal_card_bytes");

    private EndToEndBenchmark() {
    }

    /** The command-line options. */
    record Options(Workload workload, Path backlogFile, Journal.Kind journal, Squad.PipelineKind pipeline,
                   int concurrency, double taskMs, int checkpointEvery, boolean listener, int warmupCards, int warmupRounds,
                   double warmupJitPct, int warmupMaxRounds, int rounds,
                   long timeoutSeconds, long stallSeconds, String pekko, Path jfr, Path json,
                   Path emitBacklog, Path checkBacklog) {

        static Options parse(String... args) {
            Args a = Args.parse(args, OPTIONS, FLAGS, USAGE);
            if (a.help()) {
                throw new HelpRequested(USAGE);
            }
            int cards = a.integer("--cards", 1000, 1);
            Workload w = new Workload(Workload.Shape.parse(a.string("--shape", "layered")), cards,
                    a.integer("--width", 50, 1), a.integer("--chain-length", 10, 1));
            String backlog = a.string("--backlog", null);
            String json = a.string("--json", null);
            String emit = a.string("--emit-backlog", null);
            return new Options(w, backlog == null ? null : Path.of(backlog), Journal.Kind.parse(a.string("--journal", "memory")),
                    Squad.PipelineKind.parse(a.string("--pipeline", "default")), a.integer("--concurrency", 5, 1),
                    a.decimal("--task-ms", 0, 0), a.integer("--checkpoint-every", 0, 0), !a.flag("--no-listener"),
                    a.integer("--warmup-cards", Math.min(cards, 10_000), 0), a.integer("--warmup-rounds", 1, 1),
                    a.decimal("--warmup-jit-pct", 0, 0), a.integer("--warmup-max-rounds", 20, 1), a.integer("--rounds", 1, 1),
                    a.integer("--timeout-s", 900, 1), a.integer("--stall-s", 60, 1), a.string("--pekko", ""),
                    a.string("--jfr", null) == null ? null : Path.of(a.string("--jfr", null)), json == null ? null : Path.of(json),
                    emit == null ? null : Path.of(emit),
                    a.string("--check-backlog", null) == null ? null : Path.of(a.string("--check-backlog", null)));
        }
    }

    /** Thrown by option parsing for {@code --help}: the message is the usage text. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested(String usage) {
            super(usage);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (HelpRequested h) {
            System.out.println(h.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o.emitBacklog() != null) {
            o.workload().write(o.emitBacklog());
            System.err.println("# wrote " + o.workload().label() + " to " + o.emitBacklog());
            return;
        }
        if (o.checkBacklog() != null) {
            String difference = sameCards(Backlog.read(o.checkBacklog()), o.workload().backlog());
            System.err.println("# " + o.checkBacklog() + (difference == null ? " holds the same " + o.workload().label()
                    + " workload" : ": " + difference));
            System.exit(difference == null ? 0 : 1);
            return;
        }
        ResultLine result = run(o);
        System.out.println(result.line());
        if (o.json() != null) {
            ResultLine.writeJson(List.of(result), o.json());
        }
        System.exit(result.get("status").equals("ok") ? 0 : 1);
    }

    /** Runs the warm-up and the timed rounds; returns the RESULT (medians when there are several rounds). */
    static ResultLine run(Options o) throws Exception {
        if (o.journal() == Journal.Kind.POSTGRES) {
            var problem = Journal.postgresProblem();
            if (problem.isPresent()) {
                System.err.println("# SKIPPED: " + problem.get() + " (set ORQUESTRA_PG_URL / ORQUESTRA_PG_USER to point elsewhere)");
                return skipped(o, "postgres_unreachable");
            }
        }
        Backlog backlog = o.backlogFile() != null ? Backlog.read(o.backlogFile()) : o.workload().backlog();
        System.err.printf(Locale.ROOT, "# e2e: %s, %d cards, journal %s, pipeline %s, concurrency %d, task %.1f ms, "
                        + "checkpoints %s, listener %s; %s%n", o.backlogFile() != null ? o.backlogFile() : o.workload().label(),
                backlog.cards().size(), o.journal().label(), o.pipeline().label(), o.concurrency(), o.taskMs(),
                o.checkpointEvery() == 0 ? "off" : "every " + o.checkpointEvery(), o.listener() ? "on" : "off",
                Machine.describe());
        if (!o.pekko().isBlank()) {
            System.err.println("# engine settings: " + o.pekko());
        }
        int warmups = 0;
        double warmupJit = Double.NaN;
        double previousJit = Double.NaN;
        if (o.warmupCards() > 0) {
            Backlog warm = o.backlogFile() != null ? closedUnder(backlog, o.warmupCards())
                    : new Workload(o.workload().shape(), o.warmupCards(), o.workload().width(),
                    o.workload().chainLength()).backlog();
            warmups = 0;
            while (true) {
                ResultLine w = runOnce(o, warm, "warm-up", null);
                warmups++;
                previousJit = warmupJit;
                warmupJit = w.getDouble("cpu_jit_pct");
                System.err.println("# warm-up " + warmups + ": " + w.get("cards") + " cards, " + w.get("cards_per_s")
                        + " cards/s, JIT " + w.get("cpu_jit_pct") + " % of CPU");
                if (!anotherWarmup(o, warmups, previousJit, warmupJit)) {
                    break;
                }
            }
        }
        List<ResultLine> rounds = new ArrayList<>();
        for (int r = 1; r <= o.rounds(); r++) {
            ResultLine line = runOnce(o, backlog, "round " + r, r == o.rounds() ? o.jfr() : null);
            if (o.rounds() > 1) {
                System.err.println("# round " + r + ": " + line.line());
            }
            rounds.add(line);
            if (!line.get("status").equals("ok")) {
                return line;
            }
        }
        ResultLine result = rounds.size() == 1 ? rounds.get(0) : Summary.of(rounds, HEADLINE);
        return result.number("warmup_rounds", warmups).number("warmup_jit_pct", warmupJit, 1)
                .number("timed_rounds", rounds.size());
    }

    /**
     * Whether to warm up once more after {@code done} warm-up runs, the last two of which spent {@code previousJitPct}
     * and {@code lastJitPct} % of their CPU in the JIT compilers (NaN when unknown or not run, which counts as busy):
     * always until the asked rounds are run, then, with a JIT threshold, until two warm-ups in a row were under it
     * (one quiet run is often followed by a burst of recompilation) or the maximum is reached.
     */
    static boolean anotherWarmup(Options o, int done, double previousJitPct, double lastJitPct) {
        if (done < o.warmupRounds()) {
            return true;
        }
        double p = o.warmupJitPct();
        boolean settled = p == 0 || (previousJitPct <= p && lastJitPct <= p);
        return !settled && done < o.warmupMaxRounds();
    }

    /** Null when both backlogs hold the same card ids with the same dependencies in the same order, or the first difference. */
    static String sameCards(Backlog a, Backlog b) {
        if (a.cards().size() != b.cards().size()) {
            return a.cards().size() + " cards instead of " + b.cards().size();
        }
        for (int i = 0; i < a.cards().size(); i++) {
            CardSpec x = a.cards().get(i);
            CardSpec y = b.cards().get(i);
            if (!x.id().equals(y.id()) || !x.dependencies().equals(y.dependencies()) || !x.owner().equals(y.owner())) {
                return "card " + i + " is " + x.id() + " " + x.owner() + " " + x.dependencies() + ", expected " + y.id() + " "
                        + y.owner() + " " + y.dependencies();
            }
        }
        return null;
    }

    /** The first {@code k} cards of a backlog file plus whatever they depend on, in backlog order. */
    private static Backlog closedUnder(Backlog backlog, int k) {
        Map<CardId, CardSpec> byId = new HashMap<>();
        backlog.cards().forEach(c -> byId.put(c.id(), c));
        Set<CardId> keep = new LinkedHashSet<>();
        List<CardId> stack = new ArrayList<>();
        backlog.cards().stream().limit(k).forEach(c -> stack.add(c.id()));
        while (!stack.isEmpty()) {
            CardId id = stack.remove(stack.size() - 1);
            if (keep.add(id)) {
                stack.addAll(byId.get(id).dependencies());
            }
        }
        return Backlog.of("warm-up", backlog.cards().stream().filter(c -> keep.contains(c.id())).toList());
    }

    private static ResultLine skipped(Options o, String reason) {
        ResultLine r = header(o, o.workload().cards());
        r.text("status", "skipped").text("reason", reason);
        return r;
    }

    private static ResultLine header(Options o, int cards) {
        Workload w = o.workload();
        boolean generated = o.backlogFile() == null;
        ResultLine r = new ResultLine("e2e").text("journal", o.journal().label())
                .text("shape", generated ? w.shape().label() : "file").number("cards", cards);
        if (generated && w.shape() == Workload.Shape.LAYERED) {
            r.number("width", w.width());
        } else {
            r.na("width");
        }
        if (generated && w.shape() == Workload.Shape.CHAINS) {
            r.number("chain_length", w.chainLength());
        } else {
            r.na("chain_length");
        }
        return r.text("pipeline", o.pipeline().label()).number("concurrency", o.concurrency())
                .number("task_ms", o.taskMs(), 1).number("checkpoint_every", o.checkpointEvery())
                .number("warmup_rounds", o.warmupCards() == 0 ? 0 : o.warmupRounds())
                .text("listener", o.listener() ? "on" : "off").text("engine_config", o.pekko().isBlank() ? "default" : "custom");
    }

    /** One engine, one backlog, start to quiescence, on a fresh journal. */
    static ResultLine runOnce(Options o, Backlog backlog, String what, Path jfr) throws Exception {
        List<CardSpec> cards = backlog.cards();
        int n = cards.size();
        Map<CardId, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(cards.get(i).id(), i);
        }
        int[][] deps = new int[n][];
        for (int i = 0; i < n; i++) {
            List<CardId> d = cards.get(i).dependencies();
            deps[i] = new int[d.size()];
            for (int k = 0; k < d.size(); k++) {
                deps[i][k] = index.get(d.get(k));
            }
        }
        Set<Role> roles = new LinkedHashSet<>();
        cards.forEach(c -> roles.add(c.owner()));
        String engineName = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 1_000_000_000L;
        Recorder recorder = o.listener() ? new Recorder(index) : null;
        ResultLine r = header(o, n);
        ResultLine breakdown = new ResultLine("cpu");
        Path checkpointDir = null;
        try (Squad squad = new Squad(index, o.taskMs()); Journal journal = Journal.create(o.journal(), engineName)) {
            OrquestraBuilder builder = Orquestra.builder().name(engineName).store(journal.store())
                    .pipeline(squad.pipeline(o.pipeline(), o.concurrency())).checkpointEvery(o.checkpointEvery())
                    .config(Machine.engineConfig(o.pekko())).askTimeout(Duration.ofMinutes(5)).shutdownTimeout(Duration.ofMinutes(2));
            if (o.checkpointEvery() > 0 && journal.directory().isEmpty()) {
                checkpointDir = Files.createTempDirectory("orquestra-bench-checkpoint-");
                builder.checkpointFile(checkpointDir.resolve("backlog_master.json"));
            }
            for (Role role : roles) {
                builder.owners(role, squad.owner(), o.concurrency());
            }
            if (recorder != null) {
                builder.listener(recorder);
            }
            long heapBeforeEngine = Machine.usedHeapAfterGc();
            Orquestra engine = builder.build();
            long heapIdleEngine;
            long heapTerminal;
            long wallNanos;
            long cpuNanos;
            long[] gc0;
            long[] gc1;
            long peak;
            long startMicros;
            BacklogStatus status;
            double load = Machine.loadAverage();
            long cardEvents;
            try {
                heapIdleEngine = Machine.usedHeapAfterGc();
                Machine.resetPeakHeap();
                gc0 = Machine.gcCountAndMillis();
                long cpu0 = Machine.processCpuNanos();
                startMicros = Machine.nowMicros();
                jdk.jfr.Recording recording = jfr == null ? null : JfrSummary.start();
                CpuBreakdown cpuBreakdown = CpuBreakdown.start();
                long t0 = System.nanoTime();
                engine.submit(backlog);
                String stuck = awaitQuiescence(engine, squad, t0, o.timeoutSeconds(), o.stallSeconds(), what);
                wallNanos = System.nanoTime() - t0;
                cpuNanos = Machine.processCpuNanos() - cpu0;
                cpuBreakdown.finish(breakdown);
                JfrSummary.stop(recording, jfr);
                gc1 = Machine.gcCountAndMillis();
                peak = Machine.peakHeapBytes();
                status = engine.status();
                if (stuck != null) {
                    System.err.println("# " + what + ": " + stuck + "; cards by status: " + nonZero(status));
                    engine.queues().forEach(q -> System.err.println("#   queue " + q));
                    return r.text("status", stuck.startsWith("stalled") ? "stalled" : "timeout")
                            .number("done", status.count(CardStatus.DONE)).number("calls", squad.calls())
                            .number("wall_s", wallNanos / 1e9, 3);
                }
                if (recorder != null && !recorder.awaitApprovals(status.count(CardStatus.DONE), 60_000)) {
                    System.err.println("# " + what + ": the listener saw " + recorder.approvals() + " of "
                            + status.count(CardStatus.DONE) + " approvals within 60 s");
                }
                cardEvents = countCardEvents(engine);
                heapTerminal = Machine.usedHeapAfterGc();
            } finally {
                engine.close();
            }
            long heapClosed = Machine.usedHeapAfterGc();
            long journalHeap = journal.memory().isPresent() ? Math.max(0, heapClosed - heapBeforeEngine) : 0;

            double wallS = wallNanos / 1e9;
            int done = status.count(CardStatus.DONE);
            r.number("cards_per_s", n / wallS, 1).number("wall_s", wallS, 3);
            Latencies lat = recorder == null ? Latencies.NONE : Latencies.of(recorder, squad, deps, startMicros);
            r.number("cards_per_s_to_last_approval", lat.lastApprovalS() > 0 ? n / lat.lastApprovalS() : Double.NaN, 1)
                    .number("dispatch_p50_ms", lat.dispatchP50(), 3).number("dispatch_p95_ms", lat.dispatchP95(), 3)
                    .number("dispatch_p99_ms", lat.dispatchP99(), 3).number("dispatch_max_ms", lat.dispatchMax(), 3)
                    .number("dispatch_samples", lat.samples())
                    .number("card_latency_p50_ms", lat.cardP50(), 3).number("card_latency_p99_ms", lat.cardP99(), 3)
                    .number("cpu_ms_per_card", cpuNanos / 1e6 / n, 4).number("cpu_s", cpuNanos / 1e9, 3)
                    .number("cpu_utilisation", cpuNanos / (double) wallNanos, 2)
                    .number("gc_count", gc1[0] - gc0[0]).number("gc_ms", gc1[1] - gc0[1])
                    .number("peak_heap_mb", peak / 1048576.0, 1)
                    .number("heap_idle_engine_mb", (heapIdleEngine - heapBeforeEngine) / 1048576.0, 1)
                    .number("heap_per_terminal_card_bytes", (heapTerminal - heapIdleEngine - journalHeap) / (double) n, 0);
            if (journal.memory().isPresent()) {
                r.number("journal_heap_per_card_bytes", journalHeap / (double) n, 0)
                        .number("journal_events", journal.memory().get().eventCount());
            } else {
                r.na("journal_heap_per_card_bytes").na("journal_events");
            }
            r.number("events_per_card", cardEvents / (double) n, 2).number("calls", squad.calls())
                    .number("calls_per_card", squad.calls() / (double) n, 2)
                    .number("done", done).number("db_mb", journal.bytesOnDisk() < 0 ? Double.NaN
                            : journal.bytesOnDisk() / 1048576.0, 1)
                    .number("loadavg_1m_at_start", load, 2).number("cpus", Machine.cpus())
                    .text("java", Machine.javaVersion()).number("max_heap_mb", Machine.maxHeapBytes() >> 20);
            breakdown.values().forEach((k, v) -> {
                if (!k.equals("bench")) {
                    r.text(k, breakdown.get(k));
                }
            });
            r.text("status", done == n ? "ok" : "incomplete");
            System.err.printf(Locale.ROOT, "# %s: %d/%d DONE in %.2f s = %s cards/s, dispatch p99 %s ms, %s ms CPU/card%n",
                    what, done, n, wallS, r.get("cards_per_s"), r.get("dispatch_p99_ms"), r.get("cpu_ms_per_card"));
            return r;
        } finally {
            if (checkpointDir != null) {
                Journal.deleteRecursively(checkpointDir);
            }
        }
    }

    /**
     * Waits for quiescence in slices, watching the agents' call count: returns null when quiescent, or
     * why not — the timeout passed, or no call was made for {@code stallSeconds} (the engine stalled).
     */
    static String awaitQuiescence(Orquestra engine, Squad squad, long t0, long timeoutSeconds, long stallSeconds,
                                  String what) {
        long lastCalls = -1;
        long lastProgress = System.nanoTime();
        while (!engine.awaitQuiescence(Duration.ofSeconds(Math.min(5, stallSeconds)))) {
            long now = System.nanoTime();
            long calls = squad.calls();
            if (calls != lastCalls) {
                lastCalls = calls;
                lastProgress = now;
            } else if (now - lastProgress > stallSeconds * 1_000_000_000L) {
                return "stalled: no agent call for " + stallSeconds + " s (" + calls + " calls made)";
            }
            if (now - t0 > timeoutSeconds * 1_000_000_000L) {
                return "no quiescence within " + timeoutSeconds + " s";
            }
            if (now - t0 > 10_000_000_000L) {
                System.err.printf(Locale.ROOT, "#   %s: %.0f s, %d calls%n", what, (now - t0) / 1e9, calls);
            }
        }
        return null;
    }

    static String nonZero(BacklogStatus status) {
        StringBuilder b = new StringBuilder();
        status.byStatus().entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(e.getKey()).append('=').append(e.getValue()).append(' '));
        return b.append("active=").append(status.active()).toString();
    }

    /** Card events in the journal, paged through the public history API. */
    static long countCardEvents(Orquestra engine) {
        long offset = 0;
        long count = 0;
        while (true) {
            List<JournalReader.JournalEntry> page = engine.events(offset, 10_000);
            count += page.size();
            if (page.size() < 10_000) {
                return count;
            }
            offset = page.get(page.size() - 1).offset();
        }
    }

    /** Dispatch and card latencies from the listener's and the owner's timestamps. */
    record Latencies(double dispatchP50, double dispatchP95, double dispatchP99, double dispatchMax, int samples,
                     double cardP50, double cardP99, double lastApprovalS) {

        static final Latencies NONE = new Latencies(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN,
                Double.NaN, Double.NaN);

        static Latencies of(Recorder rec, Squad squad, int[][] deps, long startMicros) {
            int n = deps.length;
            double[] dispatch = new double[n];
            int samples = 0;
            double[] card = new double[n];
            int cardSamples = 0;
            long lastApproval = 0;
            for (int i = 0; i < n; i++) {
                long approved = rec.approvedAtMicros(i);
                lastApproval = Math.max(lastApproval, approved);
                long queued = rec.queuedAtMicros(i);
                if (approved > 0 && queued > 0) {
                    card[cardSamples++] = (approved - queued) / 1000.0;
                }
                if (deps[i].length == 0) {
                    continue;
                }
                long released = 0;
                for (int d : deps[i]) {
                    released = Math.max(released, rec.approvedAtMicros(d));
                }
                long called = squad.ownerFirstCallMicros(i);
                if (released > 0 && called > 0) {
                    dispatch[samples++] = (called - released) / 1000.0;
                }
            }
            double[] ds = java.util.Arrays.copyOf(dispatch, samples);
            java.util.Arrays.sort(ds);
            double[] cs = java.util.Arrays.copyOf(card, cardSamples);
            java.util.Arrays.sort(cs);
            return new Latencies(Stats.percentile(ds, 50), Stats.percentile(ds, 95), Stats.percentile(ds, 99),
                    samples == 0 ? Double.NaN : ds[samples - 1], samples, Stats.percentile(cs, 50),
                    Stats.percentile(cs, 99), lastApproval > 0 ? (lastApproval - startMicros) / 1e6 : Double.NaN);
        }
    }
}
