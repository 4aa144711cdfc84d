package dev.orquestra.testkit;

import dev.orquestra.Artifact;
import dev.orquestra.Usage;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * An owner agent for tests. It answers each call, in this order, with: a {@linkplain #hold held call}
 * for the card, then a {@linkplain #failing failure} still owed to the card, then the answer given for
 * the card's attempt ({@link #on}), then the default answer (success with one code artifact per card,
 * or {@link #answering}). It records every work order and counts the calls running at once.
 * Thread-safe.
 *
 * <pre>{@code
 * ScriptedAgent owner = new ScriptedAgent()
 *         .failing("BE-001", 2)                                        // two failed calls, then success
 *         .on("BE-002", 1, WorkResult.failed("no tests", Usage.ZERO)); // attempt 1 of BE-002 fails
 * Hold<WorkOrder, WorkResult> held = owner.hold("BE-003");             // BE-003 waits for the test
 * }</pre>
 */
public final class ScriptedAgent implements Agent {

    private final Script<WorkOrder, WorkResult> script = new Script<>(o -> o.card().id().value(), WorkOrder::attempt,
            order -> CompletableFuture.completedFuture(WorkResult.succeeded(List.of(
                    Artifact.of("code", "engenharia/backend/" + order.card().id() + ".java")), Usage.ZERO)));

    /** The default answer, for every call no other rule answers. */
    public ScriptedAgent answering(Function<WorkOrder, CompletionStage<WorkResult>> answer) {
        script.otherwise(answer);
        return this;
    }

    /** What the owner answers on the given attempt of the card (attempts count from 1). */
    public ScriptedAgent on(String cardId, int attempt, WorkResult result) {
        return on(cardId, attempt, order -> CompletableFuture.completedFuture(result));
    }

    /** How the owner answers the given attempt of the card (attempts count from 1). */
    public ScriptedAgent on(String cardId, int attempt, Function<WorkOrder, CompletionStage<WorkResult>> answer) {
        script.on(cardId, attempt, answer);
        return this;
    }

    /**
     * The next {@code times} calls for the card fail with an exception, as an agent whose provider is
     * down would; the engine retries them under its policy.
     */
    public ScriptedAgent failing(String cardId, int times) {
        script.failing(cardId, times);
        return this;
    }

    /** Holds the next call for the card until the test answers it. Several holds of one card hold its next calls in turn. */
    public Hold<WorkOrder, WorkResult> hold(String cardId) {
        return script.hold(cardId);
    }

    @Override
    public CompletionStage<WorkResult> perform(WorkOrder order) {
        return script.call(order);
    }

    /** Every work order received, in the order they arrived. */
    public List<WorkOrder> orders() {
        return script.calls();
    }

    /** The work orders of one card, in the order they arrived. */
    public List<WorkOrder> ordersFor(String cardId) {
        return script.callsFor(cardId);
    }

    /** The ids of the cards called, one per call, in the order they arrived. */
    public List<String> cardsCalled() {
        return orders().stream().map(o -> o.card().id().value()).toList();
    }

    /** The most calls that were running at once. */
    public int maxRunning() {
        return script.maxRunning();
    }

    /** The calls running now. */
    public int running() {
        return script.running();
    }
}
