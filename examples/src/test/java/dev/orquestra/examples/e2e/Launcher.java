package dev.orquestra.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real launcher, {@code ./orquestra-example} at the repository root, run as a separate process the
 * way a user runs it. {@link #buildOnce()} lets it build the app if it has to; every later call keeps
 * that jar ({@code ORQUESTRA_EXAMPLE_SKIP_BUILD}), so an edit elsewhere in the tree cannot rebuild it
 * under a running test.
 */
final class Launcher {

    /** The repository root: surefire runs in the module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SCRIPT = ROOT.resolve("orquestra-example");

    /** Building the app from scratch can take minutes on a small, busy machine. */
    private static final Duration FIRST_BUILD = Duration.ofMinutes(10);
    /** The longest any one command may take here, a whole run of the sample backlog included. */
    static final Duration COMMAND = Duration.ofMinutes(3);

    private static final Pattern PROGRESS = Pattern.compile("progress: (\\d+)/(\\d+) done.*");

    private Launcher() {
    }

    /** How a finished command ended. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code --help}, which builds the app when there is no jar or the sources are newer. */
    static void buildOnce() {
        Result help = run(ROOT, FIRST_BUILD, "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("Commands:");
    }

    /** Runs a command from the repository root and waits for it. */
    static Result run(String... args) {
        return run(ROOT, COMMAND, args);
    }

    /** Runs a command from a working directory and waits for it. */
    static Result runIn(Path workingDirectory, String... args) {
        return run(workingDirectory, COMMAND, args);
    }

    /** Runs a command from the repository root with variables added to its environment, and waits for it. */
    static Result runWith(Map<String, String> environment, String... args) {
        try (Running p = start(ROOT, environment, args)) {
            return p.awaitExit(COMMAND);
        }
    }

    private static Result run(Path workingDirectory, Duration timeout, String... args) {
        try (Running p = start(workingDirectory, Map.of(), args)) {
            return p.awaitExit(timeout);
        }
    }

    /** Starts a command from the repository root; its stdout is read line by line as it comes. */
    static Running start(String... args) {
        return start(ROOT, Map.of(), args);
    }

    /** Starts a command from the repository root with variables added to its environment. */
    static Running startWith(Map<String, String> environment, String... args) {
        return start(ROOT, environment, args);
    }

    private static Running start(Path workingDirectory, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().putAll(environment);
        if (!List.of(args).equals(List.of("--help"))) {
            builder.environment().put("ORQUESTRA_EXAMPLE_SKIP_BUILD", "true");
        }
        try {
            Path err = Files.createTempFile("orquestra-example-", ".err");
            builder.redirectError(err.toFile());
            return new Running(builder.start(), err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    /** The number of cards done in a progress line, or -1 for any other line. */
    static int doneIn(String line) {
        Matcher m = PROGRESS.matcher(line);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A command that is running: its stdout lines as they come, and ways to end it. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final Path errFile;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> outClosed;
        private final Object arrived = new Object();

        private Running(Process process, Path errFile) {
            this.process = process;
            this.errFile = errFile;
            // a thread of its own, not the common pool: on 2 cores that has a single thread
            this.outClosed = new CompletableFuture<>();
            Thread reader = new Thread(this::readOut, "launcher-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void readOut() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    synchronized (arrived) {
                        arrived.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the process was killed; what was read is kept
            } finally {
                outClosed.complete(null); // before the waiters wake, so that they see the end
                synchronized (arrived) {
                    arrived.notifyAll();
                }
            }
        }

        /** Waits for a stdout line that matches, and returns it; fails when the process ends first or time runs out. */
        String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int seen = 0;
            synchronized (arrived) {
                while (true) {
                    for (; seen < lines.size(); seen++) {
                        if (wanted.test(lines.get(seen))) {
                            return lines.get(seen);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (outClosed.isDone() || left <= 0) {
                        return fail("no matching line on stdout " + (outClosed.isDone() ? "before the process ended"
                                : "within " + timeout) + "; it printed:\n" + String.join("\n", lines) + "\n--- stderr\n"
                                + err());
                    }
                    arrived.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /** SIGKILL: the process dies at once, with no chance to close anything. */
        Result kill() {
            process.destroyForcibly();
            return awaitExit(COMMAND);
        }

        /** SIGINT, as Ctrl-C in a terminal sends it. */
        Result interrupt() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor()).as("kill -INT").isZero();
            return awaitExit(COMMAND);
        }

        Result awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    return fail("the command did not end within " + timeout + "; it printed:\n"
                            + String.join("\n", lines) + "\n--- stderr\n" + err());
                }
                outClosed.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("waiting for the command failed: " + e, e);
            }
            return new Result(process.exitValue(), lines.isEmpty() ? "" : String.join("\n", lines) + "\n", err());
        }

        private String err() {
            try {
                return Files.readString(errFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr unreadable: " + e + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                Files.deleteIfExists(errFile);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }
}
