package dev.orquestra.internal.backlog;

import dev.orquestra.BacklogException;
import dev.orquestra.BacklogProblem;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The dependency graph of a set of cards: which card waits for which, in what order they can run,
 * and which are ready. Immutable and safe to share between threads.
 *
 * <p>A graph is always valid: ids are unique, every dependency names a card of the graph, no card
 * depends on itself and there are no cycles. {@link #of(Collection)} and {@link #plus(Collection)}
 * refuse anything else with one {@link BacklogException} that lists every problem.
 *
 * <p>Cards are numbered in insertion order and edges are kept in int arrays (compressed sparse rows),
 * so a graph of 100,000 cards costs a few megabytes and is built in linear time. The topological
 * order and the critical paths are computed once, when the graph is built.
 *
 * <p>Methods that take a {@link CardId} throw {@link IllegalArgumentException} naming the id when
 * the graph does not contain it.
 */
public final class DependencyGraph {

    private final List<CardSpec> cards;
    private final IdIndex index;
    /** The dependencies of card i are {@code depTo[depStart[i] .. depStart[i + 1])}, in spec order. */
    private final int[] depStart;
    private final int[] depTo;
    /** The dependents of card i are {@code revTo[revStart[i] .. revStart[i + 1])}, in insertion order. */
    private final int[] revStart;
    private final int[] revTo;
    private final int[] order;
    private final int[] criticalPath;

    private DependencyGraph(List<CardSpec> cards, IdIndex index, int[] depStart, int[] depTo, int[] revStart,
                            int[] revTo, int[] order, int[] criticalPath) {
        this.cards = cards;
        this.index = index;
        this.depStart = depStart;
        this.depTo = depTo;
        this.revStart = revStart;
        this.revTo = revTo;
        this.order = order;
        this.criticalPath = criticalPath;
    }

    /**
     * The graph of the given cards, kept in the collection's iteration order.
     *
     * @throws BacklogException listing every duplicate id, unknown or self dependency and cycle
     */
    public static DependencyGraph of(Collection<? extends CardSpec> cards) {
        List<CardSpec> list = List.copyOf(cards);
        List<BacklogProblem> problems = new ArrayList<>();
        DependencyGraph graph = build(list, 0, i -> "cards[" + i + "]", problems);
        if (graph == null) {
            throw new BacklogException(problems);
        }
        return graph;
    }

    /**
     * A new graph with more cards added after these. A new card may depend on cards of this graph or
     * on other new cards; this graph is not changed.
     *
     * @throws BacklogException when a new id is already in the graph or repeated, or a new card has an
     *                          unknown or self dependency, or the new cards form a cycle
     */
    public DependencyGraph plus(Collection<? extends CardSpec> more) {
        List<CardSpec> added = List.copyOf(more);
        if (added.isEmpty()) {
            return this;
        }
        List<CardSpec> all = new ArrayList<>(cards.size() + added.size());
        all.addAll(cards);
        all.addAll(added);
        int existing = cards.size();
        List<BacklogProblem> problems = new ArrayList<>();
        DependencyGraph graph = build(all, existing,
                i -> i < existing ? "the graph" : "new cards[" + (i - existing) + "]", problems);
        if (graph == null) {
            throw new BacklogException(problems);
        }
        return graph;
    }

    /** How many cards the graph holds. */
    public int size() {
        return cards.size();
    }

    /** Every card, in insertion (backlog) order. */
    public List<CardSpec> cards() {
        return cards;
    }

    /** True when the graph holds a card with this id. */
    public boolean contains(CardId id) {
        return index.get(Objects.requireNonNull(id, "id")) >= 0;
    }

    /** The card with this id. */
    public CardSpec spec(CardId id) {
        return cards.get(indexOf(id));
    }

    /** The cards this one waits for, in the order its spec lists them. */
    public List<CardId> dependencies(CardId id) {
        return spec(id).dependencies();
    }

    /** The cards that wait directly for this one, in backlog order. */
    public List<CardId> dependents(CardId id) {
        int i = indexOf(id);
        return ids(Arrays.copyOfRange(revTo, revStart[i], revStart[i + 1]));
    }

    /** Every card that waits for this one directly or through others, in backlog order. */
    public List<CardId> transitiveDependents(CardId id) {
        int start = indexOf(id);
        BitSet seen = new BitSet(cards.size());
        int[] stack = new int[16];
        int top = 0;
        stack[top++] = start;
        while (top > 0) {
            int v = stack[--top];
            for (int k = revStart[v]; k < revStart[v + 1]; k++) {
                int w = revTo[k];
                if (!seen.get(w)) {
                    seen.set(w);
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = w;
                }
            }
        }
        return ids(seen.stream().toArray());
    }

    /**
     * Every card, each after all of its dependencies. Deterministic: whenever several cards are
     * ready, the one that comes first in the backlog comes first.
     */
    public List<CardId> topologicalOrder() {
        return ids(order);
    }

    /**
     * The length of the longest chain of dependents below this card: 0 for a card nothing waits for,
     * 2 for {@code A} when {@code C} depends on {@code B} and {@code B} on {@code A}. Dispatchers use it
     * to start the cards that hold up the most work first.
     */
    public int criticalPath(CardId id) {
        return criticalPath[indexOf(id)];
    }

    /**
     * True when every dependency of the card is APPROVED or DONE according to {@code status}
     * ({@link CardStatus#satisfiesDependents()}); a {@code null} status satisfies nothing. The card's
     * own status is not looked at.
     */
    public boolean isReady(CardId id, Function<? super CardId, CardStatus> status) {
        return isReady(indexOf(id), status);
    }

    /**
     * The cards whose status is TODO (a {@code null} status counts as TODO) and that are
     * {@linkplain #isReady ready}, in backlog order.
     */
    public List<CardId> readyCards(Function<? super CardId, CardStatus> status) {
        Objects.requireNonNull(status, "status");
        List<CardId> ready = new ArrayList<>();
        for (int i = 0; i < cards.size(); i++) {
            CardId id = cards.get(i).id();
            CardStatus s = status.apply(id);
            if ((s == null || s == CardStatus.TODO) && isReady(i, status)) {
                ready.add(id);
            }
        }
        return ready;
    }

    @Override
    public String toString() {
        return "DependencyGraph[" + cards.size() + " cards, " + depTo.length + " dependencies]";
    }

    private boolean isReady(int i, Function<? super CardId, CardStatus> status) {
        Objects.requireNonNull(status, "status");
        for (int k = depStart[i]; k < depStart[i + 1]; k++) {
            CardStatus s = status.apply(cards.get(depTo[k]).id());
            if (s == null || !s.satisfiesDependents()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The card's position in the graph: cards are numbered from 0 in the order they were added.
     *
     * @throws IllegalArgumentException naming the id when the card is not in the graph
     */
    public int indexOf(CardId id) {
        int i = index.get(Objects.requireNonNull(id, "id"));
        if (i < 0) {
            throw new IllegalArgumentException("unknown card '" + id + "'");
        }
        return i;
    }

    private List<CardId> ids(int[] indices) {
        return new AbstractList<>() {
            @Override
            public CardId get(int k) {
                return cards.get(indices[k]).id();
            }

            @Override
            public int size() {
                return indices.length;
            }
        };
    }

    /**
     * Checks the cards and builds their graph. Every problem found is added to {@code problems}
     * (located by card id; {@code position} describes where a card with a duplicate id is); the graph
     * is returned only when there is none, otherwise {@code null}.
     *
     * @param existing how many leading cards come from an already valid graph: a later card with one
     *                 of their ids is reported as already in the graph
     */
    public static DependencyGraph build(List<CardSpec> cards, int existing, IntFunction<String> position,
                                 List<BacklogProblem> problems) {
        int n = cards.size();
        int problemsBefore = problems.size();
        IdIndex index = new IdIndex(n);
        boolean[] duplicate = new boolean[n];
        for (int i = 0; i < n; i++) {
            CardId id = cards.get(i).id();
            int first = index.putIfAbsent(id, i);
            if (first >= 0) {
                duplicate[i] = true;
                problems.add(new BacklogProblem(id.value(), "id", first < existing
                        ? "already in the graph"
                        : "duplicate id: " + position.apply(first) + " and " + position.apply(i)));
            }
        }

        // Dependencies, resolved to indices: the forward rows are filled in card order.
        int[] depStart = new int[n + 1];
        int[] depTo = new int[Math.max(16, n)];
        int edges = 0;
        for (int i = 0; i < n; i++) {
            depStart[i] = edges;
            CardSpec card = cards.get(i);
            List<CardId> deps = card.dependencies();
            for (int d = 0, count = deps.size(); d < count; d++) {
                CardId dep = deps.get(d);
                int target = index.get(dep);
                if (target < 0) {
                    problems.add(new BacklogProblem(card.id().value(), "dependencies", "unknown card '" + dep + "'"));
                } else if (dep.equals(card.id())) {
                    problems.add(new BacklogProblem(card.id().value(), "dependencies", "depends on itself"));
                } else if (!duplicate[i]) {
                    if (edges == depTo.length) {
                        depTo = Arrays.copyOf(depTo, edges * 2);
                    }
                    depTo[edges++] = target;
                }
            }
        }
        depStart[n] = edges;
        depTo = Arrays.copyOf(depTo, edges);

        // Dependents: counted, then filled in card order so each row is in backlog order.
        int[] revStart = new int[n + 1];
        for (int k = 0; k < edges; k++) {
            revStart[depTo[k] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            revStart[i + 1] += revStart[i];
        }
        int[] revTo = new int[edges];
        int[] fill = Arrays.copyOf(revStart, n);
        for (int i = 0; i < n; i++) {
            for (int k = depStart[i]; k < depStart[i + 1]; k++) {
                revTo[fill[depTo[k]]++] = i;
            }
        }

        // Kahn's algorithm; among ready cards the lowest index (backlog order) goes first.
        int[] waiting = new int[n];
        IntHeap ready = new IntHeap(n);
        for (int i = 0; i < n; i++) {
            waiting[i] = depStart[i + 1] - depStart[i];
            if (waiting[i] == 0) {
                ready.push(i);
            }
        }
        int[] order = new int[n];
        int placed = 0;
        while (!ready.isEmpty()) {
            int v = ready.pop();
            order[placed++] = v;
            for (int k = revStart[v]; k < revStart[v + 1]; k++) {
                if (--waiting[revTo[k]] == 0) {
                    ready.push(revTo[k]);
                }
            }
        }
        if (placed < n) {
            reportCycles(cards, depStart, depTo, waiting, problems);
        }
        if (problems.size() > problemsBefore) {
            return null;
        }

        int[] criticalPath = new int[n];
        for (int k = n - 1; k >= 0; k--) {
            int v = order[k];
            int longest = 0;
            for (int e = revStart[v]; e < revStart[v + 1]; e++) {
                longest = Math.max(longest, criticalPath[revTo[e]] + 1);
            }
            criticalPath[v] = longest;
        }
        return new DependencyGraph(List.copyOf(cards), index, depStart, depTo, revStart, revTo, order, criticalPath);
    }

    /**
     * Reports one cycle per strongly connected component among the cards Kahn's algorithm could not
     * place (those with {@code waiting > 0}). Iterative Tarjan, so deep graphs do not overflow the stack.
     */
    private static void reportCycles(List<CardSpec> cards, int[] depStart, int[] depTo, int[] waiting,
                                     List<BacklogProblem> problems) {
        int n = cards.size();
        int[] low = new int[n];
        int[] number = new int[n];
        int[] component = new int[n];
        Arrays.fill(component, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int sp = 0;
        int counter = 0;
        int components = 0;
        for (int root = 0; root < n; root++) {
            if (waiting[root] == 0 || number[root] != 0) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = depStart[root];
            number[root] = low[root] = ++counter;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = callNode[depth];
                if (callEdge[depth] < depStart[v + 1]) {
                    int w = depTo[callEdge[depth]++];
                    if (waiting[w] == 0) {
                        continue;
                    }
                    if (number[w] == 0) {
                        number[w] = low[w] = ++counter;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = depStart[w];
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], number[w]);
                    }
                    continue;
                }
                if (low[v] == number[v]) {
                    int size = 0;
                    int first = v;
                    int w;
                    do {
                        w = stack[--sp];
                        onStack[w] = false;
                        component[w] = components;
                        first = Math.min(first, w);
                        size++;
                    } while (w != v);
                    if (size > 1) {
                        problems.add(cycleThrough(cards, depStart, depTo, component, components, first));
                    }
                    components++;
                }
                depth--;
                if (depth >= 0) {
                    int parent = callNode[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
    }

    /**
     * The problem naming the shortest cycle through {@code start}, the component's first card in
     * backlog order, found by a breadth-first search along "depends on" edges that stays inside the
     * component. The cycle is printed in the direction of the edges: {@code A -> B} means A depends on B.
     */
    private static BacklogProblem cycleThrough(List<CardSpec> cards, int[] depStart, int[] depTo, int[] component,
                                               int c, int start) {
        Map<Integer, Integer> cameFrom = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        int last = -1;
        search:
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int k = depStart[v]; k < depStart[v + 1]; k++) {
                int w = depTo[k];
                if (component[w] != c) {
                    continue;
                }
                if (w == start) {
                    last = v;
                    break search;
                }
                if (!cameFrom.containsKey(w)) {
                    cameFrom.put(w, v);
                    queue.add(w);
                }
            }
        }
        List<String> path = new ArrayList<>();
        path.add(cards.get(start).id().value());
        for (int v = last; v != start; v = cameFrom.get(v)) {
            path.add(cards.get(v).id().value());
        }
        path.add(cards.get(start).id().value());
        // The walk back from the end produced start, last, ..., start; reverse the middle.
        Collections.reverse(path.subList(1, path.size() - 1));
        return new BacklogProblem(cards.get(start).id().value(), "dependencies",
                "dependency cycle: " + String.join(" -> ", path));
    }

    /** Open-addressing map from card id to its index; -1 means absent. */
    private static final class IdIndex {
        private final CardId[] keys;
        private final int[] values;
        private final int mask;
        private final int shift;

        /** Room for {@code expected} ids at a load factor of at most one half. */
        IdIndex(int expected) {
            int capacity = Integer.highestOneBit(Math.max(2, expected) * 2 - 1) << 1;
            keys = new CardId[capacity];
            values = new int[capacity];
            mask = capacity - 1;
            shift = Integer.numberOfLeadingZeros(mask);
        }

        int get(CardId id) {
            for (int slot = slot(id); ; slot = (slot + 1) & mask) {
                CardId key = keys[slot];
                if (key == null) {
                    return -1;
                }
                if (key.equals(id)) {
                    return values[slot];
                }
            }
        }

        /** Stores the index unless the id is there already; returns the existing index or -1. */
        int putIfAbsent(CardId id, int value) {
            for (int slot = slot(id); ; slot = (slot + 1) & mask) {
                CardId key = keys[slot];
                if (key == null) {
                    keys[slot] = id;
                    values[slot] = value;
                    return -1;
                }
                if (key.equals(id)) {
                    return values[slot];
                }
            }
        }

        /** Fibonacci hashing: the top bits of the product spread even poorly mixed hash codes. */
        private int slot(CardId id) {
            return (id.hashCode() * 0x9E3779B9) >>> shift;
        }
    }

    /** A binary min-heap of ints with a fixed capacity. */
    private static final class IntHeap {
        private final int[] heap;
        private int size;

        IntHeap(int capacity) {
            heap = new int[Math.max(1, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(int value) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        }

        int pop() {
            int top = heap[0];
            int value = heap[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (value <= heap[child]) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = value;
            return top;
        }
    }
}
