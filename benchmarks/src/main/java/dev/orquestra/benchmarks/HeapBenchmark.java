package dev.orquestra.benchmarks;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Heap retained per card, after full collections, while cards are live and once they are terminal.
 *
 * <p>N independent cards are submitted with every agent call held at a gate, so all N are started and
 * in flight at once (five IN_PROGRESS, the rest QUEUED in the owner's dispatcher; the active-card limit
 * is raised to N for this). The heap is measured after full GCs: {@code heap_per_live_card_bytes} is
 * that minus the idle engine, per card. Then the gate opens, the backlog runs to quiescence, and
 * {@code heap_per_terminal_card_bytes} is measured the same way once the engine has settled: the terminal
 * cards leave memory after quiescence, one by one ({@code settle_s}; the figure at quiescence itself is
 * {@code heap_per_card_at_quiescence_bytes}). With the in-memory journal the
 * journal's contents at the end are measured apart (after the engine is closed) and taken out of the
 * terminal figure; the live figure then includes the one {@code Queued} event per card and the backlog
 * the journal holds ({@code live_includes_journal=yes}). Use H2 for the engine's own figures.
 *
 * <pre>
 * java -cp ... dev.orquestra.benchmarks.HeapBenchmark --cards 10000 --journal h2
 * </pre>
 */
public final class HeapBenchmark {

    static final String USAGE = """
            usage: HeapBenchmark [options]
              --cards N[,N...]    independent cards (default 10000)
              --journal J         memory | h2 | postgres (default h2)
              --pekko 'K=V;K=V'   extra Pekko settings for the engine (recorded as engine_config=custom)
              --timeout-s S       give up after this long (default 600)
              --histogram         print the top of a class histogram (live objects) at both points, on stderr
              --json FILE         also write the RESULT figures as JSON
            Ends with one RESULT line per size on stdout.""";

    private HeapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Args a;
        try {
            a = Args.parse(args, Set.of("--cards", "--journal", "--pekko", "--timeout-s", "--json"), Set.of("--histogram"),
                    USAGE);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (a.help()) {
            System.out.println(USAGE);
            return;
        }
        Journal.Kind kind = Journal.Kind.parse(a.string("--journal", "h2"));
        int timeout = a.integer("--timeout-s", 600, 1);
        List<ResultLine> results = new ArrayList<>();
        boolean ok = true;
        for (int n : a.integers("--cards", List.of(10_000))) {
            ResultLine r = measure(n, kind, timeout, a.string("--pekko", ""), a.flag("--histogram"));
            System.out.println(r.line());
            results.add(r);
            ok &= r.get("status").equals("ok");
        }
        String json = a.string("--json", null);
        if (json != null) {
            ResultLine.writeJson(results, Path.of(json));
        }
        System.exit(ok ? 0 : 1);
    }

    /** The first lines of {@code GC.class_histogram} (which collects first), through the diagnostic MBean. */
    static String histogram(int lines) {
        try {
            Object out = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return ((String) out).lines().limit(lines + 3).map(l -> "#   " + l)
                    .collect(java.util.stream.Collectors.joining("\n"));
        } catch (javax.management.JMException e) {
            return "#   (no histogram: " + e + ")";
        }
    }

    static ResultLine measure(int n, Journal.Kind kind, int timeoutSeconds, String pekko, boolean histogram)
            throws Exception {
        ResultLine r = new ResultLine("heap").text("journal", kind.label()).text("shape", "independent").number("cards", n)
                .text("engine_config", pekko.isBlank() ? "default" : "custom");
        if (kind == Journal.Kind.POSTGRES && Journal.postgresProblem().isPresent()) {
            System.err.println("# SKIPPED: " + Journal.postgresProblem().get());
            return r.text("status", "skipped").text("reason", "postgres_unreachable");
        }
        System.err.printf(Locale.ROOT, "# heap: %d independent cards, journal %s; %s%n", n, kind.label(), Machine.describe());
        Backlog backlog = new Workload(Workload.Shape.INDEPENDENT, n, 1, 1).backlog();
        Map<CardId, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(backlog.cards().get(i).id(), i);
        }
        String name = "heap-" + ProcessHandle.current().pid() + "-" + n;
        try (Squad squad = new Squad(index, 0); Journal journal = Journal.create(kind, name)) {
            squad.closeGate();
            OrquestraBuilder builder = Orquestra.builder().name(name).store(journal.store())
                    .owners(Role.BACKEND, squad.owner(), 5).pipeline(squad.pipeline(Squad.PipelineKind.DEFAULT, 5))
                    .policy(Policy.defaults().maxActiveCards(n)).checkpointEvery(0).config(Machine.engineConfig(pekko))
                    .askTimeout(Duration.ofMinutes(5)).shutdownTimeout(Duration.ofMinutes(2));
            long beforeEngine = Machine.usedHeapAfterGc();
            Orquestra engine = builder.build();
            long idle;
            long live;
            long terminal;
            BacklogStatus liveStatus;
            BacklogStatus end;
            long atQuiescence;
            double settleS;
            try {
                idle = Machine.usedHeapAfterGc();
                engine.submit(backlog);
                long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
                while (true) {
                    liveStatus = engine.status();
                    if (liveStatus.count(CardStatus.QUEUED) + liveStatus.count(CardStatus.IN_PROGRESS) == n
                            && squad.calls() >= 5) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        return r.text("status", "timeout").text("reason", "cards_not_all_started");
                    }
                    Thread.sleep(50);
                }
                live = Machine.usedHeapAfterGc();
                if (histogram) {
                    System.err.println("# class histogram with " + n + " live cards:\n" + histogram(30));
                }
                squad.openGate();
                String stuck = EndToEndBenchmark.awaitQuiescence(engine, squad, System.nanoTime(), timeoutSeconds, 60, "heap");
                if (stuck != null) {
                    System.err.println("# " + stuck + "; " + EndToEndBenchmark.nonZero(engine.status()));
                    return r.text("status", "stalled");
                }
                end = engine.status();
                atQuiescence = Machine.usedHeapAfterGc();
                long settling = System.nanoTime();
                terminal = settled(atQuiescence, timeoutSeconds);
                settleS = (System.nanoTime() - settling) / 1e9;
                if (histogram) {
                    System.err.println("# class histogram with " + n + " terminal cards:\n" + histogram(30));
                }
            } finally {
                engine.close();
            }
            long journalHeap = journal.memory().isPresent() ? Math.max(0, Machine.usedHeapAfterGc() - beforeEngine) : 0;
            r.number("heap_per_live_card_bytes", (live - idle) / (double) n, 0)
                    .number("heap_per_terminal_card_bytes", (terminal - idle - journalHeap) / (double) n, 0)
                    .number("heap_per_card_at_quiescence_bytes", (atQuiescence - idle - journalHeap) / (double) n, 0)
                    .number("settle_s", settleS, 1)
                    .number("live_cards", liveStatus.count(CardStatus.QUEUED) + liveStatus.count(CardStatus.IN_PROGRESS))
                    .number("heap_live_mb", (live - idle) / 1048576.0, 1).number("heap_terminal_mb", (terminal - idle) / 1048576.0, 1)
                    .number("journal_heap_mb", journalHeap / 1048576.0, 1)
                    .text("live_includes_journal", journal.memory().isPresent() ? "yes" : "no")
                    .number("done", end.count(CardStatus.DONE)).number("loadavg_1m_at_start", Machine.loadAverage(), 2)
                    .text("java", Machine.javaVersion())
                    .text("status", end.count(CardStatus.DONE) == n ? "ok" : "incomplete");
            System.err.println("# " + r.line());
            return r;
        }
    }

    /**
     * The heap once the engine has let go of what the run left in memory: quiescence comes when the last
     * card is settled, and only then do the terminal cards leave memory (their actors stop one by one,
     * their mailboxes drain). Measures every second until a measurement is within 1 % of the one before
     * (at least three), or the timeout.
     */
    private static long settled(long atQuiescence, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeoutSeconds, 120) * 1_000_000_000L;
        long previous = atQuiescence;
        for (int i = 1; ; i++) {
            Thread.sleep(1000);
            long now = Machine.usedHeapAfterGc();
            if (i >= 3 && Math.abs(previous - now) <= previous / 100 || System.nanoTime() > deadline) {
                return Math.min(previous, now);
            }
            previous = now;
        }
    }
}
