package dev.orquestra.testkit;

import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import dev.orquestra.spi.WorkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every journal backend must do for Orquestra: run a backlog with a lifecycle-legal history,
 * resume only unfinished cards after a restart with the same idempotency keys and the same queue
 * order, snapshot and recover to the same state, answer history queries, restore pending timers, and
 * never approve a card twice. Orquestra runs it on its in-memory, H2 and PostgreSQL stores; run it on a
 * {@link Store} of your own by extending it in a JUnit 5 test:
 *
 * <pre>{@code
 * class MyStoreContractTest extends JournalContract {
 *     protected Store newStore() { return MyStore.create(freshDatabase()); }
 *     protected Store reopen(Store store) { return MyStore.create(((MyStore) store).database()); }
 *     protected List<Long> snapshotSequenceNrs(Store store, String persistenceId) {
 *         return ((MyStore) store).snapshotSequenceNrs(persistenceId);
 *     }
 * }
 * }</pre>
 *
 * Each test runs engines with a name of its own, so a store whose tables outlive a test may be shared.
 */
public abstract class JournalContract {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** An empty store. */
    protected abstract Store newStore();

    /** A store over the same data, as a restarted process would open it. */
    protected abstract Store reopen(Store store);

    /** The sequence numbers at which an entity has snapshots. */
    protected abstract List<Long> snapshotSequenceNrs(Store store, String persistenceId);

    /** The first sequence number of each recovery replay of an entity, when the backend can tell. */
    protected List<Long> replayStarts(Store store, String persistenceId) {
        return List.of();
    }

    private String name;

    @BeforeEach
    void uniqueEngineName() {
        // unique per test, so backends whose tables outlive a test (PostgreSQL) do not mix runs
        name = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private OrquestraBuilder engine(Store store) {
        return Orquestra.builder().name(name).store(store).shutdownTimeout(Duration.ofSeconds(15));
    }

    private static CardSpec card(String id, Priority priority, String... deps) {
        return aCard(id, deps).toBuilder().priority(priority).build();
    }

    private static CardSpec card(String id, String... deps) {
        return Fixtures.aCard(id, deps);
    }

    private static Backlog backlog(CardSpec... cards) {
        return Fixtures.aBacklog(cards);
    }

    /** A judge that rejects the named cards on attempt 1. */
    private static Pipeline rejectingFirstAttemptOf(String... cards) {
        List<String> ids = List.of(cards);
        return Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> ids.contains(s.card().id().value()) && s.attempt() == 1
                ? Verdict.fail("llm-judge", "missing error handling").withScore(5).withUsage(Usage.of(10, 5, "0.001"))
                : Verdict.pass("llm-judge").withScore(9).withUsage(Usage.of(10, 5, "0.001"))), ScriptedValidator.passing());
    }

    @Test
    void aBacklogRunsToTheEndAndEveryHistoryFollowsTheLifecycle() {
        Store store = newStore();
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 3)
                .pipeline(rejectingFirstAttemptOf("L-2", "L-4")).build()) {
            o.submit(backlog(card("L-1"), card("L-2", "L-1"), card("L-3", "L-1"), card("L-4", "L-2", "L-3"), card("L-5")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(5);
            for (String id : List.of("L-1", "L-2", "L-3", "L-4", "L-5")) {
                List<CardEvent> history = o.history(CardId.of(id));
                CardState folded = CardState.replay(CardId.of(id), 3, history); // throws on any illegal step
                assertThat(folded.status()).isEqualTo(CardStatus.DONE);
                assertThat(history.stream().filter(e -> e instanceof CardEvent.Approved).count()).isEqualTo(1);
            }
            assertThat(o.cardState(CardId.of("L-4")).attempt()).isEqualTo(2);
        }
    }

    @Test
    void reopeningResumesOnlyUnfinishedCardsWithTheSameIdempotencyKey() {
        Store store = newStore();
        CompletableFuture<WorkResult> never = new CompletableFuture<>();
        ScriptedAgent first = new ScriptedAgent().answering(order -> order.card().id().value().equals("SLOW-1") ? never
                : CompletableFuture.completedFuture(WorkResult.succeeded()));
        try (Orquestra o = engine(store).owners(Role.BACKEND, first, 3).build()) {
            o.submit(backlog(card("R-1"), card("R-2", "R-1"), card("SLOW-1"), card("AFTER-1", "SLOW-1")));
            await().atMost(WAIT).until(() -> o.status().count(CardStatus.DONE) == 2
                    && o.cardState(CardId.of("SLOW-1")).status() == CardStatus.IN_PROGRESS);
        }
        ScriptedAgent second = new ScriptedAgent();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, second, 3).build()) {
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(4);
            assertThat(second.orders()).extracting(w -> w.idempotencyKey())
                    .containsExactly("SLOW-1/1/owner", "AFTER-1/1/owner");
            List<CardEvent> slow = o.history(CardId.of("SLOW-1"));
            assertThat(slow.stream().filter(e -> e instanceof CardEvent.WorkStarted).count())
                    .as("the re-dispatched call continues the same attempt").isEqualTo(1);
        }
    }

    @Test
    void queuedWorkKeepsItsOrderAcrossARestart() {
        Store store = newStore();
        CompletableFuture<WorkResult> gate = new CompletableFuture<>();
        ScriptedAgent first = new ScriptedAgent().answering(order -> gate);
        try (Orquestra o = engine(store).owners(Role.BACKEND, first, 1)
                .policy(Policy.defaults().agingInterval(Duration.ofHours(10))).build()) {
            o.submit(backlog(card("GATE")));
            await().atMost(WAIT).until(() -> first.orders().size() == 1);
            o.addCards(List.of(card("Q-LOW", Priority.LOW), card("Q-MED", Priority.MEDIUM), card("Q-CRIT", Priority.CRITICAL),
                    card("Q-HIGH", Priority.HIGH)));
            await().atMost(WAIT).until(() -> o.queues().stream().mapToInt(q -> q.queued()).sum() == 4);
        }
        ScriptedAgent second = new ScriptedAgent();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, second, 1)
                .policy(Policy.defaults().agingInterval(Duration.ofHours(10))).build()) {
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            // GATE was running (MEDIUM, queued first); everything is dispatched again in queue order
            assertThat(second.cardsCalled()).containsExactly("Q-CRIT", "Q-HIGH", "GATE", "Q-MED", "Q-LOW");
        }
    }

    @Test
    void snapshotsAreTakenAndRecoveryGivesTheSameState() {
        Store store = newStore();
        Pipeline alwaysReject = Pipeline.defaults(ScriptedValidator.passing(),
                ScriptedValidator.by(s -> Verdict.fail("llm-judge", "never good enough").withScore(3)), ScriptedValidator.passing());
        Policy policy = Policy.defaults().snapshotEvery(3, 4);
        CardState before;
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(alwaysReject).policy(policy)
                .build()) {
            o.submit(backlog(card("S-1"), card("S-2"), card("S-3"), card("S-4"), card("S-5")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.AWAITING_HUMAN)).isEqualTo(5);
            before = o.cardState(CardId.of("S-1"));
        }
        String pid = "card|" + name + "|S-1";
        assertThat(snapshotSequenceNrs(store, pid)).isNotEmpty();
        assertThat(snapshotSequenceNrs(store, "orchestrator|" + name)).isNotEmpty();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(alwaysReject)
                .policy(policy).build()) {
            CardState recovered = o.cardState(CardId.of("S-1")); // spawns the card: it recovers from its snapshot
            assertThat(recovered).isEqualTo(before);
            assertThat(recovered).isEqualTo(CardState.replay(CardId.of("S-1"), 3, o.history(CardId.of("S-1"))));
            assertThat(o.status().awaitingReview()).hasSize(5);
            List<Long> replays = replayStarts(store, pid);
            if (!replays.isEmpty()) {
                assertThat(replays.get(replays.size() - 1)).as("recovery replays only the tail after the snapshot")
                        .isGreaterThan(1L);
            }
        }
    }

    @Test
    void historyQueriesReturnEachCardAndTheWholeBacklogFromAnOffset() {
        Store store = newStore();
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 2)
                .pipeline(rejectingFirstAttemptOf("H-2")).build()) {
            o.submit(backlog(card("H-1"), card("H-2", "H-1"), card("H-3")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            Map<String, Integer> perCard = new HashMap<>();
            for (String id : List.of("H-1", "H-2", "H-3")) {
                perCard.put(id, o.history(CardId.of(id)).size());
            }
            assertThat(o.history(CardId.of("H-2"))).extracting(CardEvent::name).startsWith("Queued", "WorkStarted",
                    "WorkSubmitted", "StagePassed", "Rejected", "CorrectionStarted", "Queued");

            await().atMost(WAIT).until(() -> o.events(0, 1000).size() == perCard.values().stream().mapToInt(i -> i).sum());
            List<JournalReader.JournalEntry> all = new ArrayList<>();
            long offset = 0;
            List<JournalReader.JournalEntry> page;
            do {
                page = o.events(offset, 4);
                all.addAll(page);
                if (!page.isEmpty()) {
                    offset = page.get(page.size() - 1).offset();
                }
            } while (page.size() == 4);
            assertThat(all).hasSize(perCard.values().stream().mapToInt(i -> i).sum());
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).offset()).isGreaterThan(all.get(i - 1).offset());
            }
            Map<String, Long> lastSeq = new HashMap<>();
            for (JournalReader.JournalEntry e : all) {
                assertThat(e.event()).isInstanceOf(CardEvent.class);
                long previous = lastSeq.getOrDefault(e.persistenceId(), 0L);
                assertThat(e.sequenceNr()).as("per card, events come in order").isEqualTo(previous + 1);
                lastSeq.put(e.persistenceId(), e.sequenceNr());
            }
        }
    }

    @Test
    void subscribersReceiveTheEventsThatFollowRecovery() {
        Store store = newStore();
        CompletableFuture<WorkResult> never = new CompletableFuture<>();
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent().answering(w -> never), 1).build()) {
            o.submit(backlog(card("E-1"), card("E-2", "E-1")));
            await().atMost(WAIT).until(() -> o.cardState(CardId.of("E-1")).status() == CardStatus.IN_PROGRESS);
            // queueing and starting mark only time: they are written with what the owner's call produces
            assertThat(o.history(CardId.of("E-1"))).isEmpty();
        }
        EventLog log = new EventLog();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, new ScriptedAgent(), 1).listener(log).build()) {
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            await().atMost(WAIT).until(() -> log.namesOf("E-2").contains("Completed"));
            assertThat(log.namesOf("E-1")).containsExactly("Queued", "WorkStarted", "WorkSubmitted", "Approved",
                    "Completed");
            assertThat(log.namesOf("E-2")).containsExactly("Queued", "WorkStarted", "WorkSubmitted", "Approved", "Completed");
        }
    }

    @Test
    void aPendingRetryTimerIsRestoredFromItsPersistedDueTime() {
        Store store = newStore();
        ManualClock clock = new ManualClock();
        Policy policy = Policy.defaults().jitter(0).retries(3, Duration.ofSeconds(10), Duration.ofMinutes(1));
        AtomicInteger calls = new AtomicInteger();
        ScriptedAgent failing = new ScriptedAgent().answering(w -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(WorkResult.failed("upstream 503", Usage.ZERO));
        });
        EventLog log = new EventLog();
        try (Orquestra o = engine(store).config(ManualTime.config()).clock(clock).policy(policy)
                .owners(Role.BACKEND, failing, 1).listener(log).build()) {
            o.submit(backlog(card("T-1")));
            await().atMost(WAIT).until(() -> log.ofType(CardEvent.RetryScheduled.class).size() == 1);
        }
        clock.advance(Duration.ofSeconds(4)); // the process was down for 4 s of the 10 s backoff
        ScriptedAgent second = new ScriptedAgent();
        try (Orquestra o = engine(reopen(store)).config(ManualTime.config()).clock(clock).policy(policy)
                .owners(Role.BACKEND, second, 1).build()) {
            await().atMost(WAIT).until(() -> o.cardState(CardId.of("T-1")).status() == CardStatus.IN_PROGRESS);
            ManualTime.get(o.actorSystem()).timePasses(Duration.ofMillis(5_999));
            clock.advance(Duration.ofMillis(5_999));
            assertThat(second.orders()).as("the retry is not due before its persisted time").isEmpty();
            ManualTime.get(o.actorSystem()).timePasses(Duration.ofMillis(1));
            clock.advance(Duration.ofMillis(1));
            await().atMost(WAIT).until(() -> second.orders().size() == 1);
            assertThat(second.orders().get(0).idempotencyKey()).isEqualTo("T-1/1/owner");
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
        }
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aReviewRecordedWhilePausedTakesEffectOnTheNextRun() {
        Store store = newStore();
        Pipeline rejectFirstThree = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> s.attempt() <= 3
                && s.card().id().value().equals("P-1") ? Verdict.fail("llm-judge", "unclear scope").withScore(4) : Verdict.pass("llm-judge").withScore(9)),
                ScriptedValidator.passing());
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 1).pipeline(rejectFirstThree).build()) {
            o.submit(backlog(card("P-1"), card("P-2", "P-1")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().awaitingReview()).containsExactly(CardId.of("P-1"));
        }
        ScriptedAgent paused = new ScriptedAgent();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, paused, 1).pipeline(rejectFirstThree)
                .paused(true).build()) {
            assertThat(o.review(CardId.of("P-1")).requestClarification("po", "scope is the EU only"))
                    .isEqualTo(CardStatus.QUEUED);
        }
        assertThat(paused.orders()).isEmpty();
        ScriptedAgent resumed = new ScriptedAgent();
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, resumed, 1).pipeline(rejectFirstThree).build()) {
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(2);
            assertThat(resumed.orders().get(0).correction().orElseThrow().context()).isEqualTo("scope is the EU only");
            assertThat(o.cardState(CardId.of("P-1")).decisions()).hasSize(1);
        }
    }

    @Test
    void dependentsOfACardRejectedJustBeforeAStopAreCancelledOnTheNextRun() {
        Store store = newStore();
        Pipeline rejectX = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> s.card().id().value().equals("X-1")
                ? Verdict.fail("llm-judge", "wrong approach").withScore(2) : Verdict.pass("llm-judge").withScore(9)),
                ScriptedValidator.passing());
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(rejectX).build()) {
            o.submit(backlog(card("X-1"), card("X-2", "X-1"), card("X-3", "X-2"), card("X-4")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
        }
        // a paused engine records the rejection and stops at once: the cascade has not run yet
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(rejectX)
                .paused(true).build()) {
            assertThat(o.review(CardId.of("X-1")).rejectPermanently("lead", "descoped")).isEqualTo(CardStatus.ABORTED);
        }
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(rejectX).build()) {
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            await().atMost(WAIT).until(() -> o.status().count(CardStatus.CANCELLED) == 2);
            assertThat(o.status().count(CardStatus.TODO)).isZero();
            assertThat(o.cardState(CardId.of("X-3")).cancelReason()).isEqualTo("dependency X-2 was cancelled (X-1 was rejected permanently by a reviewer)");
        }
    }

    @Test
    void aCardIdCanBeSubmittedOnceAndNoCardIsApprovedTwice() {
        Store store = newStore();
        try (Orquestra o = engine(store).owners(Role.BACKEND, new ScriptedAgent(), 2).build()) {
            o.submit(backlog(card("D-1"), card("D-2")));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThatThrownBy(() -> o.addCards(List.of(card("D-2"), card("D-3"))))
                    .isInstanceOf(BacklogException.class).hasMessageContaining("D-2");
            assertThatThrownBy(() -> o.submit(backlog(card("D-2"), card("D-3"))))
                    .as("another backlog is refused with its differences from the stored one")
                    .isInstanceOf(BacklogException.class).hasMessageContaining("D-1").hasMessageContaining("D-3");
            assertThat(o.status().totalCards()).isEqualTo(2);
        }
        try (Orquestra o = engine(reopen(store)).owners(Role.BACKEND, new ScriptedAgent(), 2).build()) {
            assertThatThrownBy(() -> o.addCards(List.of(card("D-4", "D-9"))))
                    .isInstanceOf(BacklogException.class).hasMessageContaining("D-9");
            assertThat(o.addCards(List.of(card("D-3", "D-1")))).isEqualTo(1);
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(3);
            Set<String> approved = new HashSet<>();
            for (JournalReader.JournalEntry e : o.events(0, 10_000)) {
                if (e.event() instanceof CardEvent.Approved a) {
                    assertThat(approved.add(a.cardId().value())).as("approved twice: " + a.cardId()).isTrue();
                }
            }
            assertThat(approved).containsExactlyInAnyOrder("D-1", "D-2", "D-3");
        }
    }
}
