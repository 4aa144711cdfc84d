package dev.orquestra.persistence.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the store's schema on first use, idempotently. Version 1 is the DDL that
 * pekko-persistence-jdbc ships for the database; later library versions add numbered migrations, and
 * a database created by an older version is brought up to date when a newer one opens it. A
 * database written by a <em>newer</em> library is refused with a clear message instead of being
 * misread.
 */
public final class SchemaBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaBootstrap.class);

    /** The schema version this library writes. */
    public static final int CURRENT_VERSION = 1;

    /** The dialects the bootstrap knows. */
    public enum Dialect {
        H2("schema/h2/h2-create-schema.sql"),
        POSTGRES("schema/postgres/postgres-create-schema.sql");

        private final String ddl;

        Dialect(String ddl) {
            this.ddl = ddl;
        }
    }

    private final Dialect dialect;
    private final List<Migration> migrations;

    /** One numbered schema change. */
    @FunctionalInterface
    public interface Migration {
        void apply(Connection connection, Dialect dialect) throws SQLException, IOException;
    }

    public SchemaBootstrap(Dialect dialect) {
        this(dialect, List.of(SchemaBootstrap::pluginSchema));
    }

    /** A bootstrap with the given migrations, numbered from 1 (tests add later ones). */
    public SchemaBootstrap(Dialect dialect, List<Migration> migrations) {
        this.dialect = dialect;
        this.migrations = List.copyOf(migrations);
    }

    /**
     * Brings the schema to the latest version and returns it.
     *
     * @throws SQLException when the database cannot be reached, or holds a newer schema
     */
    public int apply(Connection connection) throws SQLException, IOException {
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orquestra_schema (version INTEGER NOT NULL PRIMARY KEY, "
                    + "applied_at BIGINT NOT NULL)");
        }
        lock(connection);
        try {
            int version = currentVersion(connection);
            if (version > migrations.size()) {
                throw new SQLException("the store's schema is version " + version + " but this Orquestra knows only up to "
                        + migrations.size() + "; open it with a newer Orquestra");
            }
            for (int v = version + 1; v <= migrations.size(); v++) {
                migrations.get(v - 1).apply(connection, dialect);
                try (Statement s = connection.createStatement()) {
                    s.execute("INSERT INTO orquestra_schema (version, applied_at) VALUES (" + v + ", "
                            + System.currentTimeMillis() + ")");
                }
                LOG.info("Store schema migrated to version {}", v);
            }
            return migrations.size();
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

    /** Version 1: the plugin's own DDL, statement by statement; objects that exist already are kept. */
    static void pluginSchema(Connection connection, Dialect dialect) throws SQLException, IOException {
        for (String statement : statements(dialect)) {
            if (exists(connection, statement)) {
                continue;
            }
            try (Statement s = connection.createStatement()) {
                s.execute(statement);
            } catch (SQLException e) {
                if (!alreadyExists(e)) {
                    throw new SQLException("schema statement failed: " + firstLine(statement) + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The plugin's DDL for the dialect, split into statements. */
    static List<String> statements(Dialect dialect) throws IOException {
        String ddl;
        try (InputStream in = org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal.class.getClassLoader()
                .getResourceAsStream(dialect.ddl)) {
            if (in == null) {
                throw new IOException("pekko-persistence-jdbc's DDL " + dialect.ddl + " is not on the class path");
            }
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : ddl.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String stmt = current.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static final java.util.regex.Pattern INDEX = java.util.regex.Pattern.compile(
            "(?is)CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?(IF\\s+NOT\\s+EXISTS\\s+)?\"?([A-Za-z0-9_]+)\"?\\s+ON\\s+"
                    + "(?:[A-Za-z0-9_]+\\.)?\"?([A-Za-z0-9_]+)\"?.*");

    /** Index statements have no IF NOT EXISTS in the shipped DDL: look the index up first. */
    private static boolean exists(Connection connection, String statement) throws SQLException {
        java.util.regex.Matcher m = INDEX.matcher(statement);
        if (!m.matches() || m.group(1) != null) {
            return false;
        }
        String index = m.group(2);
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getIndexInfo(null, null, m.group(3), false, false)) {
            while (rs.next()) {
                if (index.equalsIgnoreCase(rs.getString("INDEX_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean alreadyExists(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // PostgreSQL: 42P07 duplicate relation, 42710 duplicate object; H2: 42101 table, 42111 index exists
        return state.equals("42P07") || state.equals("42710") || state.equals("42101") || state.equals("42111");
    }

    private void lock(Connection connection) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_lock(7301953)"); // one bootstrap at a time across processes
            }
        }
    }

    private void unlock(Connection connection) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(7301953)");
            }
        }
    }

    private static String firstLine(String statement) {
        int nl = statement.indexOf('\n');
        return nl < 0 ? statement : statement.substring(0, nl);
    }
}
