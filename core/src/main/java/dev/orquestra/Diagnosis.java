package dev.orquestra;

import java.util.List;
import java.util.Objects;

/**
 * The debugger's finding on a failure that keeps repeating: its root cause and what to try next.
 * It travels in the next attempt's work order.
 *
 * @param rootCause   the most likely cause
 * @param suggestions concrete changes to try, in order
 * @param usage       what the investigation cost
 */
public record Diagnosis(String rootCause, List<String> suggestions, Usage usage) {

    public Diagnosis {
        Artifact.requireText(rootCause, "rootCause");
        suggestions = List.copyOf(Objects.requireNonNull(suggestions, "suggestions"));
        usage = usage == null ? Usage.ZERO : usage;
    }
}
