package dev.orquestra.internal.engine;

import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's state is chosen by type: the empty state every recovery starts from cannot change,
 * the first event starts a state of its own, and later events change only that one.
 */
class OrchestratorStateTest {

    private static final Instant AT = Instant.parse("2026-12-08T10:00:00Z");

    private static Orchestrator.CardsAdded added(CardSpec... cards) {
        return new Orchestrator.CardsAdded(List.of(cards).stream().map(SpecRecord::of).toList(), AT);
    }

    @Test
    void theEmptyStateHasNoBacklogAndRefusesWrites() {
        OrchestratorState empty = OrchestratorState.empty();
        assertThat(empty).isInstanceOf(OrchestratorState.Empty.class);
        assertThat(empty.project()).isNull();
        assertThat(empty.specs()).isEmpty();
        assertThat(empty.graph().size()).isZero();
        assertThatThrownBy(() -> empty.specs().add(aCard("X"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> empty.settled().put(CardId.of("X"), null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theFirstEventStartsAStateOfItsOwnAndTheEmptyOneStaysEmpty() {
        OrchestratorState first = OrchestratorState.started(new Orchestrator.BacklogAccepted("p", "{}", AT));
        OrchestratorState second = OrchestratorState.started(new Orchestrator.BacklogAccepted("q", "{}", AT));
        assertThat(first).isInstanceOf(OrchestratorState.Held.class).isNotSameAs(second);
        assertThat(first.project()).isEqualTo("p");
        assertThat(second.project()).isEqualTo("q");
        assertThat(OrchestratorState.empty().project()).isNull();
    }

    @Test
    void aHeldStateFoldsCardsAndSettlements() {
        OrchestratorState.Held s = (OrchestratorState.Held) OrchestratorState.started(
                new Orchestrator.BacklogAccepted("p", "{}", AT));
        s.apply(added(aCard("A"), aCard("B", "A")));
        assertThat(s.specs()).extracting(c -> c.id().value()).containsExactly("A", "B");
        assertThat(s.graph().dependents(CardId.of("A"))).containsExactly(CardId.of("B"));
        assertThat(s.createdAt(CardId.of("B"))).isEqualTo(AT);

        s.apply(new Orchestrator.CardsSettled(List.of(new Settlement("A", CardSummary.cancelled(AT, "descoped")))));
        assertThat(s.settledStatus(CardId.of("A"))).isEqualTo(CardStatus.CANCELLED);
        assertThat(s.isSettledTerminal(CardId.of("A"))).isTrue();
        assertThat(s.settledStatus(CardId.of("B"))).isEqualTo(CardStatus.TODO);

        s.apply(new Orchestrator.ReviewForwarded("B", AT));
        assertThat(s.isForwarded(CardId.of("B"))).isTrue();
        assertThat(OrchestratorState.empty().specs()).isEmpty();
    }
}
