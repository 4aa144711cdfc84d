package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.persistence.internal.SchemaBootstrap;
import dev.orquestra.persistence.internal.SchemaBootstrap.Dialect;
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

/** The schema is created on first use, idempotently, and upgraded (never downgraded) across versions. */
class SchemaBootstrapTest {

    @TempDir
    Path dir;

    private Connection h2() throws SQLException {
        return DriverManager.getConnection(Databases.h2Url(dir), "sa", "");
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aFreshDatabaseGetsThePluginSchemaAndAVersion() throws Exception {
        try (Connection c = h2()) {
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(SchemaBootstrap.CURRENT_VERSION);
            assertThat(tables(c)).contains("event_journal", "event_tag", "snapshot", "durable_state", "orquestra_schema");
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
        }
    }

    @Test
    void applyingTwiceChangesNothing() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\", "
                        + "\"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", "
                        + "\"event_ser_manifest\") VALUES ('card|x|A-1', 1, 'w', 0, '', X'00', 1, 'm')");
            }
            new SchemaBootstrap(Dialect.H2).apply(c);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM \"event_journal\"")).isEqualTo(1);
        }
    }

    @Test
    void aDatabaseCreatedBeforeVersioningIsAdoptedWithItsData() throws Exception {
        try (Connection c = h2()) {
            // what an older library (or the plugin's own script) left: the plugin tables, no version table
            for (String statement : pluginStatements()) {
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", "
                        + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\") "
                        + "VALUES ('orchestrator|x', 5, 0, 1, 'm', X'00')");
            }
            assertThat(new SchemaBootstrap(Dialect.H2).apply(c)).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM \"snapshot\"")).isEqualTo(1);
        }
    }

    @Test
    void aNewerLibraryUpgradesAnOlderDatabase() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            SchemaBootstrap.Migration v2 = (conn, dialect) -> {
                try (Statement s = conn.createStatement()) {
                    s.execute("CREATE TABLE orquestra_review_note (card_id VARCHAR(128) PRIMARY KEY, note VARCHAR)");
                }
            };
            SchemaBootstrap newer = new SchemaBootstrap(Dialect.H2, List.of(
                    (conn, dialect) -> new SchemaBootstrap(dialect).apply(conn), v2));
            assertThat(newer.apply(c)).isEqualTo(2);
            assertThat(tables(c)).contains("ORQUESTRA_REVIEW_NOTE".toLowerCase());
            assertThat(newer.apply(c)).isEqualTo(2);
            assertThat(count(c, "SELECT MAX(version) FROM orquestra_schema")).isEqualTo(2);
        }
    }

    @Test
    void aDatabaseWrittenByANewerLibraryIsRefused() throws Exception {
        try (Connection c = h2()) {
            new SchemaBootstrap(Dialect.H2).apply(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO orquestra_schema (version, applied_at) VALUES (7, 0)");
            }
            assertThatThrownBy(() -> new SchemaBootstrap(Dialect.H2).apply(c)).isInstanceOf(SQLException.class)
                    .hasMessage("the store's schema is version 7 but this Orquestra knows only up to 1; "
                            + "open it with a newer Orquestra");
        }
    }

    @Test
    void postgresBootstrapIsIdempotentToo() throws Exception {
        Databases.requirePostgres();
        try (Connection c = DriverManager.getConnection(Databases.PG_URL, Databases.PG_USER, Databases.PG_PASSWORD)) {
            assertThat(new SchemaBootstrap(Dialect.POSTGRES).apply(c)).isEqualTo(1);
            assertThat(new SchemaBootstrap(Dialect.POSTGRES).apply(c)).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM orquestra_schema")).isEqualTo(1);
        }
    }

    private static List<String> pluginStatements() throws Exception {
        var m = SchemaBootstrap.class.getDeclaredMethod("statements", Dialect.class);
        m.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> statements = (List<String>) m.invoke(null, Dialect.H2);
        return statements;
    }
}
