package dev.orquestra.internal.dispatch;

import dev.orquestra.spi.CancellationSignal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cancellation signal of one call; fires once, with the first reason given. */
public final class Signal implements CancellationSignal {

    private static final Logger LOG = LoggerFactory.getLogger(Signal.class);

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    @Override
    public boolean isCancelled() {
        return reason.get() != null;
    }

    @Override
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }

    @Override
    public void onCancel(Runnable action) {
        actions.add(action);
        if (isCancelled() && actions.remove(action)) {
            run(action);
        }
    }

    /** Fires the signal; returns false when it had already fired. */
    public boolean fire(String why) {
        if (!reason.compareAndSet(null, why)) {
            return false;
        }
        for (Runnable action : actions) {
            if (actions.remove(action)) {
                run(action);
            }
        }
        return true;
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("a cancellation action threw; ignored", e);
        }
    }
}
