package dev.orquestra.persistence.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the store's schema when a store opens, idempotently; a PostgreSQL advisory lock
 * keeps two processes from doing it at once. Versions:
 *
 * <ol>
 *   <li>pekko-persistence-jdbc's tables ({@code event_journal}, {@code event_tag}, {@code snapshot},
 *       {@code durable_state}), which earlier Orquestra releases created. This release no longer
 *       creates them: a new database starts at version 2.</li>
 *   <li>Orquestra's own tables: {@code orquestra_journal} (one row per event, its one tag in a column,
 *       numbered by {@code ordering}, the primary key, with a unique index on persistence id and sequence
 *       number, and nothing else to write on every commit) and {@code orquestra_snapshot}. A version-1
 *       database has its events (with their tags) and snapshots copied over and its old tables dropped.
 *       Orderings are kept, so offsets a reader has seen stay valid.</li>
 * </ol>
 *
 * Later library versions add numbered migrations; a database written by a <em>newer</em> library is
 * refused with a clear message instead of being misread.
 *
 * <p>Payload columns. Events: H2 {@code VARBINARY}, kept in the row. A {@code BLOB} goes to H2's
 * separate LOB storage: measured here with 100,000 rows of 400 bytes in commits of 50, {@code BLOB}
 * wrote 42,000-59,000 rows/s into a 204-211 MB file and scanned them in 0.30 s, {@code VARBINARY}
 * 76,000-84,000 rows/s into 106-108 MB and 0.07 s; a 16 MB value took well under a second either way.
 * PostgreSQL: {@code BYTEA}. Snapshots, which can be tens of MB: H2 {@code BLOB}, PostgreSQL
 * {@code BYTEA}. H2 bounds a {@code VARBINARY} value at 1,000,000,000 bytes and PostgreSQL a
 * {@code BYTEA} at 1 GB; the journal refuses a serialized event above {@link #MAX_EVENT_BYTES}
 * (events of 4 MB and 16 MB are tested).
 */
public final class SchemaBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaBootstrap.class);

    /** The schema version this library writes. */
    public static final int CURRENT_VERSION = 2;

    /** Serialized events larger than this are refused (64 MiB): far above any event the engine writes. */
    public static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

    /** pekko-persistence-jdbc's tables (version 1), in the order they can be dropped. */
    static final List<String> LEGACY_TABLES = List.of("event_tag", "event_journal", "snapshot", "durable_state");

    private static final long BOOTSTRAP_LOCK = 7_301_953L;

    /** One numbered schema change, run inside a transaction (on H2, DDL statements commit on their own). */
    @FunctionalInterface
    public interface Migration {
        void apply(Connection connection, Dialect dialect) throws SQLException;
    }

    private final Dialect dialect;
    private final List<Migration> migrations;

    public SchemaBootstrap(Dialect dialect) {
        this(dialect, List.of(SchemaBootstrap::orquestraTables));
    }

    /**
     * A bootstrap with the given migrations: the first brings a store to version 2, the next to 3, and so
     * on (tests add later ones). Version 1 is where every store written by an earlier release is.
     */
    public SchemaBootstrap(Dialect dialect, List<Migration> migrations) {
        this.dialect = dialect;
        this.migrations = List.copyOf(migrations);
    }

    /** The version the migrations bring a store to. */
    public int latestVersion() {
        return migrations.size() + 1;
    }

    /**
     * Brings the schema to the latest version and returns it. Leaves the connection in auto-commit mode.
     *
     * @throws SQLException when the database cannot be reached, holds a newer schema, or holds data
     *                      version 2 cannot represent
     */
    public int apply(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orquestra_schema (version INTEGER NOT NULL PRIMARY KEY, "
                    + "applied_at BIGINT NOT NULL)");
        }
        lock(connection);
        try {
            int recorded = currentVersion(connection);
            if (recorded > latestVersion()) {
                throw new SQLException("the store's schema is version " + recorded + " but this Orquestra knows only up to "
                        + latestVersion() + "; open it with a newer Orquestra");
            }
            // a store without a version is new, or holds version-1 tables from before versioning: both are 1
            int version = Math.max(1, recorded);
            for (int v = version + 1; v <= latestVersion(); v++) {
                connection.setAutoCommit(false);
                try {
                    migrations.get(v - 2).apply(connection, dialect);
                    try (Statement s = connection.createStatement()) {
                        s.execute("INSERT INTO orquestra_schema (version, applied_at) VALUES (" + v + ", "
                                + System.currentTimeMillis() + ")");
                    }
                    if (dialect == Dialect.POSTGRES) {
                        dropLegacyTables(connection, dialect); // in the same transaction: the copy and the drop are one step
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
                LOG.info("Store schema migrated to version {}", v);
            }
            // H2 commits DDL on its own, so its old tables go after the copy committed; a crash in between
            // leaves them to this step on the next open
            if (latestVersion() >= 2 && tableExists(connection, "event_journal")) {
                dropLegacyTables(connection, dialect);
            }
            return latestVersion();
        } finally {
            unlock(connection);
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM orquestra_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Version 2: Orquestra's tables; the events and snapshots of pekko-persistence-jdbc's tables, when a
     * store has them, copied in.
     */
    public static void orquestraTables(Connection connection, Dialect dialect) throws SQLException {
        boolean legacy = tableExists(connection, "event_journal");
        if (legacy) {
            checkLegacy(connection);
        }
        try (Statement s = connection.createStatement()) {
            if (legacy) {
                // while the version is below 2 nothing writes these tables: what is there is a copy an
                // interrupted migration left (H2 commits DDL by itself), to be made again
                s.execute("DROP TABLE IF EXISTS orquestra_journal");
                s.execute("DROP TABLE IF EXISTS orquestra_snapshot");
            }
            for (String ddl : tables(dialect)) {
                s.execute(ddl);
            }
            if (legacy) {
                int events = s.executeUpdate("INSERT INTO orquestra_journal (ordering, persistence_id, sequence_nr, "
                        + "written_at, writer, adapter_manifest, tag, ser_id, ser_manifest, payload, deleted) "
                        + "SELECT j.ordering, j.persistence_id, j.sequence_number, COALESCE(j.write_timestamp, 0), j.writer, "
                        + "COALESCE(j.adapter_manifest, ''), (SELECT MIN(t.tag) FROM event_tag t WHERE t.event_id = j.ordering), "
                        + "j.event_ser_id, j.event_ser_manifest, " + legacyPayload(dialect, "j.event_payload") + ", j.deleted "
                        + "FROM event_journal j");
                int snapshots = s.executeUpdate("INSERT INTO orquestra_snapshot (persistence_id, sequence_nr, created, ser_id, "
                        + "ser_manifest, payload) SELECT persistence_id, sequence_number, created, snapshot_ser_id, "
                        + "snapshot_ser_manifest, snapshot_payload FROM snapshot");
                if (dialect == Dialect.POSTGRES) {
                    s.execute("SELECT setval('orquestra_journal_ordering', "
                            + "(SELECT COALESCE(MAX(ordering), 0) + 1 FROM orquestra_journal), false)");
                }
                LOG.info("Copied {} events and {} snapshots from pekko-persistence-jdbc's tables", events, snapshots);
            }
        }
    }

    /** The DDL of version 2. */
    static List<String> tables(Dialect dialect) {
        String id = "VARCHAR(255)" + dialect.idCollation() + " NOT NULL";
        List<String> out = new ArrayList<>();
        if (dialect == Dialect.POSTGRES) {
            out.add("CREATE SEQUENCE IF NOT EXISTS orquestra_journal_ordering");
        }
        out.add("CREATE TABLE IF NOT EXISTS orquestra_journal ("
                + "ordering BIGINT NOT NULL" + (dialect == Dialect.POSTGRES ? " DEFAULT nextval('orquestra_journal_ordering')" : "")
                + " PRIMARY KEY, "
                + "persistence_id " + id + ", "
                + "sequence_nr BIGINT NOT NULL, "
                + "written_at BIGINT NOT NULL, "
                + "writer VARCHAR NOT NULL, "
                + "adapter_manifest VARCHAR NOT NULL, "
                + "tag VARCHAR, "
                + "ser_id INTEGER NOT NULL, "
                + "ser_manifest VARCHAR NOT NULL, "
                + "payload " + dialect.eventPayloadType() + " NOT NULL, "
                + "deleted BOOLEAN DEFAULT FALSE NOT NULL)");
        out.add("CREATE UNIQUE INDEX IF NOT EXISTS orquestra_journal_id_seq ON orquestra_journal (persistence_id, sequence_nr)");
        if (dialect == Dialect.POSTGRES) {
            out.add("ALTER SEQUENCE orquestra_journal_ordering OWNED BY orquestra_journal.ordering");
        }
        out.add("CREATE TABLE IF NOT EXISTS orquestra_snapshot ("
                + "persistence_id " + id + ", "
                + "sequence_nr BIGINT NOT NULL, "
                + "created BIGINT NOT NULL, "
                + "ser_id INTEGER NOT NULL, "
                + "ser_manifest VARCHAR NOT NULL, "
                + "payload " + dialect.snapshotPayloadType() + " NOT NULL, "
                + "PRIMARY KEY (persistence_id, sequence_nr))");
        return out;
    }

    private static String legacyPayload(Dialect dialect, String column) {
        // H2's version-1 payloads are BLOBs; version 2 keeps events in a VARBINARY column
        return dialect == Dialect.H2 ? "CAST(" + column + " AS VARBINARY)" : column;
    }

    /** Refuses a version-1 store holding what version 2 has no place for, before anything is changed. */
    private static void checkLegacy(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        long multiTagged = count(connection, "SELECT COUNT(*) FROM (SELECT event_id FROM event_tag GROUP BY event_id "
                + "HAVING COUNT(*) > 1) m");
        if (multiTagged > 0) {
            problems.add(multiTagged + " events in event_tag have more than one tag (version 2 keeps one per event)");
        }
        long withMetadata = count(connection, "SELECT COUNT(*) FROM event_journal WHERE meta_payload IS NOT NULL");
        if (withMetadata > 0) {
            problems.add(withMetadata + " events in event_journal carry event metadata (version 2 keeps none)");
        }
        long snapshotMetadata = count(connection, "SELECT COUNT(*) FROM snapshot WHERE meta_payload IS NOT NULL");
        if (snapshotMetadata > 0) {
            problems.add(snapshotMetadata + " snapshots carry metadata (version 2 keeps none)");
        }
        if (tableExists(connection, "durable_state")) {
            long states = count(connection, "SELECT COUNT(*) FROM durable_state");
            if (states > 0) {
                problems.add("durable_state holds " + states + " rows (Orquestra never wrote durable state)");
            }
        }
        if (!problems.isEmpty()) {
            throw new SQLException("cannot migrate the store from pekko-persistence-jdbc's tables: "
                    + String.join("; ", problems) + ". Nothing was changed.");
        }
    }

    private static void dropLegacyTables(Connection connection, Dialect dialect) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String table : LEGACY_TABLES) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            if (dialect == Dialect.H2) {
                s.execute("DROP SEQUENCE IF EXISTS global_offset_seq"); // H2's durable_state numbered its rows with it
            }
        }
        LOG.info("Dropped pekko-persistence-jdbc's tables {}", LEGACY_TABLES);
    }

    static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(null, null, name, new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    if (schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA") && !schema.startsWith("pg_")) {
                        if (inCurrentSchema(connection, schema)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** PostgreSQL lists tables of every schema; only the one unqualified names resolve to counts. */
    private static boolean inCurrentSchema(Connection connection, String schema) throws SQLException {
        String current = connection.getSchema();
        return schema == null || current == null || schema.equalsIgnoreCase(current);
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void lock(Connection connection) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + BOOTSTRAP_LOCK + ")"); // one bootstrap at a time across processes
            }
        }
    }

    private void unlock(Connection connection) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + BOOTSTRAP_LOCK + ")");
            }
        }
    }
}
