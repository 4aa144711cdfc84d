package dev.orquestra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rejecting a card permanently cancels everything that waits on it, directly or not, as one decision:
 * when the reviewer's call returns the whole cascade is written, the status shows it complete, and an
 * engine stopped right after finishes writing each cancelled card's own record on the next start.
 */
class CascadeTest {

    private static final int CHAIN = 3_000;

    private static List<CardSpec> chain() {
        List<CardSpec> cards = new ArrayList<>(CHAIN);
        cards.add(CardSpec.builder("HEAD", Role.BACKEND).build());
        for (int i = 1; i < CHAIN; i++) {
            cards.add(CardSpec.builder("C-" + i, Role.BACKEND).dependsOn(i == 1 ? "HEAD" : "C-" + (i - 1)).build());
        }
        return cards;
    }

    private static OrquestraBuilder engine(InMemoryStore store) {
        return Orquestra.builder().name("cascade").store(store).shutdownTimeout(Duration.ofSeconds(10))
                .owners(Role.BACKEND, new ScriptedAgent(), 2).policy(Policy.defaults().maxAttempts(1))
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> Verdict.fail("llm-judge", "no")),
                        ScriptedValidator.passing()));
    }

    @Test
    void aPermanentRejectionCancelsTheWholeChainBeforeTheReviewerHearsBack() {
        InMemoryStore store = InMemoryStore.serializing();
        try (Orquestra o = engine(store).build()) {
            o.submit(Backlog.of("chain", chain()));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().awaitingReview()).containsExactly(CardId.of("HEAD"));

            assertThat(o.review(CardId.of("HEAD")).rejectPermanently("lead", "descoped")).isEqualTo(CardStatus.ABORTED);
            // no half-done cascade: every dependent is cancelled as the call returns
            BacklogStatus after = o.status();
            assertThat(after.count(CardStatus.CANCELLED)).isEqualTo(CHAIN - 1);
            assertThat(after.count(CardStatus.TODO)).isZero();
            assertThat(o.cardState(CardId.of("C-" + (CHAIN - 1))).status()).isEqualTo(CardStatus.CANCELLED);
            assertThat(o.cardState(CardId.of("C-1")).cancelReason()).isEqualTo("dependency HEAD was rejected permanently "
                    + "by a reviewer");
            assertThat(o.cardState(CardId.of("C-7")).cancelReason()).isEqualTo("dependency C-6 was cancelled (HEAD was "
                    + "rejected permanently by a reviewer)");
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            // each cancelled card then writes its own record, for its history
            await().atMost(Engines.WAIT).until(() -> o.history(CardId.of("C-" + (CHAIN - 1))).size() == 1);
        }
    }

    @Test
    void aCascadeCutShortByAStopIsCompleteOnTheNextStart() {
        InMemoryStore store = InMemoryStore.serializing();
        try (Orquestra o = engine(store).build()) {
            o.submit(Backlog.of("chain", chain()));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            o.review(CardId.of("HEAD")).rejectPermanently("lead", "descoped");
        } // closed at once: some cancelled cards may not have written their own record yet
        try (Orquestra o = engine(store).build()) {
            assertThat(o.status().count(CardStatus.CANCELLED)).isEqualTo(CHAIN - 1);
            await().atMost(Engines.WAIT).until(() -> {
                for (int i = 1; i < CHAIN; i += 97) {
                    if (o.history(CardId.of("C-" + i)).isEmpty()) {
                        return false;
                    }
                }
                return !o.history(CardId.of("C-" + (CHAIN - 1))).isEmpty();
            });
        }
    }
}
