package dev.orquestra.internal.dispatch;

import dev.orquestra.Usage;

/** What a worker tells the requester of a call, identified by the call's id. */
public sealed interface CallReport {

    long callId();

    /** A worker took the call and is about to invoke the agent. */
    record Started(long callId) implements CallReport {
    }

    /** The call completed with a value (a work result, a verdict or a diagnosis). */
    record Succeeded(long callId, Object value) implements CallReport {
    }

    /** The call threw, completed exceptionally or passed its hard time limit. */
    record Failed(long callId, String error, Usage usage) implements CallReport {
    }

    /** The call passed its soft time limit; its cancellation signal fired. */
    record SoftLimitReached(long callId) implements CallReport {
    }
}
