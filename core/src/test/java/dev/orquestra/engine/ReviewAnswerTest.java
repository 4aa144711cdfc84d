package dev.orquestra.engine;

import static dev.orquestra.testkit.Fixtures.aBacklogOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every reviewer's decision is answered, also when the card's update reaches the orchestrator before the
 * card's answer does and the decision makes the card active again (a clarification): the answer waited for
 * the update's batch to be written, and the batch's handler released held answers only for cards that
 * settled, so such a review timed out now and then (seen in the launcher and journal contract tests). Many
 * clarifications in a row give the race many chances.
 */
class ReviewAnswerTest {

    private static final int CARDS = 150;

    @Test
    void everyClarificationOnAPausedEngineIsAnswered() {
        InMemoryStore store = InMemoryStore.create();
        Pipeline rejecting = Pipeline.defaults(ScriptedValidator.passing(),
                ScriptedValidator.by(s -> Verdict.fail("llm-judge", "unclear scope").withScore(3)),
                ScriptedValidator.passing());
        Policy oneAttempt = Policy.builder().maxAttempts(1).build();
        try (Orquestra o = Orquestra.builder().store(store).owners(Role.BACKEND, new ScriptedAgent(), 4)
                .pipeline(rejecting).policy(oneAttempt).build()) {
            o.submit(aBacklogOf("R", CARDS));
            assertThat(o.awaitQuiescence(Duration.ofSeconds(60))).isTrue();
            assertThat(o.status().awaitingReview()).hasSize(CARDS);
        }
        try (Orquestra o = Orquestra.builder().store(store).owners(Role.BACKEND, new ScriptedAgent(), 4)
                .pipeline(rejecting).policy(oneAttempt).paused(true).askTimeout(Duration.ofSeconds(10)).build()) {
            List<CardId> waiting = o.status().awaitingReview();
            for (CardId id : waiting) {
                assertThat(o.review(id).requestClarification("po", "scope is the EU only")).as(id.value())
                        .isEqualTo(CardStatus.QUEUED);
            }
            assertThat(o.status().awaitingReview()).isEmpty();
        }
    }
}
