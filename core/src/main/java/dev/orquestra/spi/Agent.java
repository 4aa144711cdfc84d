package dev.orquestra.spi;

import java.util.concurrent.CompletionStage;

/**
 * An owner agent: does one attempt at a card and completes with its artifacts. Must not block the
 * calling thread; for blocking code implement {@link BlockingAgent} instead. A stage that completes
 * exceptionally, returns {@link WorkResult#failed}, or passes the hard time limit is retried with
 * backoff; retries use the same idempotency key.
 */
@FunctionalInterface
public interface Agent {

    CompletionStage<WorkResult> perform(WorkOrder order);

    /**
     * Wraps blocking code as a {@code Agent}: inside an engine it runs on the engine's bounded
     * blocking executor (see {@code OrquestraBuilder.blockingThreads}), never on an actor thread.
     */
    static Agent blocking(BlockingAgent code) {
        return new dev.orquestra.internal.dispatch.BlockingCalls.AgentAdapter(code, null);
    }
}
