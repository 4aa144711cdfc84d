package dev.orquestra.persistence.internal;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What differs between the two databases the store runs on. H2 is embedded and single-process (its
 * file lock keeps every other process out), so the store may keep the journal's highest sequence
 * numbers and next ordering in memory; PostgreSQL may be shared by several processes, so it asks the
 * database every time and lets a sequence, under a transaction-scoped advisory lock, number the rows.
 */
public enum Dialect {
    H2("VARBINARY", "BLOB", ""),
    POSTGRES("BYTEA", "BYTEA", " COLLATE \"C\"");

    /** The advisory lock every PostgreSQL write transaction takes, so orderings increase in commit order. */
    static final long WRITE_LOCK = 7_301_954L;

    private final String eventPayloadType;
    private final String snapshotPayloadType;
    private final String idCollation;

    Dialect(String eventPayloadType, String snapshotPayloadType, String idCollation) {
        this.eventPayloadType = eventPayloadType;
        this.snapshotPayloadType = snapshotPayloadType;
        this.idCollation = idCollation;
    }

    /** The column type of event payloads (see {@link SchemaBootstrap} for why). */
    String eventPayloadType() {
        return eventPayloadType;
    }

    /** The column type of snapshot payloads, which can be tens of MB. */
    String snapshotPayloadType() {
        return snapshotPayloadType;
    }

    /**
     * The collation of persistence ids. PostgreSQL's default collation is linguistic, so a
     * {@code LIKE 'card|engine|%'} could not use the unique index; "C" compares bytes, which is all an
     * identifier needs.
     */
    String idCollation() {
        return idCollation;
    }

    /** True when the store may cache what it wrote, because no other process can write. */
    boolean singleProcess() {
        return this == H2;
    }

    /** The statement that stores a snapshot, replacing one at the same sequence number. */
    String upsertSnapshot() {
        return this == H2
                ? "MERGE INTO orquestra_snapshot (persistence_id, sequence_nr, created, ser_id, ser_manifest, payload) "
                        + "KEY (persistence_id, sequence_nr) VALUES (?, ?, ?, ?, ?, ?)"
                : "INSERT INTO orquestra_snapshot (persistence_id, sequence_nr, created, ser_id, ser_manifest, payload) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET "
                        + "created = EXCLUDED.created, ser_id = EXCLUDED.ser_id, ser_manifest = EXCLUDED.ser_manifest, "
                        + "payload = EXCLUDED.payload";
    }

    /**
     * True when the error says something about the rows of one call (a duplicate key, a value too
     * long), not about the database: SQL states of class 22 (data exception) and 23 (integrity
     * constraint violation). Such a failure is retried call by call so only the offending call fails.
     */
    static boolean isDataError(SQLException e) {
        return hasState(e, "22") || hasState(e, "23");
    }

    /** True for a constraint violation (a duplicate sequence number), SQL state class 23. */
    static boolean isConstraintViolation(SQLException e) {
        return hasState(e, "23");
    }

    /** Looks at the exception, its causes and (batches) its chained next exceptions. */
    private static boolean hasState(SQLException e, String stateClass) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException s) {
                if (s.getSQLState() != null && s.getSQLState().startsWith(stateClass)) {
                    return true;
                }
                if (s.getNextException() != null) {
                    todo.push(s.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
        }
        return false;
    }
}
