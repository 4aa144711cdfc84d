package dev.orquestra.internal.backlog;

import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a given backlog differs from the one a store holds: the project, the cards of the stored one it
 * lacks, the cards it adds, and the cards it specifies differently (with the fields that differ). Each
 * kind is one line naming at most {@value #SAMPLE} card ids. Metadata and extra top-level fields are
 * not compared: they describe the document, not the work.
 */
public record BacklogDifferences(String project, List<String> missing, List<CardSpec> added, List<String> changed) {

    /** Card ids named per line. */
    public static final int SAMPLE = 5;

    public BacklogDifferences {
        missing = List.copyOf(missing);
        added = List.copyOf(added);
        changed = List.copyOf(changed);
    }

    /**
     * @param storedProject the stored backlog's project
     * @param stored        its cards, in order
     * @param givenProject  the given backlog's project
     * @param given         its cards, in order
     */
    public static BacklogDifferences between(String storedProject, List<CardSpec> stored, String givenProject,
                                             List<CardSpec> given) {
        Map<CardId, CardSpec> storedCards = new LinkedHashMap<>(stored.size() * 2);
        stored.forEach(c -> storedCards.put(c.id(), c));
        Map<CardId, CardSpec> givenCards = new LinkedHashMap<>(given.size() * 2);
        given.forEach(c -> givenCards.put(c.id(), c));
        List<String> missing = new ArrayList<>();
        for (CardId id : storedCards.keySet()) {
            if (!givenCards.containsKey(id)) {
                missing.add(id.value());
            }
        }
        List<CardSpec> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (CardSpec card : given) {
            CardSpec was = storedCards.get(card.id());
            if (was == null) {
                added.add(card);
            } else if (!was.equals(card)) {
                changed.add(card.id() + " (" + String.join(", ", changedFields(was, card)) + ")");
            }
        }
        String project = Objects.equals(storedProject, givenProject) ? null
                : "project '" + givenProject + "' instead of '" + storedProject + "'";
        return new BacklogDifferences(project, missing, added, changed);
    }

    /** True when the given backlog holds the stored one's cards, specified the same, and nothing else. */
    public boolean none() {
        return project == null && missing.isEmpty() && added.isEmpty() && changed.isEmpty();
    }

    /** True when the given backlog only adds cards to the stored one. */
    public boolean onlyAdds() {
        return project == null && missing.isEmpty() && changed.isEmpty();
    }

    /** Every difference, one line per kind. */
    public List<String> lines() {
        return lines(true);
    }

    /** Every difference but the added cards, one line per kind. */
    public List<String> linesBesidesAdded() {
        return lines(false);
    }

    private List<String> lines(boolean withAdded) {
        List<String> lines = new ArrayList<>();
        if (project != null) {
            lines.add(project);
        }
        if (!missing.isEmpty()) {
            lines.add(count(missing.size(), "of the stored backlog's card is", "of the stored backlog's cards are")
                    + " not in it: " + sample(missing));
        }
        if (withAdded && !added.isEmpty()) {
            lines.add(count(added.size(), "card is", "cards are") + " not in the stored backlog: "
                    + sample(added.stream().map(c -> c.id().value()).toList()));
        }
        if (!changed.isEmpty()) {
            lines.add(count(changed.size(), "card is", "cards are") + " specified differently: " + sample(changed));
        }
        return lines;
    }

    private static List<String> changedFields(CardSpec a, CardSpec b) {
        List<String> fields = new ArrayList<>();
        if (!a.type().equals(b.type())) {
            fields.add("type");
        }
        if (!a.title().equals(b.title())) {
            fields.add("title");
        }
        if (!a.description().equals(b.description())) {
            fields.add("description");
        }
        if (!a.owner().equals(b.owner())) {
            fields.add("owner");
        }
        if (a.priority() != b.priority()) {
            fields.add("priority");
        }
        if (!a.dependencies().equals(b.dependencies())) {
            fields.add("dependencies");
        }
        if (!a.metadata().equals(b.metadata())) {
            fields.add("other fields");
        }
        return fields;
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String sample(List<String> items) {
        int shown = Math.min(SAMPLE, items.size());
        return String.join(", ", items.subList(0, shown)) + (items.size() > shown ? ", ..." : "");
    }
}
