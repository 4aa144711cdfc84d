package dev.orquestra.persistence.crash;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashRunner} in its own JVM, started with this JVM's {@code java} and the test class path.
 * A reader thread copies everything the child prints to a log file and hands the runner's protocol
 * lines ({@code @…}) and the engine's recovery line to the test, stamped with when they arrived.
 */
final class ChildJvm {

    /** A line the child printed, and when it arrived ({@link System#nanoTime()}). */
    record Line(String text, long at) {
        boolean is(String tag) {
            return text.equals(tag) || text.startsWith(tag + " ");
        }

        /** The value of a {@code key=value} field of the line. */
        long field(String key) {
            return field(key, null);
        }

        /** The value of a {@code key=value} field of the line, or the fallback when it has none. */
        long field(String key, Long fallback) {
            for (String part : text.split(" ")) {
                if (part.startsWith(key + "=")) {
                    return Long.parseLong(part.substring(key.length() + 1));
                }
            }
            if (fallback == null) {
                throw new IllegalArgumentException("no field " + key + " in: " + text);
            }
            return fallback;
        }
    }

    /** What the queue yields after the child's last line. */
    static final String EOF = "@EOF";

    private final Process process;
    private final long launchedAt;
    private final Path log;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final List<Line> recoveryLines = new ArrayList<>();

    private ChildJvm(Process process, long launchedAt, Path log) {
        this.process = process;
        this.launchedAt = launchedAt;
        this.log = log;
        Thread reader = new Thread(this::pump, "child-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a runner on the data directory; its output goes to {@code log} (stderr to {@code log.err}). */
    static ChildJvm launch(Path data, long seed, int cards, Path log) {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.add("-Xmx512m");
        // two cores are shared by the test and its child: a single GC thread and no C2 compiler keep the
        // child's start-up from competing with itself
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(testClassPath());
        command.add(CrashRunner.class.getName());
        command.add("--data");
        command.add(data.toAbsolutePath().toString());
        command.add("--seed");
        command.add(Long.toString(seed));
        command.add("--cards");
        command.add(Integer.toString(cards));
        try {
            Files.createDirectories(log.getParent());
            long at = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile())
                    .start();
            return new ChildJvm(p, at, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The class path of the tests. Surefire may start tests from a manifest-only jar, so that
     * {@code java.class.path} is one booter jar; it also sets {@code surefire.test.class.path} to the
     * real class path, which is preferred.
     */
    static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                long at = System.nanoTime();
                out.write(text);
                out.newLine();
                out.flush();
                if (text.startsWith("@")) {
                    lines.add(new Line(text, at));
                } else if (text.contains("Recovered backlog")) {
                    synchronized (recoveryLines) {
                        recoveryLines.add(new Line(text.substring(text.indexOf("Recovered backlog")), at));
                    }
                }
            }
        } catch (IOException e) {
            // the child was killed mid-line, or the log could not be written: end the stream either way
        } finally {
            lines.add(new Line(EOF, System.nanoTime()));
        }
    }

    /** The next protocol line, or empty when none arrived in time; {@link #EOF} after the last. */
    Optional<Line> next(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Sends SIGKILL (on Linux {@link Process#destroyForcibly()} does) and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    /** Waits for the child to exit; its exit code, or empty when it was still running at the timeout. */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue())
                : Optional.empty();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    long launchedAt() {
        return launchedAt;
    }

    /** The engine's "Recovered backlog" log lines: the orchestrator recovered and woke its cards. */
    List<Line> recoveryLines() {
        synchronized (recoveryLines) {
            return List.copyOf(recoveryLines);
        }
    }

    /** The last lines of the child's output and error output, for a failure message. */
    String tail() {
        StringBuilder b = new StringBuilder();
        for (Path p : List.of(log, log.resolveSibling(log.getFileName() + ".err"))) {
            try {
                List<String> all = Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
                b.append("--- ").append(p).append(" (last 30 lines)\n");
                all.subList(Math.max(0, all.size() - 30), all.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return b.toString();
    }
}
