package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine opens a store the previous Orquestra wrote through pekko-persistence-jdbc (version 1),
 * on H2 and on PostgreSQL: the schema is migrated, every card has the history and status it had, the
 * history stream returns every card event, snapshots are used, and the run goes on where it stopped
 * (the card awaiting review is approved, the card behind it runs).
 */
class MigrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Orquestra engine(Store store, ScriptedAgent agent) {
        return Orquestra.builder().name(LegacyStores.ENGINE).store(store).owners(Role.BACKEND, agent, 2)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing()))
                .shutdownTimeout(Duration.ofSeconds(15)).build();
    }

    private static void resumesWhereTheOldReleaseStopped(Store store) {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine(store, agent)) {
            List<String> expected = LegacyStores.expected();
            for (String line : expected.subList(0, expected.size() - 1)) {
                String[] parts = line.split(" ", 3);
                CardId id = CardId.of(parts[0]);
                assertThat(o.cardState(id).status()).as(parts[0]).isEqualTo(CardStatus.valueOf(parts[1]));
                String history = o.history(id).stream().map(CardEvent::name).collect(Collectors.joining(","));
                assertThat(history).as(parts[0]).isEqualTo(parts.length > 2 ? parts[2] : "");
            }
            List<JournalReader.JournalEntry> stream = o.events(0, 10_000);
            assertThat(stream).hasSize((int) LegacyStores.taggedEvents());
            for (int i = 1; i < stream.size(); i++) {
                assertThat(stream.get(i).offset()).isGreaterThan(stream.get(i - 1).offset());
            }
            assertThat(o.status().awaitingReview()).containsExactly(CardId.of("F-3"));

            assertThat(o.review(CardId.of("F-3")).approveOverride("lead", "good enough after migration"))
                    .isIn(CardStatus.APPROVED, CardStatus.DONE);
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(6);
            assertThat(agent.cardsCalled()).containsExactly("F-4");
            assertThat(o.events(0, 10_000)).hasSizeGreaterThan(stream.size());
        }
    }

    @Test
    void anH2StoreOfThePreviousReleaseIsMigratedAndResumed() throws Exception {
        LegacyStores.unzipH2(dir);
        resumesWhereTheOldReleaseStopped(JdbcStore.h2(dir));
        try (Connection c = java.sql.DriverManager.getConnection(Databases.h2Url(dir), "sa", "")) {
            assertThat(SchemaBootstrapTest.tables(c)).doesNotContain("event_journal", "event_tag", "snapshot");
        }
        // and it opens again as a version-2 store
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine(JdbcStore.h2(dir), agent)) {
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(6);
            assertThat(agent.orders()).isEmpty();
        }
    }

    @Test
    void aPostgresStoreOfThePreviousReleaseIsMigratedAndResumed() throws Exception {
        Databases.requirePostgres();
        try (Databases.PostgresSchema schema = Databases.freshPostgresSchema()) {
            try (Connection c = schema.connect()) {
                LegacyStores.loadPostgres(c);
            }
            resumesWhereTheOldReleaseStopped(JdbcStore.postgres(schema.url(), Databases.PG_USER, Databases.PG_PASSWORD));
        }
    }
}
