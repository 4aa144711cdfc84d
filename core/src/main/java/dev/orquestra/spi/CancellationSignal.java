package dev.orquestra.spi;

import java.util.Optional;

/**
 * Tells a running call that its result is no longer wanted, or that it should wrap up: it fires at
 * the soft time limit, at the hard time limit and when the engine closes. Cooperative: the library
 * cannot stop user code, so a long-running agent should check {@link #isCancelled()} or register
 * {@link #onCancel(Runnable)}.
 */
public interface CancellationSignal {

    /** True once the signal has fired. */
    boolean isCancelled();

    /** Why it fired (for example {@code "soft time limit of PT50M reached"}); empty before it fires. */
    Optional<String> reason();

    /**
     * Runs the action when the signal fires, or at once if it already has. Actions run on the thread
     * that fires the signal and must not block.
     */
    void onCancel(Runnable action);
}
