package dev.orquestra.testkit;

import static dev.orquestra.testkit.Fixtures.aCard;
import static dev.orquestra.testkit.Fixtures.aSubmission;
import static dev.orquestra.testkit.Fixtures.aWorkOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardSpec;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The scripted agent's and validator's rules, in their order: hold, owed failure, answer by attempt, default. */
class ScriptedCallsTest {

    private static final CardSpec A = aCard("A-1");
    private static final CardSpec B = aCard("B-1");

    private static <T> T now(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).as("answered at once").isDone();
        return f.join();
    }

    @Test
    void byDefaultTheAgentSucceedsWithACodeArtifactOfTheCard() {
        WorkResult result = now(new ScriptedAgent().perform(aWorkOrder(A, 1)));
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.artifacts()).singleElement().satisfies(a -> assertThat(a.location()).contains("A-1"));
    }

    @Test
    void anAnswerGivenForAnAttemptAnswersOnlyThatAttemptOfThatCard() {
        ScriptedAgent agent = new ScriptedAgent().on("A-1", 2, WorkResult.failed("no tests", Usage.ZERO));
        assertThat(now(agent.perform(aWorkOrder(A, 1))).isSuccess()).isTrue();
        assertThat(now(agent.perform(aWorkOrder(A, 2))).failure()).contains("no tests");
        assertThat(now(agent.perform(aWorkOrder(B, 2))).isSuccess()).isTrue();
        assertThat(agent.ordersFor("A-1")).extracting(WorkOrder::attempt).containsExactly(1, 2);
        assertThat(agent.cardsCalled()).containsExactly("A-1", "A-1", "B-1");
    }

    @Test
    void aCardFailsTheGivenNumberOfCallsThenTheScriptAnswers() {
        ScriptedAgent agent = new ScriptedAgent().failing("A-1", 2);
        for (int i = 0; i < 2; i++) {
            CompletableFuture<WorkResult> call = agent.perform(aWorkOrder(A, 1)).toCompletableFuture();
            assertThatThrownBy(call::join).isInstanceOf(CompletionException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class).hasMessageContaining("scripted failure of card A-1");
        }
        assertThat(now(agent.perform(aWorkOrder(A, 1))).isSuccess()).isTrue();
        assertThat(now(agent.perform(aWorkOrder(B, 1))).isSuccess()).isTrue();
    }

    @Test
    void aHeldCallWaitsForTheTestAndCountsAsRunning() {
        ScriptedAgent agent = new ScriptedAgent();
        Hold<WorkOrder, WorkResult> held = agent.hold("A-1");
        assertThat(held.isCalled()).isFalse();
        CompletableFuture<WorkResult> call = agent.perform(aWorkOrder(A, 3)).toCompletableFuture();
        assertThat(call).isNotDone();
        assertThat(held.awaitCall(Duration.ofSeconds(1)).attempt()).isEqualTo(3);
        assertThat(agent.running()).isEqualTo(1);
        // only the next call is held
        assertThat(now(agent.perform(aWorkOrder(A, 4))).isSuccess()).isTrue();
        assertThat(agent.maxRunning()).isEqualTo(2);

        held.answer(WorkResult.failed("held and failed", Usage.ZERO));
        assertThat(call.join().failure()).contains("held and failed");
        assertThat(agent.running()).isZero();
    }

    @Test
    void waitingForAHeldCallThatNeverComesFailsNamingTheCard() {
        Hold<WorkOrder, WorkResult> held = new ScriptedAgent().hold("A-1");
        assertThatThrownBy(() -> held.awaitCall(Duration.ofMillis(20))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no call for card A-1");
    }

    @Test
    void theValidatorRejectsTheScriptedAttemptsAndRecordsWhatItJudged() {
        ScriptedValidator judge = ScriptedValidator.passing().rejecting("A-1", 1, "missing error handling");
        Verdict first = now(judge.validate(aSubmission(A, 1, "llm-judge")));
        assertThat(first.passed()).isFalse();
        assertThat(first.validator()).isEqualTo("llm-judge");
        assertThat(first.reasons()).containsExactly("missing error handling");
        assertThat(now(judge.validate(aSubmission(A, 2, "llm-judge"))).passed()).isTrue();
        assertThat(judge.seenFor("A-1")).extracting(Submission::attempt).containsExactly(1, 2);

        ScriptedValidator held = ScriptedValidator.by(s -> Verdict.fail(s.stage(), "never"));
        Hold<Submission, Verdict> hold = held.hold("B-1");
        CompletableFuture<Verdict> call = held.validate(aSubmission(B, 1, "qa")).toCompletableFuture();
        assertThat(call).isNotDone();
        hold.answer(Verdict.pass("qa"));
        assertThat(call.join().passed()).isTrue();
        assertThat(now(held.validate(aSubmission(B, 1, "qa"))).passed()).isFalse();
    }

    @Test
    void scriptsRefuseAttemptsBelowOneAndNegativeCounts() {
        assertThatThrownBy(() -> new ScriptedAgent().on("A-1", 0, WorkResult.succeeded()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-1");
        assertThatThrownBy(() -> ScriptedValidator.passing().failing("A-1", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-1");
    }

    @Test
    void aManualCancellationRunsItsActionsOnceAndLateOnesAtOnce() {
        ManualCancellation signal = new ManualCancellation();
        StringBuilder ran = new StringBuilder();
        signal.onCancel(() -> ran.append("early;"));
        assertThat(signal.isCancelled()).isFalse();
        signal.cancel("soft time limit");
        signal.cancel("again");
        signal.onCancel(() -> ran.append("late;"));
        assertThat(signal.reason()).contains("soft time limit");
        assertThat(ran).hasToString("early;late;");
    }
}
