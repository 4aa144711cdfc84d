package dev.orquestra;

import dev.orquestra.spi.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validation pipeline: ordered stages, each one check or a group of checks run in parallel.
 * Every check of every stage must pass for a card to be approved; any failure rejects the attempt
 * with the union of the failing checks' reasons. Immutable.
 *
 * <pre>{@code
 * Pipeline.of(blocking("verification", verifier),
 *             parallel(stage("llm-judge", judge).passingScore(8.0), stage("qa", qa)))
 * }</pre>
 */
public final class Pipeline {

    /** The default passing score of the {@code llm-judge} check, as in the seed. */
    public static final double DEFAULT_JUDGE_SCORE = 8.0;

    private static final Pipeline NONE = new Pipeline(List.of());

    private final List<Stage> stages;

    private Pipeline(List<Stage> stages) {
        Set<String> names = new HashSet<>();
        for (Stage s : stages) {
            for (Check c : s.checks()) {
                if (!names.add(c.name())) {
                    throw new IllegalArgumentException("check name '" + c.name() + "' is used twice in the pipeline");
                }
            }
        }
        this.stages = List.copyOf(stages);
    }

    /** A pipeline of the given stages, run in order. */
    public static Pipeline of(Stage... stages) {
        return new Pipeline(List.of(stages));
    }

    /** No validation: work is approved as soon as the owner submits it. */
    public static Pipeline none() {
        return NONE;
    }

    /**
     * The seed's pipeline: {@code verification} must pass first, then {@code llm-judge} (passing at
     * score {@value #DEFAULT_JUDGE_SCORE}) and {@code qa} run in parallel.
     */
    public static Pipeline defaults(Validator verification, Validator judge, Validator qa) {
        return of(blocking("verification", verification),
                parallel(stage("llm-judge", judge).passingScore(DEFAULT_JUDGE_SCORE), stage("qa", qa)));
    }

    /** A check: a validator under a name. Use it alone with {@link #of(Stage...)} via {@link #blocking} or in {@link #parallel}. */
    public static Check stage(String name, Validator validator) {
        return new Check(name, validator, null, Check.DEFAULT_CONCURRENCY);
    }

    /** A stage of one check that must pass before the next stage starts. */
    public static Stage blocking(String name, Validator validator) {
        return new Stage(List.of(stage(name, validator)));
    }

    /** A stage of one check that must pass before the next stage starts. */
    public static Stage blocking(Check check) {
        return new Stage(List.of(check));
    }

    /** A stage whose checks run in parallel; all must pass. */
    public static Stage parallel(Check... checks) {
        return new Stage(List.of(checks));
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Every check of every stage, in order. */
    public List<Check> checks() {
        List<Check> all = new ArrayList<>();
        stages.forEach(s -> all.addAll(s.checks()));
        return all;
    }

    /** The stage with the given name ({@link Stage#name()}), if the pipeline has it. */
    public Optional<Integer> indexOf(String stageName) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** This pipeline with the given check's settings replaced (matched by name). */
    public Pipeline withCheck(Check replacement) {
        List<Stage> next = new ArrayList<>();
        boolean found = false;
        for (Stage s : stages) {
            List<Check> checks = new ArrayList<>();
            for (Check c : s.checks()) {
                if (c.name().equals(replacement.name())) {
                    checks.add(replacement);
                    found = true;
                } else {
                    checks.add(c);
                }
            }
            next.add(new Stage(checks));
        }
        if (!found) {
            throw new IllegalArgumentException("the pipeline has no check named '" + replacement.name() + "'");
        }
        return new Pipeline(next);
    }

    @Override
    public String toString() {
        return stages.isEmpty() ? "Pipeline.none()"
                : stages.stream().map(Stage::toString).collect(Collectors.joining(" -> ", "Pipeline[", "]"));
    }
}
