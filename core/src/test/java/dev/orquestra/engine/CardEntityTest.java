package dev.orquestra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Artifact;
import dev.orquestra.CardEvent;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.HumanDecision;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import dev.orquestra.internal.engine.CardEntity;
import dev.orquestra.internal.engine.CardSummary;
import dev.orquestra.internal.engine.CardUpdate;
import dev.orquestra.internal.engine.EngineContext;
import dev.orquestra.internal.engine.EventPublisher;
import dev.orquestra.internal.engine.Orchestrator;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ManualClock;
import dev.orquestra.testkit.Verdicts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card entity alone, with probes in place of the dispatchers and the orchestrator. The testkit
 * serializes every event and state it sees; its journal serializes every persisted event.
 */
class CardEntityTest {

    private static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

    private final ManualClock clock = new ManualClock();
    private TestProbe<Dispatcher.Command> owners;
    private TestProbe<Dispatcher.Command> verification;
    private TestProbe<Dispatcher.Command> judge;
    private TestProbe<Dispatcher.Command> qa;
    private TestProbe<Orchestrator.Command> orchestrator;
    private EventSourcedBehaviorTestKit<CardEntity.Command, CardEvent, CardState> card;

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
        EngineContext engine = new EngineContext("unit", clock, Policy.defaults(),
                Pipeline.defaults(Verdicts.passing(), Verdicts.passing(), Verdicts.passing()),
                Map.of(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded())), null,
                Map.of(EngineContext.ownerQueue(Role.BACKEND), owners.getRef(),
                        EngineContext.checkQueue("verification"), verification.getRef(),
                        EngineContext.checkQueue("llm-judge"), judge.getRef(),
                        EngineContext.checkQueue("qa"), qa.getRef()),
                new EventPublisher());
        CardSpec spec = CardSpec.builder("ARQ-001", Role.BACKEND).priority(Priority.HIGH).title("Design RF001").build();
        card = EventSourcedBehaviorTestKit.create(KIT.system(), CardEntity.create(engine, spec, 3, 7, orchestrator.getRef()),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
        card.clear();
    }

    private static WorkItem enqueued(TestProbe<Dispatcher.Command> queue) {
        return queue.expectMessageClass(Dispatcher.Enqueue.class).item();
    }

    private CardStatus status() {
        return card.getState().status();
    }

    @Test
    void drivesItsPipelineFromStartToDone() {
        var started = card.<CardUpdate>runCommand(r -> new CardEntity.Start(clock.instant(), r));
        assertThat(started.events()).containsExactly(new CardEvent.Queued(started.state().cardId(), clock.instant()));
        assertThat(started.reply().summary().status()).isEqualTo(CardStatus.QUEUED);

        WorkItem owner = enqueued(owners);
        assertThat(owner.key()).isEqualTo("ARQ-001/1/owner");
        assertThat(owner.priority()).isEqualTo(7);
        assertThat(owner.criticalPath()).isEqualTo(3);
        assertThat(owner.ordinal()).isEqualTo(7);

        owner.replyTo().tell(new CallReport.Started(owner.callId()));
        await().until(() -> status() == CardStatus.IN_PROGRESS);
        owner.replyTo().tell(new CallReport.Succeeded(owner.callId(), WorkResult.succeeded(
                List.of(Artifact.of("design", "arquitetura/designs/design-RF001.md")), Usage.of(900, 300, "0.02"))));
        await().until(() -> status() == CardStatus.VALIDATING);

        WorkItem verify = enqueued(verification);
        assertThat(verify.key()).isEqualTo("ARQ-001/1/verification");
        judge.expectNoMessage(Duration.ofMillis(100));
        verify.replyTo().tell(new CallReport.Succeeded(verify.callId(), Verdict.pass("verification")));

        WorkItem j = enqueued(judge);
        WorkItem q = enqueued(qa);
        j.replyTo().tell(new CallReport.Succeeded(j.callId(), Verdict.pass("llm-judge").withScore(8.5)));
        q.replyTo().tell(new CallReport.Succeeded(q.callId(), Verdict.pass("qa")));

        CardUpdate last;
        do {
            last = orchestrator.expectMessageClass(CardUpdate.class);
        } while (last.kind() != CardUpdate.Kind.SETTLED);
        assertThat(last.summary().status()).isEqualTo(CardStatus.DONE);
        assertThat(last.summary().firstTimeRight()).isTrue();

        // the card stopped itself once DONE; its journal holds the whole story
        List<CardEvent> journal = card.persistenceTestKit().persistedInStorage("card|unit|ARQ-001").stream()
                .map(CardEvent.class::cast).toList();
        assertThat(journal).extracting(CardEvent::name).containsExactly("Queued", "WorkStarted", "WorkSubmitted",
                "StagePassed", "Approved", "Completed");
        CardState done = CardState.replay(journal.get(0).cardId(), 3, journal);
        assertThat(done.validationHistory()).extracting(r -> r.verdict().validator())
                .containsExactly("verification", "llm-judge", "qa");
        assertThat(done.usage().costUsd()).isEqualByComparingTo("0.02");
        assertThat(done.completedAt()).isEqualTo(clock.instant());
    }

    @Test
    void staleResultsOfAnEarlierCallAreIgnored() {
        card.<CardUpdate>runCommand(r -> new CardEntity.Start(clock.instant(), r));
        WorkItem owner = enqueued(owners);
        owner.replyTo().tell(new CallReport.Started(owner.callId()));
        await().until(() -> status() == CardStatus.IN_PROGRESS);
        owner.replyTo().tell(new CallReport.Succeeded(owner.callId() + 100, WorkResult.succeeded()));
        owners.expectNoMessage(Duration.ofMillis(150));
        assertThat(status()).isEqualTo(CardStatus.IN_PROGRESS);
    }

    @Test
    void commandsTheStatusDoesNotAllowGetAnErrorReply() {
        card.<CardUpdate>runCommand(r -> new CardEntity.Start(clock.instant(), r));
        WorkItem owner = enqueued(owners);
        owner.replyTo().tell(new CallReport.Started(owner.callId()));
        await().until(() -> status() == CardStatus.IN_PROGRESS);

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

        var again = card.<CardUpdate>runCommand(r -> new CardEntity.Start(clock.instant(), r));
        assertThat(again.hasNoEvents()).isTrue();
        assertThat(again.reply().summary().status()).isEqualTo(CardStatus.IN_PROGRESS);
    }

    @Test
    void aRestartReQueuesInFlightWorkWithTheSameKeyAndQueueTime() {
        var started = card.<CardUpdate>runCommand(r -> new CardEntity.Start(clock.instant(), r));
        WorkItem first = enqueued(owners);
        first.replyTo().tell(new CallReport.Started(first.callId()));
        await().until(() -> status() == CardStatus.IN_PROGRESS);
        clock.advance(Duration.ofMinutes(5));

        var restarted = card.restart();
        assertThat(restarted.state().status()).isEqualTo(CardStatus.IN_PROGRESS);
        WorkItem again = enqueued(owners);
        assertThat(again.key()).isEqualTo(first.key());
        assertThat(again.enqueuedAt()).isEqualTo(started.state().queuedAt());
        again.replyTo().tell(new CallReport.Succeeded(again.callId(), WorkResult.succeeded()));
        await().until(() -> status() == CardStatus.VALIDATING);
        assertThat(card.getState().attempt()).isEqualTo(1);
    }
}
