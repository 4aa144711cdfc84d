package dev.orquestra;

import dev.orquestra.internal.backlog.BacklogDifferences;
import java.io.IOException;
import java.nio.file.Path;
import dev.orquestra.internal.backlog.BacklogGraphs;
import dev.orquestra.internal.backlog.DependencyGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A backlog as submitted: a project's cards with their dependencies, in the seed's
 * {@code backlog_master.json} format. Immutable, and always valid: ids are unique, dependencies name
 * cards of the backlog and form no cycle. The canonical constructor checks this and refuses anything
 * else with one {@link BacklogException} that lists every problem.
 *
 * <p>Reading ({@link #read(Path)}, {@link BacklogReader}) takes the <em>plan</em> of each card and
 * nothing of its progress: the live-state fields a checkpoint writes ({@link #STATE_FIELDS}) are
 * ignored, so a submitted backlog starts every card from TODO, and the seed's correction and
 * escalation entries ({@code type} CORRECTION or ESCALATION with a {@code parent_card}) are skipped,
 * as they are records of a card's history rather than cards to schedule. To read progress back, use
 * {@link BacklogCheckpoint#read(Path)}.
 *
 * <p>A value: two backlogs are equal when their project, cards, metadata and extra fields are. It keeps
 * the dependency graph its validation built, so {@link #dependents(CardId)}, {@link
 * #transitiveDependents(CardId)} and {@link #longestChain()} cost nothing to prepare.
 */
public final class Backlog {

    /** The card fields the reader interprets, in the order a checkpoint writes them. */
    public static final List<String> CARD_FIELDS =
            List.of("id", "type", "title", "description", "owner", "priority", "dependencies");

    /**
     * The live-state fields of a card in a checkpoint, in the order they are written. A backlog
     * ignores them when it is read: a fresh submit starts every card from TODO.
     */
    public static final List<String> STATE_FIELDS = List.of("status", "attempt", "validation_history", "artifacts",
            "cost_tracking", "created_at", "started_at", "completed_at", "human_decisions", "escalation_needed");

    /** The top-level fields the reader interprets; everything else goes to {@link #extraFields()}. */
    public static final List<String> TOP_LEVEL_FIELDS = List.of("project", "cards", "metadata");

    static final Set<String> RESERVED_CARD_FIELDS = reservedCardFields();

    static {
        BacklogGraphs.register(b -> b.graph);
    }

    private final String project;
    private final List<CardSpec> cards;
    private final Map<String, Object> metadata;
    private final Map<String, Object> extraFields;
    private final DependencyGraph graph;

    /**
     * @param project     the seed's {@code project} field, or {@code ""}
     * @param cards       the cards, in backlog order
     * @param metadata    the seed's {@code metadata} object, kept in order and written back
     * @param extraFields every other top-level field of the input, kept in order and written back
     * @throws BacklogException when ids repeat, a dependency is unknown, a card depends on itself,
     *                          dependencies form a cycle, a card's metadata uses a field name the
     *                          format reserves, or an extra field shadows a top-level field
     */
    public Backlog(String project, List<CardSpec> cards, Map<String, Object> metadata,
                   Map<String, Object> extraFields) {
        this.project = project == null ? "" : project;
        this.cards = List.copyOf(cards);
        this.metadata = JsonValues.immutableObject(metadata);
        this.extraFields = JsonValues.immutableObject(extraFields);
        List<BacklogProblem> problems = new ArrayList<>();
        for (String field : extraFields.keySet()) {
            if (TOP_LEVEL_FIELDS.contains(field)) {
                problems.add(new BacklogProblem("backlog", field, "is a top-level field of the format, not an extra field"));
            }
        }
        for (CardSpec card : this.cards) {
            checkMetadata(card, problems);
        }
        this.graph = DependencyGraph.build(this.cards, 0, i -> "cards[" + i + "]", problems);
        if (!problems.isEmpty()) {
            throw new BacklogException(problems);
        }
    }

    /** The seed's {@code project} field, or {@code ""}. */
    public String project() {
        return project;
    }

    /** The cards, in backlog order. */
    public List<CardSpec> cards() {
        return cards;
    }

    /** The seed's {@code metadata} object, kept in order and written back. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Every other top-level field of the input, kept in order and written back. */
    public Map<String, Object> extraFields() {
        return extraFields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backlog b && project.equals(b.project) && cards.equals(b.cards)
                && metadata.equals(b.metadata) && extraFields.equals(b.extraFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(project, cards, metadata, extraFields);
    }

    @Override
    public String toString() {
        return "Backlog[project=" + project + ", cards=" + cards.size() + ", metadata=" + metadata
                + ", extraFields=" + extraFields + "]";
    }

    /**
     * How this backlog differs from {@code stored} (the one a store holds, say): a changed project, the
     * stored cards this one lacks, the cards it adds, the cards it specifies differently with the fields
     * that differ. One line per kind, each naming at most five card ids; empty when both hold the same
     * cards with the same specs. Metadata and extra top-level fields are not compared. This is the
     * difference {@link Orquestra#submit(Backlog)} refuses a backlog with.
     */
    public List<String> differencesFrom(Backlog stored) {
        Objects.requireNonNull(stored, "stored");
        return BacklogDifferences.between(stored.project, stored.cards, project, cards).lines();
    }

    /**
     * A backlog of the given cards with no metadata and no extra fields.
     *
     * @throws BacklogException as the canonical constructor
     */
    public static Backlog of(String project, List<CardSpec> cards) {
        return new Backlog(project, cards, Map.of(), Map.of());
    }

    /**
     * Reads a {@code backlog_master.json} file with the {@linkplain BacklogReader#standard() standard
     * reader}.
     *
     * @throws BacklogException listing every problem when the file is not a valid backlog
     * @throws IOException      when the file cannot be read
     */
    public static Backlog read(Path file) throws IOException {
        return BacklogReader.standard().read(file);
    }

    /**
     * Parses a backlog in the seed format with the {@linkplain BacklogReader#standard() standard
     * reader}.
     *
     * @throws BacklogException listing every problem when the text is not a valid backlog
     */
    public static Backlog parse(String json) {
        return BacklogReader.standard().parse(json);
    }

    /**
     * The cards that name this one among their dependencies, in backlog order.
     *
     * @throws IllegalArgumentException naming the id when the backlog has no such card
     */
    public List<CardId> dependents(CardId id) {
        return graph.dependents(id);
    }

    /**
     * Every card that waits on this one directly or through others: the cards a permanent rejection of
     * it would cancel, in backlog order.
     *
     * @throws IllegalArgumentException naming the id when the backlog has no such card
     */
    public List<CardId> transitiveDependents(CardId id) {
        return graph.transitiveDependents(id);
    }

    /**
     * How many cards the longest dependency chain holds (1 for cards without dependencies, 0 for an
     * empty backlog): the fewest rounds of work the backlog needs however many agents run.
     */
    public int longestChain() {
        int longest = 0;
        for (CardSpec c : cards) {
            longest = Math.max(longest, graph.criticalPath(c.id()) + 1);
        }
        return longest;
    }

    /**
     * Flags metadata a checkpoint could not write back faithfully: a field named like one the format
     * interprets, or the shape of a seed correction or escalation entry, which reading skips.
     */
    static void checkMetadata(CardSpec card, List<BacklogProblem> problems) {
        if (card.metadata().isEmpty()) {
            return;
        }
        for (String field : card.metadata().keySet()) {
            if (RESERVED_CARD_FIELDS.contains(field)) {
                problems.add(new BacklogProblem(card.id().value(), field,
                        "is a field of the backlog format and cannot be kept as metadata"));
            }
        }
        if (isHistoryEntry(card.type(), card.metadata().containsKey("parent_card"))) {
            problems.add(new BacklogProblem(card.id().value(), "parent_card",
                    "a card of type " + card.type() + " with a parent_card would be read back as a "
                            + "correction or escalation entry, not as a card"));
        }
    }

    /** True for the seed's correction and escalation entries, which are history, not cards. */
    static boolean isHistoryEntry(Object type, boolean hasParentCard) {
        return hasParentCard && type instanceof String t
                && (t.equalsIgnoreCase("CORRECTION") || t.equalsIgnoreCase("ESCALATION"));
    }

    private static Set<String> reservedCardFields() {
        Set<String> reserved = new HashSet<>(CARD_FIELDS);
        reserved.addAll(STATE_FIELDS);
        return Set.copyOf(reserved);
    }
}
