package dev.orquestra;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a card's validation history: a verdict, the attempt it judged, and when.
 *
 * @param attempt the attempt judged, from 1
 * @param verdict the verdict as the pipeline recorded it (after any score threshold)
 * @param at      when the verdict was recorded
 */
public record ValidationRecord(int attempt, Verdict verdict, Instant at) {

    public ValidationRecord {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(at, "at");
    }
}
