package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.internal.backlog.DependencyGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Where cards live while they are in memory: delivers a command to a card by id, bringing the card
 * into memory (recovered from its journal) when it is not, and takes it out again when the card asks
 * to passivate — idle, terminal, or only waiting in queues. Commands that arrive for a card while it
 * stops are kept and delivered to its next incarnation, so nothing sent to a card is lost to a
 * passivation. This is the single-node counterpart of a Cluster Sharding region.
 */
public final class CardRegion extends AbstractBehavior<CardRegion.Command> {

    public sealed interface Command {
    }

    /** Deliver a command to a card, in memory or not. */
    public record Deliver(CardId cardId, CardEntity.Command command) implements Command {
    }

    /** A card asks to be taken out of memory. */
    public record Passivate(CardId cardId, ActorRef<CardEntity.Command> card) implements Command {
    }

    /**
     * A card asked to passivate, then got work before it was told to stop: it stays, and the commands
     * kept for its next incarnation go to it.
     */
    public record StayInMemory(CardId cardId, ActorRef<CardEntity.Command> card) implements Command {
    }

    /** The engine (with its queues) and who the cards report to; commands wait until they are known. */
    record Attach(EngineContext engine, ActorRef<Orchestrator.Command> orchestrator) implements Command {
    }

    /** Reply with the number of cards in memory. */
    public record CountLive(ActorRef<Integer> replyTo) implements Command {
    }

    private record Stopped(CardId cardId, ActorRef<CardEntity.Command> card) implements Command {
    }

    private EngineContext engine;
    private final Map<CardId, ActorRef<CardEntity.Command>> live = new HashMap<>();
    private final Map<CardId, List<CardEntity.Command>> stopping = new HashMap<>();
    private final List<Deliver> early = new ArrayList<>();
    private ActorRef<Orchestrator.Command> orchestrator;

    private CardRegion(ActorContext<Command> context) {
        super(context);
    }

    static Behavior<Command> create() {
        return Behaviors.setup(CardRegion::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, d -> {
                    deliver(d);
                    return this;
                })
                .onMessage(Attach.class, a -> {
                    engine = a.engine();
                    orchestrator = a.orchestrator();
                    early.forEach(this::deliver);
                    early.clear();
                    return this;
                })
                .onMessage(Passivate.class, p -> {
                    if (p.card().equals(live.get(p.cardId())) && !stopping.containsKey(p.cardId())) {
                        stopping.put(p.cardId(), new ArrayList<>());
                        p.card().tell(new CardEntity.Stop());
                    }
                    return this;
                })
                .onMessage(StayInMemory.class, m -> {
                    if (m.card().equals(live.get(m.cardId()))) {
                        List<CardEntity.Command> waiting = stopping.remove(m.cardId());
                        if (waiting != null) {
                            waiting.forEach(m.card()::tell);
                        }
                    }
                    return this;
                })
                .onMessage(Stopped.class, s -> {
                    if (s.card().equals(live.get(s.cardId()))) {
                        live.remove(s.cardId());
                        List<CardEntity.Command> waiting = stopping.remove(s.cardId());
                        if (waiting != null && !waiting.isEmpty()) {
                            ActorRef<CardEntity.Command> next = spawn(s.cardId());
                            waiting.forEach(next::tell);
                        }
                    }
                    return this;
                })
                .onMessage(CountLive.class, c -> {
                    c.replyTo().tell(live.size());
                    return this;
                })
                .build();
    }

    private void deliver(Deliver d) {
        if (orchestrator == null) {
            early.add(d);
            return;
        }
        List<CardEntity.Command> waiting = stopping.get(d.cardId());
        if (waiting != null) {
            waiting.add(d.command());
            return;
        }
        ActorRef<CardEntity.Command> card = live.get(d.cardId());
        if (card == null) {
            if (!engine.directory().contains(d.cardId())) {
                getContext().getLog().warn("no card {} in this backlog; {} dropped", d.cardId(),
                        d.command().getClass().getSimpleName());
                return;
            }
            card = spawn(d.cardId());
        }
        card.tell(d.command());
    }

    private ActorRef<CardEntity.Command> spawn(CardId id) {
        DependencyGraph graph = engine.directory().graph();
        ActorRef<CardEntity.Command> card = getContext().spawn(CardEntity.create(engine, graph.spec(id),
                graph.criticalPath(id), graph.indexOf(id), orchestrator, getContext().getSelf()), "card-" + id.value());
        getContext().watchWith(card, new Stopped(id, card));
        live.put(id, card);
        return card;
    }
}
