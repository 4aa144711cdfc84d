package dev.orquestra.persistence.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Promise;

/**
 * The one thread that writes a store's journal, with group commit: it waits for the first pending
 * call, takes every call queued behind it (up to {@link #MAX_ROWS} rows or {@link #MAX_BYTES} bytes),
 * inserts their rows with one JDBC batch in one transaction, commits, and only then completes each
 * call. H2 writes one file chunk per commit, so rows per commit decide throughput (a raw JDBC test
 * here: 5,000 rows/s at one row per commit, 83,000 at 50).
 *
 * <p>A batch that fails on its data (a duplicate sequence number, a value too long) is retried call by
 * call, so only the offending call fails. A batch that fails for any other reason (connection lost,
 * database closed, disk full) fails every call in it, and the writer opens a new connection before the
 * next batch, retrying with backoff while the database stays away; the entities restart with their own
 * backoff and write again. Every batch is reported to {@link JournalHealth}, which logs an outage
 * once.
 *
 * <p>On H2 the writer numbers the rows itself from the {@link JournalIndex} (gap-free, in commit
 * order) and updates the index after each commit. On PostgreSQL, which other processes may share,
 * each transaction first takes an advisory lock, so the sequence that numbers the rows hands out
 * increasing orderings in commit order across processes.
 */
final class JournalWriter {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);

    /** Rows per transaction at most. */
    static final int MAX_ROWS = 2_000;
    /** Payload bytes per transaction at most (a single call larger than this still goes, alone). */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final String INSERT_H2 = "INSERT INTO orquestra_journal (ordering, persistence_id, sequence_nr, "
            + "written_at, writer, adapter_manifest, tag, ser_id, ser_manifest, payload, deleted) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)";
    private static final String INSERT_POSTGRES = "INSERT INTO orquestra_journal (persistence_id, sequence_nr, "
            + "written_at, writer, adapter_manifest, tag, ser_id, ser_manifest, payload, deleted) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)";
    private static final String DELETE = "UPDATE orquestra_journal SET deleted = TRUE "
            + "WHERE persistence_id = ? AND sequence_nr <= ? AND deleted = FALSE";

    /** What the queue holds. */
    private sealed interface Task permits Write, Delete, Stop {
        int rows();

        long bytes();

        void fail(Throwable e);
    }

    /**
     * One {@code asyncWriteMessages} call: its rows, and a result per atomic write in which the journal
     * actor may already have put rejections (events it could not serialize).
     */
    private record Write(List<EventRow> eventRows, List<Optional<Exception>> results,
                         Promise<Iterable<Optional<Exception>>> promise, long bytes) implements Task {
        @Override
        public int rows() {
            return eventRows.size();
        }

        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Delete(String persistenceId, long toSequenceNr, Promise<Void> promise) implements Task {
        @Override
        public int rows() {
            return 1;
        }

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public void fail(Throwable e) {
            promise.tryFailure(e);
        }
    }

    private record Stop() implements Task {
        @Override
        public int rows() {
            return 0;
        }

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public void fail(Throwable e) {
        }
    }

    private final Dialect dialect;
    private final Session session;
    private final JournalIndex index;
    private final JournalHealth health;
    private final String store;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private volatile boolean closed;

    // writer thread only
    private Task carried;
    private boolean down;
    private long nextAttemptNanos;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private SQLException lastError;

    /**
     * @param index the H2 index, already loaded over {@code session}; {@code null} on PostgreSQL
     */
    JournalWriter(Dialect dialect, Session session, JournalIndex index, JournalHealth health, String store) {
        this.dialect = dialect;
        this.session = session;
        this.index = index;
        this.health = health;
        this.store = store;
        this.thread = new Thread(this::run, "orquestra-journal-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Queues one call's rows. The promise completes after the commit with {@code results}, or fails
     * with the reason the rows could not be written.
     */
    void write(List<EventRow> rows, List<Optional<Exception>> results, Promise<Iterable<Optional<Exception>>> promise) {
        long bytes = 0;
        for (EventRow r : rows) {
            bytes += r.size();
        }
        offer(new Write(rows, results, promise, bytes));
    }

    /** Queues marking the id's events up to the sequence number deleted (the highest is kept). */
    void delete(String persistenceId, long toSequenceNr, Promise<Void> promise) {
        offer(new Delete(persistenceId, toSequenceNr, promise));
    }

    private void offer(Task task) {
        synchronized (queue) { // against close(): a task is either queued before the stop, or refused
            if (!closed) {
                queue.add(task);
                return;
            }
        }
        task.fail(closedError());
    }

    /** Transactions committed so far (tests: group commit makes this smaller than the calls written). */
    long transactions() {
        return transactions.get();
    }

    /** Rows committed so far. */
    long rowsWritten() {
        return rowsWritten.get();
    }

    /** Stops taking calls, writes every call accepted before, and waits for the thread to end. */
    void close(long timeoutMillis) throws InterruptedException {
        synchronized (queue) {
            closed = true;
            queue.add(new Stop());
        }
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            LOG.warn("The journal writer of {} did not finish the {} calls still queued within {} ms", store, queue.size(),
                    timeoutMillis);
        }
    }

    private void run() {
        try {
            while (true) {
                Task first = next();
                if (first == null) {
                    reconnect(); // time for another attempt while the database is away (H2 reloads its index)
                    continue;
                }
                if (first instanceof Stop) {
                    break;
                }
                List<Task> batch = new ArrayList<>();
                batch.add(first);
                boolean stop = collect(batch);
                try {
                    if (!down && session.dropIfStale()) {
                        // another thread of the store found the database gone: reconnect before writing
                        lastError = new SQLException("the writer's connection no longer answered");
                        lost();
                    }
                    if (down && !reconnect()) {
                        unavailable(batch);
                    } else {
                        execute(batch);
                    }
                } catch (Exception | AssertionError e) {
                    // not a database error (those are handled above; an assertion of H2's own, with -ea, after a
                    // failed write to a full disk, is one too): fail the batch, keep the thread
                    LOG.error("The journal writer of {} failed a batch: {}", store, e.toString(), e);
                    session.broken();
                    lastError = new SQLException(e.toString(), e);
                    lost();
                    batch.forEach(t -> t.fail(e));
                }
                if (stop) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("The journal writer of {} stopped: {}", store, e.toString(), e);
            throw e;
        } finally {
            IllegalStateException error = closedError();
            if (carried != null) {
                carried.fail(error);
            }
            List<Task> left = new ArrayList<>();
            synchronized (queue) {
                closed = true;
                queue.drainTo(left);
            }
            left.forEach(t -> t.fail(error));
            session.close();
        }
    }

    /** The next task; while the database is away, {@code null} when it is time for a reconnect attempt. */
    private Task next() throws InterruptedException {
        if (carried != null) {
            Task t = carried;
            carried = null;
            return t;
        }
        if (!down) {
            return queue.take();
        }
        long wait = nextAttemptNanos - System.nanoTime();
        return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
    }

    /** Adds queued tasks to the batch up to the caps; true when a stop was reached. */
    private boolean collect(List<Task> batch) {
        int rows = batch.get(0).rows();
        long bytes = batch.get(0).bytes();
        while (rows < MAX_ROWS && bytes < MAX_BYTES) {
            Task t = queue.poll();
            if (t == null) {
                return false;
            }
            if (t instanceof Stop) {
                return true;
            }
            if (rows + t.rows() > MAX_ROWS || bytes + t.bytes() > MAX_BYTES) {
                carried = t;
                return false;
            }
            batch.add(t);
            rows += t.rows();
            bytes += t.bytes();
        }
        return false;
    }

    private void execute(List<Task> batch) {
        long started = System.nanoTime();
        try {
            insert(batch);
            health.succeeded(started); // before the calls complete: an outage's end is logged before they go on
            committed(batch);
        } catch (SQLException e) {
            session.rollback();
            if (Dialect.isDataError(e)) {
                oneByOne(batch, started);
            } else {
                broken(batch, e);
            }
        } finally {
            session.done();
        }
    }

    /** A batch failed on the data of some call: each call in its own transaction, so only that one fails. */
    private void oneByOne(List<Task> batch, long started) {
        for (int i = 0; i < batch.size(); i++) {
            Task t = batch.get(i);
            try {
                insert(List.of(t));
                health.succeeded(started);
                committed(List.of(t));
            } catch (SQLException e) {
                session.rollback();
                if (!Dialect.isDataError(e)) {
                    broken(batch.subList(i, batch.size()), e);
                    return;
                }
                refused(t, e);
            }
        }
    }

    /** One call's rows cannot be written: a duplicate sequence number fails it, other data errors reject it. */
    private void refused(Task t, SQLException e) {
        if (t instanceof Write w && !Dialect.isConstraintViolation(e)) {
            IllegalArgumentException rejection = new IllegalArgumentException("the journal of " + store
                    + " refused the events of " + w.eventRows().get(0).persistenceId() + ": " + e.getMessage(), e);
            List<Optional<Exception>> results = new ArrayList<>(w.results());
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).isEmpty()) {
                    results.set(i, Optional.of(rejection));
                }
            }
            w.promise().trySuccess(results);
            return;
        }
        String what = t instanceof Write w ? "events " + w.eventRows().get(0).sequenceNr() + ".."
                + w.eventRows().get(w.rows() - 1).sequenceNr() + " of " + w.eventRows().get(0).persistenceId()
                + " (is another process or incarnation writing the same entity?)"
                : "a delete of " + ((Delete) t).persistenceId();
        t.fail(new IllegalStateException("the journal of " + store + " could not write " + what + ": " + e.getMessage(), e));
    }

    private void insert(List<Task> batch) throws SQLException {
        var connection = session.connection();
        boolean h2 = dialect == Dialect.H2;
        if (!h2) {
            PreparedStatement lock = session.prepare("SELECT pg_advisory_xact_lock(" + Dialect.WRITE_LOCK + ")");
            lock.execute();
        }
        PreparedStatement insert = null;
        PreparedStatement delete = null;
        long ordering = h2 ? index.nextOrdering() : 0;
        for (Task t : batch) {
            if (t instanceof Write w) {
                if (insert == null) {
                    insert = session.prepare(h2 ? INSERT_H2 : INSERT_POSTGRES);
                }
                for (EventRow r : w.eventRows()) {
                    int p = 1;
                    if (h2) {
                        insert.setLong(p++, ordering++);
                    }
                    insert.setString(p++, r.persistenceId());
                    insert.setLong(p++, r.sequenceNr());
                    insert.setLong(p++, r.writtenAt());
                    insert.setString(p++, r.writer());
                    insert.setString(p++, r.adapterManifest());
                    insert.setString(p++, r.tag());
                    insert.setInt(p++, r.payload().serializerId());
                    insert.setString(p++, r.payload().manifest());
                    insert.setBytes(p, r.payload().bytes());
                    insert.addBatch();
                }
            }
        }
        if (insert != null) {
            try {
                insert.executeBatch();
            } finally {
                insert.clearBatch();
            }
        }
        for (Task t : batch) {
            if (t instanceof Delete d) {
                if (delete == null) {
                    delete = session.prepare(DELETE);
                }
                delete.setString(1, d.persistenceId());
                delete.setLong(2, d.toSequenceNr());
                delete.executeUpdate();
            }
        }
        connection.commit();
    }

    /** After the commit: the index learns the rows, then the calls complete. */
    private void committed(List<Task> batch) {
        transactions.incrementAndGet();
        int rows = 0;
        for (Task t : batch) {
            if (t instanceof Write w) {
                rows += w.rows();
                if (index != null) {
                    for (EventRow r : w.eventRows()) {
                        index.written(r.persistenceId(), r.sequenceNr());
                    }
                }
            }
        }
        if (index != null) {
            index.committed(rows);
        }
        rowsWritten.addAndGet(rows);
        for (Task t : batch) {
            if (t instanceof Write w) {
                w.promise().trySuccess(w.results());
            } else if (t instanceof Delete d) {
                d.promise().trySuccess(null);
            }
        }
    }

    /**
     * The database failed the batch: every call in it fails, the connection is dropped, and a new one
     * is opened before the next batch. Whether the commit happened is unknown, so the H2 index is
     * invalid until it is loaded again.
     */
    private void broken(List<Task> batch, SQLException e) {
        session.broken();
        lastError = e;
        lost();
        health.failed(e);
        IllegalStateException error = new IllegalStateException("writing to the journal of " + store + " failed: "
                + e.getMessage(), e);
        batch.forEach(t -> t.fail(error));
    }

    /** The connection is gone: the H2 index is not trusted until it is loaded again over a new one. */
    private void lost() {
        if (index != null) {
            index.invalidate();
        }
        down = true;
        nextAttemptNanos = System.nanoTime();
    }

    /** While the database is away and the next attempt is not due: the batch fails at once. */
    private void unavailable(List<Task> batch) {
        IllegalStateException error = new IllegalStateException("the journal of " + store
                + " is reconnecting to its database after: " + lastError.getMessage(), lastError);
        health.failed(error);
        batch.forEach(t -> t.fail(error));
    }

    /** Opens a new connection (and reloads the H2 index); true when the database answers again. */
    private boolean reconnect() {
        if (!down) {
            return true;
        }
        if (System.nanoTime() - nextAttemptNanos < 0) {
            return false;
        }
        try {
            var connection = session.connection();
            if (index != null) {
                index.load(connection);
            } else {
                connection.rollback();
            }
            session.done();
            down = false;
            backoffNanos = FIRST_BACKOFF_NANOS;
            LOG.debug("The journal writer of {} reconnected to its database", store);
            return true;
        } catch (SQLException | RuntimeException | AssertionError e) {
            session.broken();
            lastError = e instanceof SQLException sql ? sql : new SQLException(e.toString(), e);
            nextAttemptNanos = System.nanoTime() + backoffNanos;
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            return false;
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the journal of " + store + " is closed");
    }
}
