package dev.orquestra.internal.engine;

import dev.orquestra.Check;
import dev.orquestra.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** How a check's passing score applies to a verdict before the card records it. */
final class Judging {

    private Judging() {
    }

    /**
     * The verdict as the card records it: under the check's name, and failed with a reason when the check
     * has a passing score and the verdict's score is missing or below it.
     */
    static Verdict judge(Check check, Verdict verdict) {
        String name = check.name();
        Verdict named = verdict.validator().equals(name) ? verdict : verdict.withValidator(name);
        OptionalDouble passingScore = check.passingScore();
        if (passingScore.isEmpty() || !named.passed()) {
            return named;
        }
        double minimum = passingScore.getAsDouble();
        if (named.score() == null) {
            return failed(named, name + " gave no score; " + minimum + " is required");
        }
        if (named.score() < minimum) {
            return failed(named, name + " scored " + named.score() + ", below the passing score " + minimum);
        }
        return named;
    }

    private static Verdict failed(Verdict v, String reason) {
        List<String> reasons = new ArrayList<>(v.reasons());
        reasons.add(reason);
        return new Verdict(v.validator(), false, v.score(), reasons, v.feedback(), v.usage());
    }
}
