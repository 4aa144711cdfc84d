package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A disk that fills up under a running H2 store, then frees up again: H2 closes its database on the
 * failed write; the store must open it again once writes work, and the run goes on without a restart,
 * losing nothing it acknowledged. The store lives on a small tmpfs mounted for the test, which needs
 * root (as in CI); elsewhere the test is skipped with a message saying so.
 */
class DiskFullTest {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();
    private static final int CARDS = 2_000;

    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = Files.createTempDirectory("orquestra-disk-full-");
        String why = run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mount.toString());
        if (why != null) {
            String message = "a small filesystem could not be mounted for the disk-full test (" + why
                    + "); it needs root. Disk-full test skipped";
            System.err.println("SKIPPED: " + message);
            Files.deleteIfExists(mount);
            mount = null;
            if ("true".equalsIgnoreCase(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("CI runs as root but: " + message);
            }
            Assumptions.abort(message);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
    }

    /** Writes zeros until the filesystem is full. */
    private static void fill(Path file) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // "No space left on device": the disk is full
        }
    }

    @Test
    void aFullDiskIsRiddenOutAndTheRunGoesOnOnceSpaceIsFree() throws Exception {
        List<CardSpec> cards = new ArrayList<>(CARDS);
        for (int i = 0; i < CARDS; i++) {
            cards.add(CardSpec.builder("DF-" + i, Role.BACKEND).title("card " + i).build());
        }
        // owners take a few milliseconds, so the run is still going when the disk fills
        dev.orquestra.spi.Agent owner = order -> {
            CompletableFuture<WorkResult> done = new CompletableFuture<>();
            TIMER.schedule(() -> done.complete(WorkResult.succeeded()), 3, TimeUnit.MILLISECONDS);
            return done;
        };
        JdbcStore store = JdbcStore.h2(mount.resolve("data"));
        Path filler = mount.resolve("filler");
        try (Orquestra o = Orquestra.builder().name("disk-full").store(store).owners(Role.BACKEND, owner, 4)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing()))
                .checkpointEvery(0).shutdownTimeout(Duration.ofSeconds(20)).build()) {
            o.submit(Backlog.of("disk-full", cards));
            await().atMost(Duration.ofMinutes(2)).until(() -> o.status().count(CardStatus.DONE) >= CARDS / 10);

            fill(filler);
            await().atMost(Duration.ofMinutes(1)).until(() -> o.status().journalOutage() != null);
            assertThat(o.status().journalOutage()).contains("journal calls failing since");

            Files.delete(filler);
            assertThat(o.awaitQuiescence(Duration.ofMinutes(3))).as("the run goes on once the disk has room").isTrue();
            assertThat(o.status().journalOutage()).isNull();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(CARDS);
            Set<CardId> approved = new HashSet<>();
            long offset = 0;
            while (true) {
                List<JournalReader.JournalEntry> page = o.events(offset, 10_000);
                for (JournalReader.JournalEntry e : page) {
                    if (e.event() instanceof CardEvent.Approved a) {
                        assertThat(approved.add(a.cardId())).as("approved twice: " + a.cardId()).isTrue();
                    }
                    offset = e.offset();
                }
                if (page.size() < 10_000) {
                    break;
                }
            }
            assertThat(approved).hasSize(CARDS);
        } finally {
            Files.deleteIfExists(filler);
        }
    }
}
