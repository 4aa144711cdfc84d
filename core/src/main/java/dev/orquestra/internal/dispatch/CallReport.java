package dev.orquestra.internal.dispatch;

import dev.orquestra.Usage;

/** What a worker tells the requester of a call, identified by the call's id. */
public sealed interface CallReport {

    long callId();

    /** The call completed with a value: a successful work result, a verdict or a diagnosis. */
    record Succeeded(long callId, CallResult result) implements CallReport {
    }

    /** The call threw, completed exceptionally or passed its hard time limit. */
    record Failed(long callId, String error, Usage usage) implements CallReport {
    }

    /** The call passed its soft time limit; its cancellation signal fired. */
    record SoftLimitReached(long callId) implements CallReport {
    }

    /**
     * The worker gave up waiting for the claim before the card accepted it, so the call never ran; the
     * item went back to its queue.
     */
    record Abandoned(long callId) implements CallReport {
    }
}
