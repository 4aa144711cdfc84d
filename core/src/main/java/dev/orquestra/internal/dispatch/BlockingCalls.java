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

/**
 * Adapters that run blocking user code on the engine's bounded executor. Unbound (used outside an
 * engine) they run the code on the caller's thread.
 */
public final class BlockingCalls {

    private BlockingCalls() {
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> CompletionStage<T> run(Executor executor, Call<T> call) {
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
