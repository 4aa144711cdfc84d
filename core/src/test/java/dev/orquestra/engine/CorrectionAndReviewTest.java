package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.awaitTrue;
import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.Diagnosis;
import dev.orquestra.HumanDecision;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.ReviewRefusedException;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.FailureReport;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.testkit.EventLog;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Rejections start corrections; repeated failures call the debugger; exhausted cards await a reviewer. */
class CorrectionAndReviewTest {

    private static final ScriptedValidator PASS = ScriptedValidator.by(s -> Verdict.pass(s.stage()).withScore(9));

    /** A judge that rejects the given cards on every attempt below {@code passFrom}. */
    private static ScriptedValidator judgeRejectingUntil(int passFrom, String... cards) {
        List<String> ids = List.of(cards);
        return ScriptedValidator.by(s -> ids.contains(s.card().id().value()) && s.attempt() < passFrom
                ? Verdict.fail("llm-judge", "design lacks an error-handling section").withScore(6.0)
                .withFeedback("errors", "describe failure modes of /oracles")
                : Verdict.pass("llm-judge").withScore(9.0));
    }

    private static OrquestraBuilder withPipeline(ScriptedValidator judge, ScriptedAgent agent) {
        return engine().owners(Role.BACKEND, agent, 4).pipeline(Pipeline.defaults(PASS, judge, PASS));
    }

    @Test
    void rejectionStartsACorrectionCarryingArtifactsReasonsAndFeedback() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = withPipeline(judgeRejectingUntil(2, "A-1"), agent).build()) {
            o.submit(aBacklog(aCard("A-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            List<WorkOrder> orders = agent.orders();
            assertThat(orders).extracting(WorkOrder::attempt).containsExactly(1, 2);
            assertThat(orders.get(0).isCorrection()).isFalse();
            CorrectionRecord correction = orders.get(1).correction().orElseThrow();
            assertThat(correction.id()).isEqualTo("A-1-CORR-2");
            assertThat(correction.cause()).isEqualTo(CardStatus.REJECTED);
            assertThat(correction.reasons()).containsExactly("design lacks an error-handling section");
            assertThat(correction.feedback()).containsEntry("errors", "describe failure modes of /oracles");
            assertThat(correction.previousArtifacts()).extracting(a -> a.location())
                    .containsExactly("engenharia/backend/A-1.java");
            assertThat(correction.diagnosis()).isNull();
            assertThat(orders.get(1).idempotencyKey()).isEqualTo("A-1/2/owner");

            CardState state = o.cardState(CardId.of("A-1"));
            assertThat(state.status()).isEqualTo(CardStatus.DONE);
            assertThat(state.rejections()).isEqualTo(1);
            assertThat(state.validationHistory()).extracting(r -> r.attempt() + ":" + r.verdict().validator() + ":"
                    + r.verdict().passed()).containsExactly("1:verification:true", "1:llm-judge:false", "1:qa:true",
                    "2:verification:true", "2:llm-judge:true", "2:qa:true");
        }
    }

    @Test
    void aFailingVerificationStopsThePipelineBeforeJudgeAndQa() {
        ScriptedAgent agent = new ScriptedAgent();
        ScriptedValidator verify = ScriptedValidator.by(s -> s.attempt() == 1
                ? Verdict.fail("verification", "file is empty") : Verdict.pass("verification"));
        ScriptedValidator judge = ScriptedValidator.by(s -> Verdict.pass("llm-judge").withScore(9));
        ScriptedValidator qa = ScriptedValidator.by(s -> Verdict.pass("qa"));
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 2).pipeline(Pipeline.defaults(verify, judge, qa)).build()) {
            o.submit(aBacklog(aCard("V-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(judge.seen()).extracting(s -> s.attempt()).containsExactly(2);
            assertThat(qa.seen()).extracting(s -> s.attempt()).containsExactly(2);
            assertThat(judge.seen().get(0).earlierVerdicts()).extracting(Verdict::validator).containsExactly("verification");
        }
    }

    @Test
    void parallelChecksRejectWithTheUnionOfTheirReasons() {
        ScriptedAgent agent = new ScriptedAgent();
        ScriptedValidator judge = ScriptedValidator.by(s -> s.attempt() == 1
                ? Verdict.fail("llm-judge", "no error handling", "naming").withScore(5) : Verdict.pass("llm-judge").withScore(9));
        ScriptedValidator qa = ScriptedValidator.by(s -> s.attempt() == 1
                ? Verdict.fail("qa", "naming", "SQL injection in /oracles") : Verdict.pass("qa"));
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 2).pipeline(Pipeline.defaults(PASS, judge, qa)).build()) {
            o.submit(aBacklog(aCard("P-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            CardEvent.Rejected rejected = o.history(CardId.of("P-1")).stream()
                    .filter(CardEvent.Rejected.class::isInstance).map(CardEvent.Rejected.class::cast).findFirst().orElseThrow();
            assertThat(rejected.stage()).isEqualTo("llm-judge+qa");
            assertThat(rejected.reasons()).containsExactly("no error handling", "naming", "SQL injection in /oracles");
            assertThat(rejected.verdicts()).extracting(Verdict::validator).containsExactly("llm-judge", "qa");
        }
    }

    @Test
    void aPassingJudgeBelowTheThresholdRejects() {
        ScriptedAgent agent = new ScriptedAgent();
        ScriptedValidator judge = ScriptedValidator.by(s -> s.attempt() == 1 ? Verdict.pass("llm-judge").withScore(7.9)
                : s.attempt() == 2 ? Verdict.pass("llm-judge") : Verdict.pass("llm-judge").withScore(8.0));
        try (Orquestra o = withPipeline(judge, agent).build()) {
            o.submit(aBacklog(aCard("T-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            List<List<String>> reasons = o.history(CardId.of("T-1")).stream().filter(CardEvent.Rejected.class::isInstance)
                    .map(e -> ((CardEvent.Rejected) e).reasons()).toList();
            assertThat(reasons).containsExactly(List.of("llm-judge scored 7.9, below the passing score 8.0"),
                    List.of("llm-judge gave no score; 8.0 is required"));
            assertThat(o.cardState(CardId.of("T-1")).status()).isEqualTo(CardStatus.DONE);
            assertThat(o.cardState(CardId.of("T-1")).attempt()).isEqualTo(3);
        }
    }

    @Test
    void repeatedIdenticalFailureRunsTheDebuggerAndItsAdviceReachesTheNextWorkOrder() {
        ScriptedAgent agent = new ScriptedAgent();
        List<FailureReport> reports = new CopyOnWriteArrayList<>();
        Debugger debugger = report -> {
            reports.add(report);
            return CompletableFuture.completedFuture(new Diagnosis("the API contract for /oracles is missing",
                    List.of("write the OpenAPI contract first", "add error codes"), Usage.of(500, 200, "0.01")));
        };
        try (Orquestra o = withPipeline(judgeRejectingUntil(3, "DBG-1"), agent).debugger(debugger).build()) {
            o.submit(aBacklog(aCard("DBG-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            assertThat(reports).hasSize(1);
            FailureReport report = reports.get(0);
            assertThat(report.attempt()).isEqualTo(2);
            assertThat(report.idempotencyKey()).isEqualTo("DBG-1/2/debugger");
            assertThat(report.repeatedReasons()).contains("design lacks an error-handling section");
            assertThat(report.corrections()).hasSize(1);

            List<WorkOrder> orders = agent.orders();
            assertThat(orders).extracting(WorkOrder::attempt).containsExactly(1, 2, 3);
            assertThat(orders.get(1).correction().orElseThrow().diagnosis()).isNull();
            Diagnosis advice = orders.get(2).correction().orElseThrow().diagnosis();
            assertThat(advice.rootCause()).isEqualTo("the API contract for /oracles is missing");
            assertThat(advice.suggestions()).containsExactly("write the OpenAPI contract first", "add error codes");
            assertThat(orders.get(2).corrections()).extracting(CorrectionRecord::id)
                    .containsExactly("DBG-1-CORR-2", "DBG-1-CORR-3");
            assertThat(Engines.eventNames(o, "DBG-1")).containsSubsequence("Rejected", "CorrectionStarted", "Rejected",
                    "Diagnosed", "CorrectionStarted", "Approved", "Completed");
            assertThat(o.cardState(CardId.of("DBG-1")).usage().costUsd()).isEqualByComparingTo("0.01");
        }
    }

    @Test
    void theThirdFailureEscalatesToAReviewer() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = withPipeline(judgeRejectingUntil(99, "E-1"), agent).build()) {
            o.submit(aBacklog(aCard("E-1"), aCard("E-2", "E-1"), aCard("E-3")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            CardState e1 = o.cardState(CardId.of("E-1"));
            assertThat(e1.status()).isEqualTo(CardStatus.AWAITING_HUMAN);
            assertThat(e1.attempt()).isEqualTo(3);
            assertThat(e1.escalation().id()).isEqualTo("E-1-ESC");
            assertThat(e1.escalation().reason()).isEqualTo("attempts exhausted: 3 of 3 failed");
            assertThat(e1.escalation().attempts()).isEqualTo(3);
            assertThat(e1.escalation().lastReasons()).contains("design lacks an error-handling section");
            assertThat(agent.cardsCalled()).containsOnly("E-1", "E-3").filteredOn("E-1"::equals).hasSize(3);
            assertThat(o.status().awaitingReview()).containsExactly(CardId.of("E-1"));
            assertThat(o.status().count(CardStatus.TODO)).isEqualTo(1);
            assertThat(o.status().quiescent()).isTrue();
            assertThat(Engines.eventNames(o, "E-1")).endsWith("Rejected", "Escalated", "ReviewRequested");
        }
    }

    @Test
    void approveOverrideReleasesDependentsAndIsAudited() {
        ScriptedAgent agent = new ScriptedAgent();
        EventLog log = new EventLog();
        try (Orquestra o = withPipeline(judgeRejectingUntil(99, "O-1"), agent).build()) {
            o.subscribe(log);
            o.submit(aBacklog(aCard("O-1"), aCard("O-2", "O-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            Instant before = Instant.now();

            assertThat(o.review(CardId.of("O-1")).approveOverride("tech-lead", "good enough for the pilot"))
                    .isEqualTo(CardStatus.DONE);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            assertThat(o.cardState(CardId.of("O-2")).status()).isEqualTo(CardStatus.DONE);
            HumanDecision audit = o.cardState(CardId.of("O-1")).decisions().get(0);
            assertThat(audit.reviewer()).isEqualTo("tech-lead");
            assertThat(audit.kind()).isEqualTo(HumanDecision.Kind.APPROVE_OVERRIDE);
            assertThat(audit.reason()).isEqualTo("good enough for the pilot");
            assertThat(audit.at()).isAfterOrEqualTo(before.minusSeconds(1));
            assertThat(o.cardState(CardId.of("O-1")).completedAt()).isEqualTo(audit.at());
            awaitTrue(() -> log.namesOf("O-1").contains("HumanDecided"));
            assertThat(log.namesOf("O-1")).endsWith("HumanDecided", "Completed");
        }
    }

    @Test
    void rejectPermanentlyAbortsAndCancelsEveryDependent() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = withPipeline(judgeRejectingUntil(99, "X-1"), agent).build()) {
            o.submit(aBacklog(aCard("X-1"), aCard("X-2", "X-1"), aCard("X-3", "X-2"), aCard("X-4")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            assertThat(o.review(CardId.of("X-1")).rejectPermanently("tech-lead", "out of scope"))
                    .isEqualTo(CardStatus.ABORTED);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            awaitTrue(() -> o.status().count(CardStatus.CANCELLED) == 2);

            assertThat(o.cardState(CardId.of("X-2")).cancelReason())
                    .isEqualTo("dependency X-1 was rejected permanently by a reviewer");
            assertThat(o.cardState(CardId.of("X-3")).cancelReason()).isEqualTo("dependency X-2 was cancelled (X-1 was rejected permanently by a reviewer)");
            assertThat(o.cardState(CardId.of("X-4")).status()).isEqualTo(CardStatus.DONE);
            assertThat(agent.cardsCalled()).doesNotContain("X-2", "X-3");
            assertThat(Engines.eventNames(o, "X-2")).containsExactly("Cancelled");
        }
    }

    @Test
    void clarificationAddsContextAndRunsOneMoreAttempt() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = withPipeline(judgeRejectingUntil(4, "Q-1"), agent).build()) {
            o.submit(aBacklog(aCard("Q-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            assertThat(o.review(CardId.of("Q-1")).requestClarification("po", "the oracle must return HTTP 409 on conflicts"))
                    .isEqualTo(CardStatus.QUEUED);
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();

            WorkOrder fourth = agent.orders().get(3);
            assertThat(fourth.attempt()).isEqualTo(4);
            CorrectionRecord c = fourth.correction().orElseThrow();
            assertThat(c.id()).isEqualTo("Q-1-CORR-4");
            assertThat(c.cause()).isEqualTo(CardStatus.AWAITING_HUMAN);
            assertThat(c.context()).isEqualTo("the oracle must return HTTP 409 on conflicts");
            assertThat(c.reasons()).contains("design lacks an error-handling section");
            assertThat(o.cardState(CardId.of("Q-1")).status()).isEqualTo(CardStatus.DONE);
        }
    }

    @Test
    void aDecisionOnACardThatIsNotAwaitingReviewIsRefused() {
        ScriptedAgent agent = new ScriptedAgent();
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 2).build()) {
            o.submit(aBacklog(aCard("N-1"), aCard("N-2", "N-9"), aCard("N-9", "N-1")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThatThrownBy(() -> o.review(CardId.of("N-1")).approveOverride("lead", "why not"))
                    .isInstanceOf(ReviewRefusedException.class)
                    .hasMessage("card N-1 is DONE, not awaiting review; a reviewer's decision applies only to a card "
                            + "awaiting review");
            assertThatThrownBy(() -> o.review(CardId.of("NOPE-1")).rejectPermanently("lead", "x"))
                    .isInstanceOf(ReviewRefusedException.class).hasMessage("no card NOPE-1 in this backlog");
            assertThatThrownBy(() -> o.review(CardId.of("N-1")).approveOverride(" ", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reviewer");
            assertThat(o.cardState(CardId.of("N-1")).decisions()).isEmpty();
        }
    }

    @Test
    void cancellingATodoCardCancelsItsDependentsAndARunningCardIsRefused() {
        CompletableFuture<dev.orquestra.spi.WorkResult> gate = new CompletableFuture<>();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> gate);
        try (Orquestra o = engine().owners(Role.BACKEND, agent, 1).build()) {
            o.submit(aBacklog(aCard("K-1"), aCard("K-2", "K-1"), aCard("K-3", "K-2")));
            awaitTrue(() -> agent.orders().size() == 1);
            assertThat(o.cancel(CardId.of("K-2"), "descoped")).isEqualTo(CardStatus.CANCELLED);
            awaitTrue(() -> o.status().count(CardStatus.CANCELLED) == 2);
            assertThat(o.cardState(CardId.of("K-3")).cancelReason()).isEqualTo("dependency K-2 was cancelled");
            awaitTrue(() -> o.cardState(CardId.of("K-1")).status() == CardStatus.IN_PROGRESS);
            assertThatThrownBy(() -> o.cancel(CardId.of("K-1"), "too late")).isInstanceOf(ReviewRefusedException.class)
                    .hasMessage("card K-1 is IN_PROGRESS; only a TODO or QUEUED card can be cancelled");
            gate.complete(dev.orquestra.spi.WorkResult.succeeded(List.of(), Usage.ZERO));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(1);
        }
    }
}
