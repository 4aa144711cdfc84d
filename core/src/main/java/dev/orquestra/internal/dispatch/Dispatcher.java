package dev.orquestra.internal.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One queue (an owner role, a validation check, or the debugger) and its pool of workers. Workers
 * pull: a free worker announces itself, and the dispatcher hands it the next item in
 * {@link WorkQueue} order. Nothing polls; work moves when an item arrives or a worker frees up.
 * The pool size is the queue's concurrency limit. Items are data ({@link WorkItem}): a card that waits
 * in a queue need not be in memory.
 */
public final class Dispatcher extends AbstractBehavior<Dispatcher.Command> {

    public sealed interface Command {
    }

    /** Queue an item; it replaces an item queued under the same key. */
    public record Enqueue(WorkItem item) implements Command {
    }

    /**
     * Put back an item a worker could not get answered: it keeps its place in the order, unless a newer
     * request for the same key is queued meanwhile.
     */
    public record Requeue(WorkItem item) implements Command {
    }

    /** Drop a queued item (a running call is not affected). */
    public record Dequeue(String key) implements Command {
    }

    /** Stop handing out work (items are still queued). */
    public record Hold() implements Command {
    }

    /** Hand out work again. */
    public record Release() implements Command {
    }

    /** Fire the cancellation signal of every running call; replies once every worker has. */
    public record CancelRunning(String reason, ActorRef<org.apache.pekko.Done> replyTo) implements Command {
    }

    record WorkerCancelled() implements Command {
    }

    /** Ask for the queue's figures. */
    public record GetStats(ActorRef<Stats> replyTo) implements Command {
    }

    /**
     * A queue's figures.
     *
     * @param queue   the queue's name
     * @param queued  items waiting
     * @param running calls in progress
     * @param workers the concurrency limit
     * @param oldest  the item that has waited longest, or null when none waits
     */
    public record Stats(String queue, int queued, int running, int workers, WorkItem oldest) {
    }

    record WorkerIdle(ActorRef<Worker.Command> worker) implements Command {
    }

    private final String name;
    private final DispatchSettings settings;
    private final WorkQueue<WorkItem> queue;
    private final Deque<ActorRef<Worker.Command>> idle = new ArrayDeque<>();
    private final List<ActorRef<Worker.Command>> workers = new ArrayList<>();
    private boolean held;
    private int cancelAcksPending;
    private final List<ActorRef<org.apache.pekko.Done>> cancelReplies = new ArrayList<>();

    private Dispatcher(ActorContext<Command> context, String name, int concurrency, DispatchSettings settings,
                       boolean held) {
        super(context);
        this.name = name;
        this.settings = settings;
        this.queue = new WorkQueue<>(settings.aging());
        this.held = held;
        for (int i = 0; i < concurrency; i++) {
            workers.add(context.spawn(Worker.create(context.getSelf(), settings), "worker-" + i,
                    DispatcherSelector.fromConfig("orquestra.worker-dispatcher")));
        }
    }

    /**
     * A dispatcher with {@code concurrency} workers.
     *
     * @param held start without handing out work until {@link Release} arrives (used while a
     *             restart re-queues in-flight work, so the queue's order is complete before anything runs)
     */
    public static Behavior<Command> create(String name, int concurrency, DispatchSettings settings, boolean held) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency of queue " + name + " must be at least 1, was " + concurrency);
        }
        return Behaviors.setup(ctx -> new Dispatcher(ctx, name, concurrency, settings, held));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, e -> {
                    WorkItem item = e.item();
                    queue.offer(item.key(), item.priority(), item.criticalPath(), item.enqueuedAt(), item.ordinal(), item);
                    dispatch();
                    return this;
                })
                .onMessage(Requeue.class, r -> {
                    WorkItem item = r.item();
                    if (!queue.contains(item.key())) {
                        queue.offer(item.key(), item.priority(), item.criticalPath(), item.enqueuedAt(), item.ordinal(),
                                item);
                    }
                    dispatch();
                    return this;
                })
                .onMessage(WorkerIdle.class, w -> {
                    idle.addLast(w.worker());
                    dispatch();
                    return this;
                })
                .onMessage(Dequeue.class, d -> {
                    queue.remove(d.key());
                    return this;
                })
                .onMessage(Hold.class, h -> {
                    held = true;
                    return this;
                })
                .onMessage(Release.class, r -> {
                    held = false;
                    dispatch();
                    return this;
                })
                .onMessage(CancelRunning.class, c -> {
                    cancelReplies.add(c.replyTo());
                    cancelAcksPending += workers.size();
                    workers.forEach(w -> w.tell(new Worker.CancelRunning(c.reason(), getContext().getSelf())));
                    return this;
                })
                .onMessage(WorkerCancelled.class, w -> {
                    if (--cancelAcksPending <= 0) {
                        cancelAcksPending = 0;
                        cancelReplies.forEach(r -> r.tell(org.apache.pekko.Done.getInstance()));
                        cancelReplies.clear();
                    }
                    return this;
                })
                .onMessage(GetStats.class, g -> {
                    g.replyTo().tell(new Stats(name, queue.size(), workers.size() - idle.size(), workers.size(),
                            queue.oldest().map(WorkQueue.Entry::item).orElse(null)));
                    return this;
                })
                .build();
    }

    private void dispatch() {
        while (!held && !idle.isEmpty() && !queue.isEmpty()) {
            WorkItem item = queue.poll(settings.clock().instant()).orElseThrow().item();
            idle.pollFirst().tell(new Worker.Assign(item));
        }
    }
}
