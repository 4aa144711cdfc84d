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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Test databases: H2 directories and the PostgreSQL server the CI script provides. */
final class Databases {

    static final String PG_URL = System.getenv().getOrDefault("ORQUESTRA_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("ORQUESTRA_PG_USER", "postgres");
    static final String PG_PASSWORD = System.getenv().getOrDefault("ORQUESTRA_PG_PASSWORD", "");

    private Databases() {
    }

    /**
     * Skips the calling test class, with a visible message, when no PostgreSQL server answers — except
     * in CI ({@code CI=true}), where PostgreSQL tests must run and an unreachable server fails them.
     */
    static void requirePostgres() {
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

    static List<Long> snapshotSequenceNrs(String url, String user, String password, String persistenceId) {
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement s = c.prepareStatement(
                     "SELECT sequence_number FROM snapshot WHERE persistence_id = ? ORDER BY sequence_number")) {
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

    static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("orquestra")
                + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
    }

    static void deleteRecursively(Path dir) {
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
