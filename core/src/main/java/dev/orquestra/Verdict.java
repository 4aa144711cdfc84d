package dev.orquestra;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validator's judgement of a card's work.
 *
 * @param validator the validator's name (its pipeline stage, such as {@code llm-judge})
 * @param passed    whether the work passed
 * @param score     a score from 0 to 10, or {@code null} when the validator does not score; see
 *                  {@link #scoreValue()}
 * @param reasons   why it failed (or remarks when it passed); never null
 * @param feedback  structured advice for the next attempt, keyed by topic; never null
 * @param usage     what judging cost; {@link Usage#ZERO} when not reported
 */
public record Verdict(String validator, boolean passed, Double score, List<String> reasons,
                      Map<String, String> feedback, Usage usage) {

    public Verdict {
        Artifact.requireText(validator, "validator");
        if (score != null && (score.isNaN() || score < 0.0 || score > 10.0)) {
            throw new IllegalArgumentException("score must be between 0 and 10, was " + score);
        }
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        feedback = Map.copyOf(Objects.requireNonNull(feedback, "feedback"));
        usage = usage == null ? Usage.ZERO : usage;
    }

    /** A passing verdict with no score, reasons or feedback. */
    public static Verdict pass(String validator) {
        return new Verdict(validator, true, null, List.of(), Map.of(), Usage.ZERO);
    }

    /** A failing verdict with the given reasons. */
    public static Verdict fail(String validator, String... reasons) {
        if (reasons.length == 0) {
            throw new IllegalArgumentException("a failing verdict needs at least one reason");
        }
        return new Verdict(validator, false, null, Arrays.asList(reasons), Map.of(), Usage.ZERO);
    }

    /** This verdict with a score from 0 to 10. */
    public Verdict withScore(double value) {
        return new Verdict(validator, passed, value, reasons, feedback, usage);
    }

    /** This verdict with one more feedback entry. */
    public Verdict withFeedback(String topic, String advice) {
        Map<String, String> more = new LinkedHashMap<>(feedback);
        more.put(topic, advice);
        return new Verdict(validator, passed, score, reasons, more, usage);
    }

    /** This verdict with the given usage. */
    public Verdict withUsage(Usage value) {
        return new Verdict(validator, passed, score, reasons, feedback, value);
    }

    /** This verdict under another validator name (the pipeline records verdicts under stage names). */
    public Verdict withValidator(String name) {
        return new Verdict(name, passed, score, reasons, feedback, usage);
    }

    /** The score, when the validator gave one. */
    public Optional<Double> scoreValue() {
        return Optional.ofNullable(score);
    }
}
