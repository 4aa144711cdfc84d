package dev.orquestra.spi;

import dev.orquestra.Verdict;
import java.util.concurrent.CompletionStage;

/**
 * A validation stage's judge: completes with a verdict on an attempt's artifacts. Must not block;
 * for blocking code implement {@link BlockingValidator}. An exceptional completion or a passed hard
 * time limit is retried with backoff, and when retries run out the stage rejects the attempt.
 */
@FunctionalInterface
public interface Validator {

    CompletionStage<Verdict> validate(Submission submission);

    /**
     * Wraps blocking code as a {@code Validator}: inside an engine it runs on the engine's bounded
     * blocking executor (see {@code OrquestraBuilder.blockingThreads}), never on an actor thread.
     */
    static Validator blocking(BlockingValidator code) {
        return new dev.orquestra.internal.dispatch.BlockingCalls.ValidatorAdapter(code, null);
    }
}
