package dev.orquestra.testkit;

import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.Validator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A validator for tests (a check of the pipeline: evidence, judge, QA, or one of your own). It answers
 * each submission, in this order, with: a {@linkplain #hold held call} for the card, then a
 * {@linkplain #failing failure} still owed to the card, then the verdict given for the card's attempt
 * ({@link #on}, {@link #rejecting}), then its default verdict. It records every submission. Thread-safe.
 *
 * <pre>{@code
 * ScriptedValidator judge = ScriptedValidator.passing()
 *         .rejecting("BE-001", 1, "missing error handling");   // BE-001 passes on its second attempt
 * }</pre>
 */
public final class ScriptedValidator implements Validator {

    private final Script<Submission, Verdict> script;

    private ScriptedValidator(Function<Submission, Verdict> decide) {
        Objects.requireNonNull(decide, "decide");
        this.script = new Script<>(s -> s.card().id().value(), Submission::attempt,
                s -> CompletableFuture.completedFuture(decide.apply(s)));
    }

    /** Passes every submission, with a score of 9. */
    public static ScriptedValidator passing() {
        return new ScriptedValidator(s -> Verdict.pass(s.stage()).withScore(9.0));
    }

    /** Decides every submission no other rule answers with this function. */
    public static ScriptedValidator by(Function<Submission, Verdict> decide) {
        return new ScriptedValidator(decide);
    }

    /** The verdict on the given attempt of the card (attempts count from 1). */
    public ScriptedValidator on(String cardId, int attempt, Verdict verdict) {
        Objects.requireNonNull(verdict, "verdict");
        script.on(cardId, attempt, s -> CompletableFuture.completedFuture(verdict));
        return this;
    }

    /** Rejects the given attempt of the card with these reasons, under the stage's name and a score of 4. */
    public ScriptedValidator rejecting(String cardId, int attempt, String... reasons) {
        script.on(cardId, attempt, s -> CompletableFuture.completedFuture(Verdict.fail(s.stage(), reasons).withScore(4.0)));
        return this;
    }

    /** The next {@code times} submissions of the card fail with an exception, as a validator that is down would. */
    public ScriptedValidator failing(String cardId, int times) {
        script.failing(cardId, times);
        return this;
    }

    /** Holds the next submission of the card until the test answers it. */
    public Hold<Submission, Verdict> hold(String cardId) {
        return script.hold(cardId);
    }

    @Override
    public CompletionStage<Verdict> validate(Submission submission) {
        return script.call(submission);
    }

    /** Every submission received, in the order they arrived. */
    public List<Submission> seen() {
        return script.calls();
    }

    /** The submissions of one card, in the order they arrived. */
    public List<Submission> seenFor(String cardId) {
        return script.callsFor(cardId);
    }

    /** The most submissions that were being judged at once. */
    public int maxRunning() {
        return script.maxRunning();
    }
}
