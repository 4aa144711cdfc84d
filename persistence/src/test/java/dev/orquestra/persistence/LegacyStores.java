package dev.orquestra.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Stores written by the previous Orquestra release through pekko-persistence-jdbc (schema version 1),
 * kept under {@code src/test/resources/v1-store}: an H2 database file, zipped, and the PostgreSQL rows
 * as an SQL script. Both were written by one run of that release's engine (engine {@value #ENGINE}): six
 * cards, four DONE, F-3 AWAITING_HUMAN after three rejected attempts, F-4 waiting behind it, with
 * snapshots of cards and orchestrator. {@code expected.txt} lists what the engine reported then: per
 * card its status and history, and how many card events the tag query returned.
 */
final class LegacyStores {

    static final String ENGINE = "v1fixture";

    private LegacyStores() {
    }

    /** Unzips the version-1 H2 store into {@code dir} (as {@code orquestra.mv.db}, the file JdbcStore.h2 opens). */
    static void unzipH2(Path dir) {
        unzipH2("v1-store", dir);
    }

    /** Unzips the H2 store of the fixture directory {@code fixture} (such as {@code v2-store}) into {@code dir}. */
    static void unzipH2(String fixture, Path dir) {
        try (InputStream in = resource(fixture, "h2-store.zip"); ZipInputStream zip = new ZipInputStream(in)) {
            Files.createDirectories(dir);
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Files.copy(zip, dir.resolve(Path.of(e.getName()).getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of {@code expected.txt}: {@code ID STATUS Event,Event,...}, then {@code tagged N}. */
    static List<String> expected() {
        return lines("v1-store", "expected.txt");
    }

    /** The lines of a fixture's text file. */
    static List<String> lines(String fixture, String name) {
        try (InputStream in = resource(fixture, name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Card events the old store's tag query returned (every card event has the one tag). */
    static long taggedEvents() {
        String last = expected().get(expected().size() - 1);
        return Long.parseLong(last.substring("tagged ".length()));
    }

    /** Runs the version-1 PostgreSQL script (tables and rows) on the connection's schema. */
    static void loadPostgres(Connection c) throws SQLException {
        String script;
        try (InputStream in = resource("v1-store", "postgres-store.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        for (String part : script.split(";\n")) {
            String sql = part.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
            if (!sql.isEmpty()) {
                statements.add(sql);
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }

    static InputStream resource(String fixture, String name) {
        InputStream in = LegacyStores.class.getResourceAsStream("/" + fixture + "/" + name);
        if (in == null) {
            throw new IllegalStateException("test resource " + fixture + "/" + name + " is missing");
        }
        return in;
    }
}
