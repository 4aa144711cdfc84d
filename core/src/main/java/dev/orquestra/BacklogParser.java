package dev.orquestra;

import dev.orquestra.internal.backlog.DependencyGraph;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.orquestra.SeedJson.Fields;
import dev.orquestra.SeedJson.JsonObject;
import dev.orquestra.SeedJson.ValueReader;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One read of a backlog or checkpoint document: streams the top level and the {@code cards} array
 * one card at a time (so each card's line:column is known), checks every field by hand and collects
 * every problem, then checks the dependency graph. Used once, by {@link BacklogReader}.
 */
final class BacklogParser {

    /** A bit per field the format defines (card fields, then live-state fields), to catch repeats. */
    private static final Map<String, Integer> FIELD_BITS = fieldBits();

    /** Stands in for an owner that could not be resolved; the backlog is refused anyway. */
    private static final Role UNRESOLVED = Role.of("UNRESOLVED_OWNER");

    /** What a read produced; {@code reports} is null unless a checkpoint was read. */
    record Result(Backlog backlog, List<CardReport> reports) {
        BacklogCheckpoint checkpoint() {
            return new BacklogCheckpoint(backlog, reports);
        }
    }

    /** A seed correction or escalation entry, kept until every card is known. */
    private record HistoryEntry(String at, JsonObject entry) {
    }

    private final Set<Role> roles;
    private final Map<String, Role> prefixes;
    private final boolean checkpoint;

    private final List<BacklogProblem> problems = new ArrayList<>();
    private String project = "";
    private Map<String, Object> metadata = Map.of();
    private final Map<String, Object> extraFields = new LinkedHashMap<>();
    private boolean isObject;
    private boolean sawCards;
    private boolean malformed;

    private final ValueReader values = new ValueReader();
    private final List<CardSpec> specs = new ArrayList<>();
    /** Card id to the index of the first spec with it. */
    private final Map<String, Integer> firstIndex = new HashMap<>();
    /** Per spec: its index in {@code cards}, line and column. */
    private int[] positions = new int[3 * 64];
    private final List<CardReport> reports = new ArrayList<>();
    private final List<HistoryEntry> history = new ArrayList<>();

    BacklogParser(Set<Role> roles, Map<String, Role> prefixes, boolean checkpoint) {
        this.roles = roles;
        this.prefixes = prefixes;
        this.checkpoint = checkpoint;
    }

    /**
     * Reads the whole document.
     *
     * @throws BacklogException listing every problem found
     * @throws IOException      when the source cannot be read (not for malformed JSON)
     */
    Result run(JsonParser p) throws IOException {
        try {
            document(p);
        } catch (JsonProcessingException e) {
            malformed("malformed JSON: " + e.getOriginalMessage(), e.getLocation());
        } catch (CharConversionException e) {
            malformed("malformed JSON: " + e.getMessage(), p.currentLocation());
        }
        if (malformed || !isObject) {
            throw new BacklogException(problems);
        }
        if (!sawCards) {
            problems.add(new BacklogProblem("backlog", "cards", "missing"));
        }
        if (checkpoint) {
            foldHistory();
        }
        BacklogException graphProblems = null;
        if (problems.isEmpty()) {
            // The backlog checks its graph itself; checking it here as well would double the work.
            try {
                return new Result(new Backlog(project, specs, metadata, extraFields), checkpoint ? reports : null);
            } catch (BacklogException e) {
                graphProblems = e;
            }
        }
        // Refused: check the graph here too, so duplicate ids are reported with their line:column.
        DependencyGraph.build(specs, 0, this::position, problems);
        if (problems.isEmpty()) {
            throw graphProblems;
        }
        throw new BacklogException(problems);
    }

    private void document(JsonParser p) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            problems.add(new BacklogProblem("backlog", "", "the input is empty; expected a JSON object with 'cards'"));
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            String at = at(p.currentTokenLocation());
            Object value = values.value(p);
            problems.add(new BacklogProblem(at, "",
                    "the backlog must be a JSON object, was " + SeedJson.typeName(value)));
            return;
        }
        isObject = true;
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!seen.add(name)) {
                throw ValueReader.duplicate(p, name);
            }
            token = p.nextToken();
            String at = at(p.currentTokenLocation());
            switch (name) {
                case "project" -> {
                    Object value = values.value(p);
                    if (value instanceof String s) {
                        project = s;
                    } else if (value != null) {
                        problems.add(new BacklogProblem(at, "project", "must be a string, was " + SeedJson.typeName(value)));
                    }
                }
                case "metadata" -> {
                    Object value = values.value(p);
                    if (value instanceof JsonObject object) {
                        metadata = object;
                    } else if (value != null) {
                        problems.add(new BacklogProblem(at, "metadata", "must be an object, was " + SeedJson.typeName(value)));
                    }
                }
                case "cards" -> {
                    sawCards = true;
                    if (token == JsonToken.START_ARRAY) {
                        cards(p);
                    } else {
                        Object value = values.value(p);
                        problems.add(new BacklogProblem(at, "cards", "must be an array, was " + SeedJson.typeName(value)));
                    }
                }
                default -> extraFields.put(name, values.value(p));
            }
        }
        if (p.nextToken() != null) {
            problems.add(new BacklogProblem(at(p.currentTokenLocation()), "",
                    "unexpected content after the backlog object"));
        }
    }

    private void cards(JsonParser p) throws IOException {
        int index = 0;
        for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken(), index++) {
            JsonLocation location = p.currentTokenLocation();
            int line = location.getLineNr();
            int column = location.getColumnNr();
            if (token != JsonToken.START_OBJECT) {
                Object value = values.value(p);
                problems.add(new BacklogProblem(position(index, line, column), "",
                        "a card must be an object, was " + SeedJson.typeName(value)));
                continue;
            }
            card(p, index, line, column);
        }
    }

    /**
     * Reads one card straight from the parser: the fields the format defines into locals, live state
     * (kept only for a checkpoint) and every other field in order. Then checks it.
     */
    private void card(JsonParser p, int index, int line, int column) throws IOException {
        Object idValue = null;
        Object type = null;
        Object title = null;
        Object description = null;
        Object ownerValue = null;
        Object priorityValue = null;
        Object dependencyValue = null;
        JsonObject state = null;
        Map<String, Object> others = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int bit = FIELD_BITS.getOrDefault(name, 0);
            if ((seen & bit) != 0 || bit == 0 && others != null && others.containsKey(name)) {
                throw ValueReader.duplicate(p, name);
            }
            seen |= bit;
            p.nextToken();
            switch (name) {
                case "id" -> idValue = values.value(p);
                case "type" -> type = values.value(p);
                case "title" -> title = values.value(p);
                case "description" -> description = values.value(p);
                case "owner" -> ownerValue = values.value(p);
                case "priority" -> priorityValue = values.value(p);
                case "dependencies" -> dependencyValue = values.value(p);
                default -> {
                    if (bit == 0) {
                        if (others == null) {
                            others = new LinkedHashMap<>();
                        }
                        others.put(name, values.value(p));
                    } else if (checkpoint) {
                        if (state == null) {
                            state = new JsonObject();
                        }
                        state.put(name, values.value(p));
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        if (Backlog.isHistoryEntry(type, others != null && others.containsKey("parent_card"))) {
            if (checkpoint) {
                JsonObject entry = new JsonObject();
                entry.put("id", idValue);
                entry.put("type", type);
                if (state != null) {
                    entry.putAll(state);
                }
                entry.putAll(others);
                history.add(new HistoryEntry(position(index, line, column), entry));
            }
            return;
        }

        CardId id = null;
        if (idValue == null) {
            problems.add(new BacklogProblem(position(index, line, column), "id", "missing"));
        } else if (!(idValue instanceof String text)) {
            problems.add(new BacklogProblem(position(index, line, column), "id",
                    "must be a string, was " + SeedJson.typeName(idValue)));
        } else {
            try {
                id = CardId.of(text);
            } catch (IllegalArgumentException e) {
                problems.add(new BacklogProblem(position(index, line, column), "id", e.getMessage()));
            }
        }
        Fields fields = new Fields(id != null ? id.value() : position(index, line, column), problems);
        String typeText = text(type, "type", fields);
        String titleText = text(title, "title", fields);
        String descriptionText = text(description, "description", fields);
        Priority priority = priority(priorityValue, fields);
        Role owner = owner(ownerValue, id, fields);
        List<CardId> dependencies = dependencies(dependencyValue, fields);
        if (id == null) {
            return;
        }
        CardSpec spec = new CardSpec(id, typeText, titleText, descriptionText, owner == null ? UNRESOLVED : owner,
                priority, dependencies, others == null ? Map.of() : others);
        int k = specs.size();
        if (3 * k + 3 > positions.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
        }
        positions[3 * k] = index;
        positions[3 * k + 1] = line;
        positions[3 * k + 2] = column;
        specs.add(spec);
        firstIndex.putIfAbsent(id.value(), k);
        if (checkpoint) {
            reports.add(CheckpointFormat.readReport(spec, state == null ? new JsonObject() : state, fields));
        }
    }

    private static String text(Object value, String field, Fields fields) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        fields.problem(field, "must be a string, was " + SeedJson.typeName(value));
        return "";
    }

    private static Priority priority(Object value, Fields fields) {
        if (value == null) {
            return Priority.MEDIUM;
        }
        if (!(value instanceof String text)) {
            fields.problem("priority", "must be a string, was " + SeedJson.typeName(value));
            return Priority.MEDIUM;
        }
        return Priority.parse(text).orElseGet(() -> {
            fields.problem("priority", "unknown priority '" + text + "'; expected CRITICAL, HIGH, MEDIUM or LOW");
            return Priority.MEDIUM;
        });
    }

    /** The owner field's role, else the id prefix's; null (with a problem) when neither names a known role. */
    private Role owner(Object value, CardId id, Fields fields) {
        if (value != null) {
            if (!(value instanceof String text)) {
                fields.problem("owner", "must be a string, was " + SeedJson.typeName(value));
                return null;
            }
            try {
                Role role = Role.of(text);
                if (roles.contains(role)) {
                    return role;
                }
            } catch (IllegalArgumentException notARoleName) {
                // it may still be a prefix alias
            }
            Role alias = prefixes.get(text.trim().toUpperCase(Locale.ROOT));
            if (alias != null) {
                return alias;
            }
            fields.problem("owner", "unknown role '" + text + "'; known roles are " + roles);
            return null;
        }
        if (id == null) {
            return null;
        }
        String prefix = id.prefix();
        Role role = prefixes.get(prefix.toUpperCase(Locale.ROOT));
        if (role == null) {
            fields.problem("owner", "unknown role: no owner field, and the id prefix '" + prefix
                    + "' maps to no role (known prefixes: " + prefixes.keySet() + ")");
        }
        return role;
    }

    /** Valid, distinct dependency ids; anything else becomes a problem. */
    private List<CardId> dependencies(Object value, Fields fields) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            fields.problem("dependencies", "must be an array of card ids, was " + SeedJson.typeName(value));
            return List.of();
        }
        List<CardId> ids = new ArrayList<>(list.size());
        Set<CardId> seen = list.size() > 8 ? new HashSet<>() : null;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String text)) {
                fields.problem("dependencies[" + i + "]", "must be a card id, was " + SeedJson.typeName(list.get(i)));
                continue;
            }
            Integer known = firstIndex.get(text);
            CardId dep;
            if (known != null) {
                dep = specs.get(known).id();   // one instance per id, not one per reference
            } else {
                try {
                    dep = CardId.of(text);
                } catch (IllegalArgumentException e) {
                    fields.problem("dependencies[" + i + "]", e.getMessage());
                    continue;
                }
            }
            if (seen != null ? !seen.add(dep) : ids.contains(dep)) {
                fields.problem("dependencies", "lists '" + dep + "' twice");
                continue;
            }
            ids.add(dep);
        }
        return ids;
    }

    /** Folds the seed's correction and escalation entries into the reports of their cards. */
    private void foldHistory() {
        if (history.isEmpty()) {
            return;
        }
        Map<Integer, List<CorrectionRecord>> corrections = new HashMap<>();
        Map<Integer, EscalationRecord> escalations = new HashMap<>();
        for (HistoryEntry h : history) {
            Object idValue = h.entry().get("id");
            Fields fields = new Fields(idValue instanceof String s && !s.isBlank() ? s : h.at(), problems);
            Object parentValue = h.entry().get("parent_card");
            Integer parent = null;
            if (!(parentValue instanceof String parentId)) {
                fields.problem("parent_card", "must be a card id, was " + SeedJson.typeName(parentValue));
            } else {
                parent = firstIndex.get(parentId);
                if (parent == null) {
                    fields.problem("parent_card", "unknown card '" + parentId + "'");
                }
            }
            boolean correction = "CORRECTION".equalsIgnoreCase((String) h.entry().get("type"));
            if (correction) {
                CorrectionRecord record = CheckpointFormat.readCorrection(h.entry(), fields);
                if (record != null && parent != null) {
                    corrections.computeIfAbsent(parent, k -> new ArrayList<>()).add(record);
                }
            } else {
                EscalationRecord record = CheckpointFormat.readEscalation(h.entry(), fields);
                if (record != null && parent != null && escalations.putIfAbsent(parent, record) != null) {
                    fields.problem("parent_card", "card " + specs.get(parent).id() + " has more than one escalation entry");
                }
            }
        }
        for (int k = 0; k < reports.size(); k++) {
            CardReport r = reports.get(k);
            List<CorrectionRecord> c = corrections.get(k);
            EscalationRecord e = escalations.get(k);
            if (r != null && (c != null || e != null)) {
                reports.set(k, new CardReport(r.spec(), r.status(), r.attempt(), r.validationHistory(), r.artifacts(),
                        r.usage(), r.createdAt(), r.startedAt(), r.completedAt(), r.decisions(),
                        c == null ? List.of() : c, e));
            }
        }
    }

    private static Map<String, Integer> fieldBits() {
        Map<String, Integer> bits = new HashMap<>();
        for (String field : Backlog.CARD_FIELDS) {
            bits.put(field, 1 << bits.size());
        }
        for (String field : Backlog.STATE_FIELDS) {
            bits.put(field, 1 << bits.size());
        }
        return Map.copyOf(bits);
    }

    private void malformed(String message, JsonLocation at) {
        malformed = true;
        problems.add(new BacklogProblem(at == null ? "backlog" : at(at), "", message));
    }

    private String position(int k) {
        return position(positions[3 * k], positions[3 * k + 1], positions[3 * k + 2]);
    }

    private static String position(int index, int line, int column) {
        return "cards[" + index + "] at " + line + ":" + column;
    }

    private static String at(JsonLocation location) {
        return location.getLineNr() + ":" + location.getColumnNr();
    }
}
