package dev.orquestra.spi;

import dev.orquestra.Diagnosis;
import java.util.concurrent.CompletionStage;

/**
 * Investigates a failure that repeated on attempt 2 or later and suggests a fix; its diagnosis goes
 * into the next work order. Runs asynchronously: nothing else waits for it but the card it serves.
 * For blocking code implement {@link BlockingDebugger}.
 */
@FunctionalInterface
public interface Debugger {

    CompletionStage<Diagnosis> diagnose(FailureReport report);

    /**
     * Wraps blocking code as a {@code Debugger}: inside an engine it runs on the engine's bounded
     * blocking executor (see {@code OrquestraBuilder.blockingThreads}), never on an actor thread.
     */
    static Debugger blocking(BlockingDebugger code) {
        return new dev.orquestra.internal.dispatch.BlockingCalls.DebuggerAdapter(code, null);
    }
}
