package dev.orquestra.internal.engine;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.BacklogProblem;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.HumanDecision;
import dev.orquestra.Metrics;
import dev.orquestra.Resubmission;
import dev.orquestra.internal.CborSerializable;
import dev.orquestra.internal.Json;
import dev.orquestra.internal.backlog.BacklogDifferences;
import dev.orquestra.internal.backlog.BacklogGraphs;
import dev.orquestra.internal.backlog.DependencyGraph;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
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
import java.util.function.Function;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One per backlog: persists the backlog and the outcome of every card, starts each card once all
 * its dependencies are approved, cancels the dependents of an aborted card, and reports
 * quiescence.
 *
 * <p>Starting a card costs nothing but a queued ticket: the orchestrator puts the card's first owner
 * call ({@link WorkItem}) in its role's queue, and the card comes into memory only when a worker
 * claims it. At most {@code maxActiveCards} cards are started and not settled at once; further ready
 * cards wait here, in the queues' order.
 *
 * <p>On restart it learns from the journal which cards have written anything. A card that has not
 * (it never started, or its owner's call was still running) is queued again as a ticket; only cards
 * that have events are woken, and they queue their own work again. Dispatchers hand out no work until
 * every woken card has done so, so queued work keeps its order across the restart.
 *
 * <p>Card outcomes arrive one by one but are persisted in batches: an outcome that arrives while a
 * batch is being written joins the next batch. Losing the unwritten tail in a crash is harmless:
 * the cards' own journals are the truth, and a woken card reports its outcome again.
 */
public final class Orchestrator extends EventSourcedBehavior<Orchestrator.Command, Orchestrator.Event, OrchestratorState> {

    // ------------------------------------------------------------------ protocol

    /** What the orchestrator is asked or told; every kind is listed, so a handler can be checked for each. */
    public sealed interface Command permits Submit, AddCards, GetCard, Decide, CancelCard, GetStatus, GetMetrics,
            AwaitQuiescence, StopStarting, GetBacklog, Flush, StallCheck, Answered, WakeCheck, QueueStatsArrived,
            CardUpdate {
    }

    /**
     * Add a backlog's cards, or, when a backlog is already held, compare it with that one and resume, add its
     * new cards or refuse it as the mode says; replies with the number of cards added, or the problems.
     */
    public record Submit(Backlog backlog, Resubmission mode, ActorRef<StatusReply<Integer>> replyTo) implements Command {
    }

    /** Add cards to the backlog already submitted; they may depend on its cards. */
    public record AddCards(List<CardSpec> cards, ActorRef<StatusReply<Integer>> replyTo) implements Command {
    }

    /** Reply with what the orchestrator knows of a card and whether it can be asked for its state. */
    public record GetCard(CardId cardId, ActorRef<StatusReply<CardHandle>> replyTo) implements Command {
    }

    /**
     * What the orchestrator knows of a card.
     *
     * @param live    true when the card may hold state its journal does not show yet (it is started and not
     *                settled for good): ask it through the region; otherwise its journal is the whole story
     * @param readyAt when its dependencies were met (its place in its queue), for a started card
     * @param summary what the orchestrator knows of a settled card, or null
     */
    public record CardHandle(CardSpec spec, Instant createdAt, CardStatus knownStatus, boolean live, Instant readyAt,
                             CardSummary summary) {
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

    private record StallCheck() implements Command {
    }

    /** A card's answer to a decision or cancellation asked through the orchestrator, for its asker. */
    private record Answered(CardId cardId, StatusReply<CardSummary> answer, ActorRef<StatusReply<CardSummary>> replyTo)
            implements Command {
    }

    private record WakeCheck() implements Command {
    }

    /** How long a card may take to answer a decision or cancellation asked through the orchestrator. */
    private static final Duration CARD_ANSWER_TIMEOUT = Duration.ofMinutes(2);

    /** How long woken cards may take to answer before they are woken again. */
    private static final Duration WAKE_CONFIRMATION = Duration.ofSeconds(5);

    private record QueueStatsArrived(Dispatcher.Stats stats) implements Command {
    }

    // ------------------------------------------------------------------ events

    /** What the orchestrator persists. */
    public sealed interface Event extends CborSerializable
            permits BacklogAccepted, CardsAdded, CardsSettled, ReviewForwarded {
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

    /**
     * A reviewer's decision was handed to a card recorded as awaiting review: until the card's new
     * status is recorded, a restart wakes it (only it knows whether the decision took effect).
     */
    public record ReviewForwarded(String cardId, Instant at) implements Event {
    }

    private static final int CHUNK = 250;

    // ------------------------------------------------------------------ runtime state (not persisted)

    private final EngineContext engine;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<CardRegion.Command> region;
    private final boolean paused;
    /** Cards started in this run and not settled, with their latest known status. */
    private final Map<CardId, CardStatus> active = new HashMap<>();
    private final Map<CardId, BigDecimal> liveCost = new HashMap<>();
    private BigDecimal liveCostTotal = BigDecimal.ZERO;
    /** Ready cards waiting for room under the active-card limit, in dispatch order. */
    private final WorkQueue<CardId> admission;
    private final Map<CardId, CardSummary> pending = new LinkedHashMap<>();
    /** How many cards have each known status ({@link #knownStatus}), and which await review: kept, not scanned. */
    private final Map<CardStatus, Integer> knownCounts = new EnumMap<>(CardStatus.class);
    private final java.util.TreeSet<CardId> knownAwaiting = new java.util.TreeSet<>();
    private final List<ActorRef<Boolean>> quiescenceWaiters = new ArrayList<>();
    private final ActorRef<Dispatcher.Stats> statsAdapter;
    /** Askers waiting until a card's outcome (and the cascade it started) is written. */
    private final Map<CardId, List<Runnable>> whenRecorded = new HashMap<>();
    private final List<Dispatcher.Stats> stallStats = new ArrayList<>();
    private boolean flushScheduled;
    private boolean stopped;
    private boolean budgetExhausted;
    /** True until the backlog was recovered and woken. */
    private boolean recovering = true;
    /** Woken cards that have not answered yet; dispatchers hand out nothing until all have. */
    private final java.util.Set<CardId> unansweredWakes = new java.util.HashSet<>();
    private long lastProgress = System.nanoTime();
    private boolean stallReported;

    private Orchestrator(EngineContext engine, ActorContext<Command> context, TimerScheduler<Command> timers,
                         ActorRef<CardRegion.Command> region, boolean paused) {
        super(PersistenceId.ofUniqueId(engine.orchestratorPersistenceId()),
                JournalFailures.RESTART_ORCHESTRATOR);
        this.engine = engine;
        this.context = context;
        this.timers = timers;
        this.region = region;
        this.paused = paused;
        this.admission = new WorkQueue<>(engine.policy().agingInterval());
        this.statsAdapter = context.messageAdapter(Dispatcher.Stats.class, QueueStatsArrived::new);
    }

    /**
     * @param region where the cards live
     * @param paused recover the backlog but start, wake and dispatch nothing (for reading status and
     *               recording reviews without running agents)
     */
    public static Behavior<Command> create(EngineContext engine, ActorRef<CardRegion.Command> region, boolean paused) {
        return JournalFailures.restartOnStashOverflow(
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Orchestrator(engine, ctx, timers, region,
                        paused))), JournalFailures.RESTART_AFTER_OVERFLOW);
    }

    @Override
    public OrchestratorState emptyState() {
        return OrchestratorState.empty();
    }

    /**
     * Every card reports here, so this stash must never overflow, whatever the cards' own capacity:
     * an overflowing orchestrator would restart, and recover while the running cards go on reporting.
     */
    @Override
    public Optional<Integer> stashCapacity() {
        return Optional.of(JournalFailures.ORCHESTRATOR_STASH_CAPACITY);
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
        // the empty state is shared by every recovery and never changes: the first event starts a state of its own
        EventHandlerBuilder<OrchestratorState, Event> builder = newEventHandlerBuilder();
        builder.forStateType(OrchestratorState.Empty.class).onAnyEvent((state, e) -> OrchestratorState.started(e));
        builder.forStateType(OrchestratorState.Held.class).onAnyEvent((state, e) -> ((OrchestratorState.Held) state).apply(e));
        return builder.build();
    }

    @Override
    public SignalHandler<OrchestratorState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::recovered).build();
    }

    @Override
    public CommandHandler<Command, Event, OrchestratorState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(CardUpdate.class, this::onCardUpdate)
                .onCommand(Flush.class, (state, c) -> onFlush(state))
                .onCommand(Submit.class, this::onSubmit)
                .onCommand(AddCards.class, (state, c) -> {
                    if (state.project() == null) {
                        c.replyTo().tell(StatusReply.error("submit a backlog before adding cards to it"));
                        return Effect().none();
                    }
                    return add(state, null, c.cards(), c.replyTo());
                })
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
                    CardsSettled last = batch();
                    return Effect().persist(last).thenRun((OrchestratorState s) -> {
                        recorded(s, last);
                        c.replyTo().tell(Done.getInstance());
                    });
                })
                .onCommand(GetBacklog.class, (state, c) -> {
                    c.replyTo().tell(view(state));
                    return Effect().none();
                })
                .onCommand(Answered.class, (state, c) -> {
                    onAnswered(state, c);
                    return Effect().none();
                })
                .onCommand(WakeCheck.class, (state, c) -> {
                    onWakeCheck();
                    return Effect().none();
                })
                .onCommand(StallCheck.class, (state, c) -> {
                    onStallCheck(state);
                    return Effect().none();
                })
                .onCommand(QueueStatsArrived.class, (state, c) -> {
                    onQueueStats(state, c.stats());
                    return Effect().none();
                })
                .build();
    }

    // ------------------------------------------------------------------ submit

    /** Adds cards (of a backlog, or more cards to the one submitted), checked against the cards already there. */
    private Effect<Event, OrchestratorState> onSubmit(OrchestratorState state, Submit c) {
        if (state.project() == null) {
            return add(state, c.backlog(), c.backlog().cards(), c.replyTo());
        }
        BacklogDifferences d = BacklogDifferences.between(state.project(), state.specs(), c.backlog().project(),
                c.backlog().cards());
        if (d.none()) {
            c.replyTo().tell(StatusReply.success(0));   // the stored backlog again: the run resumes
            return Effect().none();
        }
        if (c.mode() == Resubmission.ADD_NEW_CARDS && d.onlyAdds()) {
            return add(state, null, d.added(), c.replyTo());
        }
        List<String> lines = c.mode() == Resubmission.ADD_NEW_CARDS ? d.linesBesidesAdded() : d.lines();
        String held = "not the backlog this store holds ('" + state.project() + "', " + state.specs().size()
                + " cards): ";
        c.replyTo().tell(StatusReply.error(new BacklogException(
                lines.stream().map(line -> new BacklogProblem("backlog", "", held + line)).toList())));
        return Effect().none();
    }

    private Effect<Event, OrchestratorState> add(OrchestratorState state, Backlog backlog, List<CardSpec> cards,
                                                 ActorRef<StatusReply<Integer>> replyTo) {
        DependencyGraph next;
        try {
            // a backlog checked its own graph; a first submission takes it as it is
            next = backlog != null && state.graph().size() == 0 ? BacklogGraphs.of(backlog) : state.graph().plus(cards);
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
            s.adoptGraph(next);
            engine.directory().publish(s.graph());
            knownCounts.merge(CardStatus.TODO, cards.size(), Integer::sum);
            for (CardSpec spec : cards) {
                startIfReady(s, spec.id());
            }
            replyTo.tell(StatusReply.success(cards.size()));
            checkQuiescence(s);
        });
    }

    // ------------------------------------------------------------------ card updates and settlement batches

    private Effect<Event, OrchestratorState> onCardUpdate(OrchestratorState state, CardUpdate u) {
        lastProgress = System.nanoTime();
        if (stallReported) {
            stallReported = false;
            context.getLog().info("Cards progress again");
        }
        CardStatus status = u.summary().status();
        setLiveCost(u.cardId(), u.summary().usage().costUsd());
        checkBudget(state);
        boolean settles = status.isTerminal() || status == CardStatus.AWAITING_HUMAN;
        if (u.kind() == CardUpdate.Kind.STARTED) {
            if (unansweredWakes.remove(u.cardId()) && unansweredWakes.isEmpty()) {
                timers.cancel("wake-check");
                releaseDispatchers();
            }
            if (status == CardStatus.TODO) {
                // woken but never started after all: it waits for a ticket like any ready card
                removeActive(state, u.cardId());
                setLiveCost(u.cardId(), null);
                startIfReady(state, u.cardId());
                return Effect().none();
            }
        }
        if (settles) {
            if (state.settledStatus(u.cardId()) != status || state.isForwarded(u.cardId())) {
                putPending(state, u.cardId(), u.summary());
                if (status == CardStatus.ABORTED || status == CardStatus.CANCELLED) {
                    cascade(state, u.cardId(), status);
                }
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
                removeActive(state, u.cardId());
                setLiveCost(u.cardId(), null);
                admit(state);
                checkQuiescence(state);
            }
        } else {
            putActive(state, u.cardId(), status);
            if (u.kind() == CardUpdate.Kind.SETTLED || state.settled().containsKey(u.cardId())
                    || state.isForwarded(u.cardId())) {
                // active again after a reviewer's clarification: record it
                putPending(state, u.cardId(), u.summary());
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
            checkQuiescence(state);
            return Effect().none();
        }
        CardsSettled batch = batch();
        return Effect().persist(batch).thenRun((OrchestratorState s) -> {
            for (Settlement settlement : batch.settlements()) {
                afterSettled(s, CardId.of(settlement.cardId()), settlement.summary());
            }
            recorded(s, batch);
            admit(s);
            checkQuiescence(s);
        });
    }

    /**
     * Cancels every card that waits, directly or through others, on a card that was aborted or cancelled
     * and has not settled: all of them go into the batch being gathered, so the whole cascade is written
     * at once (and resumes from it after a crash), and the status shows it complete as soon as it is
     * decided. None of these cards ever started (a dependency of theirs was never approved); once the
     * batch is written each is told to write its own {@code Cancelled}, for its history.
     */
    private void cascade(OrchestratorState state, CardId root, CardStatus status) {
        String what = status == CardStatus.ABORTED ? "was rejected permanently by a reviewer" : "was cancelled";
        java.util.LinkedHashSet<CardId> cancelled = new java.util.LinkedHashSet<>();
        for (CardId dependent : state.graph().transitiveDependents(root)) {
            if (!state.settled().containsKey(dependent) && !pending.containsKey(dependent)) {
                cancelled.add(dependent);
            }
        }
        Instant at = engine.clock().instant();
        for (CardId dependent : cancelled) {
            String why = null;
            for (CardId dep : state.graph().dependencies(dependent)) {
                if (dep.equals(root)) {
                    why = "dependency " + root + " " + what;
                    break;
                }
                if (why == null && cancelled.contains(dep)) {
                    why = "dependency " + dep + " was cancelled (" + root + " " + what + ")";
                }
            }
            admission.remove(dependent.value());
            removeActive(state, dependent);
            putPending(state, dependent, CardSummary.cancelled(at, why));
        }
    }

    /**
     * Takes the pending settlements as one event. While it is written nothing else runs here (commands
     * wait), and {@link #recorded} settles the counts once it is.
     */
    private CardsSettled batch() {
        List<Settlement> batch = new ArrayList<>(pending.size());
        pending.forEach((id, summary) -> batch.add(new Settlement(id.value(), summary)));
        pending.clear();
        return new CardsSettled(batch);
    }

    /** A batch is written: its cards' known status moved from the reported outcome to the recorded one. */
    private void recorded(OrchestratorState state, CardsSettled batch) {
        for (Settlement settlement : batch.settlements()) {
            CardId id = CardId.of(settlement.cardId());
            moved(id, settlement.summary().status(), knownStatus(state, id));
        }
    }

    private void afterSettled(OrchestratorState state, CardId id, CardSummary summary) {
        CardStatus status = summary.status();
        if (status.isTerminal() || status == CardStatus.AWAITING_HUMAN) {
            released(state, id, summary);
        } // else active again; already in 'active'
        // answers held until this card's outcome was written: also when it became active again (a
        // clarification), or the reviewer's call would wait for an answer that never comes
        List<Runnable> waiting = whenRecorded.remove(id);
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }

    private void released(OrchestratorState state, CardId id, CardSummary summary) {
        CardStatus status = summary.status();
        active.remove(id); // counted by recorded(...) with the whole batch
        setLiveCost(id, null); // its cost is now in the settled summary
        DependencyGraph graph = state.graph();
        if (status.satisfiesDependents()) {
            for (CardId dependent : graph.dependents(id)) {
                startIfReady(state, dependent);
            }
        } else if (status == CardStatus.CANCELLED && summary.cancelReason() != null && summary.attempts() == 0) {
            // cancelled by a cascade: the card writes its own record of it (an engine stop may cut this short;
            // the next start tells the cards whose journal has no record yet)
            region.tell(new CardRegion.Deliver(id, new CardEntity.Cancel(summary.cancelReason(),
                    context.getSystem().ignoreRef())));
        }
    }

    /** A card answered a decision or cancellation: its asker hears once the outcome and its cascade are written. */
    private void onAnswered(OrchestratorState state, Answered a) {
        if (a.answer().isSuccess() && pending.containsKey(a.cardId())) {
            whenRecorded.computeIfAbsent(a.cardId(), k -> new ArrayList<>()).add(() -> a.replyTo().tell(a.answer()));
        } else {
            a.replyTo().tell(a.answer());
        }
    }

    /** Asks a card (through the region) on an asker's behalf; the card's answer comes back here first. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void askCard(CardId id, Function<ActorRef<StatusReply<CardSummary>>, CardEntity.Command> command,
                         ActorRef<StatusReply<CardSummary>> asker) {
        context.ask(StatusReply.class, region, CARD_ANSWER_TIMEOUT,
                (ActorRef<StatusReply> ref) -> new CardRegion.Deliver(id, command.apply(ref.unsafeUpcast())),
                (reply, failure) -> new Answered(id, reply != null ? (StatusReply<CardSummary>) reply
                        : StatusReply.error("card " + id + " did not answer: " + failure), asker));
    }

    // ------------------------------------------------------------------ starting and waking cards

    /** A card's status for readiness: reported outcomes count before their batch is written. */
    private CardStatus readiness(OrchestratorState state, CardId id) {
        CardSummary reported = pending.get(id);
        return reported != null ? reported.status() : state.settledStatus(id);
    }

    private void startIfReady(OrchestratorState state, CardId id) {
        if (paused || stopped || recovering || active.containsKey(id) || state.settled().containsKey(id)
                || pending.containsKey(id)) {
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
                    readyAt(state, id), graph.indexOf(id), id);
            return;
        }
        start(state, id);
    }

    /** Starts waiting ready cards while there is room under the active-card limit. */
    private void admit(OrchestratorState state) {
        while (!stopped && !budgetExhausted && active.size() < engine.policy().maxActiveCards() && !admission.isEmpty()) {
            CardId id = admission.poll(engine.clock().instant()).orElseThrow().item();
            if (!active.containsKey(id) && !state.settled().containsKey(id) && !pending.containsKey(id)) {
                start(state, id);
            }
        }
    }

    /** Queues the card's first owner call; the card comes into memory when a worker claims it. */
    private void start(OrchestratorState state, CardId id) {
        // it may have waited for admission before room freed up by another path
        admission.remove(id.value());
        putActive(state, id, CardStatus.QUEUED);
        DependencyGraph graph = state.graph();
        CardSpec spec = graph.spec(id);
        engine.queue(EngineContext.ownerQueue(spec.owner())).tell(new Dispatcher.Enqueue(new WorkItem(
                WorkItem.key(id, 1, CardEntity.OWNER), id, CardEntity.OWNER, 1, spec.priority().weight(),
                graph.criticalPath(id), readyAt(state, id), graph.indexOf(id))));
    }

    /**
     * When the card became ready: its last dependency's approval, or its creation. Derived from what is
     * recorded, so a card queued again after a restart keeps its place in first-in-first-out order.
     */
    private Instant readyAt(OrchestratorState state, CardId id) {
        Instant at = state.createdAt(id);
        for (CardId dep : state.graph().dependencies(id)) {
            CardSummary s = pending.get(dep);
            if (s == null) {
                s = state.settled().get(dep);
            }
            Instant done = s == null ? null : s.completedAt() != null ? s.completedAt() : s.finishedAt();
            if (done != null && (at == null || done.isAfter(at))) {
                at = done;
            }
        }
        return at != null ? at : engine.clock().instant();
    }

    private void recovered(OrchestratorState state) {
        // After a restart (a journal write failed) this instance is reused: forget what it knew at
        // runtime and learn it again from the journal and the cards. Callers waiting for quiescence are kept.
        active.clear();
        liveCost.clear();
        liveCostTotal = BigDecimal.ZERO;
        pending.clear();
        flushScheduled = false;
        budgetExhausted = false;
        unansweredWakes.clear();
        stallReported = false;
        lastProgress = System.nanoTime();
        while (!admission.isEmpty()) {
            admission.poll(engine.clock().instant());
        }
        engine.directory().publish(state.graph());
        recountKnown(state);
        Duration stall = engine.settings().stallWarningAfter();
        Duration every = Duration.ofMillis(Math.max(250, Math.min(30_000, stall.toMillis() / 4)));
        timers.startTimerWithFixedDelay("stall-check", new StallCheck(), every, every);
        Map<String, Long> index = engine.takeStartIndex();
        recovering = false;
        if (!paused) {
            wake(state, index);
        }
    }

    /**
     * Wakes the backlog: cards that have written events are woken (they re-queue their own work); ready
     * cards without events get a ticket, as on a first start. Without an index of which cards have
     * events (after a restart within a run), every card that is not settled is woken.
     */
    private void wake(OrchestratorState state, Map<String, Long> index) {
        String prefix = engine.cardPersistenceIdPrefix();
        List<CardId> wake = new ArrayList<>();
        List<CardId> fresh = new ArrayList<>();
        for (CardSpec spec : state.specs()) {
            CardId id = spec.id();
            if (state.isSettledTerminal(id)
                    || (state.settledStatus(id) == CardStatus.AWAITING_HUMAN && !state.isForwarded(id))) {
                continue;
            }
            boolean hasEvents = index == null || index.containsKey(prefix + id.value());
            if (hasEvents) {
                wake.add(id);
            } else {
                fresh.add(id);
            }
        }
        for (CardId id : wake) {
            putActive(state, id, state.settledStatus(id));
            region.tell(new CardRegion.Deliver(id, new CardEntity.Wake(context.getSelf().narrow())));
        }
        for (CardId id : fresh) {
            startIfReady(state, id);
        }
        // A cascade decided before a stop is complete in the journal; what may be missing is a cancelled
        // card's own record of it, and (after a crash between an abort and its batch) the cascade itself.
        boolean cascaded = false;
        for (Map.Entry<CardId, CardSummary> e : new ArrayList<>(state.settled().entrySet())) {
            CardSummary summary = e.getValue();
            CardStatus status = summary.status();
            if (status == CardStatus.ABORTED || status == CardStatus.CANCELLED) {
                int before = pending.size();
                cascade(state, e.getKey(), status);
                cascaded |= pending.size() > before;
                if (status == CardStatus.CANCELLED && summary.cancelReason() != null && summary.attempts() == 0
                        && (index == null || !index.containsKey(prefix + e.getKey().value()))) {
                    region.tell(new CardRegion.Deliver(e.getKey(), new CardEntity.Cancel(summary.cancelReason(),
                            context.getSystem().ignoreRef())));
                }
            }
        }
        if (cascaded) {
            scheduleFlush();
        }
        if (wake.isEmpty()) {
            releaseDispatchers();
        } else {
            unansweredWakes.addAll(wake);
            timers.startTimerWithFixedDelay("wake-check", new WakeCheck(), WAKE_CONFIRMATION, WAKE_CONFIRMATION);
        }
        if (!state.specs().isEmpty()) {
            context.getLog().info("Recovered backlog '{}': {} cards, {} settled, {} woken, {} queued", state.project(),
                    state.specs().size(), state.settled().size(), wake.size(), active.size() - wake.size());
        }
        checkQuiescence(state);
    }

    private void releaseDispatchers() {
        engine.queues().values().forEach(q -> q.tell(new Dispatcher.Release()));
    }

    /** Wakes again the cards that have not answered (a card whose journal failed may have lost the first). */
    private void onWakeCheck() {
        if (unansweredWakes.isEmpty()) {
            timers.cancel("wake-check");
            return;
        }
        context.getLog().debug("{} woken cards have not answered; waking them again", unansweredWakes.size());
        for (CardId id : unansweredWakes) {
            region.tell(new CardRegion.Deliver(id, new CardEntity.Wake(context.getSelf().narrow())));
        }
    }

    // ------------------------------------------------------------------ queries and review

    private Effect<Event, OrchestratorState> onGetCard(OrchestratorState state, GetCard c) {
        if (!state.graph().contains(c.cardId())) {
            c.replyTo().tell(StatusReply.error("no card " + c.cardId() + " in this backlog"));
            return Effect().none();
        }
        CardSpec spec = state.graph().spec(c.cardId());
        CardStatus known = knownStatus(state, c.cardId());
        boolean live = !known.isTerminal() && (known != CardStatus.TODO || active.containsKey(c.cardId()));
        CardSummary summary = pending.containsKey(c.cardId()) ? pending.get(c.cardId()) : state.settled().get(c.cardId());
        c.replyTo().tell(StatusReply.success(new CardHandle(spec, state.createdAt(c.cardId()), known, live,
                live ? readyAt(state, c.cardId()) : null, summary)));
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
        Runnable decide = () -> askCard(c.cardId(), r -> new CardEntity.Decide(c.decision(), r), c.replyTo());
        if (state.settledStatus(c.cardId()) == CardStatus.AWAITING_HUMAN && !state.isForwarded(c.cardId())) {
            // recorded as awaiting review: a restart would not wake it, so say first that it may move on
            return Effect().persist(new ReviewForwarded(c.cardId().value(), engine.clock().instant()))
                    .thenRun((OrchestratorState s) -> decide.run());
        }
        decide.run();
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
        if (!active.containsKey(c.cardId())) {
            putActive(state, c.cardId(), known);
        }
        askCard(c.cardId(), r -> new CardEntity.Cancel(c.reason(), r), c.replyTo());
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

    /** Where the backlog stands, from the counts kept as cards move: no scan of the backlog. */
    private BacklogStatus status(OrchestratorState state) {
        Map<CardStatus, Integer> counts = new EnumMap<>(CardStatus.class);
        for (CardStatus s : CardStatus.values()) {
            counts.put(s, knownCounts.getOrDefault(s, 0));
        }
        return new BacklogStatus(state.project(), state.specs().size(), counts, List.copyOf(knownAwaiting), active.size(),
                state.settledCost().add(liveCostTotal()), budgetExhausted, isQuiescent(), null);
    }

    private void putActive(OrchestratorState state, CardId id, CardStatus status) {
        CardStatus before = knownStatus(state, id);
        active.put(id, status);
        moved(id, before, knownStatus(state, id));
    }

    private void removeActive(OrchestratorState state, CardId id) {
        CardStatus before = knownStatus(state, id);
        active.remove(id);
        moved(id, before, knownStatus(state, id));
    }

    private void putPending(OrchestratorState state, CardId id, CardSummary summary) {
        CardStatus before = knownStatus(state, id);
        pending.put(id, summary);
        moved(id, before, knownStatus(state, id));
    }

    private void moved(CardId id, CardStatus before, CardStatus after) {
        if (before == after) {
            return;
        }
        knownCounts.merge(before, -1, Integer::sum);
        knownCounts.merge(after, 1, Integer::sum);
        if (before == CardStatus.AWAITING_HUMAN) {
            knownAwaiting.remove(id);
        }
        if (after == CardStatus.AWAITING_HUMAN) {
            knownAwaiting.add(id);
        }
    }

    /** Counts every card's known status (once per recovery, and when cards are added). */
    private void recountKnown(OrchestratorState state) {
        knownCounts.clear();
        knownAwaiting.clear();
        for (CardSpec spec : state.specs()) {
            CardStatus s = knownStatus(state, spec.id());
            knownCounts.merge(s, 1, Integer::sum);
            if (s == CardStatus.AWAITING_HUMAN) {
                knownAwaiting.add(spec.id());
            }
        }
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

    // ------------------------------------------------------------------ stalls

    /**
     * When cards are in flight but none has moved for the configured time, asks every queue where it
     * stands and logs one warning naming what the run waits on; progress ends the episode.
     */
    private void onStallCheck(OrchestratorState state) {
        if (stallReported || recovering || paused || isQuiescent() || (active.isEmpty() && admission.isEmpty())) {
            return;
        }
        if (System.nanoTime() - lastProgress < engine.settings().stallWarningAfter().toNanos()) {
            return;
        }
        stallReported = true;
        stallStats.clear();
        engine.queues().values().forEach(q -> q.tell(new Dispatcher.GetStats(statsAdapter)));
    }

    private void onQueueStats(OrchestratorState state, Dispatcher.Stats stats) {
        stallStats.add(stats);
        if (stallStats.size() < engine.queues().size()) {
            return;
        }
        long stalledFor = Duration.ofNanos(System.nanoTime() - lastProgress).toSeconds();
        StringBuilder waits = new StringBuilder();
        Instant now = engine.clock().instant();
        for (Dispatcher.Stats s : stallStats) {
            if (s.queued() == 0 && s.running() == 0) {
                continue;
            }
            waits.append(waits.length() == 0 ? "" : "; ").append("queue ").append(s.queue()).append(": ")
                    .append(s.queued()).append(" queued, ").append(s.running()).append(" of ").append(s.workers())
                    .append(" running");
            if (s.oldest() != null) {
                waits.append(", oldest ").append(s.oldest().key()).append(" waiting ")
                        .append(Duration.between(s.oldest().enqueuedAt(), now).toSeconds()).append(" s");
            }
        }
        if (waits.length() == 0) {
            waits.append("no queue holds or runs work");
        }
        StringBuilder cards = new StringBuilder();
        active.entrySet().stream().limit(5).forEach(e -> cards.append(cards.length() == 0 ? "" : ", ")
                .append(e.getKey()).append(" (").append(e.getValue()).append(')'));
        context.getLog().warn("No card has progressed for {} s: {} cards started and not settled ({}{}), {} waiting to "
                        + "start, {} outcomes not yet recorded. Waiting on: {}", stalledFor, active.size(), cards,
                active.size() > 5 ? ", ..." : "", admission.size(), pending.size(), waits);
        stallStats.clear();
    }

    // ------------------------------------------------------------------ budget and quiescence

    private BigDecimal liveCostTotal() {
        return liveCostTotal;
    }

    /** Records what a running card has spent so far (null: it settled, its cost is in its summary). */
    private void setLiveCost(CardId id, BigDecimal cost) {
        BigDecimal previous = cost == null ? liveCost.remove(id) : liveCost.put(id, cost);
        if (previous != null) {
            liveCostTotal = liveCostTotal.subtract(previous);
        }
        if (cost != null) {
            liveCostTotal = liveCostTotal.add(cost);
        }
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
        return !recovering && active.isEmpty() && pending.isEmpty() && !flushScheduled
                && (admission.isEmpty() || budgetExhausted || stopped);
    }

    private void checkQuiescence(OrchestratorState state) {
        if (!quiescenceWaiters.isEmpty() && isQuiescent()) {
            quiescenceWaiters.forEach(w -> w.tell(Boolean.TRUE));
            quiescenceWaiters.clear();
        }
    }
}
