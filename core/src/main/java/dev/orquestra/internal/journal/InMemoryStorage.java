package dev.orquestra.internal.journal;

import dev.orquestra.spi.JournalReader.JournalEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.SelectedSnapshot;

/**
 * The events and snapshots of an in-memory store. Outlives the actor systems that use it, so a test
 * can stop an engine and start another over the same data. Thread-safe: the journal plugin writes,
 * readers read from any thread.
 */
public final class InMemoryStorage {

    /** One stored event: the payload, its sequence number, its global offset and tags. */
    record Stored(String persistenceId, long sequenceNr, long offset, Object payload, String manifest,
                  String writerUuid, long timestamp, List<String> tags) {
    }

    private final Map<String, List<Stored>> journals = new HashMap<>();
    private final Map<String, Long> deletedTo = new HashMap<>();
    private final Map<String, Long> highest = new HashMap<>();
    private final List<Stored> all = new ArrayList<>();
    private final Map<String, List<SelectedSnapshot>> snapshots = new HashMap<>();
    private final Map<String, List<Long>> replayStarts = new HashMap<>();
    private volatile java.util.function.Predicate<String> failing = id -> false;
    private final java.util.concurrent.atomic.AtomicLong failedWrites = new java.util.concurrent.atomic.AtomicLong();

    /** Makes writes and replays of the matching persistence ids fail, as a database outage would (tests). */
    public void failWhile(java.util.function.Predicate<String> persistenceIds) {
        this.failing = persistenceIds;
    }

    /** True when calls for this persistence id must fail now; counts the failure. */
    boolean fails(String persistenceId) {
        if (failing.test(persistenceId)) {
            failedWrites.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Calls refused by {@link #failWhile} so far. */
    public long failedCalls() {
        return failedWrites.get();
    }

    synchronized void append(Stored s) {
        journals.computeIfAbsent(s.persistenceId(), k -> new ArrayList<>()).add(s);
        highest.merge(s.persistenceId(), s.sequenceNr(), Math::max);
        all.add(s);
    }

    synchronized long nextOffset() {
        return all.size() + 1L;
    }

    /** The offset of the last event stored, 0 when none is. */
    public synchronized long highestOffset() {
        return all.size();
    }

    synchronized List<Stored> replay(String persistenceId, long from, long to, long max) {
        replayStarts.computeIfAbsent(persistenceId, k -> new ArrayList<>()).add(from);
        return read(persistenceId, from, to, max);
    }

    synchronized List<Stored> read(String persistenceId, long from, long to, long max) {
        List<Stored> out = new ArrayList<>();
        long deleted = deletedTo.getOrDefault(persistenceId, 0L);
        for (Stored s : journals.getOrDefault(persistenceId, List.of())) {
            if (out.size() >= max) {
                break;
            }
            if (s.sequenceNr() >= from && s.sequenceNr() <= to && s.sequenceNr() > deleted) {
                out.add(s);
            }
        }
        return out;
    }

    synchronized long highestSequenceNr(String persistenceId) {
        return highest.getOrDefault(persistenceId, 0L);
    }

    /** The highest sequence number of every persistence id with the prefix that has events. */
    public synchronized Map<String, Long> highestSequenceNrs(String prefix) {
        Map<String, Long> out = new HashMap<>();
        highest.forEach((id, seq) -> {
            if (id.startsWith(prefix)) {
                out.put(id, seq);
            }
        });
        return out;
    }

    synchronized void deleteTo(String persistenceId, long toSequenceNr) {
        deletedTo.merge(persistenceId, toSequenceNr, Math::max);
    }

    synchronized void saveSnapshot(SelectedSnapshot snapshot) {
        snapshots.computeIfAbsent(snapshot.metadata().persistenceId(), k -> new ArrayList<>()).add(snapshot);
    }

    synchronized List<SelectedSnapshot> snapshots(String persistenceId) {
        return new ArrayList<>(snapshots.getOrDefault(persistenceId, List.of()));
    }

    synchronized void removeSnapshots(String persistenceId, java.util.function.Predicate<SelectedSnapshot> which) {
        List<SelectedSnapshot> list = snapshots.get(persistenceId);
        if (list != null) {
            list.removeIf(which);
        }
    }

    /** Every event of one persistence id (deleted ones excluded), oldest first. */
    public synchronized List<JournalEntry> entries(String persistenceId) {
        return read(persistenceId, 1, Long.MAX_VALUE, Long.MAX_VALUE).stream()
                .map(s -> new JournalEntry(s.offset(), s.persistenceId(), s.sequenceNr(), s.payload())).toList();
    }

    /** Events with the tag after the offset, at most {@code limit}. */
    public synchronized List<JournalEntry> entriesByTag(String tag, long afterOffset, int limit) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = (int) Math.max(0, afterOffset); i < all.size() && out.size() < limit; i++) {
            Stored s = all.get(i);
            if (s.tags().contains(tag) && s.sequenceNr() > deletedTo.getOrDefault(s.persistenceId(), 0L)) {
                out.add(new JournalEntry(s.offset(), s.persistenceId(), s.sequenceNr(), s.payload()));
            }
        }
        return out;
    }

    /** The first sequence number of every recovery replay of an entity so far (for tests). */
    public synchronized List<Long> replayStarts(String persistenceId) {
        return List.copyOf(replayStarts.getOrDefault(persistenceId, List.of()));
    }

    /** The sequence numbers of an entity's stored snapshots (for tests). */
    public synchronized List<Long> snapshotSequenceNrs(String persistenceId) {
        return snapshots.getOrDefault(persistenceId, List.of()).stream().map(s -> s.metadata().sequenceNr()).toList();
    }

    /** Events stored so far (for tests and benchmarks). */
    public synchronized int size() {
        return all.size();
    }
}
