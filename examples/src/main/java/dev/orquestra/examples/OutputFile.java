package dev.orquestra.examples;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file a command writes for the user ({@code export --out}, {@code run --report}), checked before the
 * command does any work: a run of a large backlog must not end in "cannot write the report", and no
 * output may replace what a run keeps in its data directory (writing JSON over {@code orquestra.mv.db}
 * or {@code run.properties} destroys the run).
 *
 * <p>Refused, as bad input: a path that is, or is inside, one of a data directory's own files (see
 * {@link DataDir#ownFile(String)}) or the data directory itself, after symbolic links and {@code ..}
 * are resolved; this holds for the command's {@code --data} and for any other directory that holds a
 * run. Refused as well: a directory, something that is not a regular file (a device, a pipe: the
 * atomic rename that writes the file would replace it), and a path whose directory cannot be created
 * or written. Missing parent directories are created, as the write would have created them.
 */
final class OutputFile {

    /** Symbolic links followed before giving up, as the operating system does. */
    private static final int MAX_LINKS = 40;

    private OutputFile() {
    }

    /**
     * Checks an output path and returns it.
     *
     * @param option the option that named it, for the message ({@code --out})
     * @param file   the path as given
     * @param data   the command's data directory
     * @throws CommandFailure bad input naming the path and why it is refused
     */
    static Path check(String option, Path file, DataDir data) {
        String named = option + " " + file;
        if (Files.isDirectory(file)) {
            throw CommandFailure.badInput(named + " is a directory; name a file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw CommandFailure.badInput(named + " is not a regular file (a device or a pipe, which writing the "
                    + "output would replace); name a file");
        }
        Path resolved;
        try {
            resolved = resolve(file.toAbsolutePath());
        } catch (IOException e) {
            throw CommandFailure.badInput(named + " cannot be resolved: " + e.getMessage());
        }
        Path dataDir;
        try {
            dataDir = resolve(data.path());
        } catch (IOException e) {
            throw CommandFailure.badInput("data directory " + data.display() + " cannot be resolved: " + e.getMessage());
        }
        Optional<String> clash = clash(resolved, dataDir);
        if (clash.isPresent()) {
            throw CommandFailure.badInput(named + (resolved.equals(file.toAbsolutePath().normalize()) ? ""
                    : " (" + resolved + ")") + " is " + clash.get() + "; writing it would destroy the run. "
                    + "Name a file outside the run's own files");
        }
        requireWritableDirectory(named, resolved.getParent());
        return file;
    }

    /** What of a run the path would overwrite, if anything. */
    private static Optional<String> clash(Path resolved, Path dataDir) {
        if (resolved.equals(dataDir)) {
            return Optional.of("the data directory itself");
        }
        Optional<String> inData = ownFileOf(resolved, dataDir);
        if (inData.isPresent()) {
            return inData;
        }
        // any other data directory on the way up: a run's files are its own wherever it lives
        for (Path dir = resolved.getParent(); dir != null; dir = dir.getParent()) {
            if (DataDir.looksLikeOne(dir)) {
                Optional<String> inOther = ownFileOf(resolved, dir);
                if (inOther.isPresent()) {
                    return inOther;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ownFileOf(Path resolved, Path dir) {
        if (!resolved.startsWith(dir) || resolved.equals(dir)) {
            return Optional.empty();
        }
        String first = dir.relativize(resolved).getName(0).toString();
        return DataDir.ownFile(first).map(what -> (resolved.getParent().equals(dir) ? "" : "inside ")
                + what + " of the run in " + dir);
    }

    /**
     * The path with every symbolic link and {@code ..} resolved, as the operating system would resolve
     * it to write there, also when its last names do not exist yet (a name that does not exist is no
     * link). A link is followed even when what it points to does not exist, since writing creates that.
     */
    static Path resolve(Path absolute) throws IOException {
        Path resolved = absolute.getRoot();
        Deque<String> names = new ArrayDeque<>();
        absolute.forEach(n -> names.addLast(n.toString()));
        int links = 0;
        while (!names.isEmpty()) {
            String name = names.removeFirst();
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            if (name.equals("..")) {
                // what is resolved so far holds no link, so its parent is the real one
                resolved = resolved.getParent() == null ? resolved : resolved.getParent();
                continue;
            }
            Path next = resolved.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                resolved = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new IOException(absolute + ": too many levels of symbolic links");
            }
            Path target = Files.readSymbolicLink(next);
            if (target.isAbsolute()) {
                resolved = target.getRoot();
            }
            List<String> targetNames = new ArrayList<>();
            target.forEach(n -> targetNames.add(n.toString()));
            for (int i = targetNames.size() - 1; i >= 0; i--) {
                names.addFirst(targetNames.get(i));
            }
        }
        return resolved;
    }

    /** Creates the directory if need be, and writes and removes a probe file there, as the output will. */
    private static void requireWritableDirectory(String named, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CommandFailure.badInput(named + ": " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CommandFailure.badInput(named + ": its directory " + dir + " cannot be created (" + reason(e) + ")");
        }
        Path probe = dir.resolve(".orquestra-example-probe." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            throw CommandFailure.badInput(named + ": its directory " + dir + " cannot be written (" + reason(e) + ")");
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw CommandFailure.badInput(named + ": a probe file written in " + dir + " cannot be removed ("
                    + reason(e) + "), so the output could not replace its file either");
        }
    }

    /** What the operating system said, in its words when it gave them ({@code Read-only file system}). */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (e instanceof AccessDeniedException) {
                return "Permission denied";
            }
            if (e instanceof NoSuchFileException) {
                return "No such file or directory";
            }
            return e.getClass().getSimpleName();
        }
        return String.valueOf(e.getMessage());
    }
}
