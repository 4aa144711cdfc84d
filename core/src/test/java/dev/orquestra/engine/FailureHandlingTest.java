package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.awaitTrue;
import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.DeadLetter;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Policy;
import dev.orquestra.ReviewRefusedException;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.spi.CancellationSignal;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.EventLog;
import dev.orquestra.testkit.ManualClock;
import dev.orquestra.testkit.ScriptedAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.Test;

/** Retries with backoff, time limits and dead letters, driven by manual time. */
class FailureHandlingTest {

    private final ManualClock clock = new ManualClock();

    private OrquestraBuilder manualEngine(Policy policy) {
        return engine().config(ManualTime.config()).clock(clock).policy(policy);
    }

    private void timePasses(Orquestra o, Duration d) {
        clock.advance(d);
        ManualTime.get(o.actorSystem()).timePasses(d);
    }

    private static List<CardEvent> events(Orquestra o, String card) {
        return o.history(CardId.of(card));
    }

    @Test
    void failedCallsAreRetriedWithExponentialBackoff() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> calls.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(new IllegalStateException("model overloaded"))
                : CompletableFuture.completedFuture(WorkResult.succeeded(List.of(), Usage.ZERO)));
        Policy policy = Policy.defaults().jitter(0).retries(3, Duration.ofSeconds(1), Duration.ofMinutes(1));
        try (Orquestra o = manualEngine(policy).owners(Role.BACKEND, agent, 1).build()) {
            EventLog log = new EventLog();
            o.subscribe(log);
            o.submit(aBacklog(aCard("R-1")));
            // a subscriber sees the event only after the retry timer is set
            awaitTrue(() -> log.ofType(CardEvent.RetryScheduled.class).size() == 1);

            timePasses(o, Duration.ofMillis(999));
            assertThat(calls.get()).isEqualTo(1);
            timePasses(o, Duration.ofMillis(1));
            awaitTrue(() -> calls.get() == 2);
            awaitTrue(() -> log.ofType(CardEvent.RetryScheduled.class).size() == 2);

            timePasses(o, Duration.ofMillis(1999));
            assertThat(calls.get()).isEqualTo(2);
            timePasses(o, Duration.ofMillis(1));
            awaitTrue(() -> calls.get() == 3);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            List<CardEvent.RetryScheduled> retries = events(o, "R-1").stream()
                    .filter(CardEvent.RetryScheduled.class::isInstance).map(CardEvent.RetryScheduled.class::cast).toList();
            assertThat(retries).extracting(CardEvent.RetryScheduled::retry).containsExactly(1, 2);
            assertThat(retries).extracting(r -> Duration.between(r.at(), r.retryAt()))
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(retries.get(0).error()).isEqualTo("IllegalStateException: model overloaded");
            assertThat(agent.orders()).extracting(w -> w.idempotencyKey()).containsOnly("R-1/1/owner");
            assertThat(o.cardState(CardId.of("R-1")).status()).isEqualTo(CardStatus.DONE);
        }
    }

    @Test
    void softTimeLimitFiresTheCancellationSignalAndIsRecorded() {
        List<CancellationSignal> signals = new CopyOnWriteArrayList<>();
        CompletableFuture<WorkResult> slow = new CompletableFuture<>();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> {
            signals.add(order.cancellation());
            return slow;
        });
        Policy policy = Policy.defaults().softTimeLimit(Duration.ofSeconds(10)).hardTimeLimit(Duration.ofSeconds(60));
        try (Orquestra o = manualEngine(policy).owners(Role.BACKEND, agent, 1).build()) {
            o.submit(aBacklog(aCard("S-1")));
            awaitTrue(() -> signals.size() == 1);
            assertThat(agent.orders().get(0).softDeadline()).isEqualTo(clock.instant().plusSeconds(10));
            assertThat(agent.orders().get(0).deadline()).isEqualTo(clock.instant().plusSeconds(60));

            timePasses(o, Duration.ofSeconds(9));
            assertThat(signals.get(0).isCancelled()).isFalse();
            timePasses(o, Duration.ofSeconds(1));
            awaitTrue(() -> signals.get(0).isCancelled());
            assertThat(signals.get(0).reason()).hasValue("soft time limit of PT10S reached");
            awaitTrue(() -> events(o, "S-1").stream().anyMatch(e -> e instanceof CardEvent.SoftTimeLimitReached));

            slow.complete(WorkResult.succeeded(List.of(), Usage.ZERO));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.cardState(CardId.of("S-1")).softLimitsReached()).isEqualTo(1);
            assertThat(o.cardState(CardId.of("S-1")).status()).isEqualTo(CardStatus.DONE);
        }
    }

    @Test
    void hardTimeLimitFailsTheCallAndTheSlotStaysTakenUntilItReturns() {
        CompletableFuture<WorkResult> never = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> calls.incrementAndGet() == 1 ? never
                : CompletableFuture.completedFuture(WorkResult.succeeded(List.of(), Usage.ZERO)));
        Policy policy = Policy.defaults().retries(0, Duration.ofSeconds(1), Duration.ofSeconds(1))
                .softTimeLimit(Duration.ofSeconds(30)).hardTimeLimit(Duration.ofSeconds(60));
        try (Orquestra o = manualEngine(policy).owners(Role.BACKEND, agent, 1).build()) {
            o.submit(aBacklog(aCard("H-1")));
            awaitTrue(() -> calls.get() == 1);
            timePasses(o, Duration.ofSeconds(60));
            awaitTrue(() -> o.cardState(CardId.of("H-1")).attempt() == 2);

            List<String> names = Engines.eventNames(o, "H-1");
            assertThat(names).containsSubsequence("WorkStarted", "SoftTimeLimitReached", "DeadLettered", "Failed",
                    "CorrectionStarted", "Queued");
            var correction = o.cardState(CardId.of("H-1")).corrections().get(0);
            assertThat(correction.id()).isEqualTo("H-1-CORR-2");
            assertThat(correction.cause()).isEqualTo(CardStatus.FAILED);
            assertThat(correction.reasons()).containsExactly("owner failed: hard time limit of PT1M exceeded");
            // the pool has one slot and the first call still holds it: attempt 2 waits
            assertThat(calls.get()).isEqualTo(1);
            assertThat(agent.running()).isEqualTo(1);

            never.complete(WorkResult.succeeded(List.of(), Usage.ZERO)); // late: discarded, frees the slot
            awaitTrue(() -> calls.get() == 2);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.cardState(CardId.of("H-1")).status()).isEqualTo(CardStatus.DONE);
            assertThat(agent.maxRunning()).isEqualTo(1);
        }
    }

    @Test
    void exhaustedRetriesLeaveADeadLetterThatCanBeRedriven() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> calls.incrementAndGet() <= 2
                ? CompletableFuture.completedFuture(WorkResult.failed("tests do not compile", Usage.ZERO))
                : CompletableFuture.completedFuture(WorkResult.succeeded(List.of(), Usage.ZERO)));
        Policy policy = Policy.defaults().jitter(0).maxAttempts(1).retries(1, Duration.ofSeconds(1), Duration.ofSeconds(1));
        try (Orquestra o = manualEngine(policy).owners(Role.BACKEND, agent, 1).build()) {
            EventLog log = new EventLog();
            o.subscribe(log);
            o.submit(aBacklog(aCard("DL-1"), aCard("DL-2", "DL-1")));
            awaitTrue(() -> log.ofType(CardEvent.RetryScheduled.class).size() == 1);
            timePasses(o, Duration.ofSeconds(1));
            awaitTrue(() -> o.status().awaitingReview().equals(List.of(CardId.of("DL-1"))));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            List<DeadLetter> dead = o.deadLetters();
            assertThat(dead).hasSize(1);
            DeadLetter d = dead.get(0);
            assertThat(d.cardId()).isEqualTo(CardId.of("DL-1"));
            assertThat(d.stage()).isEqualTo("owner");
            assertThat(d.attempt()).isEqualTo(1);
            assertThat(d.tries()).isEqualTo(2);
            assertThat(d.error()).isEqualTo("tests do not compile");
            assertThat(d.idempotencyKey()).isEqualTo("DL-1/1/owner");
            assertThat(o.cardState(CardId.of("DL-1")).escalation().reason()).isEqualTo("attempts exhausted: 1 of 1 failed");

            assertThatThrownBy(() -> o.redrive(CardId.of("DL-2"), "ops")).isInstanceOf(ReviewRefusedException.class)
                    .hasMessageContaining("no dead-lettered work");
            assertThat(o.redrive(CardId.of("DL-1"), "ops")).isEqualTo(CardStatus.QUEUED);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(2);
            assertThat(agent.orders().get(2).idempotencyKey()).isEqualTo("DL-1/2/owner");
            assertThat(agent.orders().get(2).correction().orElseThrow().context())
                    .isEqualTo("re-drive of dead-lettered DL-1/1/owner (tests do not compile)");
        }
    }
}
