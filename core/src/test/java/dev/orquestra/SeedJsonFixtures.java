package dev.orquestra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed-format backlog JSON for the reader's tests (cards and backlogs come from the testkit's
 * {@code Fixtures}).
 */
public final class SeedJsonFixtures {

    private SeedJsonFixtures() {
    }

    /** A builder of backlog JSON in the seed format. */
    public static SeedJsonBuilder seedJson() {
        return new SeedJsonBuilder();
    }

    /**
     * Builds backlog JSON in the seed format: {@code project}, {@code cards}, {@code metadata}. Cards
     * are JSON objects written as text, so tests can also write broken ones.
     */
    public static final class SeedJsonBuilder {
        private String project = "test";
        private final List<String> cards = new ArrayList<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private SeedJsonBuilder() {
        }

        public SeedJsonBuilder project(String value) {
            this.project = value;
            return this;
        }

        /** A card with an id, a title and dependencies; its owner comes from the id prefix. */
        public SeedJsonBuilder card(String id, String... dependencies) {
            StringBuilder deps = new StringBuilder();
            for (String dep : dependencies) {
                deps.append(deps.length() == 0 ? "" : ", ").append('"').append(dep).append('"');
            }
            return rawCard("{\"id\": \"" + id + "\", \"title\": \"Card " + id + "\", \"dependencies\": [" + deps + "]}");
        }

        /** A card given as JSON text, written as is. */
        public SeedJsonBuilder rawCard(String json) {
            cards.add(json);
            return this;
        }

        /** A metadata field whose value is JSON text, such as {@code "\"Fase 1\""} or {@code "121"}. */
        public SeedJsonBuilder metadata(String key, String jsonValue) {
            metadata.put(key, jsonValue);
            return this;
        }

        /** The document, one card per line: card {@code i} starts on line {@code i + 4}, column 5. */
        public String build() {
            StringBuilder json = new StringBuilder("{\n  \"project\": \"" + project + "\",\n  \"cards\": [\n");
            for (int i = 0; i < cards.size(); i++) {
                json.append("    ").append(cards.get(i)).append(i + 1 < cards.size() ? ",\n" : "\n");
            }
            json.append("  ],\n  \"metadata\": {");
            int i = 0;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.append(i++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(e.getValue());
            }
            return json.append("}\n}\n").toString();
        }
    }
}
