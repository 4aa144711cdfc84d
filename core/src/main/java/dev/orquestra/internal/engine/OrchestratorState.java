package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.internal.CborSerializable;
import dev.orquestra.internal.backlog.DependencyGraph;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The orchestrator's state: the backlog (cards and dependency graph), when each card was added, and
 * the summary of every card that settled (terminal or awaiting review).
 *
 * <p>Mutable on purpose: a backlog can hold 100,000 cards, and copying that on every event would
 * make the orchestrator quadratic. Only the orchestrator's event handler changes it, on the actor's
 * thread; nothing else sees it. Snapshots are taken through {@link #toSnapshot()}, an immutable copy
 * made on the actor's thread, so the snapshot store never reads a state that is still changing.
 */
public abstract sealed class OrchestratorState permits OrchestratorState.Empty, OrchestratorState.Held {

    private static final DependencyGraph NO_CARDS = DependencyGraph.of(List.of());

    private String project;
    private String backlogJson;
    private final List<CardSpec> specs;
    private final Map<CardId, Instant> createdAt;
    private final List<CardSpec> pendingSpecs;
    private DependencyGraph graph = NO_CARDS;
    private final Map<CardId, CardSummary> settled;
    private BigDecimal settledCost = BigDecimal.ZERO;
    /** Cards recorded as awaiting review that were handed a reviewer's decision since. */
    private final Set<CardId> forwarded;

    private OrchestratorState(boolean writable) {
        specs = writable ? new ArrayList<>() : List.of();
        createdAt = writable ? new HashMap<>() : Map.of();
        pendingSpecs = writable ? new ArrayList<>() : List.of();
        settled = writable ? new LinkedHashMap<>() : Map.of();
        forwarded = writable ? new HashSet<>() : Set.of();
    }

    /**
     * The state before any event: no backlog. Pekko evaluates an entity's empty state once and starts every
     * recovery from it, also after a restart, so it cannot change: its collections are immutable and it has
     * no method that writes. The first event starts a {@link Held} state ({@link #started(Orchestrator.Event)}).
     */
    static final class Empty extends OrchestratorState {
        static final Empty INSTANCE = new Empty();

        private Empty() {
            super(false);
        }
    }

    /** The state once anything was recorded; only the orchestrator's event handler changes it. */
    static final class Held extends OrchestratorState {
        private Held() {
            super(true);
        }

        /** Applies one event to this state and returns it. */
        OrchestratorState apply(Orchestrator.Event e) {
            OrchestratorState s = this;
            if (e instanceof Orchestrator.BacklogAccepted a) {
                s.onBacklogAccepted(a);
            } else if (e instanceof Orchestrator.CardsAdded a) {
                s.onCardsAdded(a);
            } else if (e instanceof Orchestrator.CardsSettled a) {
                s.onCardsSettled(a);
            } else if (e instanceof Orchestrator.ReviewForwarded a) {
                s.onReviewForwarded(a);
            } else {
                throw new IllegalArgumentException("not an orchestrator event: " + e);
            }
            return this;
        }
    }

    static OrchestratorState empty() {
        return Empty.INSTANCE;
    }

    /** A state of its own for the first event after the empty one. */
    static OrchestratorState started(Orchestrator.Event first) {
        return new Held().apply(first);
    }

    private void onBacklogAccepted(Orchestrator.BacklogAccepted e) {
        if (project == null) {
            project = e.project();
            backlogJson = e.backlogJson();
        }
    }

    private void onCardsAdded(Orchestrator.CardsAdded e) {
        for (SpecRecord r : e.cards()) {
            CardSpec spec = r.toSpec();
            specs.add(spec);
            pendingSpecs.add(spec);
            createdAt.put(spec.id(), e.at());
        }
    }

    private void onReviewForwarded(Orchestrator.ReviewForwarded e) {
        forwarded.add(CardId.of(e.cardId()));
    }

    private void onCardsSettled(Orchestrator.CardsSettled e) {
        for (Settlement s : e.settlements()) {
            CardId id = CardId.of(s.cardId());
            forwarded.remove(id);
            CardSummary previous = s.summary().status().isTerminal() || s.summary().status() == CardStatus.AWAITING_HUMAN
                    ? settled.put(id, s.summary()) : settled.remove(id);
            if (previous != null) {
                settledCost = settledCost.subtract(previous.usage().costUsd());
            }
            if (settled.get(id) == s.summary()) {
                settledCost = settledCost.add(s.summary().usage().costUsd());
            }
        }
    }

    /** The dependency graph of every card added so far (built lazily after additions). */
    public DependencyGraph graph() {
        if (!pendingSpecs.isEmpty()) {
            graph = graph.plus(pendingSpecs);
            pendingSpecs.clear();
        }
        return graph;
    }

    /**
     * Takes a graph already built of exactly the cards added so far (the orchestrator checks an addition
     * by building it), instead of building it again.
     */
    void adoptGraph(DependencyGraph built) {
        if (!pendingSpecs.isEmpty() && built.size() == specs.size()) {
            graph = built;
            pendingSpecs.clear();
        }
    }

    public String project() {
        return project;
    }

    public String backlogJson() {
        return backlogJson;
    }

    public List<CardSpec> specs() {
        return specs;
    }

    public Instant createdAt(CardId id) {
        return createdAt.get(id);
    }

    public Map<CardId, CardSummary> settled() {
        return settled;
    }

    public BigDecimal settledCost() {
        return settledCost;
    }

    /** The status the orchestrator knows for a card: its settled status, or TODO for any other. */
    public CardStatus settledStatus(CardId id) {
        CardSummary s = settled.get(id);
        return s == null ? CardStatus.TODO : s.status();
    }

    /** True when a reviewer's decision was handed to the card after it was recorded as awaiting review. */
    public boolean isForwarded(CardId id) {
        return !forwarded.isEmpty() && forwarded.contains(id);
    }

    public boolean isSettledTerminal(CardId id) {
        CardSummary s = settled.get(id);
        return s != null && s.status().isTerminal();
    }

    Snapshot toSnapshot() {
        List<Instant> created = new ArrayList<>(specs.size());
        for (CardSpec s : specs) {
            created.add(createdAt.get(s.id()));
        }
        List<Settlement> settlements = new ArrayList<>(settled.size());
        settled.forEach((id, summary) -> settlements.add(new Settlement(id.value(), summary)));
        return new Snapshot(project, backlogJson, specs.stream().map(SpecRecord::of).toList(), created, settlements,
                forwarded.stream().map(CardId::value).sorted().toList());
    }

    static OrchestratorState fromSnapshot(Snapshot snapshot) {
        OrchestratorState s = new Held();
        s.project = snapshot.project();
        s.backlogJson = snapshot.backlogJson();
        for (int i = 0; i < snapshot.cards().size(); i++) {
            CardSpec spec = snapshot.cards().get(i).toSpec();
            s.specs.add(spec);
            s.pendingSpecs.add(spec);
            s.createdAt.put(spec.id(), snapshot.createdAt().get(i));
        }
        s.onCardsSettled(new Orchestrator.CardsSettled(snapshot.settled()));
        if (snapshot.forwarded() != null) {
            snapshot.forwarded().forEach(id -> s.forwarded.add(CardId.of(id)));
        }
        return s;
    }

    /**
     * The orchestrator's state as stored in a snapshot: immutable.
     *
     * @param forwarded cards handed a reviewer's decision while recorded as awaiting review (null in
     *                  snapshots written before reviews were forwarded this way)
     */
    public record Snapshot(String project, String backlogJson, List<SpecRecord> cards, List<Instant> createdAt,
                           List<Settlement> settled, List<String> forwarded) implements CborSerializable {
    }
}
