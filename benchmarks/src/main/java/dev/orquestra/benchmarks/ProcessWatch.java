package dev.orquestra.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches one child process and its descendants through Linux's {@code /proc}: the peak resident set
 * size and the CPU time they used, and stops the whole tree (SIGTERM, then SIGKILL) when asked to.
 *
 * <p>Memory: every {@link #sample()} reads {@code VmRSS} and {@code VmHWM} from
 * {@code /proc/<pid>/status} of each live process of the tree. The peak is the larger of the highest
 * {@code VmHWM} of any one process (the kernel's own high-water mark, which no sampling gap can miss)
 * and the highest sum of {@code VmRSS} over the tree at one sample. A launcher that {@code exec}s its
 * JVM keeps its pid, so the JVM is the watched process itself.
 *
 * <p>CPU: the {@code cutime + cstime} of this JVM ({@code /proc/self/stat}, the figures
 * {@code getrusage(RUSAGE_CHILDREN)} returns) before the child starts and after it has been reaped.
 * They count every waited-for descendant in full, up to its exit, which a sample of the child's own
 * {@code utime + stime} cannot: the last sample comes up to one interval before the exit, and the
 * figure disappears with the process. It holds only while this JVM starts no other child meanwhile,
 * which the scale harness does not. The last sampled figure is kept as a fallback.
 */
final class ProcessWatch {

    /** Linux's USER_HZ, the unit of the times in {@code /proc/<pid>/stat}; 100 on every mainstream architecture. */
    private static final long DEFAULT_CLOCK_TICKS = 100;

    /** How long a killed descendant may take to disappear. */
    private static final Duration LINGER = Duration.ofSeconds(5);

    private final Process process;
    private final long clockTicks;
    private final long childrenTicksBefore;
    private long peakRssKb;
    private long peakHwmKb;
    private int peakThreads;
    private long sampledTicks;

    private ProcessWatch(Process process, long clockTicks, long childrenTicksBefore) {
        this.process = process;
        this.clockTicks = clockTicks;
        this.childrenTicksBefore = childrenTicksBefore;
    }

    /**
     * Starts the process and watches it. The children's CPU times of this JVM are read just before the
     * start, so nothing else may be waited for between here and {@link #cpuSeconds()}.
     *
     * @throws IllegalStateException when {@code /proc} cannot be read (not Linux)
     */
    static ProcessWatch start(ProcessBuilder builder, long clockTicks) throws IOException {
        long before = childrenTicks().orElseThrow(() -> new IllegalStateException(
                "cannot read /proc/self/stat: peak RSS and CPU time are read from Linux's /proc"));
        return new ProcessWatch(builder.start(), clockTicks, before);
    }

    /** USER_HZ from {@code getconf CLK_TCK}, or 100 when it cannot be asked. Call it before any watch starts. */
    static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // the Linux default below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_CLOCK_TICKS;
    }

    Process process() {
        return process;
    }

    /** Reads the memory and CPU figures of every live process of the tree once. */
    void sample() {
        List<ProcessHandle> tree = tree();
        long rss = 0;
        int threads = 0;
        for (ProcessHandle p : tree) {
            List<String> status = read(Path.of("/proc", Long.toString(p.pid()), "status"));
            if (status.isEmpty()) {
                continue;   // it ended between listing and reading
            }
            rss += number(status, "VmRSS:");
            peakHwmKb = Math.max(peakHwmKb, number(status, "VmHWM:"));
            threads += (int) number(status, "Threads:");
        }
        peakRssKb = Math.max(peakRssKb, rss);
        peakThreads = Math.max(peakThreads, threads);
        OptionalLong ticks = ownTicks(process.pid());
        if (ticks.isPresent()) {
            sampledTicks = ticks.getAsLong();
        }
    }

    /** The process first, then its descendants, as far as they are still alive. */
    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        return tree;
    }

    /** Peak resident set size in MB (see the class comment); 0 when never sampled. */
    double peakRssMb() {
        return Math.max(peakRssKb, peakHwmKb) / 1024.0;
    }

    int peakThreads() {
        return peakThreads;
    }

    /**
     * CPU seconds (user + system) of the process and every descendant it waited for, from this JVM's
     * children times once the process has been reaped; the last sample's {@code utime + stime} of the
     * process alone when those cannot be read.
     */
    double cpuSeconds() {
        long children = childrenTicksSinceStart();
        return (children > 0 ? children : sampledTicks) / (double) clockTicks;
    }

    /** Where {@link #cpuSeconds()} comes from: {@code rusage_children} or {@code sampled}. */
    String cpuSource() {
        return childrenTicksSinceStart() > 0 ? "rusage_children" : "sampled";
    }

    private long childrenTicksSinceStart() {
        OptionalLong after = childrenTicks();
        return after.isPresent() ? Math.max(0, after.getAsLong() - childrenTicksBefore) : 0;
    }

    /**
     * Stops the tree: SIGTERM to every process (the JVM runs its shutdown hooks), then SIGKILL to
     * whatever is left after {@code grace}. Returns once the watched process has exited and its
     * descendants have gone too (or a few seconds after their SIGKILL), so that the next run does not
     * share the machine with them.
     */
    void stop(Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = tree();
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println("# pid " + process.pid() + " still runs " + grace.toSeconds() + " s after SIGTERM: SIGKILL");
        }
        for (ProcessHandle p : tree) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        process.waitFor();
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("# pid " + p.pid() + " has not gone " + LINGER.toSeconds() + " s after SIGKILL");
            }
        }
    }

    /** The number a {@code /proc/<pid>/status} field starts with (kB for the memory fields); 0 without the field. */
    private static long number(List<String> status, String field) {
        for (String line : status) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** {@code utime + stime} of one process, in clock ticks. */
    private static OptionalLong ownTicks(long pid) {
        return statFields(Path.of("/proc", Long.toString(pid), "stat"), 11, 12);
    }

    /** {@code cutime + cstime} of this JVM, in clock ticks. */
    static OptionalLong childrenTicks() {
        return statFields(Path.of("/proc/self/stat"), 13, 14);
    }

    /**
     * The sum of two fields of a {@code /proc/<pid>/stat} line, counted from the state field (0) that
     * follows the command name: the name is in parentheses and may hold spaces, so it is skipped by
     * its last ')'.
     */
    private static OptionalLong statFields(Path stat, int a, int b) {
        List<String> lines = read(stat);
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        String line = lines.get(0);
        int close = line.lastIndexOf(')');
        String[] fields = line.substring(close + 1).trim().split("\\s+");
        try {
            return OptionalLong.of(Long.parseLong(fields[a]) + Long.parseLong(fields[b]));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The lines of a /proc file, or none when the process is gone. */
    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }
}
