package dev.orquestra.benchmarks.jmh;

import dev.orquestra.internal.backlog.BacklogGraphs;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.internal.backlog.DependencyGraph;
import dev.orquestra.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The readiness update the orchestrator makes when a card settles: the settled card's dependents
 * ({@link DependencyGraph#dependents}) and, for each, whether all its dependencies are now approved
 * ({@link DependencyGraph#isReady}) with the orchestrator's status function — a map lookup by
 * {@link CardId} per dependency, as {@code OrchestratorState.settledStatus} does.
 *
 * <p>The graph is the benchmarks' layered DAG (width 50, one or two dependencies per card); half of the
 * cards are settled DONE. {@code rebuildGraph} is what {@code OrchestratorState.graph()} costs when cards
 * are added to a backlog that already holds {@code cards} cards.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReadinessBenchmark {

    @Param({"10000", "100000"})
    public int cards;

    private DependencyGraph graph;
    private final Map<CardId, CardStatus> settled = new HashMap<>();
    private CardId[] ids;
    private List<CardSpec> more;
    private int next;

    @Setup
    public void setUp() {
        int width = 50;
        List<CardSpec> specs = new ArrayList<>(cards);
        for (int i = 0; i < cards; i++) {
            CardSpec.Builder b = CardSpec.builder(id(i), Role.BACKEND);
            int layer = i / width;
            int j = i % width;
            if (layer > 0) {
                int s = (layer - 1) * width;
                b.dependsOn(id(s + j));
                if (j % 2 == 1) {
                    b.dependsOn(id(s + (j + 1) % width));
                }
            }
            specs.add(b.build());
        }
        graph = DependencyGraph.of(specs);
        ids = new CardId[cards];
        for (int i = 0; i < cards; i++) {
            ids[i] = specs.get(i).id();
            if (i < cards / 2) {
                settled.put(ids[i], CardStatus.DONE);
            }
        }
        more = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            more.add(CardSpec.builder("NEW-" + i, Role.BACKEND).dependsOn(id(i)).build());
        }
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "BE-%06d", i);
    }

    private CardStatus status(CardId id) {
        CardStatus s = settled.get(id);
        return s == null ? CardStatus.TODO : s;
    }

    /** One settlement: the dependents of a card in the settled half, and the readiness of each. */
    @Benchmark
    public int settleAndCheckDependents() {
        CardId id = ids[next];
        next = (next + 1) % (cards / 2);
        int ready = 0;
        for (CardId dependent : graph.dependents(id)) {
            if (graph.isReady(dependent, this::status)) {
                ready++;
            }
        }
        return ready;
    }

    /** The id-to-index lookup every graph query starts with. */
    @Benchmark
    public int indexOf() {
        CardId id = ids[next];
        next = (next + 1) % cards;
        return graph.indexOf(id);
    }

    /** Adding 1,000 cards to the graph (it is rebuilt from all its cards). */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public DependencyGraph rebuildGraph() {
        return graph.plus(more);
    }
}
