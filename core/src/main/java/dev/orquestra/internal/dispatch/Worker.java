package dev.orquestra.internal.dispatch;

import dev.orquestra.Usage;
import dev.orquestra.spi.WorkResult;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One concurrency slot of a queue. When its dispatcher hands it an item, it claims the item from the
 * card that queued it (the card may not be in memory: claiming brings it back), runs what the card
 * answers, enforces the soft and hard time limits, and reports to the card. A worker stays busy until
 * the call really completes, even after its hard limit, so a queue never runs more calls at once than
 * it has workers.
 */
public final class Worker {

    public sealed interface Command {
    }

    record Assign(WorkItem item) implements Command {
    }

    private record Answered(ClaimAnswer answer) implements Command {
    }

    private record ClaimTimedOut(long claim) implements Command {
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
    private final DispatchSettings settings;
    private final ActorRef<ClaimAnswer> answers;
    private long claims;

    private Worker(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<Dispatcher.Command> dispatcher,
                   DispatchSettings settings) {
        this.context = context;
        this.timers = timers;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.answers = context.messageAdapter(ClaimAnswer.class, Answered::new);
    }

    static Behavior<Command> create(ActorRef<Dispatcher.Command> dispatcher, DispatchSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Worker w = new Worker(ctx, timers, dispatcher, settings);
            dispatcher.tell(new Dispatcher.WorkerIdle(ctx.getSelf()));
            return w.idle();
        }));
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(Assign.class, a -> claim(a.item()))
                .onMessage(Answered.class, a -> abandon(a.answer()))
                .onMessage(CancelRunning.class, c -> {
                    c.ack().tell(new Dispatcher.WorkerCancelled());
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private Behavior<Command> claim(WorkItem item) {
        long claim = ++claims;
        settings.router().claim(item, claim, answers);
        timers.startSingleTimer("claim", new ClaimTimedOut(claim), settings.claimTimeout());
        return Behaviors.receive(Command.class)
                .onMessage(Answered.class, a -> a.answer().claim() == claim, a -> {
                    timers.cancel("claim");
                    if (a.answer() instanceof ClaimAnswer.Run run) {
                        return start(item, run);
                    }
                    return becomeIdle();
                })
                .onMessage(Answered.class, a -> abandon(a.answer()))
                .onMessage(ClaimTimedOut.class, t -> t.claim() == claim, t -> {
                    // the card did not answer (its journal may be down): the item waits in its queue again
                    context.getLog().debug("claim of {} not answered within {}; queued again", item.key(),
                            settings.claimTimeout());
                    dispatcher.tell(new Dispatcher.Requeue(item));
                    return becomeIdle();
                })
                .onMessage(CancelRunning.class, c -> {
                    c.ack().tell(new Dispatcher.WorkerCancelled());
                    return Behaviors.same();
                })
                .onMessage(Assign.class, a -> {
                    throw new IllegalStateException("worker assigned " + a.item().key() + " while claiming " + item.key());
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    /** A card accepted a claim this worker gave up on: the call never ran, and the card must know. */
    private Behavior<Command> abandon(ClaimAnswer answer) {
        if (answer instanceof ClaimAnswer.Run run) {
            run.reportTo().tell(new CallReport.Abandoned(run.callId()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> becomeIdle() {
        dispatcher.tell(new Dispatcher.WorkerIdle(context.getSelf()));
        return idle();
    }

    private Behavior<Command> start(WorkItem item, ClaimAnswer.Run run) {
        Signal signal = new Signal();
        Instant now = settings.clock().instant();
        CallContext call = new CallContext(now.plus(settings.softLimit()), now.plus(settings.hardLimit()), signal);
        long id = run.callId();
        // Limits run from before the call, so no call can outrun a timer that is not set yet.
        timers.startSingleTimer("soft", new SoftLimit(id), settings.softLimit());
        timers.startSingleTimer("hard", new HardLimit(id), settings.hardLimit());
        CompletionStage<?> stage;
        try {
            stage = settings.invoker().invoke(run.call(), call);
            if (stage == null) {
                throw new IllegalStateException("the agent returned null instead of a CompletionStage");
            }
        } catch (RuntimeException e) {
            timers.cancelAll();
            logUserFailure(item, e);
            run.reportTo().tell(new CallReport.Failed(id, describe(e), Usage.ZERO));
            return becomeIdle();
        }
        context.pipeToSelf(stage, (value, error) -> new Completed(id, value, error));
        return busy(item, run, signal, false);
    }

    private Behavior<Command> busy(WorkItem item, ClaimAnswer.Run run, Signal signal, boolean timedOut) {
        long id = run.callId();
        ActorRef<CallReport> reportTo = run.reportTo();
        return Behaviors.receive(Command.class)
                .onMessage(Completed.class, c -> c.callId() == id, c -> {
                    timers.cancelAll();
                    if (!timedOut) {
                        if (c.error() != null) {
                            logUserFailure(item, c.error());
                        }
                        reportTo.tell(report(id, c));
                    } else {
                        context.getLog().info("call {} ({}) completed after its hard time limit; result discarded",
                                item.key(), id);
                    }
                    return becomeIdle();
                })
                .onMessage(SoftLimit.class, s -> s.callId() == id && !timedOut, s -> {
                    signal.fire("soft time limit of " + settings.softLimit() + " reached");
                    reportTo.tell(new CallReport.SoftLimitReached(id));
                    return Behaviors.same();
                })
                .onMessage(HardLimit.class, h -> h.callId() == id && !timedOut, h -> {
                    signal.fire("hard time limit of " + settings.hardLimit() + " exceeded");
                    reportTo.tell(new CallReport.Failed(id, "hard time limit of " + settings.hardLimit() + " exceeded",
                            Usage.ZERO));
                    context.getLog().warn("call {} passed its hard time limit of {}; the slot stays taken until it returns",
                            item.key(), settings.hardLimit());
                    return busy(item, run, signal, true);
                })
                .onMessage(CancelRunning.class, c -> {
                    signal.fire(c.reason());
                    c.ack().tell(new Dispatcher.WorkerCancelled());
                    return Behaviors.same();
                })
                .onMessage(Answered.class, a -> abandon(a.answer()))
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
        CallResult result = CallResult.of(c.value());
        if (result == null) {
            return new CallReport.Failed(id, "the call completed with " + c.value().getClass().getName()
                    + ", which is not a WorkResult, a Verdict or a Diagnosis", Usage.ZERO);
        }
        return new CallReport.Succeeded(id, result);
    }

    /**
     * The one place a user's exception is logged, with its stack: the card records only its message, so the
     * stack would be lost otherwise. Retries log each failed try.
     */
    private void logUserFailure(WorkItem item, Throwable error) {
        Throwable cause = unwrapped(error);
        context.getLog().warn("call {} failed: {}", item.key(), describe(cause), cause);
    }

    /** The user's exception inside the CompletionExceptions a stage wraps it in. */
    private static Throwable unwrapped(Throwable t) {
        Throwable cause = t;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String describe(Throwable t) {
        Throwable cause = unwrapped(t);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
