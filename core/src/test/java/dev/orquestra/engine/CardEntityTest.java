package dev.orquestra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.orquestra.Artifact;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.HumanDecision;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.CallResult;
import dev.orquestra.internal.dispatch.ClaimAnswer;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import dev.orquestra.internal.engine.CardEntity;
import dev.orquestra.internal.engine.CardRegion;
import dev.orquestra.internal.engine.CardSummary;
import dev.orquestra.internal.engine.CardUpdate;
import dev.orquestra.internal.engine.EngineContext;
import dev.orquestra.internal.engine.EngineSettings;
import dev.orquestra.internal.engine.EventPublisher;
import dev.orquestra.internal.engine.Orchestrator;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ManualClock;
import dev.orquestra.testkit.ScriptedValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card entity alone, with probes in place of the dispatchers, the workers, the region and the
 * orchestrator. The testkit serializes every event and state it sees; its journal serializes every
 * persisted event.
 */
class CardEntityTest {

    private static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
    private static final String PID = "card|unit|ARQ-001";

    private final ManualClock clock = new ManualClock();
    private TestProbe<Dispatcher.Command> owners;
    private TestProbe<Dispatcher.Command> verification;
    private TestProbe<Dispatcher.Command> judge;
    private TestProbe<Dispatcher.Command> qa;
    private TestProbe<Orchestrator.Command> orchestrator;
    private TestProbe<CardRegion.Command> region;
    private TestProbe<ClaimAnswer> worker;
    private CardSpec spec;
    private EventSourcedBehaviorTestKit<CardEntity.Command, CardEvent, CardState> card;
    private long claims;

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void setUp() {
        owners = KIT.createTestProbe();
        verification = KIT.createTestProbe();
        judge = KIT.createTestProbe();
        qa = KIT.createTestProbe();
        orchestrator = KIT.createTestProbe();
        region = KIT.createTestProbe();
        worker = KIT.createTestProbe();
        spec = CardSpec.builder("ARQ-001", Role.BACKEND).priority(Priority.HIGH).title("Design RF001").build();
        card = EventSourcedBehaviorTestKit.create(KIT.system(), behavior(),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
        // clearing restarts the card: a restarted card that has not started tells the orchestrator it is TODO
        card.clear();
        assertThat(orchestrator.expectMessageClass(CardUpdate.class).summary().status()).isEqualTo(CardStatus.TODO);
    }

    private EngineContext engine() {
        return new EngineContext("unit", clock, Policy.defaults(),
                Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing()),
                Map.of(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded())), null,
                new EventPublisher(), InMemoryStore.create().reader(KIT.system()), EngineSettings.DEFAULTS, null)
                .withQueues(Map.of(EngineContext.ownerQueue(Role.BACKEND), owners.getRef(),
                        EngineContext.checkQueue("verification"), verification.getRef(),
                        EngineContext.checkQueue("llm-judge"), judge.getRef(),
                        EngineContext.checkQueue("qa"), qa.getRef()));
    }

    private Behavior<CardEntity.Command> behavior() {
        return CardEntity.create(engine(), spec, 3, 7, orchestrator.getRef(), region.getRef());
    }

    /** The ticket the orchestrator queues for a card's first owner call. */
    private WorkItem ticket() {
        return new WorkItem("ARQ-001/1/owner", spec.id(), CardEntity.OWNER, 1, 7, 3, Instant.parse("2026-01-05T09:00:00Z"),
                7);
    }

    private static WorkItem enqueued(TestProbe<Dispatcher.Command> queue) {
        return queue.expectMessageClass(Dispatcher.Enqueue.class).item();
    }

    /** Claims an item as a worker would; returns the card's answer. */
    private ClaimAnswer claim(WorkItem item) {
        long claim = ++claims;
        card.runCommand(new CardEntity.ClaimWork(item, claim, worker.getRef()));
        ClaimAnswer answer = worker.receiveMessage();
        assertThat(answer.claim()).isEqualTo(claim);
        return answer;
    }

    private ClaimAnswer.Run run(WorkItem item) {
        ClaimAnswer answer = claim(item);
        assertThat(answer).isInstanceOf(ClaimAnswer.Run.class);
        return (ClaimAnswer.Run) answer;
    }

    private static void report(ClaimAnswer.Run run, Object value) {
        run.reportTo().tell(new CallReport.Succeeded(run.callId(), CallResult.of(value)));
    }

    /** The card's status as it answers it: with what it has applied in memory but not written yet. */
    private CardStatus status() {
        return card.<CardState>runCommand(CardEntity.GetState::new).reply().status();
    }

    private List<String> journal() {
        return card.persistenceTestKit().persistedInStorage(PID).stream().map(e -> ((CardEvent) e).name()).toList();
    }

    @Test
    void drivesItsPipelineFromATicketToDone() {
        ClaimAnswer.Run owner = run(ticket());
        // started in memory only: nothing is written until the owner's call produces something
        assertThat(status()).isEqualTo(CardStatus.IN_PROGRESS);
        assertThat(journal()).isEmpty();
        assertThat(orchestrator.expectMessageClass(CardUpdate.class).summary().status()).isEqualTo(CardStatus.IN_PROGRESS);

        report(owner, WorkResult.succeeded(List.of(Artifact.of("design", "arquitetura/designs/design-RF001.md")),
                Usage.of(900, 300, "0.02")));
        await().until(() -> status() == CardStatus.VALIDATING);
        assertThat(journal()).containsExactly("Queued", "WorkStarted", "WorkSubmitted");
        assertThat(card.getState().queuedAt()).isEqualTo(ticket().enqueuedAt());

        WorkItem verify = enqueued(verification);
        assertThat(verify.key()).isEqualTo("ARQ-001/1/verification");
        assertThat(verify.priority()).isEqualTo(7);
        assertThat(verify.criticalPath()).isEqualTo(3);
        assertThat(verify.ordinal()).isEqualTo(7);
        judge.expectNoMessage(Duration.ofMillis(100));
        report(run(verify), Verdict.pass("verification"));

        WorkItem j = enqueued(judge);
        WorkItem q = enqueued(qa);
        report(run(j), Verdict.pass("llm-judge").withScore(8.5));
        report(run(q), Verdict.pass("qa"));

        CardUpdate last;
        do {
            last = orchestrator.expectMessageClass(CardUpdate.class);
        } while (last.kind() != CardUpdate.Kind.SETTLED);
        assertThat(last.summary().status()).isEqualTo(CardStatus.DONE);
        assertThat(last.summary().firstTimeRight()).isTrue();
        // a terminal card asks to leave memory
        assertThat(region.expectMessageClass(CardRegion.Passivate.class).cardId()).isEqualTo(spec.id());

        assertThat(journal()).containsExactly("Queued", "WorkStarted", "WorkSubmitted", "StagePassed", "Approved",
                "Completed");
        List<CardEvent> events = card.persistenceTestKit().persistedInStorage(PID).stream().map(CardEvent.class::cast)
                .toList();
        CardState done = CardState.replay(spec.id(), 3, events);
        assertThat(done.validationHistory()).extracting(r -> r.verdict().validator())
                .containsExactly("verification", "llm-judge", "qa");
        assertThat(done.usage().costUsd()).isEqualByComparingTo("0.02");
        assertThat(done.completedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aResultOfTheWrongKindIsAFailedCallOfThatStage() {
        report(run(ticket()), WorkResult.succeeded(List.of(Artifact.of("code", "src/A.java")), Usage.ZERO));
        await().until(() -> status() == CardStatus.VALIDATING);
        // a raw-typed validator answering with an owner's result
        report(run(enqueued(verification)), WorkResult.succeeded());
        await().until(() -> journal().contains("RetryScheduled"));
        CardEvent.RetryScheduled retry = card.persistenceTestKit().persistedInStorage(PID).stream()
                .filter(CardEvent.RetryScheduled.class::isInstance).map(CardEvent.RetryScheduled.class::cast)
                .findFirst().orElseThrow();
        assertThat(retry.stage()).isEqualTo("verification");
        assertThat(retry.error()).isEqualTo("the validator completed with a WorkResult instead of a Verdict");
        assertThat(status()).isEqualTo(CardStatus.VALIDATING);
    }

    @Test
    void declinesWhatItDoesNotWantAndWhatAlreadyRuns() {
        ClaimAnswer.Run owner = run(ticket());
        assertThat(claim(ticket())).isInstanceOf(ClaimAnswer.Decline.class);
        WorkItem staleCheck = new WorkItem("ARQ-001/1/qa", spec.id(), "qa", 1, 7, 3, Instant.EPOCH, 7);
        ClaimAnswer answer = claim(staleCheck);
        assertThat(answer).isInstanceOfSatisfying(ClaimAnswer.Decline.class,
                d -> assertThat(d.reason()).isEqualTo("the card is IN_PROGRESS on attempt 1"));
        assertThat(owner.callId()).isPositive();
    }

    @Test
    void staleResultsOfAnEarlierCallAreIgnored() {
        ClaimAnswer.Run owner = run(ticket());
        owner.reportTo().tell(new CallReport.Succeeded(owner.callId() + 100, new CallResult.Work(WorkResult.succeeded())));
        owners.expectNoMessage(Duration.ofMillis(150));
        assertThat(status()).isEqualTo(CardStatus.IN_PROGRESS);
        assertThat(journal()).isEmpty();
    }

    @Test
    void anAbandonedClaimLetsTheNextClaimRunTheWork() {
        ClaimAnswer.Run first = run(ticket());
        first.reportTo().tell(new CallReport.Abandoned(first.callId()));
        await().until(() -> claim(ticket()) instanceof ClaimAnswer.Run);
        assertThat(journal()).isEmpty();
    }

    @Test
    void commandsTheStatusDoesNotAllowGetAnErrorReply() {
        run(ticket());
        var decided = card.<StatusReply<CardSummary>>runCommand(r -> new CardEntity.Decide(
                new HumanDecision("lead", HumanDecision.Kind.APPROVE_OVERRIDE, "ok", clock.instant()), r));
        assertThat(decided.hasNoEvents()).isTrue();
        assertThat(decided.reply().isError()).isTrue();
        assertThat(decided.reply().getError().getMessage())
                .isEqualTo("card ARQ-001 is IN_PROGRESS, not awaiting review; a reviewer's decision applies only to a "
                        + "card awaiting review");

        var cancelled = card.<StatusReply<CardSummary>>runCommand(r -> new CardEntity.Cancel("descoped", r));
        assertThat(cancelled.hasNoEvents()).isTrue();
        assertThat(cancelled.reply().getError().getMessage())
                .isEqualTo("card ARQ-001 is IN_PROGRESS; only a TODO or QUEUED card can be cancelled");
    }

    @Test
    void aCardThatNeverStartedIsCancelledAndItsTicketDropped() {
        var cancelled = card.<StatusReply<CardSummary>>runCommand(r -> new CardEntity.Cancel("descoped", r));
        assertThat(cancelled.reply().getValue().status()).isEqualTo(CardStatus.CANCELLED);
        assertThat(owners.expectMessageClass(Dispatcher.Dequeue.class).key()).isEqualTo("ARQ-001/1/owner");
        assertThat(claim(ticket())).isInstanceOf(ClaimAnswer.Decline.class);
    }

    @Test
    void aRestartedCardQueuesWhatWasInFlightWithTheSameKeyAndPlace() {
        report(run(ticket()), WorkResult.succeeded());
        await().until(() -> status() == CardStatus.VALIDATING);
        WorkItem first = enqueued(verification);
        clock.advance(Duration.ofMinutes(5));

        var restarted = card.restart();
        assertThat(restarted.state().status()).isEqualTo(CardStatus.VALIDATING);
        assertThat(enqueued(verification)).isEqualTo(first);
    }

    @Test
    void aCardBroughtIntoMemoryWaitsUntilWokenToQueueItsWork() {
        report(run(ticket()), WorkResult.succeeded());
        await().until(() -> status() == CardStatus.VALIDATING);
        WorkItem first = enqueued(verification);

        // a new incarnation (the card left memory, or the engine restarted) recovers from the journal; its
        // work may still be queued, so it queues nothing until the orchestrator wakes it
        ActorRef<CardEntity.Command> fresh = KIT.spawn(behavior());
        verification.expectNoMessage(Duration.ofMillis(150));
        TestProbe<CardUpdate> orchestratorReply = KIT.createTestProbe();
        fresh.tell(new CardEntity.Wake(orchestratorReply.getRef()));
        assertThat(orchestratorReply.receiveMessage().summary().status()).isEqualTo(CardStatus.VALIDATING);
        assertThat(enqueued(verification)).isEqualTo(first);
        KIT.stop(fresh);
    }

    @Test
    void aClaimForWorkItHasMovedPastMakesARecoveredCardQueueWhatItNeeds() {
        report(run(ticket()), WorkResult.succeeded());
        await().until(() -> status() == CardStatus.VALIDATING);
        WorkItem verify = enqueued(verification);
        ActorRef<CardEntity.Command> fresh = KIT.spawn(behavior());
        // a stale owner ticket (say, queued before a crash) reaches the recovered card
        TestProbe<ClaimAnswer> claimer = KIT.createTestProbe();
        fresh.tell(new CardEntity.ClaimWork(ticket(), 99, claimer.getRef()));
        assertThat(claimer.receiveMessage()).isInstanceOf(ClaimAnswer.Decline.class);
        assertThat(enqueued(verification)).isEqualTo(verify);
        KIT.stop(fresh);
    }

    @Test
    void aCardWhoseStashOverflowsRestartsAndQueuesItsWorkAgain() {
        ActorTestKit tiny = ActorTestKit.create(ConfigFactory.parseString("pekko.persistence.typed.stash-capacity = 2")
                .withFallback(EventSourcedBehaviorTestKit.config()));
        try {
            ActorRef<CardEntity.Command> entity = tiny.spawn(behavior());
            TestProbe<ClaimAnswer> claimer = tiny.createTestProbe();
            entity.tell(new CardEntity.ClaimWork(ticket(), 1, claimer.getRef()));
            ClaimAnswer.Run owner = (ClaimAnswer.Run) claimer.receiveMessage();
            owner.reportTo().tell(new CallReport.Succeeded(owner.callId(), new CallResult.Work(WorkResult.succeeded())));
            // questions that arrive while it writes overflow its stash of two
            TestProbe<CardState> asker = tiny.createTestProbe();
            for (int i = 0; i < 50; i++) {
                entity.tell(new CardEntity.GetState(asker.getRef()));
            }
            // the replacement recovers from the journal and queues the verification it owes
            WorkItem verify = verification.expectMessageClass(Dispatcher.Enqueue.class, Duration.ofSeconds(10)).item();
            assertThat(verify.key()).isEqualTo("ARQ-001/1/verification");
            await().until(() -> {
                entity.tell(new CardEntity.GetState(asker.getRef()));
                return asker.receiveMessage(Duration.ofSeconds(5)).status() == CardStatus.VALIDATING;
            });
        } finally {
            tiny.shutdownTestKit();
        }
    }

    @Test
    void anIdleCardAsksToLeaveMemory() {
        ActorTestKit quick = ActorTestKit.create(ConfigFactory.parseString("orquestra.engine.passivate-after = 50ms")
                .withFallback(EventSourcedBehaviorTestKit.config()));
        try {
            EngineContext engine = new EngineContext("unit", clock, Policy.defaults(), Pipeline.none(),
                    Map.of(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded())), null,
                    new EventPublisher(), InMemoryStore.create().reader(quick.system()),
                    EngineSettings.from(quick.system().settings().config(), Duration.ofMinutes(5)), null)
                    .withQueues(Map.of(EngineContext.ownerQueue(Role.BACKEND), owners.getRef()));
            TestProbe<CardRegion.Command> cards = quick.createTestProbe();
            quick.spawn(CardEntity.create(engine, CardSpec.builder("IDLE-1", Role.BACKEND).build(), 1, 0,
                    orchestrator.getRef(), cards.getRef()));
            assertThat(cards.expectMessageClass(CardRegion.Passivate.class, Duration.ofSeconds(5)).cardId())
                    .isEqualTo(CardId.of("IDLE-1"));
        } finally {
            quick.shutdownTestKit();
        }
    }

    @Test
    void aCardHoldingSomeVerdictsOfAStageStaysInMemory() {
        ActorTestKit quick = ActorTestKit.create(ConfigFactory.parseString("orquestra.engine.passivate-after = 50ms")
                .withFallback(EventSourcedBehaviorTestKit.config()));
        try {
            EngineContext engine = new EngineContext("unit", clock, Policy.defaults(),
                    Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing()),
                    Map.of(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded())), null,
                    new EventPublisher(), InMemoryStore.create().reader(quick.system()),
                    EngineSettings.from(quick.system().settings().config(), Duration.ofMinutes(5)), null)
                    .withQueues(Map.of(EngineContext.ownerQueue(Role.BACKEND), owners.getRef(),
                            EngineContext.checkQueue("verification"), verification.getRef(),
                            EngineContext.checkQueue("llm-judge"), judge.getRef(),
                            EngineContext.checkQueue("qa"), qa.getRef()));
            TestProbe<CardRegion.Command> cards = quick.createTestProbe();
            TestProbe<ClaimAnswer> claimer = quick.createTestProbe();
            ActorRef<CardEntity.Command> entity = quick.spawn(CardEntity.create(engine,
                    CardSpec.builder("HOLD-1", Role.BACKEND).build(), 1, 0, orchestrator.getRef(), cards.getRef()));
            WorkItem ticket = new WorkItem("HOLD-1/1/owner", CardId.of("HOLD-1"), CardEntity.OWNER, 1, 5, 1,
                    Instant.EPOCH, 0);
            entity.tell(new CardEntity.ClaimWork(ticket, 1, claimer.getRef()));
            report((ClaimAnswer.Run) claimer.receiveMessage(), WorkResult.succeeded());
            entity.tell(new CardEntity.ClaimWork(enqueued(verification), 2, claimer.getRef()));
            report((ClaimAnswer.Run) claimer.receiveMessage(), Verdict.pass("verification"));
            entity.tell(new CardEntity.ClaimWork(enqueued(judge), 3, claimer.getRef()));
            report((ClaimAnswer.Run) claimer.receiveMessage(), Verdict.pass("llm-judge").withScore(9));
            WorkItem qaItem = enqueued(qa);
            // the judge's verdict waits in memory for the one from qa, which waits in its queue
            cards.expectNoMessage(Duration.ofMillis(400));
            entity.tell(new CardEntity.ClaimWork(qaItem, 4, claimer.getRef()));
            report((ClaimAnswer.Run) claimer.receiveMessage(), Verdict.pass("qa"));
            assertThat(cards.expectMessageClass(CardRegion.Passivate.class, Duration.ofSeconds(5)).cardId())
                    .isEqualTo(CardId.of("HOLD-1"));
        } finally {
            quick.shutdownTestKit();
        }
    }

    @Test
    void aCardThatGotWorkAfterAskingToPassivateStays() {
        ActorTestKit quick = ActorTestKit.create(ConfigFactory.parseString("orquestra.engine.passivate-after = 50ms")
                .withFallback(EventSourcedBehaviorTestKit.config()));
        try {
            EngineContext engine = new EngineContext("unit", clock, Policy.defaults(), Pipeline.none(),
                    Map.of(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded())), null,
                    new EventPublisher(), InMemoryStore.create().reader(quick.system()),
                    EngineSettings.from(quick.system().settings().config(), Duration.ofMinutes(5)), null)
                    .withQueues(Map.of(EngineContext.ownerQueue(Role.BACKEND), owners.getRef()));
            TestProbe<CardRegion.Command> cards = quick.createTestProbe();
            TestProbe<ClaimAnswer> claimer = quick.createTestProbe();
            ActorRef<CardEntity.Command> entity = quick.spawn(CardEntity.create(engine,
                    CardSpec.builder("RACE-1", Role.BACKEND).build(), 1, 0, orchestrator.getRef(), cards.getRef()));
            assertThat(cards.expectMessageClass(CardRegion.Passivate.class, Duration.ofSeconds(5)).card()).isEqualTo(entity);
            // the region delivered a claim before it took the request: the call starts, then the stop arrives
            entity.tell(new CardEntity.ClaimWork(new WorkItem("RACE-1/1/owner", CardId.of("RACE-1"), CardEntity.OWNER, 1,
                    5, 1, Instant.EPOCH, 0), 1, claimer.getRef()));
            ClaimAnswer.Run run = (ClaimAnswer.Run) claimer.receiveMessage();
            entity.tell(new CardEntity.Stop());
            assertThat(cards.expectMessageClass(CardRegion.StayInMemory.class).card()).isEqualTo(entity);
            // still there: the running call's result reaches it and is written
            report(run, WorkResult.succeeded());
            TestProbe<CardState> asker = quick.createTestProbe();
            await().until(() -> {
                entity.tell(new CardEntity.GetState(asker.getRef()));
                return asker.receiveMessage(Duration.ofSeconds(5)).status() == CardStatus.DONE;
            });
        } finally {
            quick.shutdownTestKit();
        }
    }
}
