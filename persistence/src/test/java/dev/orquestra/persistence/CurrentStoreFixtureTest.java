package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Backlog;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.Diagnosis;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine opens an H2 store written by the engine of 2026-12-08 (commit 091724c, kept under {@code
 * src/test/resources/v2-store}, see its README) and finds every card as that engine reported it: status,
 * attempt, history, validation records, corrections, escalation, decisions, dead letters, artifacts and
 * usage. Then it resumes the run: the call that was in flight when that engine stopped runs again, the
 * reviews left open are decided and the card waiting behind one runs. The seed-format checkpoint that
 * engine wrote reads back as the same backlog. Whatever changes in how events and snapshots are stored,
 * this store must keep opening.
 */
class CurrentStoreFixtureTest {

    private static final String FIXTURE = "v2-store";
    private static final List<CardId> CARDS = IntStream.rangeClosed(1, 9).mapToObj(i -> CardId.of("F-" + i)).toList();
    /** The card whose owner call was held when the store was written: its live state was never persisted. */
    private static final String IN_FLIGHT = "F-6";
    private static final int LINES_PER_CARD = 6;

    @TempDir
    Path dir;

    private static Orquestra engine(Path dir, ScriptedAgent agent, boolean paused) {
        Policy policy = Policy.builder().maxAttempts(3).retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
                .snapshotEvery(3, 4).build();
        return Orquestra.builder().name("v2fixture").store(JdbcStore.h2(dir)).owners(Role.BACKEND, agent, 2)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(),
                        ScriptedValidator.passing()))
                .debugger(r -> CompletableFuture.completedFuture(new Diagnosis("root cause", List.of("a test"),
                        Usage.ZERO)))
                .policy(policy).paused(paused).shutdownTimeout(Duration.ofSeconds(15)).build();
    }

    /** The expected dump without the in-flight card's block, and the tag count of the last line. */
    private static List<String> expectedSettledCards() {
        List<String> all = LegacyStores.lines(FIXTURE, "expected.txt");
        List<String> cards = new ArrayList<>();
        for (int i = 0; i + LINES_PER_CARD <= all.size() - 1; i += LINES_PER_CARD) {
            if (!all.get(i).startsWith(IN_FLIGHT + " ")) {
                cards.addAll(all.subList(i, i + LINES_PER_CARD));
            }
        }
        return cards;
    }

    private static List<String> dumpSettledCards(Orquestra o) {
        return StoreDump.of(o, CARDS.stream().filter(id -> !id.value().equals(IN_FLIGHT)).toList());
    }

    @Test
    void aStoreOfTheDecember8EngineOpensWithEveryCardAsItWasAndResumes() throws Exception {
        LegacyStores.unzipH2(FIXTURE, dir);
        List<String> expected = LegacyStores.lines(FIXTURE, "expected.txt");
        int tagged = Integer.parseInt(expected.get(expected.size() - 1).substring("tagged ".length()));

        ScriptedAgent idle = new ScriptedAgent();
        try (Orquestra o = engine(dir, idle, true)) {
            assertThat(dumpSettledCards(o)).containsExactlyElementsOf(expectedSettledCards());
            assertThat(o.cardState(CardId.of(IN_FLIGHT)).status()).isIn(CardStatus.TODO, CardStatus.QUEUED);
            assertThat(o.events(0, 100_000)).hasSize(tagged);
            assertThat(o.deadLetters()).hasSize(3).allMatch(d -> d.cardId().equals(CardId.of("F-5")));
            assertThat(o.status().awaitingReview()).containsExactlyInAnyOrder(CardId.of("F-3"), CardId.of("F-5"));
        }
        assertThat(idle.orders()).isEmpty();

        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine(dir, agent, false)) {
            assertThat(o.review(CardId.of("F-3")).approveOverride("lead", "fine after the upgrade"))
                    .isIn(CardStatus.APPROVED, CardStatus.DONE);
            assertThat(o.review(CardId.of("F-5")).requestClarification("lead", "the agent is fixed now"))
                    .isIn(CardStatus.QUEUED, CardStatus.IN_PROGRESS, CardStatus.VALIDATING, CardStatus.APPROVED,
                            CardStatus.DONE);
            assertThat(o.awaitQuiescence(Duration.ofSeconds(60))).isTrue();
            for (String done : List.of("F-1", "F-2", "F-3", "F-4", "F-5", "F-6", "F-7")) {
                assertThat(o.cardState(CardId.of(done)).status()).as(done).isEqualTo(CardStatus.DONE);
            }
            assertThat(o.cardState(CardId.of("F-8")).status()).isEqualTo(CardStatus.CANCELLED);
            assertThat(o.cardState(CardId.of("F-9")).status()).isEqualTo(CardStatus.ABORTED);
            assertThat(o.cardState(CardId.of("F-5")).attempt()).isEqualTo(4);
            assertThat(agent.cardsCalled()).containsExactlyInAnyOrder("F-4", "F-5", "F-6");
            assertThat(o.events(0, 100_000)).hasSizeGreaterThan(tagged);
        }
    }

    @Test
    void theCheckpointThatEngineWroteReadsBackAsTheSameBacklog() throws Exception {
        Path file = dir.resolve("backlog_master.json");
        try (InputStream in = LegacyStores.resource(FIXTURE, "backlog_master.json")) {
            Files.copy(in, file);
        }
        Backlog backlog = Backlog.read(file);
        assertThat(backlog.project()).isEqualTo("v2fixture");
        assertThat(backlog.cards()).extracting(c -> c.id().value())
                .containsExactly("F-1", "F-2", "F-3", "F-4", "F-5", "F-6", "F-7", "F-8", "F-9");
        assertThat(backlog.cards().get(1).dependencies()).containsExactly(CardId.of("F-1"));
    }
}
