package dev.orquestra;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a backlog answers about its dependencies without exposing the engine's graph. */
class BacklogGraphQueriesTest {

    // A <- B <- C, A <- D, E alone
    private final Backlog backlog = aBacklog(aCard("A"), aCard("B", "A"), aCard("C", "B"), aCard("D", "A"), aCard("E"));

    @Test
    void dependentsAreTheCardsNamingThisOneInBacklogOrder() {
        assertThat(backlog.dependents(CardId.of("A"))).containsExactly(CardId.of("B"), CardId.of("D"));
        assertThat(backlog.dependents(CardId.of("C"))).isEmpty();
    }

    @Test
    void transitiveDependentsFollowEveryChain() {
        assertThat(backlog.transitiveDependents(CardId.of("A")))
                .containsExactlyInAnyOrder(CardId.of("B"), CardId.of("C"), CardId.of("D"));
        assertThat(backlog.transitiveDependents(CardId.of("E"))).isEmpty();
    }

    @Test
    void theLongestChainCountsItsCards() {
        assertThat(backlog.longestChain()).isEqualTo(3);
        assertThat(aBacklog(aCard("X")).longestChain()).isEqualTo(1);
        assertThat(Backlog.of("empty", List.of()).longestChain()).isZero();
    }

    @Test
    void anUnknownCardIsNamed() {
        assertThatThrownBy(() -> backlog.dependents(CardId.of("Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Z");
    }
}
