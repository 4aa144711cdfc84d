package dev.orquestra.testkit;

import dev.orquestra.spi.CancellationSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cancellation signal the test fires, to see how an agent or validator of yours reacts to a card
 * being cancelled or running out of time. Actions registered after it fired run at once. Thread-safe.
 */
public final class ManualCancellation implements CancellationSignal {

    private final List<Runnable> actions = new ArrayList<>();
    private String reason;

    /** Fires the signal: every registered action runs, on the calling thread. Later calls do nothing. */
    public void cancel(String why) {
        Objects.requireNonNull(why, "why");
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    @Override
    public synchronized boolean isCancelled() {
        return reason != null;
    }

    @Override
    public synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (this) {
            if (reason == null) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }
}
