package dev.orquestra.examples.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON a run writes with {@code --report}, read back. */
record RunReport(JsonNode json) {

    static RunReport read(Path file) {
        try {
            return new RunReport(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report " + file, e);
        }
    }

    int count(String status) {
        return json.path("by_status").path(status).asInt(-1);
    }

    /** How each card ended: {@code "DONE after 1"}, by card id. */
    Map<String, String> endings() {
        Map<String, String> endings = new TreeMap<>();
        json.path("cards").properties().forEach(e -> endings.put(e.getKey(),
                e.getValue().path("status").asText() + " after " + e.getValue().path("attempt").asInt()));
        return endings;
    }

    /** The cards awaiting review, in the report's order. */
    List<String> awaitingReview() {
        List<String> ids = new ArrayList<>();
        json.path("awaiting_review").forEach(a -> ids.add(a.path("card").asText()));
        return ids;
    }
}
