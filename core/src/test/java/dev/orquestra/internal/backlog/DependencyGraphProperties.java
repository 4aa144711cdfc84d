package dev.orquestra.internal.backlog;

import dev.orquestra.*;

import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DependencyGraphProperties {

    /**
     * A random DAG: card i may depend only on cards made before it, then the cards are shuffled so the
     * backlog order is not a topological order.
     */
    record Dag(List<CardSpec> cards, long seed) {
        static Dag random(int size, long seed) {
            Random random = new Random(seed);
            List<CardSpec> cards = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                List<String> deps = new ArrayList<>();
                for (int j = 0; j < i; j++) {
                    if (random.nextInt(i + 1) < 2) {
                        deps.add("N-" + j);
                    }
                }
                cards.add(aCard("N-" + i, deps.toArray(String[]::new)));
            }
            Collections.shuffle(cards, random);
            return new Dag(List.copyOf(cards), seed);
        }

        @Override
        public String toString() {
            return cards.size() + " cards from seed " + seed;
        }
    }

    @Provide
    Arbitrary<Dag> dags() {
        return Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.longs()).as(Dag::random);
    }

    @Property(tries = 200)
    void topologicalOrderPutsEveryDependencyFirst(@ForAll("dags") Dag dag) {
        DependencyGraph graph = DependencyGraph.of(dag.cards());

        List<CardId> order = graph.topologicalOrder();
        assertThat(order).containsExactlyInAnyOrderElementsOf(dag.cards().stream().map(CardSpec::id).toList());
        Map<CardId, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        for (CardSpec card : dag.cards()) {
            for (CardId dep : card.dependencies()) {
                assertThat(position.get(dep)).as("%s before %s", dep, card.id()).isLessThan(position.get(card.id()));
            }
        }
    }

    @Property(tries = 200)
    void criticalPathIsOneMoreThanTheLongestDependents(@ForAll("dags") Dag dag) {
        DependencyGraph graph = DependencyGraph.of(dag.cards());

        for (CardSpec card : dag.cards()) {
            int expected = graph.dependents(card.id()).stream()
                    .mapToInt(d -> graph.criticalPath(d) + 1).max().orElse(0);
            assertThat(graph.criticalPath(card.id())).as(card.id().value()).isEqualTo(expected);
        }
    }

    @Property(tries = 200)
    void aBackEdgeIsAlwaysReportedAsARealCycle(@ForAll("dags") Dag dag, @ForAll long pick) {
        DependencyGraph graph = DependencyGraph.of(dag.cards());
        List<CardSpec> withDependents = dag.cards().stream()
                .filter(c -> !graph.dependents(c.id()).isEmpty()).toList();
        Assume.that(!withDependents.isEmpty());
        Random random = new Random(pick);
        CardSpec from = withDependents.get(random.nextInt(withDependents.size()));
        List<CardId> below = graph.transitiveDependents(from.id());
        CardId to = below.get(random.nextInt(below.size()));
        // "from" now also depends on a card that (transitively) depends on it: a cycle
        List<CardSpec> cyclic = new ArrayList<>(dag.cards());
        cyclic.set(cyclic.indexOf(from), from.toBuilder().dependsOn(List.of(to)).build());

        BacklogException refused = catchThrowableOfType(BacklogException.class, () -> DependencyGraph.of(cyclic));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.message()).startsWith("dependency cycle: ");
            List<String> cycle = List.of(problem.message().substring("dependency cycle: ".length()).split(" -> "));
            assertThat(cycle).hasSizeGreaterThanOrEqualTo(3);
            assertThat(cycle.get(0)).isEqualTo(cycle.get(cycle.size() - 1)).isEqualTo(problem.where());
            assertThat(cycle.subList(1, cycle.size())).doesNotHaveDuplicates();
            Map<String, CardSpec> byId = new HashMap<>();
            cyclic.forEach(c -> byId.put(c.id().value(), c));
            for (int i = 0; i + 1 < cycle.size(); i++) {
                assertThat(byId.get(cycle.get(i)).dependencies()).as("%s -> %s", cycle.get(i), cycle.get(i + 1))
                        .contains(CardId.of(cycle.get(i + 1)));
            }
        });
    }
}
