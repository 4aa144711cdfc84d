package dev.orquestra.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order in which queued work is handed out: higher priority first; among equal priorities the
 * longer critical path first, then first in, first out. Waiting ages work: every
 * {@code agingInterval} waited adds one to its priority weight, and work that has waited a whole
 * interval is taken before younger work of its level, so nothing starves however much
 * higher-priority work keeps arriving.
 *
 * <p>Not thread-safe: owned by one dispatcher actor. Operations are O(log n) plus O(levels).
 *
 * @param <T> the queued item
 */
public final class WorkQueue<T> {

    /**
     * One queued item and what orders it.
     *
     * @param ordinal breaks ties between items due at the same instant (the card's backlog position)
     */
    public record Entry<T>(String key, int priority, int criticalPath, Instant enqueuedAt, long ordinal, T item) {
    }

    private static final Comparator<Entry<?>> FIFO = Comparator.<Entry<?>, Instant>comparing(Entry::enqueuedAt)
            .thenComparingLong(Entry::ordinal)
            .thenComparing(Entry::key);
    private static final Comparator<Entry<?>> BY_PATH_THEN_FIFO = Comparator.<Entry<?>>comparingInt(e -> -e.criticalPath())
            .thenComparing(FIFO);

    /** The entries of one priority weight, in both orders. */
    private static final class Level<T> {
        final NavigableSet<Entry<T>> byPath = new TreeSet<>(BY_PATH_THEN_FIFO);
        final NavigableSet<Entry<T>> byAge = new TreeSet<>(FIFO);
    }

    private final long agingNanos;
    private final TreeMap<Integer, Level<T>> levels = new TreeMap<>(Comparator.reverseOrder());
    private final Map<String, Entry<T>> byKey = new HashMap<>();

    public WorkQueue(Duration agingInterval) {
        if (agingInterval.isNegative() || agingInterval.isZero()) {
            throw new IllegalArgumentException("agingInterval must be positive, was " + agingInterval);
        }
        this.agingNanos = agingInterval.toNanos();
    }

    /**
     * Queues an item. An item already queued under the same key is replaced (the newest request for a
     * piece of work wins: it comes from the requester that is alive now); returns false in that case.
     */
    public boolean offer(String key, int priority, int criticalPath, Instant enqueuedAt, long ordinal, T item) {
        Entry<T> previous = byKey.get(key);
        if (previous != null) {
            remove(previous);
        }
        Entry<T> e = new Entry<>(key, priority, criticalPath, enqueuedAt, ordinal, item);
        byKey.put(key, e);
        Level<T> level = levels.computeIfAbsent(priority, p -> new Level<>());
        level.byPath.add(e);
        level.byAge.add(e);
        return previous == null;
    }

    /** Takes the next item to run at time {@code now}, if any. */
    public Optional<Entry<T>> poll(Instant now) {
        Level<T> best = null;
        double bestEffective = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, Level<T>> l : levels.entrySet()) {
            Entry<T> oldest = l.getValue().byAge.first();
            double effective = l.getKey() + waited(oldest, now) / (double) agingNanos;
            // levels iterate from the highest weight down, so '>' keeps the higher weight on a tie
            if (effective > bestEffective) {
                bestEffective = effective;
                best = l.getValue();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        Entry<T> oldest = best.byAge.first();
        Entry<T> chosen = waited(oldest, now) >= agingNanos ? oldest : best.byPath.first();
        remove(chosen);
        return Optional.of(chosen);
    }

    /** Removes the item with the given key; returns it if it was queued. */
    public Optional<Entry<T>> remove(String key) {
        Entry<T> e = byKey.get(key);
        if (e != null) {
            remove(e);
        }
        return Optional.ofNullable(e);
    }

    private void remove(Entry<T> e) {
        byKey.remove(e.key());
        Level<T> level = levels.get(e.priority());
        level.byPath.remove(e);
        level.byAge.remove(e);
        if (level.byAge.isEmpty()) {
            levels.remove(e.priority());
        }
    }

    private static long waited(Entry<?> e, Instant now) {
        long nanos = Duration.between(e.enqueuedAt(), now).toNanos();
        return Math.max(0, nanos);
    }

    /** The entry that has waited longest (earliest due), if any. */
    public Optional<Entry<T>> oldest() {
        Entry<T> oldest = null;
        for (Level<T> level : levels.values()) {
            Entry<T> first = level.byAge.first();
            if (oldest == null || FIFO.compare(first, oldest) < 0) {
                oldest = first;
            }
        }
        return Optional.ofNullable(oldest);
    }

    public boolean contains(String key) {
        return byKey.containsKey(key);
    }

    public int size() {
        return byKey.size();
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }
}
