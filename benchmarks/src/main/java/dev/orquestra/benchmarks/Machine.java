package dev.orquestra.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;

/**
 * What the harnesses read off the JVM and the machine: CPU time, heap after a full collection, peak
 * heap, GC counts, load average. The figures come from the platform MX beans, so no agent is needed.
 */
final class Machine {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static boolean heapShrinkingOff;

    private Machine() {
    }

    /**
     * Pekko settings for a benchmark engine: Pekko's own log through SLF4J at WARNING (logback.xml keeps
     * it to stderr), so nothing is printed per card; {@code overrides} ({@code key=value} pairs separated
     * by {@code ;}) take precedence.
     */
    static Config engineConfig(String overrides) {
        return ConfigFactory.parseString(overrides.replace(';', '\n')).withFallback(ConfigFactory.parseString(""
                + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.stdout-loglevel = WARNING\n"
                + "pekko.log-dead-letters = off\n"
                + "pekko.log-dead-letters-during-shutdown = off\n"));
    }

    /** CPU time of the whole process (every thread: engine, GC, JIT), in nanoseconds. */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    static double loadAverage() {
        return OS.getSystemLoadAverage();
    }

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    static long maxHeapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    static String javaVersion() {
        return Runtime.version().toString();
    }

    /**
     * Heap in use after full collections: {@code System.gc()} until the figure stops falling (at most
     * five times), so what remains is what is reachable. The first call also stops G1 from shrinking
     * the heap after each collection (manageable flag {@code MaxHeapFreeRatio}), which would otherwise
     * make the next timed phase pay for growing it back.
     */
    static long usedHeapAfterGc() {
        if (!heapShrinkingOff) {
            heapShrinkingOff = true;
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption("MaxHeapFreeRatio", "100");
            } catch (RuntimeException notSupported) {
                System.err.println("# could not turn heap shrinking off (" + notSupported + ")");
            }
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= best - (best >> 8)) {   // within 0.4 %: settled
                return Math.min(best, used);
            }
            best = Math.min(best, used);
        }
        return best;
    }

    /** Starts a new peak-heap window. */
    static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /**
     * The peak heap since {@link #resetPeakHeap()}: the sum of each heap pool's peak. The pools peak
     * at different moments, so this is an upper bound of the true peak.
     */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Collections so far and their total time in milliseconds, over every collector. */
    static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** Wall-clock time in microseconds since the epoch, from the same clock the engine stamps events with. */
    static long nowMicros() {
        return micros(Instant.now());
    }

    static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    /** A header line for the log: where and when the figures were taken. */
    static String describe() {
        return "java " + javaVersion() + ", " + cpus() + " cores, max heap " + (maxHeapBytes() >> 20) + " MB, load "
                + String.format(java.util.Locale.ROOT, "%.2f", loadAverage());
    }
}
