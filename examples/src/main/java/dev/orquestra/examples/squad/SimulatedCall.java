package dev.orquestra.examples.squad;

import dev.orquestra.spi.CancellationSignal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a simulated call's work once its latency has passed, on the squad's scheduler, without ever
 * blocking the caller or sleeping; or settles it early when its cancellation signal fires.
 */
final class SimulatedCall {

    private SimulatedCall() {
    }

    /**
     * A stage that completes with {@code work}'s value after {@code latency}, or with
     * {@code cancelled}'s value (given the signal's reason) as soon as the signal fires. An exception
     * thrown by either completes the stage exceptionally.
     */
    static <T> CompletableFuture<T> after(ScheduledExecutorService scheduler, Duration latency,
                                          CancellationSignal cancellation, Supplier<T> work,
                                          Function<String, T> cancelled) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (cancellation.isCancelled()) {
            settle(result, () -> cancelled.apply(reason(cancellation)));
            return result;
        }
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        try {
            timer.set(scheduler.schedule(() -> settle(result, work), latency.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the squad's scheduler is shut down", e));
            return result;
        }
        cancellation.onCancel(() -> {
            if (settle(result, () -> cancelled.apply(reason(cancellation)))) {
                timer.get().cancel(false);
            }
        });
        return result;
    }

    private static String reason(CancellationSignal signal) {
        return signal.reason().orElse("cancelled");
    }

    private static <T> boolean settle(CompletableFuture<T> result, Supplier<T> value) {
        if (result.isDone()) {
            return false;
        }
        try {
            return result.complete(value.get());
        } catch (RuntimeException e) {
            return result.completeExceptionally(e);
        }
    }
}
