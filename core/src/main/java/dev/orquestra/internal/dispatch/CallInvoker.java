package dev.orquestra.internal.dispatch;

import java.util.concurrent.CompletionStage;

/** Turns what a card asked to call into a call of the user's agent, validator or debugger. */
@FunctionalInterface
public interface CallInvoker {

    /**
     * @param call    the {@link ClaimAnswer.Run#call()} of an accepted claim
     * @param context the call's deadlines and cancellation signal
     * @return the call's outcome; may throw, or return null, both reported as a failed call
     */
    CompletionStage<?> invoke(Object call, CallContext context);
}
