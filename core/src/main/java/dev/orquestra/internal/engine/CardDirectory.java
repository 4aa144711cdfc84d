package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.internal.backlog.DependencyGraph;
import java.util.List;

/**
 * The backlog's dependency graph as the orchestrator last published it, for the actors that bring
 * cards into memory on demand. The graph is immutable; the orchestrator replaces it after every
 * addition, before it hands out any work for the new cards.
 */
final class CardDirectory {

    private volatile DependencyGraph graph = DependencyGraph.of(List.of());

    void publish(DependencyGraph value) {
        graph = value;
    }

    DependencyGraph graph() {
        return graph;
    }

    boolean contains(CardId id) {
        return graph.contains(id);
    }
}
