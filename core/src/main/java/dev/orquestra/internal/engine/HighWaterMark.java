package dev.orquestra.internal.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How far a store's journal had got, kept outside the database: the journal's highest offset and the
 * cards approved when the engine last wrote a checkpoint or closed. A store that later holds less (its
 * file truncated, or a database restored from an older copy) has lost events that were acknowledged;
 * an engine opening it would re-run cards silently and pay their agents again, so it refuses instead,
 * naming both figures. Written atomically: a temporary file forced to disk, then renamed.
 *
 * @param offset   the journal's highest offset
 * @param approved cards DONE
 * @param at       when it was written
 */
public record HighWaterMark(long offset, int approved, Instant at) {

    /** The mark's file in a store's directory. */
    public static final String FILE_NAME = "journal-high-water-mark.properties";

    /** The mark in {@code file}, if there is one. */
    public static Optional<HighWaterMark> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HighWaterMark(Long.parseLong(p.getProperty("offset")),
                    Integer.parseInt(p.getProperty("approved")), Instant.parse(p.getProperty("written_at"))));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a journal high-water mark (" + e.getMessage() + ")", e);
        }
    }

    /** Writes the mark to {@code file} atomically. */
    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        String text = "# How far this store's journal had got: an engine refuses a store that holds less.\n"
                + "offset=" + offset + "\napproved=" + approved + "\nwritten_at=" + at + "\n";
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
