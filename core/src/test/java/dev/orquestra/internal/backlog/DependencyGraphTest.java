package dev.orquestra.internal.backlog;

import dev.orquestra.*;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

    private static CardId id(String value) {
        return CardId.of(value);
    }

    private static List<CardId> ids(String... values) {
        return java.util.Arrays.stream(values).map(CardId::of).toList();
    }

    @Test
    void chain() {
        // listed backwards: the order must still put dependencies first
        DependencyGraph graph = DependencyGraph.of(List.of(aCard("C", "B"), aCard("B", "A"), aCard("A")));

        assertThat(graph.topologicalOrder()).isEqualTo(ids("A", "B", "C"));
        assertThat(graph.criticalPath(id("A"))).isEqualTo(2);
        assertThat(graph.criticalPath(id("B"))).isEqualTo(1);
        assertThat(graph.criticalPath(id("C"))).isZero();
        assertThat(graph.dependencies(id("C"))).isEqualTo(ids("B"));
        assertThat(graph.dependents(id("A"))).isEqualTo(ids("B"));
        assertThat(graph.transitiveDependents(id("A"))).isEqualTo(ids("C", "B"));
        assertThat(graph.cards()).extracting(CardSpec::id).isEqualTo(ids("C", "B", "A"));
        assertThat(graph.size()).isEqualTo(3);
    }

    @Test
    void diamond() {
        DependencyGraph graph = DependencyGraph.of(List.of(
                aCard("TOP"), aCard("LEFT", "TOP"), aCard("RIGHT", "TOP"), aCard("BOTTOM", "RIGHT", "LEFT")));

        assertThat(graph.topologicalOrder()).isEqualTo(ids("TOP", "LEFT", "RIGHT", "BOTTOM"));
        assertThat(graph.dependents(id("TOP"))).isEqualTo(ids("LEFT", "RIGHT"));
        assertThat(graph.dependencies(id("BOTTOM"))).isEqualTo(ids("RIGHT", "LEFT"));
        assertThat(graph.criticalPath(id("TOP"))).isEqualTo(2);
        assertThat(graph.criticalPath(id("LEFT"))).isEqualTo(1);
        assertThat(graph.transitiveDependents(id("TOP"))).isEqualTo(ids("LEFT", "RIGHT", "BOTTOM"));
        assertThat(graph.transitiveDependents(id("BOTTOM"))).isEmpty();
    }

    @Test
    void topologicalOrderKeepsBacklogOrderAmongReadyCards() {
        DependencyGraph graph = DependencyGraph.of(List.of(
                aCard("E", "D"), aCard("A"), aCard("D", "B"), aCard("C"), aCard("B")));

        // ready at first: A, C, B (in backlog order, A first); B frees D, D frees E
        assertThat(graph.topologicalOrder()).isEqualTo(ids("A", "C", "B", "D", "E"));
    }

    @Test
    void criticalPathIsTheLongestChainBelow() {
        //   R <- X <- Y <- Z        R <- W
        DependencyGraph graph = DependencyGraph.of(List.of(
                aCard("R"), aCard("W", "R"), aCard("X", "R"), aCard("Y", "X"), aCard("Z", "Y", "W"), aCard("LONE")));

        assertThat(graph.criticalPath(id("R"))).isEqualTo(3);
        assertThat(graph.criticalPath(id("W"))).isEqualTo(1);
        assertThat(graph.criticalPath(id("X"))).isEqualTo(2);
        assertThat(graph.criticalPath(id("Z"))).isZero();
        assertThat(graph.criticalPath(id("LONE"))).isZero();
    }

    @Test
    void readiness() {
        DependencyGraph graph = DependencyGraph.of(List.of(
                aCard("A"), aCard("B"), aCard("C", "A", "B"), aCard("D", "C"), aCard("E")));
        Map<CardId, CardStatus> status = new HashMap<>();
        status.put(id("A"), CardStatus.DONE);
        status.put(id("B"), CardStatus.VALIDATING);
        status.put(id("E"), CardStatus.QUEUED);

        assertThat(graph.isReady(id("C"), status::get)).isFalse();
        assertThat(graph.readyCards(status::get)).isEqualTo(ids());

        status.put(id("B"), CardStatus.APPROVED);
        assertThat(graph.isReady(id("C"), status::get)).isTrue();
        assertThat(graph.isReady(id("A"), status::get)).isTrue();
        assertThat(graph.readyCards(status::get)).isEqualTo(ids("C"));

        status.put(id("C"), CardStatus.IN_PROGRESS);
        assertThat(graph.readyCards(status::get)).isEmpty();
        assertThat(graph.readyCards(c -> null)).isEqualTo(ids("A", "B", "E"));
    }

    @Test
    void unknownIdsAreRefusedByName() {
        DependencyGraph graph = DependencyGraph.of(List.of(aCard("A")));

        assertThat(graph.contains(id("A"))).isTrue();
        assertThat(graph.contains(id("NOPE"))).isFalse();
        assertThat(graph.spec(id("A")).id()).isEqualTo(id("A"));
        assertThatThrownBy(() -> graph.dependents(id("NOPE"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown card 'NOPE'");
        assertThatThrownBy(() -> graph.criticalPath(id("NOPE"))).hasMessage("unknown card 'NOPE'");
        assertThatThrownBy(() -> graph.isReady(id("NOPE"), c -> CardStatus.DONE)).hasMessage("unknown card 'NOPE'");
    }

    @Test
    void refusesBadGraphsWithEveryProblem() {
        assertThatThrownBy(() -> DependencyGraph.of(List.of(
                aCard("A", "A"), aCard("B", "GHOST"), aCard("B"), aCard("C", "D"), aCard("D", "C"))))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly(
                                "B: id: duplicate id: cards[1] and cards[2]",
                                "A: dependencies: depends on itself",
                                "B: dependencies: unknown card 'GHOST'",
                                "C: dependencies: dependency cycle: C -> D -> C"));
    }

    @Test
    void plusAddsCardsThatDependOnOldAndNewCards() {
        DependencyGraph graph = DependencyGraph.of(List.of(aCard("A"), aCard("B", "A")));

        DependencyGraph bigger = graph.plus(List.of(aCard("D", "C", "B"), aCard("C", "A")));

        assertThat(graph.size()).isEqualTo(2);
        assertThat(bigger.cards()).extracting(CardSpec::id).isEqualTo(ids("A", "B", "D", "C"));
        assertThat(bigger.topologicalOrder()).isEqualTo(ids("A", "B", "C", "D"));
        assertThat(bigger.dependents(id("A"))).isEqualTo(ids("B", "C"));
        assertThat(bigger.criticalPath(id("A"))).isEqualTo(2);
        assertThat(graph.plus(List.of())).isSameAs(graph);
    }

    @Test
    void plusRefusesDuplicatesUnknownsAndCycles() {
        DependencyGraph graph = DependencyGraph.of(List.of(aCard("A"), aCard("B", "A")));

        assertThatThrownBy(() -> graph.plus(List.of(aCard("B"), aCard("C", "X"), aCard("D"), aCard("D"))))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly(
                                "B: id: already in the graph",
                                "D: id: duplicate id: new cards[2] and new cards[3]",
                                "C: dependencies: unknown card 'X'"));
        assertThatThrownBy(() -> graph.plus(List.of(aCard("E", "F", "B"), aCard("F", "E"))))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly("E: dependencies: dependency cycle: E -> F -> E"));
    }

    @Test
    void backlogGraphIsTheGraphOfItsCards() {
        Backlog backlog = aBacklog(aCard("A"), aCard("B", "A"));

        assertThat(BacklogGraphs.of(backlog).topologicalOrder()).isEqualTo(ids("A", "B"));
    }

    @Test
    void largeChainDoesNotOverflowTheStack() {
        int n = 50_000;
        List<CardSpec> cards = new java.util.ArrayList<>(n);
        cards.add(aCard("C-0", "C-" + (n - 1)));
        for (int i = 1; i < n; i++) {
            cards.add(aCard("C-" + i, "C-" + (i - 1)));
        }

        assertThatThrownBy(() -> DependencyGraph.of(cards))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p.message()).startsWith("dependency cycle: C-0 -> C-49999 -> C-49998")
                                .endsWith("C-1 -> C-0")));
        cards.set(0, aCard("C-0"));
        assertThat(DependencyGraph.of(cards).criticalPath(id("C-0"))).isEqualTo(n - 1);
    }
}
