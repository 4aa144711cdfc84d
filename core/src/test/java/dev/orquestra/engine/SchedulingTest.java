package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Cards start in dependency order, by priority and critical path, within each role's limit. */
class SchedulingTest {

    private static final ScheduledExecutorService TIMER = Executors.newScheduledThreadPool(2);

    @AfterAll
    static void stopTimer() {
        TIMER.shutdownNow();
    }

    @Test
    void chainStartsInDependencyOrder() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 5).build()) {
            o.submit(aBacklog(aCard("C-3", "C-2"), aCard("C-2", "C-1"), aCard("C-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(agent.cardsCalled()).containsExactly("C-1", "C-2", "C-3");
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(3);
        }
    }

    @Test
    void diamondStartsInDependencyOrder() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 5).pipeline(
                Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing())).build()) {
            o.submit(aBacklog(aCard("D-4", "D-2", "D-3"), aCard("D-2", "D-1"), aCard("D-3", "D-1"), aCard("D-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            List<String> order = agent.cardsCalled();
            assertThat(order).hasSize(4);
            assertThat(order.get(0)).isEqualTo("D-1");
            assertThat(order.subList(1, 3)).containsExactlyInAnyOrder("D-2", "D-3");
            assertThat(order.get(3)).isEqualTo("D-4");
            // D-4 started only after both of its dependencies were approved
            var d4Start = o.history(dev.orquestra.CardId.of("D-4")).get(0).at();
            for (String dep : List.of("D-2", "D-3")) {
                assertThat(o.cardState(dev.orquestra.CardId.of(dep)).completedAt()).isBeforeOrEqualTo(d4Start);
            }
        }
    }

    @Test
    void higherPriorityFirstThenLongerCriticalPathThenFifo() throws Exception {
        CompletableFuture<WorkResult> gate = new CompletableFuture<>();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> order.card().id().value().equals("GATE") ? gate
                : CompletableFuture.completedFuture(WorkResult.succeeded(List.of(), Usage.ZERO)));
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 1)
                .policy(Policy.defaults().agingInterval(Duration.ofHours(10))).build()) {
            o.submit(aBacklog(aCard("GATE")));
            Engines.awaitTrue(() -> agent.orders().size() == 1);
            // With the single worker busy, everything below queues up; then the gate opens.
            List<CardSpec> cards = new ArrayList<>();
            cards.add(prio("LOW-1", Priority.LOW));
            cards.add(prio("MED-SHORT", Priority.MEDIUM));
            cards.add(prio("MED-LONG", Priority.MEDIUM));
            cards.add(CardSpec.builder("MED-LONG-CHILD", Role.BACKEND).priority(Priority.LOW).dependsOn("MED-LONG").build());
            cards.add(CardSpec.builder("MED-LONG-GRANDCHILD", Role.BACKEND).priority(Priority.LOW)
                    .dependsOn("MED-LONG-CHILD").build());
            cards.add(prio("HIGH-1", Priority.HIGH));
            cards.add(prio("CRIT-1", Priority.CRITICAL));
            cards.add(prio("MED-SHORT-2", Priority.MEDIUM));
            o.addCards(cards);
            Engines.awaitTrue(() -> o.queues().stream().mapToInt(q -> q.queued()).sum() == 6);
            gate.complete(WorkResult.succeeded(List.of(), Usage.ZERO));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            List<String> called = agent.cardsCalled();
            assertThat(called.subList(0, 6)).containsExactly("GATE", "CRIT-1", "HIGH-1", "MED-LONG", "MED-SHORT",
                    "MED-SHORT-2");
            // the low-priority cards come last; MED-LONG-CHILD joins them once MED-LONG is approved, and then
            // goes first among them by its longer critical path unless LOW-1 was taken before it was ready
            assertThat(called.subList(6, 9)).containsExactlyInAnyOrder("LOW-1", "MED-LONG-CHILD", "MED-LONG-GRANDCHILD");
            assertThat(called.indexOf("MED-LONG-CHILD")).isLessThan(called.indexOf("MED-LONG-GRANDCHILD"));
        }
    }

    @Test
    void poolLimitIsNeverExceededUnderLoad() {
        ScriptedAgent agent = new ScriptedAgent().answering(order -> {
            CompletableFuture<WorkResult> done = new CompletableFuture<>();
            TIMER.schedule(() -> done.complete(WorkResult.succeeded(List.of(), Usage.ZERO)),
                    ThreadLocalRandom.current().nextInt(1, 8), TimeUnit.MILLISECONDS);
            return done;
        });
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            cards.add(aCard("L-" + i));
        }
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 3).build()) {
            o.submit(dev.orquestra.Backlog.of("load", cards));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(agent.orders()).hasSize(120);
            assertThat(agent.maxRunning()).isEqualTo(3);
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(120);
        }
    }

    @Test
    void atMostMaxActiveCardsAreStartedAtOnce() {
        ScriptedAgent agent = new ScriptedAgent().answering(order -> {
            CompletableFuture<WorkResult> done = new CompletableFuture<>();
            TIMER.schedule(() -> done.complete(WorkResult.succeeded(List.of(), Usage.ZERO)), 3, TimeUnit.MILLISECONDS);
            return done;
        });
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            cards.add(prio("A-" + i, i % 10 == 0 ? Priority.CRITICAL : Priority.LOW));
        }
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 10)
                .policy(Policy.defaults().maxActiveCards(3).agingInterval(Duration.ofHours(10))).build()) {
            o.submit(dev.orquestra.Backlog.of("admission", cards));
            assertThat(o.status().active()).isLessThanOrEqualTo(3);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(30);
            assertThat(agent.orders()).hasSize(30);
            assertThat(agent.maxRunning()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void cardsWaitingForAdmissionStartInPriorityOrderThenBacklogOrder() {
        // With one active card at a time nothing races: the start order is the admission order.
        // (With a larger limit, cards admitted together race each other to the agent pool.)
        ScriptedAgent agent = new ScriptedAgent();
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            cards.add(prio("A-" + i, i % 10 == 0 ? Priority.CRITICAL : Priority.LOW));
        }
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 10)
                .policy(Policy.defaults().maxActiveCards(1).agingInterval(Duration.ofHours(10))).build()) {
            o.submit(dev.orquestra.Backlog.of("admission", cards));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(agent.maxRunning()).isEqualTo(1);
            List<String> expected = new ArrayList<>(List.of("A-0", "A-10", "A-20"));
            for (int i = 1; i < 30; i++) {
                if (i % 10 != 0) {
                    expected.add("A-" + i);
                }
            }
            assertThat(agent.cardsCalled()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void twoEnginesRunSideBySideInOneJvm() {
        ScriptedAgent a = new ScriptedAgent();
        ScriptedAgent b = new ScriptedAgent();
        try (Orquestra first = engine().name("first").owners(Role.BACKEND, a, 2).build();
             Orquestra second = engine().name("second").owners(Role.BACKEND, b, 2).build()) {
            first.submit(aBacklog(aCard("X-1"), aCard("X-2", "X-1")));
            second.submit(aBacklog(aCard("Y-1")));
            assertThat(first.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(second.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(a.cardsCalled()).containsExactly("X-1", "X-2");
            assertThat(b.cardsCalled()).containsExactly("Y-1");
        }
    }

    private static CardSpec prio(String id, Priority p) {
        return CardSpec.builder(id, Role.BACKEND).priority(p).build();
    }

    /**
     * A card can wait for admission and then start by another path (its dependency's outcome freed a
     * slot); it must not be started again from the admission queue once it settled awaiting review.
     */
    @Test
    void aCardThatWaitedForAdmissionStartsOnce() {
        Pipeline rejectsEsc = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> s.card().id().value().equals("ESC")
                ? dev.orquestra.Verdict.fail("llm-judge", "never good enough").withScore(2)
                : dev.orquestra.Verdict.pass("llm-judge").withScore(9)), ScriptedValidator.passing());
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 1).pipeline(rejectsEsc)
                .policy(Policy.defaults().maxActiveCards(2).debugRepeatedFailures(false)).build()) {
            o.submit(aBacklog(aCard("A"), aCard("B"), aCard("ESC", "A"), aCard("D"), aCard("E"), aCard("F")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(5);
            assertThat(o.status().awaitingReview()).containsExactly(dev.orquestra.CardId.of("ESC"));
            assertThat(o.status().active()).isZero();
        }
    }
}
