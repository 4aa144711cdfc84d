package dev.orquestra.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.CardTransition;
import dev.orquestra.HumanDecision;
import dev.orquestra.IllegalTransitionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Random event sequences never take a card where the lifecycle table does not allow. */
class LifecycleProperties {

    private static final EventKind[] KINDS = EventKind.values();

    @Property(tries = 500)
    void randomEventsNeverReachAnIllegalStatus(
            @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 18) Integer> choices,
            @ForAll @IntRange(min = 1, max = 5) int maxAttempts) {
        CardState state = CardState.initial(CardId.of("QA-007"), maxAttempts);
        Instant at = Instant.parse("2026-03-01T00:00:00Z");
        for (int choice : choices) {
            at = at.plusMillis(250);
            CardEvent event = KINDS[choice % KINDS.length].make(state, at);
            state = applyChecked(state, event);
        }
    }

    /**
     * A random walk that only takes accepted events goes deep (corrections, escalations, reviews),
     * and the invariants hold at every step.
     */
    @Property(tries = 500)
    void randomLegalWalksKeepTheInvariants(
            @ForAll @Size(min = 1, max = 80) List<@IntRange(min = 0, max = 1000) Integer> choices,
            @ForAll @IntRange(min = 1, max = 4) int maxAttempts) {
        CardState state = CardState.initial(CardId.of("BE-042"), maxAttempts);
        Instant at = Instant.parse("2026-03-01T00:00:00Z");
        for (int choice : choices) {
            at = at.plusSeconds(1);
            List<CardEvent> accepted = new ArrayList<>();
            for (EventKind kind : KINDS) {
                CardEvent candidate = kind.make(state, at);
                try {
                    state.apply(candidate);
                    accepted.add(candidate);
                } catch (IllegalTransitionException refused) {
                    // not available in this state
                }
            }
            if (accepted.isEmpty()) {
                assertThat(state.status().isTerminal()).as("only terminal states are dead ends").isTrue();
                return;
            }
            state = applyChecked(state, accepted.get(choice % accepted.size()));
        }
    }

    private static CardState applyChecked(CardState before, CardEvent event) {
        CardState after;
        try {
            after = before.apply(event);
        } catch (IllegalTransitionException refused) {
            assertThat(refused.from()).isEqualTo(before.status());
            return before;
        }
        if (after.status() != before.status()) {
            assertThat(CardTransition.between(before.status(), after.status()))
                    .as("%s -> %s by %s", before.status(), after.status(), event.name()).isPresent();
        }
        assertThat(before.status().isTerminal()).as("a terminal card accepted " + event.name()).isFalse();
        long clarifications = after.decisions().stream()
                .filter(d -> d.kind() == HumanDecision.Kind.REQUEST_CLARIFICATION).count();
        assertThat(after.attempt()).as("attempts beyond the maximum without a human decision")
                .isLessThanOrEqualTo(after.maxAttempts() + (int) clarifications);
        assertThat(after.attempt()).isGreaterThanOrEqualTo(before.attempt());
        if (before.status() != CardStatus.TODO) {
            assertThat(after.status()).isNotEqualTo(CardStatus.TODO);
        }
        if (after.status() == CardStatus.CORRECTING && before.status() != CardStatus.CORRECTING) {
            assertThat(after.corrections()).last().extracting(c -> c.attempt()).isEqualTo(after.attempt());
        }
        return after;
    }
}
