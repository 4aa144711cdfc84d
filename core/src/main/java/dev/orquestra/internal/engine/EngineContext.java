package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every actor of one engine shares: its name, clock, policy, pipeline, agents and the queues
 * that run them. Immutable once the engine has started.
 *
 * @param name      the engine's name; part of every persistence id, so two engines can share a store
 * @param queues    dispatchers by queue name ({@link #ownerQueue}, {@link #checkQueue}, {@link #DEBUGGER_QUEUE})
 * @param debugger  the debugger, or null when none is configured
 */
public record EngineContext(String name, Clock clock, Policy policy, Pipeline pipeline, Map<Role, Agent> agents,
                            Debugger debugger, Map<String, ActorRef<Dispatcher.Command>> queues,
                            EventPublisher publisher) {

    public static final String DEBUGGER_QUEUE = "debugger";

    public static String ownerQueue(Role role) {
        return "owner-" + role.name();
    }

    public static String checkQueue(String check) {
        return "check-" + check;
    }

    public String cardPersistenceId(CardId id) {
        return "card|" + name + "|" + id;
    }

    public String orchestratorPersistenceId() {
        return "orchestrator|" + name;
    }

    /** The tag of every card event of this engine, for backlog-wide history queries. */
    public String cardTag() {
        return "cards-" + name;
    }

    ActorRef<Dispatcher.Command> queue(String queueName) {
        return Optional.ofNullable(queues.get(queueName))
                .orElseThrow(() -> new IllegalStateException("no queue named " + queueName));
    }
}
