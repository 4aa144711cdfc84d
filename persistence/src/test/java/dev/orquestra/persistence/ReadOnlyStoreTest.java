package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Role;
import dev.orquestra.testkit.ScriptedAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcStore#readOnly()}: a paused engine reads a finished run from it and leaves every byte
 * of the store's directory as it was, where an ordinary open compacts the database file as it closes.
 */
class ReadOnlyStoreTest {

    private Path dir;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory("orquestra-read-only-");
    }

    @AfterEach
    void deleteDirectory() {
        Databases.deleteRecursively(dir);
    }

    private OrquestraBuilder engine(JdbcStore store) {
        return Orquestra.builder().name("reader").store(store).owners(Role.BACKEND, new ScriptedAgent(), 2)
                .shutdownTimeout(Duration.ofSeconds(15));
    }

    private void finishARun(int cards) {
        List<CardSpec> specs = new ArrayList<>();
        for (int i = 0; i < cards; i++) {
            specs.add(CardSpec.builder("R-" + i, Role.BACKEND).build());
        }
        try (Orquestra o = engine(JdbcStore.h2(dir)).build()) {
            o.submit(Backlog.of("read-only", specs));
            assertThat(o.awaitQuiescence(Duration.ofSeconds(60))).isTrue();
        }
    }

    @Test
    void aPausedEngineOnAReadOnlyStoreReportsTheRunAndChangesNoFile() throws Exception {
        finishARun(200);
        Map<String, String> before = contents(dir);

        for (int i = 0; i < 2; i++) {
            try (Orquestra o = engine(JdbcStore.h2(dir).readOnly()).paused(true).build()) {
                assertThat(o.status().count(CardStatus.DONE)).isEqualTo(200);
                assertThat(o.backlog()).hasValueSatisfying(b -> assertThat(b.cards()).hasSize(200));
            }
            assertThat(contents(dir)).as("open %d leaves the directory as it was", i + 1).isEqualTo(before);
        }

        // the same directory opened to write is compacted as it closes: the difference readOnly() makes
        try (Orquestra o = engine(JdbcStore.h2(dir)).paused(true).build()) {
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(200);
        }
        assertThat(contents(dir)).isNotEqualTo(before);
    }

    @Test
    void aReadOnlyStoreWhereThereIsNoneIsRefusedWithoutCreatingOne() {
        Path empty = dir.resolve("nothing-here");
        assertThatThrownBy(() -> engine(JdbcStore.h2(empty).readOnly()).paused(true).build())
                .hasStackTraceContaining("there is no store to read in " + empty.toAbsolutePath().normalize());
        assertThat(empty).doesNotExist();
    }

    @Test
    void onlyAnH2StoreHasAReadOnlyForm() {
        assertThatThrownBy(() -> JdbcStore.postgres("jdbc:postgresql://127.0.0.1/test", "u", "p").readOnly())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("readOnly() is for an H2 store");
        assertThat(JdbcStore.h2(dir).readOnly().jdbcUrl()).endsWith(";ACCESS_MODE_DATA=r");
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                files.put(dir.relativize(p) + " " + Files.getLastModifiedTime(p), sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
