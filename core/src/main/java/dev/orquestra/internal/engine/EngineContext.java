package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.JournalReader;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every actor of one engine shares: its name, clock, policy, pipeline, agents, the queues that
 * run them, the journal reader and the published backlog graph. Immutable once the engine has started
 * (the guardian adds the queues with {@link #withQueues}).
 */
public final class EngineContext {

    public static final String DEBUGGER_QUEUE = "debugger";

    private final String name;
    private final Clock clock;
    private final Policy policy;
    private final Pipeline pipeline;
    private final Map<Role, Agent> agents;
    private final Debugger debugger;
    private final Map<String, ActorRef<Dispatcher.Command>> queues;
    private final EventPublisher publisher;
    private final JournalReader reader;
    private final EngineSettings settings;
    private final CardDirectory directory;
    private final Set<String> cardTags;
    private final String cardPrefix;
    private final AtomicReference<Map<String, Long>> startIndex;

    /**
     * @param name     the engine's name; part of every persistence id, so two engines can share a store
     * @param debugger the debugger, or null when none is configured
     * @param reader     the store's journal reader
     * @param startIndex the highest sequence number of every card that had written events when the engine
     *                   started ({@link JournalReader#highestSequenceNrs}), or null when unknown
     */
    public EngineContext(String name, Clock clock, Policy policy, Pipeline pipeline, Map<Role, Agent> agents,
                         Debugger debugger, EventPublisher publisher, JournalReader reader, EngineSettings settings,
                         Map<String, Long> startIndex) {
        this(name, clock, policy, pipeline, agents, debugger, Map.of(), publisher, reader, settings, new CardDirectory(),
                new AtomicReference<>(startIndex));
    }

    private EngineContext(String name, Clock clock, Policy policy, Pipeline pipeline, Map<Role, Agent> agents,
                          Debugger debugger, Map<String, ActorRef<Dispatcher.Command>> queues, EventPublisher publisher,
                          JournalReader reader, EngineSettings settings, CardDirectory directory,
                          AtomicReference<Map<String, Long>> startIndex) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.agents = Map.copyOf(agents);
        this.debugger = debugger;
        this.queues = Map.copyOf(queues);
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.directory = directory;
        this.cardTags = Set.of(cardTagOf(name));
        this.cardPrefix = cardPersistenceIdPrefix(name);
        this.startIndex = startIndex;
    }

    /** This context with the engine's queues, by queue name ({@link #ownerQueue}, {@link #checkQueue}, {@link #DEBUGGER_QUEUE}). */
    public EngineContext withQueues(Map<String, ActorRef<Dispatcher.Command>> value) {
        return new EngineContext(name, clock, policy, pipeline, agents, debugger, value, publisher, reader, settings,
                directory, startIndex);
    }

    /**
     * Which cards had written events when the engine started, once: the orchestrator's first recovery
     * takes it; a later recovery (after a journal failure) gets null and wakes every unsettled card.
     */
    Map<String, Long> takeStartIndex() {
        return startIndex.getAndSet(null);
    }

    public static String ownerQueue(Role role) {
        return "owner-" + role.name();
    }

    public static String checkQueue(String check) {
        return "check-" + check;
    }

    public String name() {
        return name;
    }

    public Clock clock() {
        return clock;
    }

    public Policy policy() {
        return policy;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Map<Role, Agent> agents() {
        return agents;
    }

    public Debugger debugger() {
        return debugger;
    }

    public Map<String, ActorRef<Dispatcher.Command>> queues() {
        return queues;
    }

    public EventPublisher publisher() {
        return publisher;
    }

    public JournalReader reader() {
        return reader;
    }

    public EngineSettings settings() {
        return settings;
    }

    CardDirectory directory() {
        return directory;
    }

    public String cardPersistenceId(CardId id) {
        return cardPrefix + id.value();
    }

    /** What every card's persistence id starts with. */
    public String cardPersistenceIdPrefix() {
        return cardPrefix;
    }

    /** What the persistence id of every card of the engine with this name starts with. */
    public static String cardPersistenceIdPrefix(String engineName) {
        return "card|" + engineName + "|";
    }

    public String orchestratorPersistenceId() {
        return "orchestrator|" + name;
    }

    /** The tag of every card event of this engine, for backlog-wide history queries. */
    public String cardTag() {
        return cardTagOf(name);
    }

    /** The tag of every card event of the engine with this name. */
    public static String cardTagOf(String engineName) {
        return "cards-" + engineName;
    }

    Set<String> cardTags() {
        return cardTags;
    }

    ActorRef<Dispatcher.Command> queue(String queueName) {
        ActorRef<Dispatcher.Command> q = queues.get(queueName);
        if (q == null) {
            throw new IllegalStateException("no queue named " + queueName);
        }
        return q;
    }
}
