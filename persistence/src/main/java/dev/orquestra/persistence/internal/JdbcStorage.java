package dev.orquestra.persistence.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open JDBC store: its schema brought up to date, its threads (one journal writer, the journal
 * readers, one snapshot worker), each with its own connection, and on H2 the in-memory
 * {@link JournalIndex}. {@code JdbcStore.open} creates it and attaches it to the actor system through
 * {@link JdbcStorageExtension}, where the journal and snapshot plugins find it; {@code JdbcStore.close}
 * closes it after the actor system has stopped.
 */
public final class JdbcStorage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);
    private static final long CLOSE_TIMEOUT_MILLIS = 60_000;

    /** Opens a new connection to the store's database. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /**
     * How to reach the database.
     *
     * @param dialect     H2 or PostgreSQL
     * @param opener      opens a connection
     * @param pooled      true when {@code opener} borrows from an application's pool: connections are given
     *                    back after each unit of work instead of being held
     * @param readers     journal reader threads (each with its own connection)
     * @param description names the store in messages, such as {@code H2 file /data}
     */
    public record Settings(Dialect dialect, Opener opener, boolean pooled, int readers, String description) {
        public Settings {
            if (readers < 1) {
                throw new IllegalArgumentException("a store needs at least one reader, was " + readers);
            }
        }
    }

    private final Settings settings;
    private final JournalIndex index;
    private final JournalWriter writer;
    private final JournalReaders readers;
    private final SnapshotWorker snapshots;
    private final Payloads payloads;

    private JdbcStorage(Settings settings, JournalIndex index, JournalWriter writer, JournalReaders readers,
                        SnapshotWorker snapshots, Payloads payloads) {
        this.settings = settings;
        this.index = index;
        this.writer = writer;
        this.readers = readers;
        this.snapshots = snapshots;
        this.payloads = payloads;
    }

    /**
     * Bootstraps the schema, loads the H2 caches and starts the threads.
     *
     * @throws SQLException when the database cannot be reached or its schema is newer than this library
     */
    public static JdbcStorage open(Settings settings, ActorSystem system) throws SQLException {
        Dialect dialect = settings.dialect();
        JournalHealth health = JournalHealth.get(system);
        Payloads payloads = new Payloads(SerializationExtension.get(system));
        List<Session> opened = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        try {
            Session writerSession = session(settings, opened, failures);
            Connection first = writerSession.connection();
            if (dialect == Dialect.H2) {
                refuseSecondEngine(first, settings.description());
            }
            first.setAutoCommit(true);
            new SchemaBootstrap(dialect).apply(first);
            first.setAutoCommit(false);
            JournalIndex index = null;
            if (dialect.singleProcess()) {
                index = new JournalIndex();
                index.load(first);
            }
            writerSession.done();
            List<Session> readerSessions = new ArrayList<>();
            for (int i = 0; i < settings.readers(); i++) {
                readerSessions.add(session(settings, opened, failures));
            }
            Session snapshotSession = session(settings, opened, failures);
            SnapshotWorker snapshots = new SnapshotWorker(dialect, snapshotSession, payloads, settings.description());
            snapshots.loadIds();
            snapshotSession.done();
            JournalWriter writer = new JournalWriter(dialect, writerSession, index, health, settings.description());
            JournalReaders readers = new JournalReaders(readerSessions, payloads, health, settings.description());
            writer.start();
            readers.start();
            snapshots.start();
            if (index != null) {
                LOG.debug("Opened {} with {} persistence ids in the journal", settings.description(), index.size());
            }
            return new JdbcStorage(settings, index, writer, readers, snapshots, payloads);
        } catch (SQLException | RuntimeException e) {
            opened.forEach(Session::close);
            throw e;
        }
    }

    private static Session session(Settings settings, List<Session> opened, AtomicLong failures) {
        Session s = new Session(settings.opener(), settings.pooled(), failures);
        opened.add(s);
        return s;
    }

    /**
     * The journal index is only right when this store is the database's only writer. H2's file lock
     * keeps other processes out, but a second engine in the same JVM would share the embedded database.
     */
    private static void refuseSecondEngine(Connection c, String description) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            if (rs.getInt(1) > 1) {
                throw new SQLException("the store in " + description + " is already open in this JVM (" + rs.getInt(1)
                        + " sessions on it): one engine at a time may use an H2 store");
            }
        }
    }

    public Dialect dialect() {
        return settings.dialect();
    }

    /** The store, as messages name it. */
    public String description() {
        return settings.description();
    }

    JournalWriter writer() {
        return writer;
    }

    JournalReaders readers() {
        return readers;
    }

    SnapshotWorker snapshots() {
        return snapshots;
    }

    Payloads payloads() {
        return payloads;
    }

    /** The H2 journal index, or {@code null} on PostgreSQL. */
    JournalIndex index() {
        return index;
    }

    /** Journal transactions committed so far (tests of group commit). */
    public long journalTransactions() {
        return writer.transactions();
    }

    /** Journal rows committed so far. */
    public long journalRows() {
        return writer.rowsWritten();
    }

    /** Replay queries run so far (tests of replay batching). */
    public long replayQueries() {
        return readers.replayQueries();
    }

    /** SQL statements the journal readers ran so far (tests: what the H2 index answers costs none). */
    public long readerStatements() {
        return readers.statements();
    }

    /** SQL statements the snapshot worker ran since it started (tests). */
    public long snapshotStatements() {
        return snapshots.statements();
    }

    /** Writes what was accepted, answers what was asked, then stops the threads and closes the connections. */
    @Override
    public void close() {
        try {
            writer.close(CLOSE_TIMEOUT_MILLIS);
            snapshots.close(CLOSE_TIMEOUT_MILLIS);
            readers.close(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
