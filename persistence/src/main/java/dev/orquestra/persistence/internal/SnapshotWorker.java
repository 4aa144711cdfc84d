package dev.orquestra.persistence.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Promise;

/**
 * The one thread, with its own connection, that keeps a store's snapshots. Snapshots can be tens of
 * MB (the orchestrator's state holds every card spec), so they are serialized and deserialized here,
 * off the actor dispatcher. Saves and deletes queued together share one transaction (a failure on the
 * data of one is retried one by one); loads queued together share one query, as recovery of thousands
 * of cards asks for thousands of snapshots at once.
 *
 * <p>On H2 the worker keeps in memory which persistence ids have snapshots, so that loading for an id
 * without one (a fresh card) is answered at once, with no query.
 */
final class SnapshotWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWorker.class);

    static final int MAX_BATCH = 200;

    private sealed interface Task permits Load, Save, Delete, Stop {
        void fail(Throwable e);

        default boolean writes() {
            return this instanceof Save || this instanceof Delete;
        }
    }

    private record Load(String persistenceId, SnapshotSelectionCriteria criteria,
                        Promise<Optional<SelectedSnapshot>> promise) implements Task {
        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Save(SnapshotMetadata metadata, Object snapshot, Promise<Void> promise) implements Task {
        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    /** Deletes the id's snapshots that match the criteria, or the one at {@code exactly} when it is set. */
    private record Delete(String persistenceId, SnapshotSelectionCriteria criteria, Long exactly,
                          Promise<Void> promise) implements Task {
        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Stop() implements Task {
        @Override
        public void fail(Throwable e) {
        }
    }

    private final Dialect dialect;
    private final Session session;
    private final Payloads payloads;
    private final String store;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    /** H2: the ids that have snapshots; {@code null} on PostgreSQL. */
    private final Set<String> withSnapshots;
    private volatile boolean idsValid;
    private final AtomicLong statements = new AtomicLong();

    SnapshotWorker(Dialect dialect, Session session, Payloads payloads, String store) {
        this.dialect = dialect;
        this.session = session;
        this.payloads = payloads;
        this.store = store;
        this.withSnapshots = dialect.singleProcess() ? ConcurrentHashMap.newKeySet() : null;
        this.thread = new Thread(this::run, "orquestra-snapshot-store");
        this.thread.setDaemon(true);
    }

    /** H2: reads which ids have snapshots; called at open, before {@link #start}. */
    void loadIds() throws SQLException {
        if (withSnapshots == null) {
            return;
        }
        Connection c = session.connection();
        Set<String> ids = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT persistence_id FROM orquestra_snapshot")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        c.commit();
        withSnapshots.clear();
        withSnapshots.addAll(ids);
        idsValid = true;
    }

    /** True when it is known without a query that the id has no snapshot (H2 only). */
    boolean knownToHaveNone(String persistenceId) {
        return withSnapshots != null && idsValid && !withSnapshots.contains(persistenceId);
    }

    void start() {
        thread.start();
    }

    /** Units of work (a transaction of writes, a load query) run since the thread started. */
    long statements() {
        return statements.get();
    }

    void load(String persistenceId, SnapshotSelectionCriteria criteria, Promise<Optional<SelectedSnapshot>> promise) {
        offer(new Load(persistenceId, criteria, promise));
    }

    void save(SnapshotMetadata metadata, Object snapshot, Promise<Void> promise) {
        offer(new Save(metadata, snapshot, promise));
    }

    void delete(String persistenceId, long sequenceNr, Promise<Void> promise) {
        offer(new Delete(persistenceId, null, sequenceNr, promise));
    }

    void delete(String persistenceId, SnapshotSelectionCriteria criteria, Promise<Void> promise) {
        offer(new Delete(persistenceId, criteria, null, promise));
    }

    private void offer(Task t) {
        synchronized (queue) { // against close(): a task is either queued before the stop, or refused
            if (!closed) {
                queue.add(t);
                return;
            }
        }
        t.fail(closedError());
    }

    void close(long timeoutMillis) throws InterruptedException {
        synchronized (queue) {
            closed = true;
            queue.add(new Stop());
        }
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            LOG.warn("The snapshot store of {} did not finish what was queued within {} ms", store, timeoutMillis);
        }
    }

    private void run() {
        try {
            while (true) {
                Task first = queue.take();
                if (first instanceof Stop) {
                    return;
                }
                List<Task> batch = new ArrayList<>();
                batch.add(first);
                boolean stop = false;
                while (batch.size() < MAX_BATCH) {
                    Task t = queue.poll();
                    if (t == null) {
                        break;
                    }
                    if (t instanceof Stop) {
                        stop = true;
                        break;
                    }
                    batch.add(t);
                }
                // in queue order, runs of writes and runs of loads: a load queued after a save sees it
                try {
                    int start = 0;
                    for (int i = 1; i <= batch.size(); i++) {
                        if (i == batch.size() || batch.get(i).writes() != batch.get(start).writes()) {
                            List<Task> run = batch.subList(start, i);
                            if (run.get(0).writes()) {
                                write(run);
                            } else {
                                load(run);
                            }
                            start = i;
                        }
                    }
                } catch (Exception | AssertionError e) {
                    // not a database error (those fail their tasks; an assertion of H2's own after a failed write
                    // to a full disk is one too): fail what is left, keep the thread
                    LOG.error("The snapshot store of {} failed a batch: {}", store, e.toString(), e);
                    broken();
                    batch.forEach(t -> t.fail(e));
                }
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("The snapshot store of {} stopped: {}", store, e.toString(), e);
            throw e;
        } finally {
            IllegalStateException error = closedError();
            List<Task> left = new ArrayList<>();
            synchronized (queue) {
                closed = true;
                queue.drainTo(left);
            }
            left.forEach(t -> t.fail(error));
            session.close();
        }
    }

    /** A serialized save, or the reason it could not be serialized. */
    private record Prepared(Task task, Payloads.Serialized payload) {
    }

    private void write(List<Task> tasks) {
        List<Prepared> prepared = new ArrayList<>();
        for (Task t : tasks) {
            if (t instanceof Save s) {
                try {
                    prepared.add(new Prepared(t, payloads.serialize(s.snapshot())));
                } catch (RuntimeException e) {
                    t.fail(new IllegalArgumentException("the snapshot of " + s.metadata().persistenceId() + " at "
                            + s.metadata().sequenceNr() + " cannot be stored in " + store + ": " + e.getMessage(), e));
                }
            } else {
                prepared.add(new Prepared(t, null));
            }
        }
        if (prepared.isEmpty()) {
            return;
        }
        statements.incrementAndGet();
        session.dropIfStale();
        try {
            reconnectIfNeeded();
            Set<String> emptied = apply(prepared);
            committed(prepared, emptied);
        } catch (SQLException e) {
            session.rollback();
            if (Dialect.isDataError(e) && prepared.size() > 1) {
                for (Prepared p : prepared) {
                    try {
                        Set<String> emptied = apply(List.of(p));
                        committed(List.of(p), emptied);
                    } catch (SQLException single) {
                        session.rollback();
                        failWrite(List.of(p), single);
                        if (!Dialect.isDataError(single)) {
                            broken();
                        }
                    }
                }
            } else {
                failWrite(prepared, e);
                if (!Dialect.isDataError(e)) {
                    broken();
                }
            }
        } finally {
            session.done();
        }
    }

    /** Runs the saves and deletes in one transaction; returns the ids (H2) left without any snapshot. */
    private Set<String> apply(List<Prepared> prepared) throws SQLException {
        Set<String> deletedFrom = new HashSet<>();
        for (Prepared p : prepared) {
            if (p.task() instanceof Save s) {
                PreparedStatement ps = session.prepare(dialect.upsertSnapshot());
                ps.setString(1, s.metadata().persistenceId());
                ps.setLong(2, s.metadata().sequenceNr());
                ps.setLong(3, s.metadata().timestamp());
                ps.setInt(4, p.payload().serializerId());
                ps.setString(5, p.payload().manifest());
                ps.setBytes(6, p.payload().bytes());
                ps.executeUpdate();
                deletedFrom.remove(s.metadata().persistenceId());
            } else if (p.task() instanceof Delete d) {
                if (d.exactly() != null) {
                    PreparedStatement ps = session.prepare(
                            "DELETE FROM orquestra_snapshot WHERE persistence_id = ? AND sequence_nr = ?");
                    ps.setString(1, d.persistenceId());
                    ps.setLong(2, d.exactly());
                    ps.executeUpdate();
                } else {
                    SnapshotSelectionCriteria c = d.criteria();
                    PreparedStatement ps = session.prepare("DELETE FROM orquestra_snapshot WHERE persistence_id = ? "
                            + "AND sequence_nr >= ? AND sequence_nr <= ? AND created >= ? AND created <= ?");
                    ps.setString(1, d.persistenceId());
                    ps.setLong(2, c.minSequenceNr());
                    ps.setLong(3, c.maxSequenceNr());
                    ps.setLong(4, c.minTimestamp());
                    ps.setLong(5, c.maxTimestamp());
                    ps.executeUpdate();
                }
                deletedFrom.add(d.persistenceId());
            }
        }
        Set<String> emptied = new HashSet<>();
        if (withSnapshots != null) {
            for (String id : deletedFrom) {
                PreparedStatement ps = session.prepare("SELECT 1 FROM orquestra_snapshot WHERE persistence_id = ? LIMIT 1");
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        emptied.add(id);
                    }
                }
            }
        }
        session.connection().commit();
        return emptied;
    }

    private void committed(List<Prepared> prepared, Set<String> emptied) {
        if (withSnapshots != null) {
            for (Prepared p : prepared) {
                if (p.task() instanceof Save s) {
                    withSnapshots.add(s.metadata().persistenceId());
                }
            }
            withSnapshots.removeAll(emptied);
        }
        for (Prepared p : prepared) {
            if (p.task() instanceof Save s) {
                s.promise().trySuccess(null);
            } else if (p.task() instanceof Delete d) {
                d.promise().trySuccess(null);
            }
        }
    }

    private void failWrite(List<Prepared> prepared, SQLException e) {
        for (Prepared p : prepared) {
            String what = p.task() instanceof Save s ? "saving the snapshot of " + s.metadata().persistenceId() + " at "
                    + s.metadata().sequenceNr() : "deleting snapshots of " + ((Delete) p.task()).persistenceId();
            p.task().fail(new IllegalStateException(what + " in " + store + " failed: " + e.getMessage(), e));
        }
    }

    /** Per load of a batch: the best snapshot found so far. */
    private static final class Wanted {
        final Load load;
        boolean answered;

        Wanted(Load load) {
            this.load = load;
        }
    }

    private void load(List<Task> tasks) {
        Map<String, List<Wanted>> byId = new LinkedHashMap<>();
        for (Task t : tasks) {
            Load l = (Load) t;
            byId.computeIfAbsent(l.persistenceId(), k -> new ArrayList<>()).add(new Wanted(l));
        }
        List<String> ids = new ArrayList<>(byId.keySet());
        for (int from = 0; from < ids.size(); from += JournalReaders.MAX_BATCH) {
            load(ids.subList(from, Math.min(ids.size(), from + JournalReaders.MAX_BATCH)), byId);
        }
    }

    private void load(List<String> ids, Map<String, List<Wanted>> byId) {
        statements.incrementAndGet();
        session.dropIfStale();
        try {
            reconnectIfNeeded();
            PreparedStatement s = session.prepare("SELECT persistence_id, sequence_nr, created, ser_id, ser_manifest, payload "
                    + "FROM orquestra_snapshot WHERE persistence_id IN ("
                    + JournalReaders.placeholders(JournalReaders.inSize(ids.size()))
                    + ") ORDER BY persistence_id, sequence_nr DESC");
            JournalReaders.bindIds(s, 1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long seq = rs.getLong(2);
                    long created = rs.getLong(3);
                    List<Wanted> wanting = byId.get(id);
                    if (wanting == null) {
                        continue;
                    }
                    SelectedSnapshot selected = null;
                    for (Wanted w : wanting) {
                        if (w.answered || !matches(w.load.criteria(), seq, created)) {
                            continue;
                        }
                        w.answered = true;
                        try {
                            if (selected == null) {
                                Object snapshot = payloads.deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5),
                                        "the snapshot of " + id + " at " + seq + " in " + store);
                                selected = SelectedSnapshot.create(new SnapshotMetadata(id, seq, created), snapshot);
                            }
                            w.load.promise().trySuccess(Optional.of(selected));
                        } catch (RuntimeException e) {
                            w.load.promise().tryFailure(e);
                        }
                    }
                }
            }
            session.rollback();
        } catch (SQLException e) {
            session.rollback();
            if (!Dialect.isDataError(e)) {
                broken();
            }
            IllegalStateException error = new IllegalStateException("loading snapshots from " + store + " failed: "
                    + e.getMessage(), e);
            ids.forEach(id -> byId.get(id).forEach(w -> w.load.promise().tryFailure(error)));
            return;
        } finally {
            session.done();
        }
        ids.forEach(id -> byId.get(id).forEach(w -> w.load.promise().trySuccess(Optional.empty())));
    }

    static boolean matches(SnapshotSelectionCriteria c, long sequenceNr, long timestamp) {
        return sequenceNr >= c.minSequenceNr() && sequenceNr <= c.maxSequenceNr() && timestamp >= c.minTimestamp()
                && timestamp <= c.maxTimestamp();
    }

    /** The connection failed: drop it; on H2 the set of ids is reloaded with the next connection. */
    private void broken() {
        session.broken();
        idsValid = false;
    }

    private void reconnectIfNeeded() throws SQLException {
        if (withSnapshots != null && !idsValid) {
            loadIds();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the snapshot store of " + store + " is closed");
    }
}
