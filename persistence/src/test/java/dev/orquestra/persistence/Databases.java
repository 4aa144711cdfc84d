package dev.orquestra.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Test databases: H2 directories and the PostgreSQL server the CI script provides. */
public final class Databases {

    public static final String PG_URL = System.getenv().getOrDefault("ORQUESTRA_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("ORQUESTRA_PG_USER", "postgres");
    public static final String PG_PASSWORD = System.getenv().getOrDefault("ORQUESTRA_PG_PASSWORD", "");

    private Databases() {
    }

    /**
     * Skips the calling test class, with a visible message, when no PostgreSQL server answers — except
     * in CI ({@code CI=true}), where PostgreSQL tests must run and an unreachable server fails them.
     */
    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.isValid(2);
        } catch (SQLException e) {
            String message = "PostgreSQL not reachable at " + PG_URL + " as " + PG_USER + " (" + e.getMessage()
                    + "); PostgreSQL tests skipped";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + message.replace("; PostgreSQL tests skipped", ""), e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
    }

    /** A PostgreSQL schema of its own, so a test sees only its tables; dropped with everything in it on close. */
    public static PostgresSchema freshPostgresSchema() {
        String name = "orq_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + name + " at " + PG_URL, e);
        }
        return new PostgresSchema(name);
    }

    /** A schema created for one test. */
    public record PostgresSchema(String name) implements AutoCloseable {

        /** The JDBC URL whose unqualified names resolve to this schema. */
        public String url() {
            return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), PG_USER, PG_PASSWORD);
        }

        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop schema " + name + " at " + PG_URL, e);
            }
        }
    }

    static List<Long> snapshotSequenceNrs(String url, String user, String password, String persistenceId) {
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement s = c.prepareStatement(
                     "SELECT sequence_nr FROM orquestra_snapshot WHERE persistence_id = ? ORDER BY sequence_nr")) {
            s.setString(1, persistenceId);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("orquestra")
                + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
