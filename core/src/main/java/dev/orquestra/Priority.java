package dev.orquestra;

import java.util.Locale;
import java.util.Optional;

/**
 * How urgent a card is. The weights are the seed's: a higher weight is dispatched first.
 * A card with no priority is {@link #MEDIUM}.
 */
public enum Priority {
    CRITICAL(10),
    HIGH(7),
    MEDIUM(5),
    LOW(3);

    private final int weight;

    Priority(int weight) {
        this.weight = weight;
    }

    /** The seed's numeric priority: CRITICAL 10, HIGH 7, MEDIUM 5, LOW 3. */
    public int weight() {
        return weight;
    }

    /** Parses a priority name, ignoring case; empty when the text names no priority. */
    public static Optional<Priority> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String upper = text.trim().toUpperCase(Locale.ROOT);
        for (Priority p : values()) {
            if (p.name().equals(upper)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
