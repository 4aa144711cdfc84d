package dev.orquestra.testkit;

import dev.orquestra.Artifact;
import dev.orquestra.Usage;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An owner agent for tests: records every work order, counts calls running at once, and answers
 * with what its script says (succeed by default).
 */
public final class ProbeAgent implements Agent {

    private final List<WorkOrder> orders = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile Function<WorkOrder, CompletionStage<WorkResult>> script = order ->
            CompletableFuture.completedFuture(WorkResult.succeeded(List.of(
                    Artifact.of("code", "engenharia/backend/" + order.card().id() + ".java")), Usage.ZERO));

    /** Answers every call with the script's result. */
    public ProbeAgent answering(Function<WorkOrder, CompletionStage<WorkResult>> value) {
        this.script = value;
        return this;
    }

    @Override
    public CompletionStage<WorkResult> perform(WorkOrder order) {
        orders.add(order);
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        CompletionStage<WorkResult> result;
        try {
            result = script.apply(order);
        } catch (RuntimeException e) {
            running.decrementAndGet();
            throw e;
        }
        return result.whenComplete((r, e) -> running.decrementAndGet());
    }

    public List<WorkOrder> orders() {
        return List.copyOf(orders);
    }

    public List<String> cardsCalled() {
        return orders.stream().map(o -> o.card().id().value()).toList();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    public int running() {
        return running.get();
    }
}
