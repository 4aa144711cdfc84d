package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Artifact;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Metrics;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Cost is summed per card and per backlog; budgets escalate a card or stop new starts. */
class CostAndMetricsTest {

    private static ScriptedAgent paying(String usd) {
        return new ScriptedAgent().answering(order -> CompletableFuture.completedFuture(WorkResult.succeeded(
                List.of(Artifact.of("code", order.card().id() + ".java")), Usage.of(1000, 500, usd))));
    }

    private static ScriptedValidator judgeCosting(String usd, String... rejectFirstAttemptOf) {
        List<String> reject = List.of(rejectFirstAttemptOf);
        return ScriptedValidator.by(s -> (reject.contains(s.card().id().value()) && s.attempt() == 1
                ? Verdict.fail("llm-judge", "weak design").withScore(5) : Verdict.pass("llm-judge").withScore(9))
                .withUsage(Usage.of(200, 50, usd)));
    }

    @Test
    void costIsSummedOverOwnersAndValidators() {
        ScriptedValidator free = ScriptedValidator.by(s -> Verdict.pass(s.stage()));
        try (Orquestra o = engine().owners(Role.BACKEND, paying("0.10"), 2)
                .pipeline(Pipeline.defaults(free, judgeCosting("0.02", "C-2"), free)).build()) {
            o.submit(aBacklog(aCard("C-1"), aCard("C-2")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            CardState c1 = o.cardState(CardId.of("C-1"));
            CardState c2 = o.cardState(CardId.of("C-2"));
            assertThat(c1.usage()).isEqualTo(new Usage(1200, 550, new BigDecimal("0.12")));
            assertThat(c2.usage().costUsd()).isEqualByComparingTo("0.24");
            assertThat(c2.usage().totalTokens()).isEqualTo(2 * 1750);
            assertThat(o.metrics().totalCostUsd()).isEqualByComparingTo("0.36");
            assertThat(o.status().costUsd()).isEqualByComparingTo("0.36");
            assertThat(o.metrics().costPerCardUsd()).isEqualByComparingTo("0.18");
        }
    }

    @Test
    void aCardOverItsBudgetIsEscalatedInsteadOfCorrected() {
        try (Orquestra o = engine().owners(Role.BACKEND, paying("0.30"), 1)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), judgeCosting("0", "B-1"), ScriptedValidator.passing()))
                .policy(Policy.defaults().cardBudgetUsd(new BigDecimal("0.50"))).build()) {
            o.submit(aBacklog(aCard("B-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            CardState b1 = o.cardState(CardId.of("B-1"));
            assertThat(b1.status()).isEqualTo(CardStatus.AWAITING_HUMAN);
            assertThat(b1.attempt()).isEqualTo(2);
            assertThat(b1.escalation().reason()).isEqualTo("card budget of USD 0.50 exceeded: USD 0.60 spent");
            // attempt 2 went over budget as soon as the owner reported its cost: no validator ran on it
            assertThat(b1.validationHistory()).allMatch(r -> r.attempt() == 1);
            assertThat(Engines.eventNames(o, "B-1")).endsWith("WorkSubmitted", "Rejected", "Escalated", "ReviewRequested");
            // a card awaiting review counts once in the totals, not as settled and as running
            assertThat(o.metrics().totalCostUsd()).isEqualByComparingTo("0.60");
            assertThat(o.status().costUsd()).isEqualByComparingTo("0.60");
        }
    }

    @Test
    void aBacklogOverItsBudgetStartsNoNewCardButFinishesRunningOnes() {
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            cards.add(aCard("BB-" + i));
        }
        try (Orquestra o = engine().owners(Role.BACKEND, paying("0.40"), 1)
                .policy(Policy.defaults().backlogBudgetUsd(new BigDecimal("1.00"))).build()) {
            o.submit(dev.orquestra.Backlog.of("budget", cards));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            BacklogStatus status = o.status();
            assertThat(status.budgetExhausted()).isTrue();
            assertThat(status.quiescent()).isTrue();
            int done = status.count(CardStatus.DONE);
            // $0.40 each: the third card crosses $1.00; cards already queued still finish, no TODO card starts
            assertThat(done).isBetween(3, 10);
            assertThat(status.count(CardStatus.TODO) + done).isEqualTo(10);
            assertThat(status.costUsd()).isEqualByComparingTo(new BigDecimal("0.40").multiply(BigDecimal.valueOf(done)));
        }
    }

    @Test
    void metricsOfAScriptedRunMatchHandComputedValues() {
        // Five cards: two right first time, one rejected once, one escalated then overridden, one cancelled.
        ScriptedValidator judge = ScriptedValidator.by(s -> {
            String id = s.card().id().value();
            boolean fail = id.equals("M-3") && s.attempt() == 1 || id.equals("M-4");
            return (fail ? Verdict.fail("llm-judge", "weak").withScore(4) : Verdict.pass("llm-judge").withScore(9))
                    .withUsage(Usage.of(100, 0, "0.05"));
        });
        try (Orquestra o = engine().owners(Role.BACKEND, paying("0.10"), 2)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), judge, ScriptedValidator.passing()))
                .policy(Policy.defaults().highCostThresholdUsd(new BigDecimal("0.40"))).build()) {
            o.submit(aBacklog(aCard("M-1"), aCard("M-2"), aCard("M-3"), aCard("M-4"), aCard("M-5", "M-4")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            o.cancel(CardId.of("M-5"), "descoped");
            o.review(CardId.of("M-4")).approveOverride("lead", "accepted as is");
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            Metrics m = o.metrics();
            assertThat(m.cardsRan()).isEqualTo(4);                       // M-5 never ran
            // validation rounds: M-1 1 pass, M-2 1 pass, M-3 1 reject + 1 pass, M-4 3 rejects
            assertThat(m.rejectionRate()).isEqualTo(4.0 / 7.0);
            assertThat(m.averageAttempts()).isEqualTo((1 + 1 + 2 + 3) / 4.0);
            assertThat(m.escalationRate()).isEqualTo(1 / 4.0);
            assertThat(m.firstTimeRightRate()).isEqualTo(2 / 4.0);
            // cost: 0.15 per attempt (owner 0.10 + judge 0.05)
            assertThat(m.totalCostUsd()).isEqualByComparingTo("1.05");
            assertThat(m.costPerCardUsd()).isEqualByComparingTo("0.2625");
            assertThat(m.highCostCards()).isEqualTo(1);                 // M-4: 0.45
            assertThat(m.totalTokens()).isEqualTo(7 * 1600);
            assertThat(m.timeToApprovalP95()).isGreaterThanOrEqualTo(m.timeToApprovalP50());
            assertThat(m.elapsed()).isPositive();
            assertThat(m.throughputPerHour()).isPositive();
            assertThat(m.correctionLoopMean().isNegative()).isFalse();
        }
    }
}
