package dev.orquestra.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call a {@link ScriptedAgent} or {@link ScriptedValidator} holds: the call waits, its card stays
 * running, until the test answers it. Made by {@code hold(cardId)}; the next call for that card is the
 * one held.
 *
 * <pre>{@code
 * Hold<WorkOrder, WorkResult> held = agent.hold("BE-001");
 * orquestra.submit(backlog);
 * WorkOrder order = held.awaitCall(Duration.ofSeconds(5));   // the card is running now
 * held.answer(WorkResult.succeeded());                        // and goes on
 * }</pre>
 *
 * @param <C> what the call received: a {@code WorkOrder} or a {@code Submission}
 * @param <R> what it answers: a {@code WorkResult} or a {@code Verdict}
 */
public final class Hold<C, R> {

    private final String cardId;
    private final CompletableFuture<C> call = new CompletableFuture<>();
    private final CompletableFuture<R> answer = new CompletableFuture<>();

    Hold(String cardId) {
        this.cardId = cardId;
    }

    CompletionStage<R> take(C received) {
        call.complete(received);
        return answer;
    }

    /** The card whose next call this holds. */
    public String cardId() {
        return cardId;
    }

    /** Whether the held call has arrived. */
    public boolean isCalled() {
        return call.isDone();
    }

    /**
     * Waits for the held call to arrive and returns what it received.
     *
     * @throws AssertionError when no call for the card arrived within the timeout
     */
    public C awaitCall(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no call for card " + cardId + " arrived within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a call for card " + cardId, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** Ends the held call with this answer (before or after it arrived). */
    public void answer(R result) {
        Objects.requireNonNull(result, "result");
        answer.complete(result);
    }

    /** Ends the held call with this exception, as a call that failed. */
    public void fail(Throwable error) {
        Objects.requireNonNull(error, "error");
        answer.completeExceptionally(error);
    }

    @Override
    public String toString() {
        return "Hold[" + cardId + (answer.isDone() ? ", answered" : isCalled() ? ", called" : ", waiting") + "]";
    }
}
