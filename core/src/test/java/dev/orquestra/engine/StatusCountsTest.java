package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backlog's status is kept from the settled cards' counts and the cards in flight, without a scan:
 * it must agree with every card's own status, through approvals, escalations, reviews and a cascade.
 */
class StatusCountsTest {

    private static Map<CardStatus, Integer> recount(Orquestra o, List<CardSpec> cards) {
        Map<CardStatus, Integer> counts = new EnumMap<>(CardStatus.class);
        for (CardStatus s : CardStatus.values()) {
            counts.put(s, 0);
        }
        for (CardSpec c : cards) {
            counts.merge(o.cardState(c.id()).status(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void theCountsAgreeWithEveryCard() {
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cards.add(i < 10 ? aCard("SC-" + i) : aCard("SC-" + i, "SC-" + (i - 10)));
        }
        List<String> rejected = List.of("SC-3", "SC-7");
        Pipeline pipeline = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> rejected.contains(s.card().id().value())
                ? Verdict.fail("llm-judge", "wrong").withScore(2) : Verdict.pass("llm-judge").withScore(9)),
                ScriptedValidator.passing());
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 4).pipeline(pipeline).build()) {
            o.submit(Backlog.of("counts", cards));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            BacklogStatus first = o.status();
            assertThat(first.byStatus()).isEqualTo(recount(o, cards));
            // SC-3 and SC-7 await review; the six cards that depend on them wait
            assertThat(first.awaitingReview()).containsExactly(CardId.of("SC-3"), CardId.of("SC-7"));
            assertThat(first.count(CardStatus.TODO)).isEqualTo(6);

            o.review(CardId.of("SC-3")).approveOverride("lead", "good enough");
            o.review(CardId.of("SC-7")).rejectPermanently("lead", "out of scope");
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            BacklogStatus end = o.status();
            assertThat(end.byStatus()).isEqualTo(recount(o, cards));
            assertThat(end.count(CardStatus.ABORTED)).isEqualTo(1);
            assertThat(end.count(CardStatus.CANCELLED)).isEqualTo(3);
            assertThat(end.count(CardStatus.DONE)).isEqualTo(36);
            assertThat(end.awaitingReview()).isEmpty();
            assertThat(end.byStatus().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
        }
    }

    @Test
    void theCountsAgreeWhileCardsRunAndAfterARestart() {
        java.util.concurrent.CompletableFuture<dev.orquestra.spi.WorkResult> gate = new java.util.concurrent.CompletableFuture<>();
        ScriptedAgent held = new ScriptedAgent().answering(order -> order.card().id().value().startsWith("H")
                ? gate : java.util.concurrent.CompletableFuture.completedFuture(dev.orquestra.spi.WorkResult.succeeded()));
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cards.add(aCard("H-" + i));
            cards.add(aCard("R-" + i, "H-" + i));
            cards.add(CardSpec.builder("F-" + i, Role.BACKEND).priority(dev.orquestra.Priority.CRITICAL).build());
        }
        dev.orquestra.InMemoryStore store = dev.orquestra.InMemoryStore.serializing();
        try (Orquestra o = Orquestra.builder().name("counts").store(store).owners(Role.BACKEND, held, 3)
                .shutdownTimeout(java.time.Duration.ofSeconds(10)).build()) {
            o.submit(Backlog.of("running", cards));
            org.awaitility.Awaitility.await().atMost(Engines.WAIT).until(() -> o.status().count(CardStatus.DONE) == 6);
            // three held calls running, three held cards queued behind them, their dependents waiting
            BacklogStatus running = o.status();
            assertThat(running.byStatus()).isEqualTo(recount(o, cards));
            assertThat(running.count(CardStatus.IN_PROGRESS)).isEqualTo(3);
            assertThat(running.count(CardStatus.QUEUED)).isEqualTo(3);
            assertThat(running.count(CardStatus.TODO)).isEqualTo(6);
        }
        try (Orquestra o = Orquestra.builder().name("counts").store(store).owners(Role.BACKEND, new ScriptedAgent(), 3)
                .shutdownTimeout(java.time.Duration.ofSeconds(10)).build()) {
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().byStatus()).isEqualTo(recount(o, cards));
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(18);
        }
    }
}
