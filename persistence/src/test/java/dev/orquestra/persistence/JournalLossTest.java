package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.JournalLossException;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Role;
import dev.orquestra.internal.engine.HighWaterMark;
import dev.orquestra.testkit.ScriptedAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store that holds less than it did — here, its database file replaced by an older copy, as a
 * restore from backup or a truncated file would leave it — is refused, naming how far the journal
 * gets now and how far it had got, instead of running again, and paying for, cards whose approval
 * was lost. Accepting the loss runs on what remains and moves the mark.
 */
class JournalLossTest {

    private Path dir;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = Files.createTempDirectory("orquestra-loss-");
    }

    @AfterEach
    void deleteDirectory() {
        Databases.deleteRecursively(dir);
    }

    private OrquestraBuilder engine() {
        return Orquestra.builder().name("loss").store(JdbcStore.h2(dir)).owners(Role.BACKEND, new ScriptedAgent(), 2)
                .shutdownTimeout(Duration.ofSeconds(15));
    }

    private static List<CardSpec> cards(String prefix, int n) {
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cards.add(CardSpec.builder(prefix + i, Role.BACKEND).build());
        }
        return cards;
    }

    @Test
    void aStoreRestoredFromAnOlderCopyIsRefusedUntilTheLossIsAccepted() throws Exception {
        Path db = dir.resolve("orquestra.mv.db");
        Path older = Files.createTempFile("orquestra-older-", ".mv.db");
        try {
            try (Orquestra o = engine().build()) {
                o.submit(Backlog.of("loss", cards("A-", 20)));
                assertThat(o.awaitQuiescence(Duration.ofSeconds(30))).isTrue();
            }
            Files.copy(db, older, StandardCopyOption.REPLACE_EXISTING);
            try (Orquestra o = engine().build()) {
                o.addCards(cards("B-", 30));
                assertThat(o.awaitQuiescence(Duration.ofSeconds(30))).isTrue();
            }
            HighWaterMark mark = HighWaterMark.read(dir.resolve(HighWaterMark.FILE_NAME)).orElseThrow();
            assertThat(mark.approved()).isEqualTo(50);

            Files.copy(older, db, StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> engine().build()).isInstanceOfSatisfying(JournalLossException.class, loss -> {
                assertThat(loss.markOffset()).isEqualTo(mark.offset());
                assertThat(loss.journalOffset()).isLessThan(mark.offset());
                assertThat(loss.markApproved()).isEqualTo(50);
                assertThat(loss.journalApproved()).isEqualTo(20);
                assertThat(loss.getMessage()).contains("offset " + mark.offset(), "with 50 approved",
                        "with 20 cards approved");
            });
            // a paused engine (status, export) refuses too: it would show the older state as the run's
            assertThatThrownBy(() -> engine().paused(true).build()).isInstanceOf(JournalLossException.class);

            try (Orquestra o = engine().acceptJournalLoss(true).build()) {
                assertThat(o.status().count(CardStatus.DONE)).isEqualTo(20);
            }
            // the mark now says what the store holds: the next start needs no acceptance
            try (Orquestra o = engine().build()) {
                assertThat(o.status().count(CardStatus.DONE)).isEqualTo(20);
            }
        } finally {
            Files.deleteIfExists(older);
        }
    }
}
