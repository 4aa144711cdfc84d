package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.CancellationSignal;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Blocking code runs on the engine's bounded executor; close() is graceful and bounded. */
class BlockingAndCloseTest {

    @Test
    void blockingAgentsAndValidatorsRunOnTheBoundedExecutorNeverOnActorThreads() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Agent blocking = Agent.blocking(order -> {
            threads.add(Thread.currentThread().getName());
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(); // really blocks the thread
            } finally {
                running.decrementAndGet();
            }
            return WorkResult.succeeded();
        });
        Validator blockingCheck = Validator.blocking(s -> {
            threads.add(Thread.currentThread().getName());
            return Verdict.pass(s.stage());
        });
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            cards.add(aCard("B-" + i));
        }
        try (Orquestra o = engine().name("blocky").owners(Role.BACKEND, blocking, 8).blockingThreads(3)
                .pipeline(Pipeline.of(Pipeline.single("verification", blockingCheck))).build()) {
            o.submit(dev.orquestra.Backlog.of("blocking", cards));
            await().atMost(Engines.WAIT).until(() -> running.get() == 3);
            // 8 workers may call, but only 3 threads run blocking code; the actors stay free to answer
            assertThat(o.status().active()).isEqualTo(12);
            release.countDown();
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(12);
        }
        assertThat(maxRunning.get()).isEqualTo(3);
        assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("orquestra-blocky-blocking-"));
    }

    @Test
    void blockingCodeTheUserWrappedAgainStillRunsOnTheBoundedExecutor() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Agent blocking = Agent.blocking(order -> {
            threads.add(Thread.currentThread().getName());
            return WorkResult.succeeded();
        });
        // the user's own decoration hides the adapter from the engine
        Agent decorated = order -> blocking.perform(order).thenApply(result -> result);
        Validator check = Validator.blocking(s -> {
            threads.add(Thread.currentThread().getName());
            return Verdict.pass(s.stage());
        });
        Validator decoratedCheck = s -> check.validate(s).thenApply(v -> v);
        try (Orquestra o = engine().name("wrapped").owners(Role.BACKEND, decorated, 4)
                .pipeline(Pipeline.of(Pipeline.single("verification", decoratedCheck))).build()) {
            o.submit(dev.orquestra.Backlog.of("wrapped", List.of(aCard("W-1"), aCard("W-2"), aCard("W-3"))));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(3);
        }
        assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("orquestra-wrapped-blocking-"));
    }

    @Test
    void closeFiresTheCancellationSignalAndReturnsWhileAnAgentHangs() {
        AtomicReference<CancellationSignal> signal = new AtomicReference<>();
        Agent hanging = order -> {
            signal.set(order.cancellation());
            return new CompletableFuture<>(); // never completes
        };
        Orquestra o = engine().owners(Role.BACKEND, hanging, 1).shutdownTimeout(Duration.ofSeconds(5)).build();
        o.submit(aBacklog(aCard("H-1")));
        await().atMost(Engines.WAIT).until(() -> signal.get() != null);

        Thread closer = new Thread(o::close);
        closer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !closer.isAlive());
        assertThat(signal.get().isCancelled()).isTrue();
        assertThat(signal.get().reason()).hasValue("the engine is closing");
        assertThatThrownBy(o::status).isInstanceOf(IllegalStateException.class).hasMessage("this Orquestra engine is closed");
        o.close(); // closing twice is fine
    }

    @Test
    void builderRefusesBadValuesNamingThem() {
        assertThatThrownBy(() -> Orquestra.builder().name("Bad Name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Name'");
        assertThatThrownBy(() -> Orquestra.builder().owners(Role.QA, o -> null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QA").hasMessageContaining("was 0");
        assertThatThrownBy(() -> Orquestra.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("owners(role, agent, poolSize)");
        assertThatThrownBy(() -> engine().owners(Role.QA, o -> null, 1)
                .policy(dev.orquestra.Policy.defaults().softTimeLimit(Duration.ofHours(2))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softTimeLimit (PT2H) must not exceed hardTimeLimit (PT1H)");
    }

    @Test
    void aCardWhoseRoleHasNoAgentIsRefusedAtSubmit() {
        try (Orquestra o = engine().owners(Role.BACKEND, order -> CompletableFuture.completedFuture(WorkResult.succeeded()), 1)
                .build()) {
            assertThatThrownBy(() -> o.submit(dev.orquestra.Backlog.of("roles", List.of(aCard("BE-1"),
                    CardSpec.builder("FE-1", Role.FRONTEND).build()))))
                    .isInstanceOf(dev.orquestra.BacklogException.class)
                    .hasMessageContaining("FE-1").hasMessageContaining("no agent is registered for role FRONTEND");
            assertThat(o.status().totalCards()).isZero();
        }
    }
}
