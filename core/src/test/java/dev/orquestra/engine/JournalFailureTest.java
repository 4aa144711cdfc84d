package dev.orquestra.engine;

import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
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

    private static ScriptedAgent slow() {
        return new ScriptedAgent().answering(order -> {
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
            cards.add(i < 10 ? aCard("JF-" + i) : aCard("JF-" + i, "JF-" + (i - 10)));
        }
        try (Orquestra o = Orquestra.builder().name("journal-failure").store(store).shutdownTimeout(Duration.ofSeconds(10))
                .owners(Role.BACKEND, slow(), 4)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing())).build()) {
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
    /**
     * While nothing can be written or recovered the orchestrator restarts again and again and cannot answer;
     * {@link Orquestra#status()} then answers with the last figures it had, saying they are not live, instead
     * of failing with an ask timeout (a full-disk test once failed that way after 30 s).
     */
    @Test
    void statusInAnOutageAnswersWithTheLastFiguresSayingTheyAreNotLive() {
        InMemoryStore memory = InMemoryStore.serializing();
        java.util.concurrent.atomic.AtomicReference<String> outage = new java.util.concurrent.atomic.AtomicReference<>();
        Store store = new Store() {
            @Override
            public com.typesafe.config.Config pekkoConfig() {
                return memory.pekkoConfig();
            }

            @Override
            public void open(org.apache.pekko.actor.typed.ActorSystem<?> system) {
                memory.open(system);
            }

            @Override
            public JournalReader reader(org.apache.pekko.actor.typed.ActorSystem<?> system) {
                return memory.reader(system);
            }

            @Override
            public java.util.Optional<java.nio.file.Path> directory() {
                return memory.directory();
            }

            @Override
            public java.util.Optional<String> outage() {
                return java.util.Optional.ofNullable(outage.get());
            }

            @Override
            public String describe() {
                return "in memory, with an outage switch";
            }
        };
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            cards.add(aCard("OS-" + i));
        }
        try (Orquestra o = Orquestra.builder().name("outage-status").store(store).askTimeout(Duration.ofSeconds(3))
                .shutdownTimeout(Duration.ofSeconds(10)).owners(Role.BACKEND, slow(), 2)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing())).build()) {
            o.submit(Backlog.of("outage", cards));
            await().atMost(Engines.WAIT).until(() -> o.status().count(CardStatus.DONE) >= 2);
            int doneBefore = o.status().count(CardStatus.DONE);

            outage.set("journal calls failing since a moment ago (test)");
            long failedBefore = memory.failedCalls();
            memory.failWhile(id -> true);
            await().atMost(Engines.WAIT).until(() -> memory.failedCalls() >= failedBefore + 3);
            // longer than the ask timeout: the orchestrator cannot answer for all of it
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                BacklogStatus during = o.status();
                assertThat(during.journalOutage()).isEqualTo("journal calls failing since a moment ago (test)");
                assertThat(during.quiescent()).isFalse();
                assertThat(during.count(CardStatus.DONE)).isGreaterThanOrEqualTo(doneBefore);
            }

            memory.failWhile(id -> false);
            outage.set(null);
            assertThat(o.awaitQuiescence(Duration.ofSeconds(60))).isTrue();
            BacklogStatus after = o.status();
            assertThat(after.journalOutage()).isNull();
            assertThat(after.count(CardStatus.DONE)).isEqualTo(200);
        }
    }
}
