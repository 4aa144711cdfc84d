package dev.orquestra.benchmarks;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The harness's event listener ({@code OrquestraBuilder.listener}): keeps, per card, when it was
 * first queued and when it was approved, from the events' own timestamps (taken by the engine just
 * before it persists them). The engine calls a listener from one actor, one event at a time.
 */
final class Recorder implements Consumer<CardEvent> {

    private final Map<CardId, Integer> index;
    private final AtomicLongArray queuedAt;
    private final AtomicLongArray approvedAt;
    private volatile long events;
    private volatile int approvals;

    Recorder(Map<CardId, Integer> index) {
        this.index = index;
        this.queuedAt = new AtomicLongArray(index.size());
        this.approvedAt = new AtomicLongArray(index.size());
    }

    @Override
    public void accept(CardEvent event) {
        events++;   // one writer: the listener actor
        Integer i = index.get(event.cardId());
        if (i == null) {
            return;
        }
        if (event instanceof CardEvent.Queued q) {
            queuedAt.compareAndSet(i, 0, Machine.micros(q.at()));
        } else if (event instanceof CardEvent.Approved a) {
            if (approvedAt.compareAndSet(i, 0, Machine.micros(a.at()))) {
                approvals++;
            }
        }
    }

    /** Waits until the listener has seen {@code expected} approvals, or the timeout passes. */
    boolean awaitApprovals(int expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (approvals < expected) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    long queuedAtMicros(int i) {
        return queuedAt.get(i);
    }

    long approvedAtMicros(int i) {
        return approvedAt.get(i);
    }

    long events() {
        return events;
    }

    int approvals() {
        return approvals;
    }
}
