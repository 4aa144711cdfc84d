package dev.orquestra.persistence.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * H2 only: the highest sequence number of every persistence id and the next ordering, in memory. H2 is
 * embedded and its file lock keeps other processes out, so everything in the journal went through
 * this store's writer, which keeps the index up to date after each commit. Recovery then asks no SQL
 * for an entity's highest sequence number, and a fresh entity (no events) recovers without a query.
 *
 * <p>When a write fails for a reason other than its data, the writer cannot know whether the
 * transaction committed; it {@linkplain #invalidate() invalidates} the index, which then answers
 * nothing (callers query the database) until the writer has reconnected and {@linkplain #load loaded}
 * it again.
 */
final class JournalIndex {

    private volatile ConcurrentHashMap<String, Long> highest = new ConcurrentHashMap<>();
    private volatile boolean valid;
    /** Written by the writer thread only. */
    private long nextOrdering = 1;

    /** Reads the index from the journal table; the writer calls it at open and after a reconnect. */
    void load(Connection connection) throws SQLException {
        ConcurrentHashMap<String, Long> loaded = new ConcurrentHashMap<>();
        long maxOrdering;
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT persistence_id, MAX(sequence_nr) FROM orquestra_journal GROUP BY persistence_id")) {
                while (rs.next()) {
                    loaded.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(ordering), 0) FROM orquestra_journal")) {
                rs.next();
                maxOrdering = rs.getLong(1);
            }
        }
        connection.commit();
        highest = loaded;
        nextOrdering = maxOrdering + 1;
        valid = true;
    }

    /** The highest sequence number of the id (0 when it has no events), or empty while the index is invalid. */
    OptionalLong highest(String persistenceId) {
        if (!valid) {
            return OptionalLong.empty();
        }
        Long h = highest.get(persistenceId);
        return OptionalLong.of(h == null ? 0 : h);
    }

    /** The highest sequence number of every id with the prefix, or {@code null} while the index is invalid. */
    Map<String, Long> withPrefix(String prefix) {
        if (!valid) {
            return null;
        }
        Map<String, Long> out = new HashMap<>();
        highest.forEach((id, seq) -> {
            if (id.startsWith(prefix)) {
                out.put(id, seq);
            }
        });
        return valid ? out : null;
    }

    boolean valid() {
        return valid;
    }

    void invalidate() {
        valid = false;
    }

    /** The ordering the next inserted row gets (writer thread). */
    long nextOrdering() {
        return nextOrdering;
    }

    /** Rows were committed (writer thread): they took orderings up to {@code rows} from the next one. */
    void committed(int rows) {
        nextOrdering += rows;
    }

    /** A row of the id with this sequence number was committed (writer thread). */
    void written(String persistenceId, long sequenceNr) {
        highest.merge(persistenceId, sequenceNr, Math::max);
    }

    /** Persistence ids the index knows (tests). */
    int size() {
        return highest.size();
    }
}
