package dev.orquestra;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A backlog with the progress of every card, written in the seed's {@code backlog_master.json}
 * format so that tools built for the seed keep working.
 *
 * <p>Each card is written with its plan ({@code id, type, title, description, owner, priority,
 * dependencies}), then its live state ({@code status, attempt, validation_history, artifacts,
 * cost_tracking, created_at, started_at, completed_at, human_decisions, escalation_needed}), then its
 * other fields unchanged. After each card come its corrections ({@code <card>-CORR-n}, type
 * CORRECTION) and its escalation ({@code <card>-ESC}, type ESCALATION) as seed-style entries of
 * {@code cards}. Validation entries carry a {@code cost} object (input tokens, output tokens,
 * {@code cost_usd}) when the verdict reported usage, and correction entries a {@code debugging_cost}
 * when the debugger did; the seed has no place for these and reading back needs them.
 *
 * <p>Reading a checkpoint ({@link #read(Path)}) folds the correction and escalation entries back into
 * their card. The format round-trips exactly: {@code parse(x.toJson())} equals {@code x}, and
 * {@code parse(x.toJson()).toJson()} equals {@code x.toJson()} byte for byte. The metadata is written
 * as held; {@link #of(Backlog, List, Instant)} sets its {@code total_cards} and {@code last_updated}.
 *
 * @param backlog the backlog
 * @param reports one report per card, in the backlog's order
 */
public record BacklogCheckpoint(Backlog backlog, List<CardReport> reports) {

    /**
     * @throws IllegalArgumentException when the reports are not one per card of the backlog, in order
     */
    public BacklogCheckpoint {
        Objects.requireNonNull(backlog, "backlog");
        reports = List.copyOf(reports);
        List<CardSpec> cards = backlog.cards();
        if (reports.size() != cards.size()) {
            throw new IllegalArgumentException("a checkpoint needs one report per card: " + cards.size()
                    + " cards, " + reports.size() + " reports");
        }
        for (int i = 0; i < cards.size(); i++) {
            CardSpec spec = reports.get(i).spec();
            if (spec != cards.get(i) && !spec.equals(cards.get(i))) {
                throw new IllegalArgumentException("report " + i + " is about card " + spec.id()
                        + " as specified differently from the backlog's card " + cards.get(i).id());
            }
        }
    }

    /**
     * A checkpoint stamped at {@code updatedAt}: its metadata keeps the backlog's and sets
     * {@code total_cards} (the number of cards) and {@code last_updated} (ISO-8601 UTC).
     */
    public static BacklogCheckpoint of(Backlog backlog, List<CardReport> reports, Instant updatedAt) {
        Objects.requireNonNull(updatedAt, "updatedAt");
        Map<String, Object> metadata = new LinkedHashMap<>(backlog.metadata());
        metadata.put("total_cards", backlog.cards().size());
        metadata.put("last_updated", updatedAt.toString());
        return new BacklogCheckpoint(new Backlog(backlog.project(), backlog.cards(), metadata, backlog.extraFields()),
                reports);
    }

    /**
     * A checkpoint of the cards in the given states, stamped at {@code updatedAt}.
     *
     * @param states    each card's state; null for a card that never started (reported as TODO)
     * @param createdAt when the cards were submitted, or null
     */
    public static BacklogCheckpoint of(Backlog backlog, Function<? super CardId, CardState> states, Instant createdAt,
                                       Instant updatedAt) {
        List<CardReport> reports = new ArrayList<>(backlog.cards().size());
        for (CardSpec spec : backlog.cards()) {
            reports.add(CardReport.of(spec, states.apply(spec.id()), createdAt));
        }
        return of(backlog, reports, updatedAt);
    }

    /**
     * Reads a checkpoint file with the {@linkplain BacklogReader#standard() standard reader}.
     *
     * @throws BacklogException listing every problem when the file is not a valid checkpoint
     * @throws IOException      when the file cannot be read
     */
    public static BacklogCheckpoint read(Path file) throws IOException {
        return BacklogReader.standard().readCheckpoint(file);
    }

    /**
     * Parses a checkpoint with the {@linkplain BacklogReader#standard() standard reader}.
     *
     * @throws BacklogException listing every problem when the text is not a valid checkpoint
     */
    public static BacklogCheckpoint parse(String json) {
        return BacklogReader.standard().parseCheckpoint(json);
    }

    /** The report of one card. */
    public CardReport report(CardId id) {
        for (CardReport r : reports) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown card '" + id + "'");
    }

    /** The checkpoint as pretty-printed JSON (two-space indent, LF line ends, final newline). */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CheckpointFormat.write(this, out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes the checkpoint as UTF-8 JSON to a stream, which is not closed. */
    public void write(OutputStream out) throws IOException {
        CheckpointFormat.write(this, Objects.requireNonNull(out, "out"));
    }

    /**
     * Writes the checkpoint to a file atomically: to a temporary file in the same directory, forced to
     * disk, then moved over the target. A reader sees the old file or the new one, never a half.
     *
     * <p>A writer killed half-way leaves its temporary file ({@code .<name>.<hex>.tmp}) behind; each
     * write removes those of the same target that no writer holds any more (older than a minute, and not
     * locked by a live writer), so a killed export or engine does not litter the directory for good.
     */
    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                holdWhileWriting(channel);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                CheckpointFormat.write(this, out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        removeStaleTemporaries(target);
    }

    /**
     * How old a temporary file of a checkpoint must be before another write may remove it, besides no
     * process holding its lock: a writer closes (and so unlocks) its file just before renaming it, and
     * must not lose it in that instant; on a file system without locks, age alone decides.
     */
    static final Duration STALE_TEMPORARY = Duration.ofMinutes(1);

    /** A lock on the temporary file tells other writers it is in use; a file system without locks goes without. */
    private static void holdWhileWriting(FileChannel channel) {
        try {
            channel.tryLock();
        } catch (IOException | OverlappingFileLockException unsupported) {
            // no advisory locks here: other writers tell a live file by its age alone
        }
    }

    private static void removeStaleTemporaries(Path target) {
        String prefix = "." + target.getFileName() + ".";
        DirectoryStream.Filter<Path> ofTarget = p -> isTemporary(p.getFileName().toString(), prefix);
        // The checkpoint is written by now: litter that cannot be listed or removed is tried again on the
        // next write, and failing a good write over it would lose more than it saves.
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(), ofTarget)) {
            for (Path p : siblings) {
                try {
                    if (isStale(p)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException notNow) {
                    // kept for the next write
                }
            }
        } catch (IOException | DirectoryIteratorException notNow) {
            // kept for the next write
        }
    }

    /** {@code .<name>.<1 to 16 hex digits>.tmp}, as {@link #write(Path)} names its temporary files. */
    private static boolean isTemporary(String name, String prefix) {
        if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
            return false;
        }
        String hex = name.substring(prefix.length(), name.length() - ".tmp".length());
        if (hex.isEmpty() || hex.length() > 16) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isStale(Path temporary) throws IOException {
        FileTime modified = Files.getLastModifiedTime(temporary);
        if (modified.toInstant().isAfter(Instant.now().minus(STALE_TEMPORARY))) {
            return false; // perhaps closed by its writer this instant, about to be renamed
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false; // a writer in another process still holds it
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException writerInThisProcess) {
            return false;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException noLocks) {
            return true; // old enough, and this file system cannot tell more
        }
    }
}
