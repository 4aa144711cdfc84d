package dev.orquestra.testkit;

import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.Validator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Validators for tests. */
public final class Verdicts {

    private Verdicts() {
    }

    /** Passes everything, scoring 9. */
    public static Validator passing() {
        return s -> CompletableFuture.completedFuture(Verdict.pass(s.stage()).withScore(9.0));
    }

    /** Decides from the submission. */
    public static Validator by(Function<Submission, Verdict> decide) {
        return s -> CompletableFuture.completedFuture(decide.apply(s));
    }

    /** A validator that records what it judged and decides from the submission. */
    public static final class Recording implements Validator {
        private final List<Submission> seen = new CopyOnWriteArrayList<>();
        private final Function<Submission, Verdict> decide;

        public Recording(Function<Submission, Verdict> decide) {
            this.decide = decide;
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> validate(Submission submission) {
            seen.add(submission);
            return CompletableFuture.completedFuture(decide.apply(submission));
        }

        public List<Submission> seen() {
            return List.copyOf(seen);
        }
    }
}
