package dev.orquestra.internal.engine;

import dev.orquestra.Check;
import dev.orquestra.Role;
import dev.orquestra.internal.dispatch.DispatchSettings;
import dev.orquestra.internal.dispatch.Dispatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root of an engine's actors. It waits until the store is open, then starts the card region, one
 * dispatcher per queue (held until the orchestrator has woken the backlog) and the orchestrator.
 */
public final class EngineGuardian {

    public sealed interface Command {
    }

    /**
     * Start the engine.
     *
     * @param settings     everything but the queues, which the guardian creates
     * @param ownerPools   pool size per owner role
     * @param debuggerPool pool size of the debugger queue (ignored without a debugger)
     */
    public record StartEngine(EngineContext settings, Map<Role, Integer> ownerPools, int debuggerPool, boolean paused,
                              java.util.concurrent.Executor blocking, ActorRef<Started> replyTo) implements Command {
    }

    /** The running engine: its context (with queues), orchestrator and card region. */
    public record Started(EngineContext engine, ActorRef<Orchestrator.Command> orchestrator,
                          ActorRef<CardRegion.Command> region) {
    }

    private EngineGuardian() {
    }

    public static Behavior<Command> create() {
        return Behaviors.receive(Command.class).onMessage(StartEngine.class, start -> Behaviors.setup(ctx -> {
            EngineContext s = start.settings();
            ActorRef<CardRegion.Command> region = ctx.spawn(CardRegion.create(), "cards");
            DispatchSettings dispatch = new DispatchSettings(s.clock(), s.policy().agingInterval(),
                    s.policy().softTimeLimit(), s.policy().hardTimeLimit(), s.settings().claimTimeout(),
                    (item, claim, replyTo) -> region.tell(new CardRegion.Deliver(item.cardId(),
                            new CardEntity.ClaimWork(item, claim, replyTo))),
                    new CardCalls(s.agents(), s.pipeline(), s.debugger(), start.blocking()));
            Map<String, ActorRef<Dispatcher.Command>> queues = new LinkedHashMap<>();
            start.ownerPools().forEach((role, size) -> queues.put(EngineContext.ownerQueue(role),
                    spawn(ctx, EngineContext.ownerQueue(role), size, dispatch)));
            for (Check c : s.pipeline().checks()) {
                queues.put(EngineContext.checkQueue(c.name()),
                        spawn(ctx, EngineContext.checkQueue(c.name()), c.concurrency(), dispatch));
            }
            if (s.debugger() != null) {
                queues.put(EngineContext.DEBUGGER_QUEUE, spawn(ctx, EngineContext.DEBUGGER_QUEUE, start.debuggerPool(),
                        dispatch));
            }
            EngineContext engine = s.withQueues(queues);
            ActorRef<Orchestrator.Command> orchestrator = ctx.spawn(Orchestrator.create(engine, region, start.paused()),
                    "orchestrator");
            region.tell(new CardRegion.Attach(engine, orchestrator));
            start.replyTo().tell(new Started(engine, orchestrator, region));
            return Behaviors.empty();
        })).build();
    }

    private static ActorRef<Dispatcher.Command> spawn(ActorContext<?> ctx, String name, int size,
                                                      DispatchSettings dispatch) {
        return ctx.spawn(Dispatcher.create(name, size, dispatch, true), "queue-" + name);
    }
}
