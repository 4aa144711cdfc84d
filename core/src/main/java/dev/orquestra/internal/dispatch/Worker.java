package dev.orquestra.internal.dispatch;

import dev.orquestra.Usage;
import dev.orquestra.spi.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One concurrency slot of a queue: pulls an item from its dispatcher when free, calls the agent,
 * enforces the soft and hard time limits, and reports to the item's requester. A worker stays busy
 * until the call really completes, even after its hard limit, so a queue never runs more calls at
 * once than it has workers.
 */
public final class Worker {

    public sealed interface Command {
    }

    record Assign(WorkItem item) implements Command {
    }

    private record Completed(long callId, Object value, Throwable error) implements Command {
    }

    private record SoftLimit(long callId) implements Command {
    }

    private record HardLimit(long callId) implements Command {
    }

    /** Fires the running call's cancellation signal (the engine is closing), then acknowledges. */
    record CancelRunning(String reason, ActorRef<Dispatcher.Command> ack) implements Command {
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<Dispatcher.Command> dispatcher;
    private final Clock clock;
    private final Duration softLimit;
    private final Duration hardLimit;

    private Worker(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<Dispatcher.Command> dispatcher,
                   Clock clock, Duration softLimit, Duration hardLimit) {
        this.context = context;
        this.timers = timers;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
    }

    static Behavior<Command> create(ActorRef<Dispatcher.Command> dispatcher, Clock clock, Duration softLimit,
                                    Duration hardLimit) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Worker w = new Worker(ctx, timers, dispatcher, clock, softLimit, hardLimit);
            dispatcher.tell(new Dispatcher.WorkerIdle(ctx.getSelf()));
            return w.idle();
        }));
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(Assign.class, a -> start(a.item()))
                .onMessage(CancelRunning.class, c -> {
                    c.ack().tell(new Dispatcher.WorkerCancelled());
                    return Behaviors.same();
                })
                .onMessage(Completed.class, c -> Behaviors.same())
                .onMessage(SoftLimit.class, c -> Behaviors.same())
                .onMessage(HardLimit.class, c -> Behaviors.same())
                .build();
    }

    private Behavior<Command> start(WorkItem item) {
        Signal signal = new Signal();
        Instant now = clock.instant();
        CallContext call = new CallContext(now.plus(softLimit), now.plus(hardLimit), signal);
        long id = item.callId();
        // Limits run from before the call, so no call can outrun a timer that is not set yet.
        timers.startSingleTimer("soft", new SoftLimit(id), softLimit);
        timers.startSingleTimer("hard", new HardLimit(id), hardLimit);
        item.replyTo().tell(new CallReport.Started(id));
        CompletionStage<?> stage;
        try {
            stage = item.call().apply(call);
            if (stage == null) {
                throw new IllegalStateException("the agent returned null instead of a CompletionStage");
            }
        } catch (RuntimeException e) {
            timers.cancelAll();
            item.replyTo().tell(new CallReport.Failed(id, describe(e), Usage.ZERO));
            dispatcher.tell(new Dispatcher.WorkerIdle(context.getSelf()));
            return idle();
        }
        context.pipeToSelf(stage, (value, error) -> new Completed(id, value, error));
        return busy(item, signal, false);
    }

    private Behavior<Command> busy(WorkItem item, Signal signal, boolean timedOut) {
        long id = item.callId();
        return Behaviors.receive(Command.class)
                .onMessage(Completed.class, c -> c.callId() == id, c -> {
                    timers.cancelAll();
                    if (!timedOut) {
                        item.replyTo().tell(report(id, c));
                    } else {
                        context.getLog().info("call {} ({}) completed after its hard time limit; result discarded",
                                item.key(), id);
                    }
                    dispatcher.tell(new Dispatcher.WorkerIdle(context.getSelf()));
                    return idle();
                })
                .onMessage(SoftLimit.class, s -> s.callId() == id && !timedOut, s -> {
                    signal.fire("soft time limit of " + softLimit + " reached");
                    item.replyTo().tell(new CallReport.SoftLimitReached(id));
                    return Behaviors.same();
                })
                .onMessage(HardLimit.class, h -> h.callId() == id && !timedOut, h -> {
                    signal.fire("hard time limit of " + hardLimit + " exceeded");
                    item.replyTo().tell(new CallReport.Failed(id, "hard time limit of " + hardLimit + " exceeded",
                            Usage.ZERO));
                    context.getLog().warn("call {} passed its hard time limit of {}; the slot stays taken until it returns",
                            item.key(), hardLimit);
                    return busy(item, signal, true);
                })
                .onMessage(CancelRunning.class, c -> {
                    signal.fire(c.reason());
                    c.ack().tell(new Dispatcher.WorkerCancelled());
                    return Behaviors.same();
                })
                .onMessage(Assign.class, a -> {
                    // a dispatcher bug would be the only way here; never run two calls in one slot
                    throw new IllegalStateException("worker assigned " + a.item().key() + " while running " + item.key());
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private static CallReport report(long id, Completed c) {
        if (c.error() != null) {
            return new CallReport.Failed(id, describe(c.error()), Usage.ZERO);
        }
        if (c.value() == null) {
            return new CallReport.Failed(id, "the call completed with null", Usage.ZERO);
        }
        if (c.value() instanceof WorkResult r && !r.isSuccess()) {
            return new CallReport.Failed(id, r.error(), r.usage());
        }
        return new CallReport.Succeeded(id, c.value());
    }

    static String describe(Throwable t) {
        Throwable cause = t;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
