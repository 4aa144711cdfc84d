package dev.orquestra.examples;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.BacklogProblem;
import dev.orquestra.BacklogReader;
import dev.orquestra.examples.squad.SampleBacklogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a run's backlog comes from: a file, or one of the sample backlogs bundled in the app's jar
 * (so {@code run} works from any working directory). A bundled sample is named by its bare name only
 * ({@code hello.json}, with no directory); any other path must be a file. A path that does not exist
 * or is a directory is refused, never replaced by a sample: running a sample instead of the backlog
 * the user named would call (and pay) agents for work nobody asked for.
 *
 * @param label   how to name it to the user: the file's path, or {@code bundled <name>}
 * @param backlog the backlog, read and checked
 */
record BacklogSource(String label, Backlog backlog) {

    /** The sample backlogs in the jar, under {@value #RESOURCE_DIR}. */
    static final List<String> BUNDLED = List.of(SampleBacklogs.SQUAD_120, "hello.json");

    /** The backlog a run uses when none is given. */
    static final String DEFAULT = SampleBacklogs.SQUAD_120;

    private static final String RESOURCE_DIR = "/backlogs/";

    BacklogSource {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(backlog, "backlog");
    }

    /**
     * Reads the backlog a path names.
     *
     * @throws CommandFailure bad input when there is no such file or bundled backlog, the path is a
     *                        directory, or the backlog is not valid (every problem listed); a failure when
     *                        the file cannot be read
     */
    static BacklogSource resolve(Path path) {
        Located located = locate(path);
        try {
            return new BacklogSource(located.label(), located.read());
        } catch (BacklogException e) {
            throw refused(located.label(), e);
        } catch (IOException e) {
            throw CommandFailure.failure(TerminalText.escape(located.label()) + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A backlog found but not read yet: a file, or a bundled sample.
     *
     * @param label   how to name it to the user: the file's path, or {@code bundled <name>}
     * @param file    the file, or null for a bundled sample
     * @param bundled the bundled sample's name, or null for a file
     */
    record Located(String label, Path file, String bundled) {

        /** Reads and checks it. */
        Backlog read() throws IOException {
            if (file != null) {
                return BacklogReader.standard().read(file);
            }
            return BacklogSource.bundled(bundled).backlog();
        }
    }

    /**
     * Finds the backlog a path names, the same way for every command.
     *
     * @throws CommandFailure bad input when the path is a directory, not a regular file, or not there and
     *                        not the bare name of a bundled sample
     */
    static Located locate(Path path) {
        String shown = TerminalText.escape(path.toString());
        if (Files.isDirectory(path)) {
            throw CommandFailure.badInput(shown + ": is a directory, not a backlog file");
        }
        if (Files.isRegularFile(path)) {
            return new Located(path.toString(), path, null);
        }
        if (Files.exists(path)) {
            throw CommandFailure.badInput(shown + ": not a regular file, so not a backlog file");
        }
        if (!path.isAbsolute() && path.getNameCount() == 1 && BUNDLED.contains(path.toString())) {
            return new Located("bundled " + path, null, path.toString());
        }
        throw CommandFailure.badInput(shown + ": no such file (bundled backlogs: "
                + String.join(", ", BUNDLED) + ")");
    }

    /** A sample backlog bundled in the jar. */
    static BacklogSource bundled(String name) {
        try (InputStream in = BacklogSource.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("the app's jar lacks its bundled backlog " + RESOURCE_DIR + name);
            }
            return new BacklogSource("bundled " + name, BacklogReader.standard().read(in));
        } catch (IOException e) {
            throw new IllegalStateException("reading the bundled backlog " + name + " failed", e);
        }
    }

    /**
     * How this backlog differs from the one a store holds, at most a few lines, safe for a terminal;
     * empty when they are the same cards with the same specs.
     */
    List<String> differencesFrom(Backlog stored) {
        return backlog.differencesFrom(stored).stream().map(TerminalText::escape).toList();
    }

    private static CommandFailure refused(String where, BacklogException e) {
        StringBuilder message = new StringBuilder(TerminalText.escape(where)).append(": refused, ")
                .append(e.problems().size()).append(e.problems().size() == 1 ? " problem" : " problems");
        for (BacklogProblem p : e.problems()) {
            message.append(System.lineSeparator()).append("  ").append(TerminalText.escape(p.toString()));
        }
        return CommandFailure.badInput(message.toString());
    }
}
