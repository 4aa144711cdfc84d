package dev.orquestra;

import dev.orquestra.internal.engine.StageRef;
import dev.orquestra.spi.Validator;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One validator in a pipeline stage, under the name its verdicts are recorded with (such as
 * {@code llm-judge}), with an optional passing score and its own concurrency limit. Immutable;
 * made with {@link Pipeline#check(String, Validator)}.
 */
public final class Check {

    /** Default concurrency of a check's queue: the seed's five workers. */
    public static final int DEFAULT_CONCURRENCY = 5;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final String name;
    private final Validator validator;
    private final Double passingScore;
    private final int concurrency;

    Check(String name, Validator validator, Double passingScore, int concurrency) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("check name '" + name
                    + "' must be lower case letters, digits, '-' and '_', starting with a letter");
        }
        if (StageRef.isReserved(name)) {
            throw new IllegalArgumentException("check name '" + name + "' is reserved");
        }
        this.name = name;
        this.validator = Objects.requireNonNull(validator, () -> "validator of check " + name);
        this.passingScore = passingScore;
        this.concurrency = concurrency;
    }

    /**
     * This check, passing only when the validator passes the work <em>and</em> scores it at least
     * {@code minimum} (0–10). A verdict without a score then fails. The default pipeline's
     * {@code llm-judge} uses 8.0.
     */
    public Check passingScore(double minimum) {
        if (Double.isNaN(minimum) || minimum < 0 || minimum > 10) {
            throw new IllegalArgumentException("passingScore must be between 0 and 10, was " + minimum);
        }
        return new Check(name, validator, minimum, concurrency);
    }

    /** This check with at most {@code limit} validations running at once (default {@value #DEFAULT_CONCURRENCY}). */
    public Check concurrency(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrency of check " + name + " must be at least 1, was " + limit);
        }
        return new Check(name, validator, passingScore, limit);
    }

    public String name() {
        return name;
    }

    public Validator validator() {
        return validator;
    }

    /** The minimum score, when one is required. */
    public OptionalDouble passingScore() {
        return passingScore == null ? OptionalDouble.empty() : OptionalDouble.of(passingScore);
    }

    public int concurrency() {
        return concurrency;
    }

    @Override
    public String toString() {
        return passingScore == null ? name : name + "(>=" + passingScore + ")";
    }
}
