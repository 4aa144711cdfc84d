package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.card;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ProbeAgent;
import dev.orquestra.testkit.Verdicts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * When journal calls fail, the orchestrator and the cards restart with backoff and recover from what
 * was persisted. A restarted entity reuses its behaviour object, so recovery must not build on state
 * left from before the restart (a mutable orchestrator state once did, and never recovered).
 */
class JournalFailureTest {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stop() {
        TIMER.shutdownNow();
    }

    private static ProbeAgent slow() {
        return new ProbeAgent().answering(order -> {
            CompletableFuture<WorkResult> done = new CompletableFuture<>();
            TIMER.schedule(() -> done.complete(WorkResult.succeeded()), 30, TimeUnit.MILLISECONDS);
            return done;
        });
    }

    @Test
    void theEngineRecoversFromRepeatedJournalFailuresOfTheOrchestratorAndCards() {
        InMemoryStore store = InMemoryStore.serializing();
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cards.add(i < 10 ? card("JF-" + i) : card("JF-" + i, "JF-" + (i - 10)));
        }
        try (Orquestra o = Orquestra.builder().name("journal-failure").store(store).shutdownTimeout(Duration.ofSeconds(10))
                .owners(Role.BACKEND, slow(), 4)
                .pipeline(Pipeline.defaults(Verdicts.passing(), Verdicts.passing(), Verdicts.passing())).build()) {
            o.submit(Backlog.of("failures", cards));
            await().atMost(Engines.WAIT).until(() -> o.status().count(CardStatus.DONE) >= 4);

            // first the orchestrator alone cannot write or recover: it restarts, again and again
            store.failWhile(id -> id.startsWith("orchestrator|"));
            await().atMost(Engines.WAIT).until(() -> store.failedCalls() >= 3);
            store.failWhile(id -> false);
            // then nothing can
            long before = store.failedCalls();
            store.failWhile(id -> true);
            await().atMost(Duration.ofSeconds(60)).until(() -> store.failedCalls() >= before + 2);
            store.failWhile(id -> false);

            assertThat(o.awaitQuiescence(Duration.ofSeconds(60))).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(40);
            Set<String> approved = new HashSet<>();
            for (JournalReader.JournalEntry e : o.events(0, 100_000)) {
                if (e.event() instanceof CardEvent.Approved a) {
                    assertThat(approved.add(a.cardId().value())).as("approved twice: " + a.cardId()).isTrue();
                }
            }
            assertThat(approved).hasSize(40);
            for (CardSpec c : cards) {
                assertThat(CardState.replay(c.id(), 3, o.history(c.id())).status()).isEqualTo(CardStatus.DONE);
            }
        }
    }
}
