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
 * Pipeline.of(single("verification", verifier),
 *             parallel(check("llm-judge", judge).passingScore(8.0), check("qa", qa)))
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
        return of(single("verification", verification),
                parallel(check("llm-judge", judge).passingScore(DEFAULT_JUDGE_SCORE), check("qa", qa)));
    }

    /**
     * A check: a validator under a name, with its settings ({@link Check#passingScore(double)},
     * {@link Check#concurrency(int)}). Make it a stage of its own with {@link #single(Check)}, or run it
     * beside others with {@link #parallel(Check...)}.
     */
    public static Check check(String name, Validator validator) {
        return new Check(name, validator, null, Check.DEFAULT_CONCURRENCY);
    }

    /** A stage of one check, which must pass before the next stage starts. */
    public static Stage single(String name, Validator validator) {
        return new Stage(List.of(check(name, validator)));
    }

    /** A stage of one check, which must pass before the next stage starts. */
    public static Stage single(Check check) {
        return new Stage(List.of(check));
    }

    /**
     * The old name of {@link #check(String, Validator)}: it makes a check, not a stage.
     *
     * @deprecated use {@link #check(String, Validator)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Check stage(String name, Validator validator) {
        return check(name, validator);
    }

    /**
     * The old name of {@link #single(String, Validator)}; it read like {@code Agent.blocking}, which means
     * something else (code that blocks a thread).
     *
     * @deprecated use {@link #single(String, Validator)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Stage blocking(String name, Validator validator) {
        return single(name, validator);
    }

    /**
     * The old name of {@link #single(Check)}.
     *
     * @deprecated use {@link #single(Check)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Stage blocking(Check check) {
        return single(check);
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
