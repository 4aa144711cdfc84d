package dev.orquestra.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a window's process CPU time went, by kind of thread: the engine's actors, the agent workers,
 * the journal plugin, JDBC, the listener, garbage collection, the JIT compilers, and threads that
 * ended during the window (whose time only the process total still holds). Java threads are read
 * through {@link ThreadMXBean}; GC, compiler and VM threads from {@code /proc/self/task} (Linux; on
 * other systems those shares read NA). Also counts the threads started in the window.
 */
final class CpuBreakdown {

    private final long processCpu0;
    private final long started0;
    private final Map<Long, Long> java0;
    private final Map<String, Long> native0;

    private CpuBreakdown() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        processCpu0 = Machine.processCpuNanos();
        started0 = t.getTotalStartedThreadCount();
        java0 = javaThreads(t).entrySet().stream().collect(HashMap::new, (m, e) -> m.put(e.getKey(), e.getValue().cpu()),
                HashMap::putAll);
        native0 = nativeGroups();
    }

    /** Starts a window. */
    static CpuBreakdown start() {
        return new CpuBreakdown();
    }

    private record JavaThread(String name, long cpu) {
    }

    private static Map<Long, JavaThread> javaThreads(ThreadMXBean t) {
        Map<Long, JavaThread> out = new HashMap<>();
        for (ThreadInfo info : t.getThreadInfo(t.getAllThreadIds())) {
            if (info != null) {
                long cpu = t.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    out.put(info.getThreadId(), new JavaThread(info.getThreadName(), cpu));
                }
            }
        }
        return out;
    }

    /** CPU of the JVM's own threads by group, in nanoseconds, from /proc (empty where there is none). */
    private static Map<String, Long> nativeGroups() {
        Map<String, Long> out = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    String group = comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc"
                            : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "jit"
                            : comm.equals("VM Thread") || comm.equals("VM Periodic Tas") ? "vm" : null;
                    if (group == null) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime + stime
                    out.merge(group, ticks * 10_000_000L, Long::sum);             // 100 ticks per second
                } catch (IOException | RuntimeException vanished) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return new HashMap<>();
        }
        return out;
    }

    private static String group(String name) {
        if (name.contains("worker-dispatcher")) {
            return "workers";
        }
        if (name.contains("plugin-dispatcher")) {
            return "journal_plugin";
        }
        if (name.contains("listener-dispatcher") || name.contains("blocking-io-dispatcher")) {
            return "listener";
        }
        if (name.contains("pekko.actor") || name.contains("scheduler")) {
            return "actors";
        }
        if (name.startsWith("db-") || name.contains("Hikari") || name.startsWith("H2") || name.contains("slick")) {
            return "jdbc";
        }
        if (name.equals("main") || name.startsWith("bench-")) {
            return "harness";
        }
        return "other";
    }

    /** Adds {@code cpu_<group>_pct} (shares of the window's process CPU) and {@code threads_started} to a result. */
    void finish(ResultLine r) {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long total = Math.max(1, Machine.processCpuNanos() - processCpu0);
        Map<String, Long> groups = new LinkedHashMap<>();
        for (String g : new String[] {"actors", "workers", "journal_plugin", "jdbc", "listener", "harness", "other"}) {
            groups.put(g, 0L);
        }
        for (Map.Entry<Long, JavaThread> e : javaThreads(t).entrySet()) {
            long delta = e.getValue().cpu() - java0.getOrDefault(e.getKey(), 0L);
            groups.merge(group(e.getValue().name()), Math.max(0, delta), Long::sum);
        }
        Map<String, Long> native1 = nativeGroups();
        boolean proc = !native1.isEmpty();
        for (String g : new String[] {"gc", "jit", "vm"}) {
            groups.put(g, proc ? native1.getOrDefault(g, 0L) - native0.getOrDefault(g, 0L) : -1);
        }
        long accounted = groups.values().stream().mapToLong(v -> Math.max(0, v)).sum();
        groups.put("ended_threads", proc ? Math.max(0, total - accounted) : -1);
        for (Map.Entry<String, Long> e : groups.entrySet()) {
            r.number("cpu_" + e.getKey() + "_pct", e.getValue() < 0 ? Double.NaN : 100.0 * e.getValue() / total, 1);
        }
        r.number("threads_started", t.getTotalStartedThreadCount() - started0);
    }
}
