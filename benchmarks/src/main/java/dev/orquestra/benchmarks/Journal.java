package dev.orquestra.benchmarks;

import dev.orquestra.InMemoryStore;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.spi.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The journal a benchmark runs on, and its lifetime: an in-memory store, an H2 file database in a
 * fresh temporary directory (deleted afterwards), or PostgreSQL (rows of the run's engine name are
 * deleted afterwards). The same data can be opened again with {@link #reopen()} to measure recovery.
 */
final class Journal implements AutoCloseable {

    enum Kind {
        MEMORY, H2, POSTGRES;

        static Kind parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "memory", "in-memory", "inmemory" -> MEMORY;
                case "h2" -> H2;
                case "postgres", "postgresql", "pg" -> POSTGRES;
                default -> throw new IllegalArgumentException("journal must be memory, h2 or postgres, was '" + text + "'");
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String PG_URL = env("ORQUESTRA_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = env("ORQUESTRA_PG_USER", "postgres");
    static final String PG_PASSWORD = env("ORQUESTRA_PG_PASSWORD", "");

    private final Kind kind;
    private final String engineName;
    private final Path directory;
    private final InMemoryStore memory;

    private Journal(Kind kind, String engineName, Path directory, InMemoryStore memory) {
        this.kind = kind;
        this.engineName = engineName;
        this.directory = directory;
        this.memory = memory;
    }

    /**
     * A fresh, empty journal.
     *
     * @param engineName the engine name the run uses (its persistence ids), unique per run so runs on a
     *                   shared PostgreSQL never mix
     */
    static Journal create(Kind kind, String engineName) throws IOException {
        return switch (kind) {
            case MEMORY -> new Journal(kind, engineName, null, InMemoryStore.create());
            case H2 -> new Journal(kind, engineName, Files.createTempDirectory("orquestra-bench-h2-"), null);
            case POSTGRES -> new Journal(kind, engineName, null, null);
        };
    }

    /** Why PostgreSQL cannot be used, or empty when a server answers. */
    static Optional<String> postgresProblem() {
        DriverManager.setLoginTimeout(3);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            return c.isValid(2) ? Optional.empty() : Optional.of("the connection to " + PG_URL + " is not valid");
        } catch (SQLException e) {
            return Optional.of("PostgreSQL not reachable at " + PG_URL + " as " + PG_USER + ": " + e.getMessage());
        }
    }

    Kind kind() {
        return kind;
    }

    /** The store of the first engine on this journal. */
    Store store() {
        return reopen();
    }

    /** A store over the same data, for an engine that recovers what an earlier one wrote. */
    Store reopen() {
        return switch (kind) {
            case MEMORY -> memory;
            case H2 -> JdbcStore.h2(directory);
            case POSTGRES -> JdbcStore.postgres(PG_URL, PG_USER, PG_PASSWORD);
        };
    }

    /** The in-memory store, when this is one. */
    Optional<InMemoryStore> memory() {
        return Optional.ofNullable(memory);
    }

    /** The H2 database directory, when this is one. */
    Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Bytes on disk (H2), or -1. */
    long bytesOnDisk() {
        if (directory == null) {
            return -1;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Copies the H2 database files to {@code target} (replacing what is there); the engine must be closed. */
    void copyTo(Path target) throws IOException {
        if (directory == null) {
            throw new IllegalStateException("only an H2 journal can be copied");
        }
        deleteRecursively(target);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Replaces the H2 database files with those in {@code source} (see {@link #copyTo}). */
    void restoreFrom(Path source) throws IOException {
        if (directory == null) {
            throw new IllegalStateException("only an H2 journal can be restored");
        }
        deleteRecursively(directory);
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, directory.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Deletes what the run wrote: the H2 directory, or this engine's rows in PostgreSQL. */
    @Override
    public void close() {
        if (directory != null) {
            deleteRecursively(directory);
        }
        if (kind == Kind.POSTGRES) {
            try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
                for (String table : new String[] {"orquestra_journal", "orquestra_snapshot"}) {
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table
                            + " WHERE persistence_id LIKE ? OR persistence_id = ?")) {
                        s.setString(1, "card|" + engineName + "|%");
                        s.setString(2, "orchestrator|" + engineName);
                        s.executeUpdate();
                    }
                }
            } catch (SQLException e) {
                System.err.println("# could not delete the run's rows from PostgreSQL: " + e.getMessage());
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
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
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
