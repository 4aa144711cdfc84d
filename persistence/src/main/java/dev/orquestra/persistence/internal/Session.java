package dev.orquestra.persistence.internal;

import java.nio.channels.OverlappingFileLockException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database connection of one store thread, never shared with another thread. Over a JDBC URL the
 * thread keeps its connection (and its prepared statements) until an error breaks it; over an
 * application's {@link javax.sql.DataSource}, a pool, it borrows a connection for each unit of work and
 * gives it back, as a pool expects, so the engine never holds the application's connections idle.
 *
 * <p>The sessions of one store share a failure count. When one of them finds the database gone (H2
 * closes its database underneath every connection after a "No space left on device"), the others
 * check their held connection before they next use it, and open a new one instead of failing a
 * request of their own to find out.
 */
final class Session implements AutoCloseable {

    private final JdbcStorage.Opener opener;
    private final boolean pooled;
    private final AtomicLong failures;
    private Connection connection;
    private long failuresSeen;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Session(JdbcStorage.Opener opener, boolean pooled, AtomicLong failures) {
        this.opener = opener;
        this.pooled = pooled;
        this.failures = failures;
    }

    /**
     * The connection of the current unit of work, opened when there is none; auto-commit is off. A unit
     * of work starts with {@link #dropIfStale()}, never in its middle: its statements must all run on
     * one connection.
     */
    Connection connection() throws SQLException {
        if (connection == null) {
            failuresSeen = failures.get();
            Connection c = open();
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /**
     * How long an open waits for an H2 file this process still has locked. After H2 closed a database
     * itself (a write failed on a full disk), the closed instance can hold its file lock a while longer;
     * opening the file meanwhile fails with an {@link OverlappingFileLockException} although nothing else
     * has the store, and a query a user made (events, history) would fail for it.
     */
    private static final long LOCKED_HERE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Connection open() throws SQLException {
        long deadline = System.nanoTime() + LOCKED_HERE_WAIT_NANOS;
        long pauseMillis = 20;
        while (true) {
            try {
                return opener.open();
            } catch (SQLException e) {
                if (!lockedInThisProcess(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the database file to be released", e);
            }
            pauseMillis = Math.min(500, pauseMillis * 2);
        }
    }

    /** True when the open failed because another instance in this JVM still holds the file's lock. */
    static boolean lockedInThisProcess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OverlappingFileLockException) {
                return true;
            }
        }
        return false;
    }

    /** A prepared statement on the current connection; kept for reuse while the connection is held. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection().prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    /**
     * Called before a unit of work: drops the held connection when another session of the store failed
     * since it was opened; true when it was dropped. The connection is closed without being used: on H2
     * a connection to a database that closed itself after a failed write would, on its next statement,
     * shut that database down again, and H2 then unregisters whichever instance now has the name, the
     * one the other sessions reopened. Every later open would fail with an
     * {@link OverlappingFileLockException} for as long as that instance lives. Opening a connection again
     * costs little, and failures are rare.
     */
    boolean dropIfStale() {
        if (connection == null || pooled || failures.get() == failuresSeen) {
            return false;
        }
        failuresSeen = failures.get();
        release();
        return true;
    }

    /** The unit of work is over (committed or rolled back): a pooled connection goes back to its pool. */
    void done() {
        if (pooled) {
            release();
        }
    }

    /** The connection failed: drop it, so that the next unit of work opens a fresh one. */
    void broken() {
        failures.incrementAndGet();
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException | RuntimeException | AssertionError ignored) {
                // the connection is broken already; closing it is all that is left to do
            }
        }
        release();
    }

    /** Rolls back what the current unit of work did; a connection that cannot even roll back is dropped. */
    void rollback() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException | AssertionError e) {
            release();
        }
    }

    private void release() {
        statements.values().forEach(Session::closeQuietly);
        statements.clear();
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    public void close() {
        release();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a statement or connection that failed: nothing else can be done with it
        }
    }
}
