package dev.orquestra.internal.dispatch;

import dev.orquestra.Diagnosis;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.BlockingAgent;
import dev.orquestra.spi.BlockingDebugger;
import dev.orquestra.spi.BlockingValidator;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.FailureReport;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Adapters that run blocking user code on the engine's bounded executor. An adapter the engine found
 * among the agents and validators is bound to that executor. One it could not find — wrapped again by
 * the user's own agent, say — takes the executor of the engine call it runs in ({@link #callingWith}),
 * so blocking code never runs on an actor's thread however it is wrapped. Outside an engine it runs the
 * code on the caller's thread.
 */
public final class BlockingCalls {

    /** The bounded executor of the engine call running on this thread, if any. */
    private static final ThreadLocal<Executor> CALLING = new ThreadLocal<>();

    private BlockingCalls() {
    }

    /**
     * Runs an engine call with {@code executor} as the one that unbound adapters reached from it use.
     * The call itself runs on this thread; it is the user's code that may start blocking work.
     */
    public static <T> T callingWith(Executor executor, Supplier<T> call) {
        if (executor == null) {
            return call.get();
        }
        Executor previous = CALLING.get();
        CALLING.set(executor);
        try {
            return call.get();
        } finally {
            if (previous == null) {
                CALLING.remove();
            } else {
                CALLING.set(previous);
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> CompletionStage<T> run(Executor bound, Call<T> call) {
        Executor executor = bound != null ? bound : CALLING.get();
        if (executor == null) {
            try {
                return CompletableFuture.completedFuture(call.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** A blocking agent, run on an executor. */
    public record AgentAdapter(BlockingAgent delegate, Executor executor) implements Agent {
        public AgentAdapter {
            Objects.requireNonNull(delegate, "agent");
        }

        @Override
        public CompletionStage<WorkResult> perform(WorkOrder order) {
            return run(executor, () -> delegate.perform(order));
        }
    }

    /** A blocking validator, run on an executor. */
    public record ValidatorAdapter(BlockingValidator delegate, Executor executor) implements Validator {
        public ValidatorAdapter {
            Objects.requireNonNull(delegate, "validator");
        }

        @Override
        public CompletionStage<Verdict> validate(Submission submission) {
            return run(executor, () -> delegate.validate(submission));
        }
    }

    /** A blocking debugger, run on an executor. */
    public record DebuggerAdapter(BlockingDebugger delegate, Executor executor) implements Debugger {
        public DebuggerAdapter {
            Objects.requireNonNull(delegate, "debugger");
        }

        @Override
        public CompletionStage<Diagnosis> diagnose(FailureReport report) {
            return run(executor, () -> delegate.diagnose(report));
        }
    }

    /** The agent bound to the executor when it is a blocking adapter; otherwise the agent itself. */
    public static Agent bindAgent(Agent agent, Executor executor) {
        return agent instanceof AgentAdapter a ? new AgentAdapter(a.delegate(), executor) : agent;
    }

    public static Validator bindValidator(Validator validator, Executor executor) {
        return validator instanceof ValidatorAdapter a ? new ValidatorAdapter(a.delegate(), executor) : validator;
    }

    public static Debugger bindDebugger(Debugger debugger, Executor executor) {
        return debugger instanceof DebuggerAdapter a ? new DebuggerAdapter(a.delegate(), executor) : debugger;
    }

    /** True when any of the given objects is a blocking adapter (the engine then needs its executor). */
    public static boolean isBlocking(Object o) {
        return o instanceof AgentAdapter || o instanceof ValidatorAdapter || o instanceof DebuggerAdapter;
    }
}
