package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.persistence.internal.Dialect;
import dev.orquestra.persistence.internal.SchemaBootstrap;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema is created on first use, idempotently, and upgraded (never downgraded) across versions; a
 * store written by the previous Orquestra (pekko-persistence-jdbc's tables, version 1) is migrated with
 * its events, tags and snapshots. The version-1 stores are real ones, written by that release
 * ({@link LegacyStores}).
 */
class SchemaBootstrapTest {

    @TempDir
    Path dir;

    private Connection h2() throws SQLException {
        return DriverManager.getConnection(Databases.h2Url(dir), "sa", "");
    }

    static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aFreshDatabaseGetsOrquestrasTablesAtVersion2Directly() throws Exception {
        try (Connection c = h2()) {
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(SchemaBootstrap.CURRENT_VERSION).isEqualTo(2);
            assertThat(tables(c)).containsExactlyInAnyOrder("orquestra_journal", "orquestra_snapshot", "orquestra_schema");
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(2);
            // the primary key and the one unique index, nothing else to write on every commit
            assertThat(count(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'orquestra_journal'"))
                    .isEqualTo(2);
        }
    }

    @Test
    void applyingTwiceChangesNothing() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            execute(c, "INSERT INTO orquestra_journal (ordering, persistence_id, sequence_nr, written_at, writer, "
                    + "adapter_manifest, tag, ser_id, ser_manifest, payload) VALUES (1, 'card|x|A-1', 1, 0, 'w', '', 't', 1, "
                    + "'m', X'00')");
            new SchemaBootstrap(Dialect.H2).apply(c);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(1);
        }
    }

    @Test
    void aDuplicateSequenceNumberIsRefusedByTheUniqueIndex() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            execute(c, "INSERT INTO orquestra_journal (ordering, persistence_id, sequence_nr, written_at, writer, "
                    + "adapter_manifest, ser_id, ser_manifest, payload) VALUES (1, 'p', 1, 0, 'w', '', 1, 'm', X'00')");
            assertThatThrownBy(() -> execute(c, "INSERT INTO orquestra_journal (ordering, persistence_id, sequence_nr, "
                    + "written_at, writer, adapter_manifest, ser_id, ser_manifest, payload) "
                    + "VALUES (2, 'p', 1, 0, 'w', '', 1, 'm', X'00')"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23505");
        }
    }

    @Test
    void aVersion1StoreIsMigratedWithItsEventsTagsAndSnapshots() throws Exception {
        LegacyStores.unzipH2(dir);
        try (Connection c = h2()) {
            assertThat(tables(c)).contains("event_journal", "event_tag", "snapshot", "durable_state");
            long events = count(c, "SELECT COUNT(*) FROM event_journal");
            long tagged = count(c, "SELECT COUNT(*) FROM event_tag");
            long snapshots = count(c, "SELECT COUNT(*) FROM snapshot");
            long maxOrdering = count(c, "SELECT MAX(ordering) FROM event_journal");
            assertThat(tagged).isEqualTo(LegacyStores.taggedEvents());
            assertThat(snapshots).isPositive();

            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(2);

            assertThat(tables(c)).containsExactlyInAnyOrder("orquestra_journal", "orquestra_snapshot", "orquestra_schema");
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(events);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal WHERE tag = 'cards-" + LegacyStores.ENGINE + "'"))
                    .isEqualTo(tagged);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal WHERE tag IS NULL AND persistence_id LIKE 'card|%'"))
                    .isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_snapshot")).isEqualTo(snapshots);
            assertThat(count(c, "SELECT MAX(ordering) FROM orquestra_journal")).as("offsets are kept").isEqualTo(maxOrdering);
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(2);
            assertThat(count(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'global_offset_seq'"))
                    .isZero();
        }
    }

    @Test
    void aVersion1StoreFromBeforeVersioningIsMigratedToo() throws Exception {
        LegacyStores.unzipH2(dir);
        try (Connection c = h2()) {
            execute(c, "DROP TABLE orquestra_schema"); // what a store written before the version table looks like
            long events = count(c, "SELECT COUNT(*) FROM event_journal");
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(2);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(events);
            assertThat(tables(c)).doesNotContain("event_journal");
        }
    }

    @Test
    void aMigrationInterruptedBeforeItCommittedIsRedoneFromTheStart() throws Exception {
        LegacyStores.unzipH2(dir);
        try (Connection c = h2()) {
            long events = count(c, "SELECT COUNT(*) FROM event_journal");
            // H2 commits DDL by itself: a kill during the copy leaves the new tables, half full, at version 1
            for (String ddl : List.of("CREATE TABLE orquestra_journal (ordering BIGINT PRIMARY KEY, persistence_id VARCHAR)",
                    "INSERT INTO orquestra_journal VALUES (1, 'partial')")) {
                execute(c, ddl);
            }
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(2);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(events);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal WHERE persistence_id = 'partial'")).isZero();
        }
    }

    @Test
    void oldTablesLeftByAKillAfterTheCopyCommittedAreDroppedOnTheNextOpen() throws Exception {
        LegacyStores.unzipH2(dir);
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            long events = count(c, "SELECT COUNT(*) FROM orquestra_journal");
            execute(c, "CREATE TABLE event_journal (ordering BIGINT)"); // as if the process died before the drop
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(2);
            assertThat(tables(c)).doesNotContain("event_journal");
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(events);
        }
    }

    @Test
    void aVersion1StoreWithAnEventOfTwoTagsIsRefusedUnchanged() throws Exception {
        LegacyStores.unzipH2(dir);
        try (Connection c = h2()) {
            execute(c, "INSERT INTO event_tag (event_id, tag) SELECT MIN(event_id), 'second-tag' FROM event_tag");
            assertThatThrownBy(() -> new SchemaBootstrap(Dialect.H2).apply(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("1 events in event_tag have more than one tag").hasMessageContaining("Nothing was changed");
            assertThat(tables(c)).contains("event_journal").doesNotContain("orquestra_journal");
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(1);
        }
    }

    @Test
    void aNewerLibraryUpgradesAnOlderDatabase() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            SchemaBootstrap.Migration v3 = (conn, dialect) -> {
                try (Statement s = conn.createStatement()) {
                    s.execute("CREATE TABLE orquestra_review_note (card_id VARCHAR(128) PRIMARY KEY, note VARCHAR)");
                }
            };
            SchemaBootstrap newer = new SchemaBootstrap(Dialect.H2, List.of(SchemaBootstrap::orquestraTables, v3));
            assertThat(newer.apply(c)).isEqualTo(3);
            assertThat(tables(c)).contains("orquestra_review_note");
            assertThat(newer.apply(c)).isEqualTo(3);
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(3);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(2);
        }
    }

    @Test
    void aDatabaseWrittenByANewerLibraryIsRefused() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            execute(c, "INSERT INTO orquestra_schema (version, applied_at) VALUES (7, 0)");
            assertThatThrownBy(() -> new SchemaBootstrap(Dialect.H2).apply(c)).isInstanceOf(SQLException.class)
                    .hasMessage("the store's schema is version 7 but this Orquestra knows only up to 2; "
                            + "open it with a newer Orquestra");
        }
    }

    @Test
    void postgresBootstrapIsIdempotentToo() throws Exception {
        Databases.requirePostgres();
        try (Databases.PostgresSchema schema = Databases.freshPostgresSchema();
             Connection c = schema.connect()) {
            assertThat(new SchemaBootstrap(Dialect.POSTGRES).apply(c)).isEqualTo(2);
            assertThat(new SchemaBootstrap(Dialect.POSTGRES).apply(c)).isEqualTo(2);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
            assertThat(tables(c)).containsExactlyInAnyOrder("orquestra_journal", "orquestra_snapshot", "orquestra_schema");
        }
    }

    @Test
    void aVersion1PostgresStoreIsMigratedInOneTransaction() throws Exception {
        Databases.requirePostgres();
        try (Databases.PostgresSchema schema = Databases.freshPostgresSchema();
             Connection c = schema.connect()) {
            LegacyStores.loadPostgres(c);
            long events = count(c, "SELECT COUNT(*) FROM event_journal");
            long snapshots = count(c, "SELECT COUNT(*) FROM snapshot");
            long maxOrdering = count(c, "SELECT MAX(ordering) FROM event_journal");

            assertThat(new SchemaBootstrap(Dialect.POSTGRES).apply(c)).isEqualTo(2);

            assertThat(tables(c)).containsExactlyInAnyOrder("orquestra_journal", "orquestra_snapshot", "orquestra_schema");
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal")).isEqualTo(events);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_journal WHERE tag IS NOT NULL"))
                    .isEqualTo(LegacyStores.taggedEvents());
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_snapshot")).isEqualTo(snapshots);
            assertThat(count(c, "SELECT nextval('orquestra_journal_ordering')")).as("new rows go after the old")
                    .isEqualTo(maxOrdering + 1);
        }
    }

    @Test
    void aPostgresMigrationThatFailsChangesNothing() throws Exception {
        Databases.requirePostgres();
        try (Databases.PostgresSchema schema = Databases.freshPostgresSchema();
             Connection c = schema.connect()) {
            LegacyStores.loadPostgres(c);
            SchemaBootstrap failing = new SchemaBootstrap(Dialect.POSTGRES, List.of((conn, dialect) -> {
                SchemaBootstrap.orquestraTables(conn, dialect);
                throw new SQLException("the disk filled up during the copy");
            }));
            assertThatThrownBy(() -> failing.apply(c)).hasMessage("the disk filled up during the copy");
            assertThat(tables(c)).contains("event_journal", "event_tag", "snapshot").doesNotContain("orquestra_journal");
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(1);
        }
    }
}
