package dev.orquestra.internal.engine;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.DependencyGraph;
import dev.orquestra.HumanDecision;
import dev.orquestra.Metrics;
import dev.orquestra.internal.CborSerializable;
import dev.orquestra.internal.Json;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkQueue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One per backlog: persists the backlog and the outcome of every card, starts each card once all
 * its dependencies are approved, cancels the dependents of an aborted card, and reports
 * quiescence. On restart it wakes only the cards that are not settled and whose dependencies are
 * met; dispatchers hand out no work until every woken card has re-queued its work, so queued work
 * keeps its order across the restart.
 *
 * <p>Card outcomes arrive one by one but are persisted in batches: an outcome that arrives while a
 * batch is being written joins the next batch. Losing the unwritten tail in a crash is harmless:
 * the cards' own journals are the truth, and a woken card reports its outcome again.
 */
public final class Orchestrator extends EventSourcedBehavior<Orchestrator.Command, Orchestrator.Event, OrchestratorState> {

    // ------------------------------------------------------------------ protocol

    public interface Command {
    }

    /** Add a backlog's cards; replies with the number of cards added, or the backlog's problems. */
    public record Submit(Backlog backlog, ActorRef<StatusReply<Integer>> replyTo) implements Command {
    }

    /** Add cards to the backlog already submitted; they may depend on its cards. */
    public record AddCards(List<CardSpec> cards, ActorRef<StatusReply<Integer>> replyTo) implements Command {
    }

    /** Reply with the live actor of a card that can take commands (spawned if needed). */
    public record GetCard(CardId cardId, ActorRef<StatusReply<CardHandle>> replyTo) implements Command {
    }

    /**
     * How to reach a card: its actor, or — for a card that never started or has settled for good —
     * only what the orchestrator knows.
     */
    public record CardHandle(CardSpec spec, Instant createdAt, CardStatus knownStatus,
                             Optional<ActorRef<CardEntity.Command>> actor) {
    }

    /** Apply a reviewer's decision through the card. */
    public record Decide(CardId cardId, HumanDecision decision, ActorRef<StatusReply<CardSummary>> replyTo)
            implements Command {
    }

    /** Cancel a card that has not started running. */
    public record CancelCard(CardId cardId, String reason, ActorRef<StatusReply<CardSummary>> replyTo)
            implements Command {
    }

    public record GetStatus(ActorRef<BacklogStatus> replyTo) implements Command {
    }

    public record GetMetrics(ActorRef<Metrics> replyTo) implements Command {
    }

    /** Reply (true) once nothing can progress without a human decision. */
    public record AwaitQuiescence(ActorRef<Boolean> replyTo) implements Command {
    }

    /** Stop starting cards (the engine is closing). */
    public record StopStarting(ActorRef<Done> replyTo) implements Command {
    }

    /** Reply with the orchestrator's view of the backlog: specs, creation times and settled summaries. */
    public record GetBacklog(ActorRef<BacklogView> replyTo) implements Command {
    }

    /** An immutable copy of what the orchestrator knows of the backlog. */
    public record BacklogView(String project, Map<String, Object> backlogFields, List<CardSpec> cards,
                              Map<CardId, Instant> createdAt, Map<CardId, CardSummary> settled,
                              Map<CardId, CardStatus> live) {
    }

    private record Flush() implements Command {
    }

    private record ChildStopped(CardId cardId, ActorRef<CardEntity.Command> ref) implements Command {
    }

    /** A card has not confirmed its start in time (its first write may have failed): ask again. */
    private record StartDue(CardId cardId) implements Command {
    }

    /** How long a card may take to confirm a start before it is asked again. */
    private static final Duration START_CONFIRMATION = Duration.ofSeconds(5);

    // ------------------------------------------------------------------ events

    public interface Event extends CborSerializable {
    }

    /** The first backlog's project and top-level fields (metadata and unknown fields, as JSON). */
    public record BacklogAccepted(String project, String backlogJson, Instant at) implements Event {
    }

    /** Cards added to the backlog; a large backlog is written as several of these in one atomic write. */
    public record CardsAdded(List<SpecRecord> cards, Instant at) implements Event {
    }

    /** Cards that settled (terminal or awaiting review) or became active again. */
    public record CardsSettled(List<Settlement> settlements) implements Event {
    }

    private static final int CHUNK = 1000;

    // ------------------------------------------------------------------ runtime state (not persisted)

    private final EngineContext engine;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final boolean paused;
    private final Map<CardId, ActorRef<CardEntity.Command>> children = new HashMap<>();
    /** Cards started in this run and not settled, with their latest known status. */
    private final Map<CardId, CardStatus> active = new HashMap<>();
    private final Map<CardId, BigDecimal> liveCost = new HashMap<>();
    /** Ready cards waiting for room under the active-card limit, in dispatch order. */
    private final WorkQueue<CardId> admission;
    private final Map<CardId, CardSummary> pending = new LinkedHashMap<>();
    private final List<ActorRef<Boolean>> quiescenceWaiters = new ArrayList<>();
    private boolean flushScheduled;
    private boolean stopped;
    private boolean budgetExhausted;
    private int wakesPending = -1;

    private Orchestrator(EngineContext engine, ActorContext<Command> context, TimerScheduler<Command> timers,
                         boolean paused) {
        super(PersistenceId.ofUniqueId(engine.orchestratorPersistenceId()),
                JournalFailures.RESTART_ORCHESTRATOR);
        this.engine = engine;
        this.context = context;
        this.timers = timers;
        this.paused = paused;
        this.admission = new WorkQueue<>(engine.policy().agingInterval());
    }

    /**
     * @param paused recover the backlog but start, wake and dispatch nothing (for reading status and
     *               recording reviews without running agents)
     */
    public static Behavior<Command> create(EngineContext engine, boolean paused) {
        return JournalFailures.restartOnStashOverflow(
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Orchestrator(engine, ctx, timers, paused))),
                JournalFailures.RESTART_AFTER_OVERFLOW);
    }

    @Override
    public OrchestratorState emptyState() {
        return OrchestratorState.empty();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(engine.policy().orchestratorSnapshotEvery(), 2);
    }

    @Override
    public SnapshotAdapter<OrchestratorState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(OrchestratorState state) {
                return state.toSnapshot();
            }

            @Override
            public OrchestratorState fromJournal(Object from) {
                return OrchestratorState.fromSnapshot((OrchestratorState.Snapshot) from);
            }
        };
    }

    @Override
    public EventHandler<OrchestratorState, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(BacklogAccepted.class, (state, e) -> {
                    OrchestratorState s = state.writable();
                    s.onBacklogAccepted(e);
                    return s;
                })
                .onEvent(CardsAdded.class, (state, e) -> {
                    OrchestratorState s = state.writable();
                    s.onCardsAdded(e);
                    return s;
                })
                .onEvent(CardsSettled.class, (state, e) -> {
                    OrchestratorState s = state.writable();
                    s.onCardsSettled(e);
                    return s;
                })
                .build();
    }

    @Override
    public SignalHandler<OrchestratorState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::wakeAfterRecovery).build();
    }

    @Override
    public CommandHandler<Command, Event, OrchestratorState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Submit.class, (state, c) -> add(state, c.backlog(), c.backlog().cards(), c.replyTo()))
                .onCommand(AddCards.class, (state, c) -> {
                    if (state.project() == null) {
                        c.replyTo().tell(StatusReply.error("submit a backlog before adding cards to it"));
                        return Effect().none();
                    }
                    return add(state, null, c.cards(), c.replyTo());
                })
                .onCommand(CardUpdate.class, this::onCardUpdate)
                .onCommand(Flush.class, (state, c) -> onFlush(state))
                .onCommand(GetCard.class, this::onGetCard)
                .onCommand(Decide.class, this::onDecide)
                .onCommand(CancelCard.class, this::onCancel)
                .onCommand(GetStatus.class, (state, c) -> {
                    c.replyTo().tell(status(state));
                    return Effect().none();
                })
                .onCommand(GetMetrics.class, (state, c) -> {
                    c.replyTo().tell(MetricsCalculator.compute(state.settled().values(), liveCostTotal(),
                            engine.policy().highCostThresholdUsd()));
                    return Effect().none();
                })
                .onCommand(AwaitQuiescence.class, (state, c) -> {
                    quiescenceWaiters.add(c.replyTo());
                    checkQuiescence(state);
                    return Effect().none();
                })
                .onCommand(StopStarting.class, (state, c) -> {
                    stopped = true;
                    if (pending.isEmpty()) {
                        c.replyTo().tell(Done.getInstance());
                        return Effect().none();
                    }
                    // record what cards reported before the engine goes away
                    return Effect().persist(batch()).thenRun((OrchestratorState s) -> c.replyTo().tell(Done.getInstance()));
                })
                .onCommand(GetBacklog.class, (state, c) -> {
                    c.replyTo().tell(view(state));
                    return Effect().none();
                })
                .onCommand(ChildStopped.class, (state, c) -> {
                    children.remove(c.cardId(), c.ref()); // not a newer actor of the same card
                    return Effect().none();
                })
                .onCommand(StartDue.class, (state, c) -> {
                    if (active.get(c.cardId()) == state.settledStatus(c.cardId()) && !stopped) {
                        context.getLog().debug("card {} did not confirm its start; asking again", c.cardId());
                        start(state, c.cardId());
                    }
                    return Effect().none();
                })
                .build();
    }

    // ------------------------------------------------------------------ submit

    /** Adds cards (of a backlog, or more cards to the one submitted), checked against the cards already there. */
    private Effect<Event, OrchestratorState> add(OrchestratorState state, Backlog backlog, List<CardSpec> cards,
                                                 ActorRef<StatusReply<Integer>> replyTo) {
        try {
            state.graph().plus(cards);
        } catch (BacklogException e) {
            replyTo.tell(StatusReply.error(e));
            return Effect().none();
        }
        Instant at = engine.clock().instant();
        List<Event> events = new ArrayList<>();
        if (state.project() == null && backlog != null) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("metadata", backlog.metadata());
            fields.put("extraFields", backlog.extraFields());
            events.add(new BacklogAccepted(backlog.project(), Json.write(fields), at));
        }
        for (int from = 0; from < cards.size(); from += CHUNK) {
            events.add(new CardsAdded(cards.subList(from, Math.min(cards.size(), from + CHUNK)).stream()
                    .map(SpecRecord::of).toList(), at));
        }
        if (events.isEmpty()) {
            replyTo.tell(StatusReply.success(0));
            return Effect().none();
        }
        return Effect().persist(events).thenRun((OrchestratorState s) -> {
            for (CardSpec spec : cards) {
                startIfReady(s, spec.id());
            }
            replyTo.tell(StatusReply.success(cards.size()));
            checkQuiescence(s);
        });
    }

    // ------------------------------------------------------------------ card updates and settlement batches

    private Effect<Event, OrchestratorState> onCardUpdate(OrchestratorState state, CardUpdate u) {
        CardStatus status = u.summary().status();
        liveCost.put(u.cardId(), u.summary().usage().costUsd());
        checkBudget(state);
        boolean settles = status.isTerminal() || status == CardStatus.AWAITING_HUMAN;
        if (u.kind() == CardUpdate.Kind.STARTED) {
            timers.cancel("start-" + u.cardId().value());
            if (wakesPending > 0 && --wakesPending == 0) {
                releaseDispatchers();
            }
        }
        if (settles) {
            if (state.settledStatus(u.cardId()) != status) {
                pending.put(u.cardId(), u.summary());
                scheduleFlush();
                if (status.satisfiesDependents()) {
                    // The approval is durable in the card's own journal, so its dependents start now rather
                    // than after this batch is written. Should the batch be lost in a crash, recovery wakes
                    // the card, which reports its approval again.
                    for (CardId dependent : state.graph().dependents(u.cardId())) {
                        startIfReady(state, dependent);
                    }
                }
            } else {
                active.remove(u.cardId());
                liveCost.remove(u.cardId());
                admit(state);
                checkQuiescence(state);
            }
        } else {
            active.put(u.cardId(), status);
            if (u.kind() == CardUpdate.Kind.SETTLED || state.settled().containsKey(u.cardId())) {
                // active again after a reviewer's clarification: record it
                pending.put(u.cardId(), u.summary());
                scheduleFlush();
            }
        }
        return Effect().none();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            context.getSelf().tell(new Flush());
        }
    }

    private Effect<Event, OrchestratorState> onFlush(OrchestratorState state) {
        flushScheduled = false;
        if (pending.isEmpty()) {
            return Effect().none();
        }
        CardsSettled batch = batch();
        return Effect().persist(batch).thenRun((OrchestratorState s) -> {
            for (Settlement settlement : batch.settlements()) {
                afterSettled(s, CardId.of(settlement.cardId()), settlement.summary());
            }
            admit(s);
            checkQuiescence(s);
        });
    }

    /** Takes the pending settlements as one event. */
    private CardsSettled batch() {
        List<Settlement> batch = new ArrayList<>(pending.size());
        pending.forEach((id, summary) -> batch.add(new Settlement(id.value(), summary)));
        pending.clear();
        return new CardsSettled(batch);
    }

    private void afterSettled(OrchestratorState state, CardId id, CardSummary summary) {
        CardStatus status = summary.status();
        if (!status.isTerminal() && status != CardStatus.AWAITING_HUMAN) {
            return; // active again; already in 'active'
        }
        active.remove(id);
        liveCost.remove(id); // its cost is now in the settled summary
        DependencyGraph graph = state.graph();
        if (status.satisfiesDependents()) {
            for (CardId dependent : graph.dependents(id)) {
                startIfReady(state, dependent);
            }
        } else if (status == CardStatus.ABORTED || status == CardStatus.CANCELLED) {
            cancelDependents(state, id, status);
        }
    }

    /** Cancels the dependents of an aborted or cancelled card that have not settled (they never started). */
    private void cancelDependents(OrchestratorState state, CardId id, CardStatus status) {
        String why = status == CardStatus.ABORTED ? "was rejected permanently by a reviewer" : "was cancelled";
        for (CardId dependent : state.graph().dependents(id)) {
            if (!state.settled().containsKey(dependent) && !active.containsKey(dependent)) {
                admission.remove(dependent.value());
                cardRef(state, dependent).tell(new CardEntity.Cancel("dependency " + id + " " + why,
                        context.getSystem().ignoreRef()));
                active.put(dependent, CardStatus.TODO);
            }
        }
    }

    // ------------------------------------------------------------------ starting and waking cards

    /** A card's status for readiness: reported outcomes count before their batch is written. */
    private CardStatus readiness(OrchestratorState state, CardId id) {
        CardSummary reported = pending.get(id);
        return reported != null ? reported.status() : state.settledStatus(id);
    }

    private void startIfReady(OrchestratorState state, CardId id) {
        if (paused || stopped || active.containsKey(id) || state.settled().containsKey(id) || pending.containsKey(id)) {
            return;
        }
        if (!state.graph().isReady(id, dep -> readiness(state, dep))) {
            return;
        }
        if (budgetExhausted) {
            return;
        }
        if (active.size() >= engine.policy().maxActiveCards()) {
            DependencyGraph graph = state.graph();
            admission.offer(id.value(), graph.spec(id).priority().weight(), graph.criticalPath(id),
                    engine.clock().instant(), graph.indexOf(id), id);
            return;
        }
        start(state, id);
    }

    /** Starts waiting ready cards while there is room under the active-card limit. */
    private void admit(OrchestratorState state) {
        while (!stopped && !budgetExhausted && active.size() < engine.policy().maxActiveCards() && !admission.isEmpty()) {
            CardId id = admission.poll(engine.clock().instant()).orElseThrow().item();
            if (!active.containsKey(id) && !state.isSettledTerminal(id) && !pending.containsKey(id)) {
                start(state, id);
            }
        }
    }

    private void start(OrchestratorState state, CardId id) {
        active.put(id, state.settledStatus(id)); // TODO, or AWAITING_HUMAN for a woken card until it reports
        cardRef(state, id).tell(new CardEntity.Start(engine.clock().instant(), context.getSelf().narrow()));
        timers.startSingleTimer("start-" + id.value(), new StartDue(id), START_CONFIRMATION);
    }

    private void wakeAfterRecovery(OrchestratorState state) {
        // After a restart (a journal write failed) this instance is reused: forget what it knew at
        // runtime and learn it again by waking the cards. Its card actors kept running (they are
        // still in 'children'); callers waiting for quiescence are kept.
        active.clear();
        liveCost.clear();
        pending.clear();
        flushScheduled = false;
        budgetExhausted = false;
        wakesPending = -1;
        while (!admission.isEmpty()) {
            admission.poll(engine.clock().instant());
        }
        if (paused) {
            return;
        }
        // Wake every card that is not terminal and whose dependencies are met. That includes cards
        // recorded as awaiting review: a review may have moved one on just before a crash, before its
        // new status was recorded here, and only the card itself knows.
        int woken = 0;
        for (CardSpec spec : state.specs()) {
            CardId id = spec.id();
            if (!state.isSettledTerminal(id) && state.graph().isReady(id, state::settledStatus)) {
                if (active.size() < engine.policy().maxActiveCards()) {
                    start(state, id);
                    woken++;
                } else {
                    DependencyGraph graph = state.graph();
                    admission.offer(id.value(), spec.priority().weight(), graph.criticalPath(id), engine.clock().instant(),
                            graph.indexOf(id), id);
                }
            }
        }
        // A cancellation cascade cut short by a stop is finished now: dependents of an aborted or
        // cancelled card that have not been recorded as cancelled yet are cancelled.
        for (Map.Entry<CardId, CardSummary> e : new ArrayList<>(state.settled().entrySet())) {
            CardStatus status = e.getValue().status();
            if (status == CardStatus.ABORTED || status == CardStatus.CANCELLED) {
                cancelDependents(state, e.getKey(), status);
            }
        }
        if (woken == 0) {
            releaseDispatchers();
        } else {
            wakesPending = woken;
            context.getLog().info("Recovered backlog '{}': {} cards, {} settled, {} woken", state.project(),
                    state.specs().size(), state.settled().size(), woken);
        }
    }

    private void releaseDispatchers() {
        wakesPending = 0;
        engine.queues().values().forEach(q -> q.tell(new Dispatcher.Release()));
    }

    private ActorRef<CardEntity.Command> cardRef(OrchestratorState state, CardId id) {
        ActorRef<CardEntity.Command> ref = children.get(id);
        if (ref == null) {
            DependencyGraph graph = state.graph();
            ref = context.spawn(CardEntity.create(engine, graph.spec(id), graph.criticalPath(id), graph.indexOf(id),
                    context.getSelf()), "card-" + id.value());
            context.watchWith(ref, new ChildStopped(id, ref));
            children.put(id, ref);
        }
        return ref;
    }

    // ------------------------------------------------------------------ queries and review

    private Effect<Event, OrchestratorState> onGetCard(OrchestratorState state, GetCard c) {
        if (!state.graph().contains(c.cardId())) {
            c.replyTo().tell(StatusReply.error("no card " + c.cardId() + " in this backlog"));
            return Effect().none();
        }
        CardSpec spec = state.graph().spec(c.cardId());
        CardStatus known = knownStatus(state, c.cardId());
        boolean reachable = !known.isTerminal() && (known != CardStatus.TODO || children.containsKey(c.cardId()));
        Optional<ActorRef<CardEntity.Command>> actor = reachable ? Optional.of(cardRef(state, c.cardId()))
                : Optional.empty();
        c.replyTo().tell(StatusReply.success(new CardHandle(spec, state.createdAt(c.cardId()), known, actor)));
        return Effect().none();
    }

    private Effect<Event, OrchestratorState> onDecide(OrchestratorState state, Decide c) {
        if (!state.graph().contains(c.cardId())) {
            c.replyTo().tell(StatusReply.error("no card " + c.cardId() + " in this backlog"));
            return Effect().none();
        }
        CardStatus known = knownStatus(state, c.cardId());
        if (known.isTerminal() || known == CardStatus.TODO) {
            c.replyTo().tell(StatusReply.error("card " + c.cardId() + " is " + known
                    + ", not awaiting review; a reviewer's decision applies only to a card awaiting review"));
            return Effect().none();
        }
        cardRef(state, c.cardId()).tell(new CardEntity.Decide(c.decision(), c.replyTo()));
        return Effect().none();
    }

    private Effect<Event, OrchestratorState> onCancel(OrchestratorState state, CancelCard c) {
        if (!state.graph().contains(c.cardId())) {
            c.replyTo().tell(StatusReply.error("no card " + c.cardId() + " in this backlog"));
            return Effect().none();
        }
        CardStatus known = knownStatus(state, c.cardId());
        if (known.isTerminal()) {
            c.replyTo().tell(StatusReply.error("card " + c.cardId() + " is " + known
                    + "; only a TODO or QUEUED card can be cancelled"));
            return Effect().none();
        }
        admission.remove(c.cardId().value());
        active.putIfAbsent(c.cardId(), known);
        cardRef(state, c.cardId()).tell(new CardEntity.Cancel(c.reason(), c.replyTo()));
        return Effect().none();
    }

    private CardStatus knownStatus(OrchestratorState state, CardId id) {
        CardSummary p = pending.get(id);
        if (p != null) {
            return p.status();
        }
        CardStatus live = active.get(id);
        return live != null ? live : state.settledStatus(id);
    }

    private BacklogStatus status(OrchestratorState state) {
        Map<CardStatus, Integer> counts = new EnumMap<>(CardStatus.class);
        for (CardStatus s : CardStatus.values()) {
            counts.put(s, 0);
        }
        List<CardId> awaiting = new ArrayList<>();
        for (CardSpec spec : state.specs()) {
            CardStatus s = knownStatus(state, spec.id());
            counts.merge(s, 1, Integer::sum);
            if (s == CardStatus.AWAITING_HUMAN) {
                awaiting.add(spec.id());
            }
        }
        awaiting.sort(null);
        return new BacklogStatus(state.project(), state.specs().size(), counts, awaiting, active.size(),
                state.settledCost().add(liveCostTotal()), budgetExhausted, isQuiescent());
    }

    private BacklogView view(OrchestratorState state) {
        Map<String, Object> fields = state.backlogJson() == null ? Map.of() : Json.readObject(state.backlogJson());
        Map<CardId, Instant> created = new HashMap<>();
        for (CardSpec s : state.specs()) {
            created.put(s.id(), state.createdAt(s.id()));
        }
        Map<CardId, CardSummary> settled = new LinkedHashMap<>(state.settled());
        settled.putAll(pending);
        return new BacklogView(state.project(), fields, List.copyOf(state.specs()), created, settled, Map.copyOf(active));
    }

    // ------------------------------------------------------------------ budget and quiescence

    private BigDecimal liveCostTotal() {
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal c : liveCost.values()) {
            total = total.add(c);
        }
        return total;
    }

    private void checkBudget(OrchestratorState state) {
        Optional<BigDecimal> budget = engine.policy().backlogBudgetUsd();
        if (budget.isEmpty() || budgetExhausted) {
            return;
        }
        BigDecimal spent = state.settledCost().add(liveCostTotal());
        if (spent.compareTo(budget.get()) > 0) {
            budgetExhausted = true;
            context.getLog().warn("Backlog budget of USD {} exceeded (USD {} spent): no new card will start; "
                    + "running cards finish", budget.get().toPlainString(), spent.toPlainString());
        }
    }

    private boolean isQuiescent() {
        return active.isEmpty() && pending.isEmpty() && !flushScheduled
                && (admission.isEmpty() || budgetExhausted || stopped);
    }

    private void checkQuiescence(OrchestratorState state) {
        if (!quiescenceWaiters.isEmpty() && isQuiescent()) {
            quiescenceWaiters.forEach(w -> w.tell(Boolean.TRUE));
            quiescenceWaiters.clear();
        }
    }
}
