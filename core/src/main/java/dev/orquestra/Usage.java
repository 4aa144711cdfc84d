package dev.orquestra;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a piece of work consumed: model tokens and cost in US dollars. Agents, validators and the
 * debugger may report it with their results; cards and backlogs add it up.
 *
 * @param inputTokens  prompt tokens, never negative
 * @param outputTokens completion tokens, never negative
 * @param costUsd      cost in US dollars, never negative; kept exact as a {@link BigDecimal}
 */
public record Usage(long inputTokens, long outputTokens, BigDecimal costUsd) {

    /** Nothing consumed. */
    public static final Usage ZERO = new Usage(0, 0, BigDecimal.ZERO);

    public Usage {
        Objects.requireNonNull(costUsd, "costUsd");
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens must not be negative, was " + inputTokens);
        }
        if (outputTokens < 0) {
            throw new IllegalArgumentException("outputTokens must not be negative, was " + outputTokens);
        }
        if (costUsd.signum() < 0) {
            throw new IllegalArgumentException("costUsd must not be negative, was " + costUsd);
        }
    }

    /** Usage of the given tokens at the given cost, such as {@code Usage.of(1200, 300, "0.0042")}. */
    public static Usage of(long inputTokens, long outputTokens, String costUsd) {
        return new Usage(inputTokens, outputTokens, new BigDecimal(costUsd));
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The sum of this usage and another. */
    public Usage plus(Usage other) {
        if (other.isZero()) {
            return this;
        }
        if (isZero()) {
            return other;
        }
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens, costUsd.add(other.costUsd));
    }

    /** True when nothing was consumed. */
    @JsonIgnore
    public boolean isZero() {
        return inputTokens == 0 && outputTokens == 0 && costUsd.signum() == 0;
    }
}
