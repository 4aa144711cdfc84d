package dev.orquestra.persistence.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.persistence.PersistentRepr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Promise;

/**
 * The threads that read a store's journal, each with its own connection, never the writer's. Replays
 * (and, on PostgreSQL, highest-sequence-number look-ups) are batched: a reader takes every such
 * request queued, up to {@link #MAX_BATCH}, and answers them with one
 * {@code WHERE persistence_id IN (...)} query, applying each request's from, to and max itself. When
 * thousands of cards recover at once after a restart, that is one query per few hundred cards instead
 * of one each. Events are deserialized here, off the actor dispatcher. Other reads ({@link #query})
 * run one by one on the same threads.
 */
final class JournalReaders {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReaders.class);

    /** Requests answered by one query at most. */
    static final int MAX_BATCH = 200;
    /** IN-list sizes the queries are prepared for (a batch is padded up to the next), so statements are reused. */
    private static final int[] IN_SIZES = {1, 4, 16, 50, 100, MAX_BATCH};

    /** Work for a reader thread with its connection. */
    @FunctionalInterface
    interface Read<T> {
        T run(Session session) throws Exception;
    }

    private sealed interface Request permits Replay, Highest, Query, Stop {
        void fail(Throwable e);
    }

    private record Replay(String persistenceId, long from, long to, long max, Consumer<PersistentRepr> callback,
                          Promise<Void> promise) implements Request {
        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Highest(String persistenceId, Promise<Long> promise) implements Request {
        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Query<T>(Read<T> read, CompletableFuture<T> result) implements Request {
        @Override
        public void fail(Throwable e) {
            result.completeExceptionally(e);
        }

        /** Runs the read and completes the future, after the health report: an outage's end is logged first. */
        void answer(Session session, Runnable succeeded) throws Exception {
            T value = read.run(session);
            session.rollback();
            succeeded.run();
            result.complete(value);
        }
    }

    private record Stop() implements Request {
        @Override
        public void fail(Throwable e) {
        }
    }

    private final Payloads payloads;
    private final JournalHealth health;
    private final String store;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private final AtomicLong replayQueries = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    JournalReaders(List<Session> sessions, Payloads payloads, JournalHealth health, String store) {
        this.payloads = payloads;
        this.health = health;
        this.store = store;
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            Thread t = new Thread(() -> run(s), "orquestra-journal-reader-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Replays the id's events in [from, to], at most {@code max}, to the callback, on a reader thread. */
    void replay(String persistenceId, long from, long to, long max, Consumer<PersistentRepr> callback,
                Promise<Void> promise) {
        offer(new Replay(persistenceId, from, to, max, callback, promise));
    }

    /** The id's highest sequence number, deleted events included (0 when it has none). */
    void highest(String persistenceId, Promise<Long> promise) {
        offer(new Highest(persistenceId, promise));
    }

    /** Runs a read on a reader thread; the future completes there. */
    <T> CompletableFuture<T> query(Read<T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        offer(new Query<>(read, result));
        return result;
    }

    /** Replay queries run so far (tests: batching makes this smaller than the replays asked for). */
    long replayQueries() {
        return replayQueries.get();
    }

    /** Reads run so far: replay, highest-sequence-number and other queries. */
    long statements() {
        return statements.get();
    }

    private void offer(Request r) {
        synchronized (queue) { // against close(): a request is either queued before the stops, or refused
            if (!closed) {
                queue.add(r);
                return;
            }
        }
        r.fail(closedError());
    }

    /** Answers what is queued, then stops the threads. */
    void close(long timeoutMillis) throws InterruptedException {
        synchronized (queue) {
            closed = true;
            for (int i = 0; i < threads.size(); i++) {
                queue.add(new Stop());
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Thread t : threads) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            if (t.isAlive()) {
                LOG.warn("A journal reader of {} did not finish what was queued within {} ms", store, timeoutMillis);
            }
        }
        // a reader that stopped on an Error leaves requests behind: they fail rather than wait forever
        IllegalStateException error = closedError();
        for (Request r; (r = queue.poll()) != null; ) {
            r.fail(error);
        }
    }

    private void run(Session session) {
        try {
            while (true) {
                Request first = queue.take();
                if (first instanceof Stop) {
                    return;
                }
                if (first instanceof Query<?> q) {
                    runQuery(q, session);
                    continue;
                }
                List<Replay> replays = new ArrayList<>();
                List<Highest> highest = new ArrayList<>();
                List<Query<?>> queries = new ArrayList<>();
                add(first, replays, highest, queries);
                boolean stop = false;
                while (replays.size() + highest.size() < MAX_BATCH) {
                    Request r = queue.poll();
                    if (r == null) {
                        break;
                    }
                    if (r instanceof Stop) {
                        stop = true;
                        break;
                    }
                    add(r, replays, highest, queries);
                }
                try {
                    if (!highest.isEmpty()) {
                        highest(highest, session);
                    }
                    if (!replays.isEmpty()) {
                        replays(replays, session);
                    }
                } catch (Exception | AssertionError e) {
                    // not a database error (those fail their requests above; an assertion of H2's own, with -ea,
                    // after a failed write to a full disk, is one too): fail the batch, keep the thread
                    LOG.error("A journal reader of {} failed a batch: {}", store, e.toString(), e);
                    session.broken();
                    replays.forEach(r -> r.fail(e));
                    highest.forEach(h -> h.fail(e));
                }
                for (Query<?> q : queries) {
                    runQuery(q, session);
                }
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("A journal reader of {} stopped: {}", store, e.toString(), e);
            throw e;
        } finally {
            session.close();
        }
    }

    private static void add(Request r, List<Replay> replays, List<Highest> highest, List<Query<?>> queries) {
        if (r instanceof Replay p) {
            replays.add(p);
        } else if (r instanceof Highest h) {
            highest.add(h);
        } else if (r instanceof Query<?> q) {
            queries.add(q);
        }
    }

    private void runQuery(Query<?> q, Session session) {
        long started = System.nanoTime();
        statements.incrementAndGet();
        session.dropIfStale();
        try {
            q.answer(session, () -> health.read(started));
        } catch (SQLException e) {
            failed(session, e);
            q.fail(new IllegalStateException("reading the journal of " + store + " failed: " + e.getMessage(), e));
        } catch (Exception | AssertionError e) {
            session.rollback();
            q.fail(e);
        } finally {
            session.done();
        }
    }

    private void highest(List<Highest> requests, Session session) {
        Map<String, List<Highest>> byId = new LinkedHashMap<>();
        requests.forEach(h -> byId.computeIfAbsent(h.persistenceId(), k -> new ArrayList<>()).add(h));
        List<String> ids = new ArrayList<>(byId.keySet());
        long started = System.nanoTime();
        Map<String, Long> found = new HashMap<>();
        statements.incrementAndGet();
        session.dropIfStale();
        try {
            PreparedStatement s = session.prepare("SELECT persistence_id, MAX(sequence_nr) FROM orquestra_journal "
                    + "WHERE persistence_id IN (" + placeholders(inSize(ids.size())) + ") GROUP BY persistence_id");
            bindIds(s, 1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getLong(2));
                }
            }
            session.rollback();
            health.read(started);
        } catch (SQLException e) {
            failed(session, e);
            IllegalStateException error = new IllegalStateException("reading the highest sequence numbers from the "
                    + "journal of " + store + " failed: " + e.getMessage(), e);
            requests.forEach(h -> h.fail(error));
            return;
        } finally {
            session.done();
        }
        byId.forEach((id, hs) -> hs.forEach(h -> h.promise().trySuccess(found.getOrDefault(id, 0L))));
    }

    /** Per request of a batch: how many events it was given, and whether it failed. */
    private static final class Progress {
        final Replay replay;
        long delivered;
        RuntimeException failure;

        Progress(Replay replay) {
            this.replay = replay;
        }

        boolean wants(long sequenceNr) {
            return failure == null && delivered < replay.max() && sequenceNr >= replay.from() && sequenceNr <= replay.to();
        }
    }

    private void replays(List<Replay> requests, Session session) {
        Map<String, List<Progress>> byId = new LinkedHashMap<>();
        long from = Long.MAX_VALUE;
        long to = 0;
        for (Replay r : requests) {
            byId.computeIfAbsent(r.persistenceId(), k -> new ArrayList<>()).add(new Progress(r));
            from = Math.min(from, r.from());
            to = Math.max(to, r.to());
        }
        List<String> ids = new ArrayList<>(byId.keySet());
        long started = System.nanoTime();
        session.dropIfStale();
        try {
            PreparedStatement s = session.prepare("SELECT persistence_id, sequence_nr, written_at, writer, adapter_manifest, "
                    + "ser_id, ser_manifest, payload FROM orquestra_journal WHERE persistence_id IN ("
                    + placeholders(inSize(ids.size())) + ") AND sequence_nr >= ? AND sequence_nr <= ? AND deleted = FALSE "
                    + "ORDER BY persistence_id, sequence_nr");
            int p = bindIds(s, 1, ids);
            s.setLong(p++, from);
            s.setLong(p, to);
            replayQueries.incrementAndGet();
            statements.incrementAndGet();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long seq = rs.getLong(2);
                    List<Progress> wanting = byId.get(id);
                    if (wanting == null || wanting.stream().noneMatch(w -> w.wants(seq))) {
                        continue;
                    }
                    PersistentRepr repr;
                    try {
                        Object event = payloads.deserialize(rs.getBytes(8), rs.getInt(6), rs.getString(7),
                                "event " + seq + " of " + id + " in the journal of " + store);
                        repr = PersistentRepr.apply(event, seq, id, rs.getString(5), false, null, rs.getString(4))
                                .withTimestamp(rs.getLong(3));
                    } catch (RuntimeException e) {
                        for (Progress w : wanting) {
                            if (w.wants(seq)) {
                                w.failure = e; // this replay fails; the others of the batch go on
                            }
                        }
                        continue;
                    }
                    for (Progress w : wanting) {
                        if (w.wants(seq)) {
                            w.delivered++;
                            try {
                                w.replay.callback().accept(repr);
                            } catch (Exception e) {
                                w.failure = new IllegalStateException("replaying " + id + " failed: " + e, e);
                            }
                        }
                    }
                }
            }
            session.rollback();
            health.read(started);
        } catch (SQLException e) {
            failed(session, e);
            IllegalStateException error = new IllegalStateException("replaying from the journal of " + store + " failed: "
                    + e.getMessage(), e);
            requests.forEach(r -> r.fail(error));
            return;
        } finally {
            session.done();
        }
        for (List<Progress> ps : byId.values()) {
            for (Progress w : ps) {
                if (w.failure != null) {
                    w.replay.promise().tryFailure(w.failure);
                } else {
                    w.replay.promise().trySuccess(null);
                }
            }
        }
    }

    /** A read failed: a data error says nothing about the connection; anything else drops it. */
    private void failed(Session session, SQLException e) {
        if (Dialect.isDataError(e)) {
            session.rollback();
        } else {
            session.broken();
            health.failed(e);
        }
    }

    static int inSize(int n) {
        for (int size : IN_SIZES) {
            if (n <= size) {
                return size;
            }
        }
        throw new IllegalArgumentException("at most " + MAX_BATCH + " ids per query, was " + n);
    }

    static String placeholders(int n) {
        StringBuilder b = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "?" : ", ?");
        }
        return b.toString();
    }

    /** Binds the ids, repeating the last one up to the statement's IN-list size; returns the next parameter index. */
    static int bindIds(PreparedStatement s, int first, List<String> ids) throws SQLException {
        int size = inSize(ids.size());
        for (int i = 0; i < size; i++) {
            s.setString(first + i, ids.get(Math.min(i, ids.size() - 1)));
        }
        return first + size;
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the journal of " + store + " is closed");
    }
}
