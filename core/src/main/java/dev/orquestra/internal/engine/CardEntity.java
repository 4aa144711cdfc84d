package dev.orquestra.internal.engine;

import dev.orquestra.CardEvent;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Check;
import dev.orquestra.Diagnosis;
import dev.orquestra.HumanDecision;
import dev.orquestra.Stage;
import dev.orquestra.Usage;
import dev.orquestra.ValidationRecord;
import dev.orquestra.Verdict;
import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.CallResult;
import dev.orquestra.internal.dispatch.ClaimAnswer;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import dev.orquestra.spi.WorkResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One card: the only writer of its state. It drives its own pipeline — owner work, validation
 * stages, approval or rejection, correction, debugging, escalation — by queueing work items with the
 * dispatchers and persisting what happened. Every state change is an event applied through
 * {@link CardState#apply}, so nothing the lifecycle table forbids is ever persisted; a command the
 * state does not allow gets an error reply.
 *
 * <p>Work is queued as data ({@link WorkItem}); a worker that takes an item claims it from the card,
 * which answers with what to call, or declines an item it no longer wants. A card therefore need not
 * be in memory while its work waits: the {@link CardRegion} brings it back for the claim.
 *
 * <p>What only marks time is not written on its own: {@code Queued} (for a card's first attempt) and
 * {@code WorkStarted} are applied in memory when the owner's call starts and persisted together with
 * what the call produced (or with a retry, a soft time limit, a cancellation). A crash before that
 * loses nothing that matters: the card is queued again with the same idempotency key and the same
 * place in its queue. Events that happen together (a rejection and the correction it starts, an
 * approval and the completion) are persisted in one call.
 */
public final class CardEntity extends EventSourcedBehaviorWithEnforcedReplies<CardEntity.Command, CardEvent, CardState> {

    /** The owner stage's name in idempotency keys and events. */
    public static final String OWNER = StageRef.OWNER.name();

    public sealed interface Command {
    }

    /**
     * Resume whatever was in flight when the engine stopped (queue the work again with the same keys),
     * then reply with the card's summary. The orchestrator wakes only cards that have written events.
     */
    public record Wake(ActorRef<CardUpdate> replyTo) implements Command {
    }

    /** A worker claims one of this card's work items. */
    public record ClaimWork(WorkItem item, long claim, ActorRef<ClaimAnswer> replyTo) implements Command {
    }

    /** Cancel a TODO or QUEUED card. */
    public record Cancel(String reason, ActorRef<StatusReply<CardSummary>> replyTo) implements Command {
    }

    /** Apply a reviewer's decision to a card awaiting review. */
    public record Decide(HumanDecision decision, ActorRef<StatusReply<CardSummary>> replyTo) implements Command {
    }

    /** Reply with the card's full state (including what is not persisted yet). */
    public record GetState(ActorRef<CardState> replyTo) implements Command {
    }

    /** Leave memory (sent by the region after the card asked to passivate). */
    public record Stop() implements Command {
    }

    private record Call(CallReport report) implements Command {
    }

    private record RetryDue(StageRef stage) implements Command {
    }

    /** Finish a step a crash interrupted (a status that is normally persisted together with its successor). */
    private record Continue() implements Command {
    }

    private record IdleCheck() implements Command {
    }

    private final EngineContext engine;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final CardSpec spec;
    private final int criticalPath;
    private final long ordinal;
    private final ActorRef<Orchestrator.Command> orchestrator;
    private final ActorRef<CardRegion.Command> region;
    private final ActorRef<CallReport> calls;

    // Runtime bookkeeping, rebuilt from the state after a restart.
    /** Events applied in memory but not persisted yet; they go with the next write. */
    private List<CardEvent> deferred = List.of();
    /** The persisted state with the deferred events applied, or null when none are deferred. */
    private CardState effective;
    private final Map<StageRef, Long> running = new HashMap<>();
    private final Map<Long, StageRef> stageOfCall = new HashMap<>();
    private final Map<String, Verdict> collected = new LinkedHashMap<>();
    private long nextCallId;
    /** Whether this incarnation has queued what its state needs (on a wake, a stale claim, or a restart). */
    private boolean resumed;
    private int recoveries;
    /** Whether a supervisor replaced an earlier instance of this card (its stash overflowed). */
    private final boolean replacement;
    private long lastActivity = System.nanoTime();

    private CardEntity(EngineContext engine, ActorContext<Command> context, TimerScheduler<Command> timers,
                       CardSpec spec, int criticalPath, long ordinal, ActorRef<Orchestrator.Command> orchestrator,
                       ActorRef<CardRegion.Command> region, int incarnation) {
        super(PersistenceId.ofUniqueId(engine.cardPersistenceId(spec.id())),
                JournalFailures.RESTART);
        this.engine = engine;
        this.context = context;
        this.timers = timers;
        this.spec = spec;
        this.criticalPath = criticalPath;
        this.ordinal = ordinal;
        this.orchestrator = orchestrator;
        this.region = region;
        this.calls = context.messageAdapter(CallReport.class, Call::new);
        this.replacement = incarnation > 1;
        // call ids of a replaced instance must never be taken for this one's (a late report would match)
        this.nextCallId = ((long) incarnation << 40) + 1;
    }

    /**
     * @param criticalPath the card's critical-path length, for queue order
     * @param ordinal      the card's position in the backlog, which breaks ties in queue order
     * @param region       where the card asks to be passivated
     */
    public static Behavior<Command> create(EngineContext engine, CardSpec spec, int criticalPath, long ordinal,
                                           ActorRef<Orchestrator.Command> orchestrator,
                                           ActorRef<CardRegion.Command> region) {
        int[] incarnations = {0};
        return JournalFailures.restartOnStashOverflow(Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new CardEntity(engine, ctx, timers, spec, criticalPath, ordinal, orchestrator, region,
                        ++incarnations[0]))), JournalFailures.RESTART);
    }

    @Override
    public CardState emptyState() {
        return CardState.initial(spec.id(), engine.policy().maxAttempts());
    }

    @Override
    public EventHandler<CardState, CardEvent> eventHandler() {
        return (state, event) -> state.apply(event);
    }

    @Override
    public Set<String> tagsFor(CardEvent event) {
        return engine.cardTags();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(engine.policy().cardSnapshotEvery(), 2);
    }

    @Override
    public SignalHandler<CardState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::recovered)
                .build();
    }

    @Override
    public CommandHandlerWithReply<Command, CardEvent, CardState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(ClaimWork.class, this::onClaim)
                .onCommand(Call.class, (state, c) -> onCall(state, c.report()))
                .onCommand(Wake.class, this::onWake)
                .onCommand(Cancel.class, this::onCancel)
                .onCommand(Decide.class, this::onDecide)
                .onCommand(GetState.class, (state, c) -> Effect().reply(c.replyTo(), current(state)))
                .onCommand(RetryDue.class, this::onRetryDue)
                .onCommand(Continue.class, (state, c) -> onContinue(current(state)))
                .onCommand(IdleCheck.class, (state, c) -> onIdleCheck(current(state)))
                .onCommand(Stop.class, (state, c) -> onStop(current(state)))
                .build();
    }

    /** The card's state as it stands: what is persisted plus what is deferred to the next write. */
    private CardState current(CardState persisted) {
        return effective != null ? effective : persisted;
    }

    private void defer(CardState persisted, CardEvent event) {
        CardState next = current(persisted).apply(event);
        if (deferred.isEmpty()) {
            deferred = new ArrayList<>(2);
        }
        deferred.add(event);
        effective = next;
    }

    // ---------------------------------------------------------------- claims

    private ReplyEffect<CardEvent, CardState> onClaim(CardState persisted, ClaimWork c) {
        lastActivity = System.nanoTime();
        CardState s = current(persisted);
        WorkItem item = c.item();
        StageRef stage = StageRef.of(item.stage());
        if (running.containsKey(stage)) {
            c.replyTo().tell(new ClaimAnswer.Decline(c.claim(), stage.name() + " is already running"));
            return Effect().noReply();
        }
        String refusal = refusal(s, item, stage);
        if (refusal != null) {
            c.replyTo().tell(new ClaimAnswer.Decline(c.claim(), refusal));
            if (!resumed) {
                // the item was queued for a card that has moved on (its state came from its journal):
                // make sure what it does need is queued
                resumeWork(s);
            }
            return Effect().noReply();
        }
        CardCall call;
        if (stage instanceof StageRef.Owner) {
            if (s.status() == CardStatus.TODO) {
                defer(persisted, new CardEvent.Queued(spec.id(), item.enqueuedAt()));
            }
            if (current(persisted).status() == CardStatus.QUEUED) {
                defer(persisted, new CardEvent.WorkStarted(spec.id(), now(), current(persisted).attempt()));
            }
            CardState started = current(persisted);
            call = new CardCall.Work(spec.owner(), spec, started.attempt(), item.key(), started.corrections());
        } else if (stage instanceof StageRef.Debugger) {
            call = new CardCall.Diagnose(spec, s.attempt(), item.key(), s.lastReasons(), s.validationHistory(),
                    s.corrections(), s.artifacts());
        } else {
            int attempt = s.attempt();
            List<Verdict> earlier = s.validationHistory().stream().filter(r -> r.attempt() == attempt)
                    .map(ValidationRecord::verdict).toList();
            call = new CardCall.Check(stage.name(), spec, attempt, item.key(), s.artifacts(), earlier);
        }
        long callId = nextCallId++;
        running.put(stage, callId);
        stageOfCall.put(callId, stage);
        c.replyTo().tell(new ClaimAnswer.Run(c.claim(), callId, call, calls));
        tellOrchestrator(s, current(persisted));
        return Effect().noReply();
    }

    /** Why the card does not want this item now, or null when it does. */
    private String refusal(CardState s, WorkItem item, StageRef stage) {
        boolean sameAttempt = item.attempt() == s.attempt();
        if (stage instanceof StageRef.Owner) {
            boolean fresh = s.status() == CardStatus.TODO && item.attempt() == 1;
            boolean due = (s.status() == CardStatus.QUEUED || s.status() == CardStatus.IN_PROGRESS) && sameAttempt;
            return fresh || due ? null : "the card is " + s.status() + " on attempt " + s.attempt();
        }
        if (stage instanceof StageRef.Debugger) {
            return (s.status() == CardStatus.REJECTED || s.status() == CardStatus.FAILED) && sameAttempt
                    && needsDebugger(s) ? null : "the card needs no diagnosis now (" + s.status() + ")";
        }
        if (s.status() != CardStatus.VALIDATING || !sameAttempt) {
            return "the card is " + s.status() + " on attempt " + s.attempt();
        }
        int index = currentStageIndex(s);
        if (index >= engine.pipeline().stages().size()
                || engine.pipeline().stages().get(index).checks().stream().noneMatch(c -> c.name().equals(stage.name()))) {
            return "check " + stage.name() + " is not in the card's current stage";
        }
        return collected.containsKey(stage.name()) ? "check " + stage.name() + " already gave its verdict" : null;
    }

    // ---------------------------------------------------------------- commands from outside

    private ReplyEffect<CardEvent, CardState> onWake(CardState persisted, Wake c) {
        CardState s = current(persisted);
        if (!resumed) {
            resumeWork(s);
        }
        return Effect().reply(c.replyTo(), new CardUpdate(spec.id(), CardSummary.of(s), CardUpdate.Kind.STARTED));
    }

    private ReplyEffect<CardEvent, CardState> onCancel(CardState persisted, Cancel c) {
        CardState s = current(persisted);
        if (s.status().isTerminal()) {
            // the orchestrator may not have recorded this yet (a stop came first): tell it
            orchestrator.tell(new CardUpdate(spec.id(), CardSummary.of(s), CardUpdate.Kind.SETTLED));
        }
        if ((s.status() != CardStatus.TODO && s.status() != CardStatus.QUEUED) || !running.isEmpty()) {
            return Effect().reply(c.replyTo(), StatusReply.error("card " + spec.id() + " is " + s.status()
                    + "; only a TODO or QUEUED card can be cancelled"));
        }
        String ticket = WorkItem.key(spec.id(), Math.max(1, s.attempt()), OWNER);
        return commit(s, List.of(new CardEvent.Cancelled(spec.id(), now(), c.reason())),
                after -> engine.queue(EngineContext.ownerQueue(spec.owner())).tell(new Dispatcher.Dequeue(ticket)))
                .thenReply(c.replyTo(), after -> StatusReply.success(CardSummary.of(after)));
    }

    private ReplyEffect<CardEvent, CardState> onDecide(CardState persisted, Decide c) {
        CardState s = current(persisted);
        if (s.status() != CardStatus.AWAITING_HUMAN) {
            return Effect().reply(c.replyTo(), StatusReply.error("card " + spec.id() + " is " + s.status()
                    + ", not awaiting review; a reviewer's decision applies only to a card awaiting review"));
        }
        HumanDecision d = c.decision();
        List<CardEvent> events = new ArrayList<>();
        events.add(new CardEvent.HumanDecided(spec.id(), d.at(), d));
        switch (d.kind()) {
            case APPROVE_OVERRIDE -> events.add(new CardEvent.Completed(spec.id(), d.at()));
            case REQUEST_CLARIFICATION -> events.add(new CardEvent.Queued(spec.id(), d.at()));
            case REJECT_PERMANENTLY -> { }
            default -> throw new IllegalStateException("unknown decision " + d.kind());
        }
        return commit(s, events, after -> {
            if (after.status() == CardStatus.QUEUED) {
                enqueueOwner(after);
            }
        }).thenReply(c.replyTo(), after -> StatusReply.success(CardSummary.of(after)));
    }

    // ---------------------------------------------------------------- call reports

    private ReplyEffect<CardEvent, CardState> onCall(CardState persisted, CallReport report) {
        StageRef stage = stageOfCall.get(report.callId());
        if (stage == null) {
            return Effect().noReply(); // a call this card no longer waits for (retried, timed out, or before a restart)
        }
        lastActivity = System.nanoTime();
        CardState state = current(persisted);
        if (report instanceof CallReport.SoftLimitReached) {
            if (state.status() == CardStatus.IN_PROGRESS || state.status() == CardStatus.VALIDATING) {
                return commit(state, List.of(new CardEvent.SoftTimeLimitReached(spec.id(), now(), stage.name())), s -> { })
                        .thenNoReply();
            }
            context.getLog().info("{}: {} call passed its soft time limit", spec.id(), stage.name());
            return Effect().noReply();
        }
        forget(report.callId());
        if (report instanceof CallReport.Abandoned) {
            return Effect().noReply(); // the worker put the item back in its queue; a new claim will come
        }
        if (report instanceof CallReport.Failed f) {
            return onCallFailed(state, stage, f.error(), f.usage());
        }
        CallResult result = ((CallReport.Succeeded) report).result();
        if (stage instanceof StageRef.Owner) {
            return result instanceof CallResult.Work w ? onOwnerResult(state, w.result())
                    : onCallFailed(state, stage, "the agent completed with " + result.describe() + " instead of a WorkResult",
                    Usage.ZERO);
        }
        if (stage instanceof StageRef.Debugger) {
            return result instanceof CallResult.Diagnosed d ? onDiagnosis(state, d.diagnosis())
                    : onCallFailed(state, stage, "the debugger completed with " + result.describe()
                    + " instead of a Diagnosis", Usage.ZERO);
        }
        return result instanceof CallResult.Judged j ? onVerdict(state, stage.name(), j.verdict())
                : onCallFailed(state, stage, "the validator completed with " + result.describe() + " instead of a Verdict",
                Usage.ZERO);
    }

    private ReplyEffect<CardEvent, CardState> onOwnerResult(CardState state, WorkResult result) {
        if (state.status() != CardStatus.IN_PROGRESS) {
            return Effect().noReply();
        }
        Instant at = now();
        List<CardEvent> events = new ArrayList<>();
        events.add(new CardEvent.WorkSubmitted(spec.id(), at, result.artifacts(), result.usage()));
        CardState submitted = fold(state, events);
        if (overBudget(submitted)) {
            String reason = budgetReason(submitted);
            events.add(new CardEvent.Rejected(spec.id(), at, "budget", List.of(), List.of(reason)));
            events.addAll(escalation(reason, at));
            return commit(state, events, s -> { }).thenNoReply();
        }
        if (engine.pipeline().stages().isEmpty()) {
            events.add(new CardEvent.Approved(spec.id(), at, "none", List.of()));
            events.add(new CardEvent.Completed(spec.id(), at));
            return commit(state, events, s -> { }).thenNoReply();
        }
        return commit(state, events, s -> dispatchStage(s, 0, at)).thenNoReply();
    }

    private ReplyEffect<CardEvent, CardState> onVerdict(CardState state, String check, Verdict verdict) {
        int index = currentStageIndex(state);
        if (state.status() != CardStatus.VALIDATING || index >= engine.pipeline().stages().size()) {
            return Effect().noReply();
        }
        Stage stage = engine.pipeline().stages().get(index);
        Optional<Check> spec = stage.checks().stream().filter(c -> c.name().equals(check)).findFirst();
        if (spec.isEmpty()) {
            return Effect().noReply();
        }
        collected.put(check, Judging.judge(spec.get(), verdict));
        if (collected.size() < stage.checks().size()) {
            return Effect().noReply();
        }
        List<Verdict> verdicts = new ArrayList<>(stage.checks().size());
        for (Check c : stage.checks()) {
            verdicts.add(collected.get(c.name()));
        }
        collected.clear();
        Instant at = now();
        boolean last = index == engine.pipeline().stages().size() - 1;
        if (verdicts.stream().allMatch(Verdict::passed)) {
            if (last) {
                return commit(state, List.of(new CardEvent.Approved(this.spec.id(), at, stage.name(), verdicts),
                        new CardEvent.Completed(this.spec.id(), at)), s -> { }).thenNoReply();
            }
            List<CardEvent> events = new ArrayList<>();
            events.add(new CardEvent.StagePassed(this.spec.id(), at, stage.name(), verdicts));
            CardState passed = fold(state, events);
            if (overBudget(passed)) {
                String reason = budgetReason(passed);
                events.add(new CardEvent.Rejected(this.spec.id(), at, "budget", List.of(), List.of(reason)));
                events.addAll(escalation(reason, at));
                return commit(state, events, s -> { }).thenNoReply();
            }
            return commit(state, events, s -> dispatchStage(s, index + 1, at)).thenNoReply();
        }
        List<String> reasons = new ArrayList<>(new LinkedHashSet<>(verdicts.stream()
                .filter(v -> !v.passed()).flatMap(v -> v.reasons().stream()).toList()));
        if (reasons.isEmpty()) {
            reasons.add(stage.name() + " failed without a reason");
        }
        return setback(state, List.of(new CardEvent.Rejected(this.spec.id(), at, stage.name(), verdicts, reasons)));
    }

    private ReplyEffect<CardEvent, CardState> onDiagnosis(CardState state, Diagnosis diagnosis) {
        if (state.status() != CardStatus.REJECTED && state.status() != CardStatus.FAILED) {
            return Effect().noReply();
        }
        Instant at = now();
        List<CardEvent> events = new ArrayList<>();
        events.add(new CardEvent.Diagnosed(spec.id(), at, diagnosis));
        CardState diagnosed = fold(state, events);
        if (overBudget(diagnosed)) {
            events.addAll(escalation(budgetReason(diagnosed), at));
        } else {
            events.addAll(correction(diagnosed, diagnosis, at));
        }
        return commit(state, events, this::afterSetback).thenNoReply();
    }

    private ReplyEffect<CardEvent, CardState> onCallFailed(CardState state, StageRef stage, String error, Usage usage) {
        if (!stillWants(state, stage)) {
            return Effect().noReply();
        }
        Instant at = now();
        int retries = state.retriesOf(stage.name());
        if (retries < engine.policy().maxRetries()) {
            int retry = retries + 1;
            Duration delay = backoff(retry);
            return commit(state, List.of(new CardEvent.RetryScheduled(spec.id(), at, stage.name(), retry, error, at.plus(delay),
                    usage)), s -> timers.startSingleTimer(timerKey(stage), new RetryDue(stage), delay)).thenNoReply();
        }
        String reason = stage.name() + " failed after " + (retries + 1) + " tries: " + error;
        List<CardEvent> events = new ArrayList<>();
        events.add(new CardEvent.DeadLettered(spec.id(), at, stage.name(), error, retries + 1, usage));
        if (stage instanceof StageRef.Owner) {
            events.add(new CardEvent.Failed(spec.id(), at, OWNER, error));
            return setback(state, events);
        }
        if (stage instanceof StageRef.Debugger) {
            // The debugger could not help; correct without its diagnosis rather than block the card.
            CardState dead = fold(state, events);
            events.addAll(correction(dead, null, at));
            return commit(state, events, this::afterSetback).thenNoReply();
        }
        int index = currentStageIndex(state);
        Stage current = engine.pipeline().stages().get(index);
        List<Verdict> verdicts = new ArrayList<>(collected.values());
        cancelStageCalls(state, current);
        events.add(new CardEvent.Rejected(spec.id(), at, current.name(), verdicts, List.of(reason)));
        return setback(state, events);
    }

    private ReplyEffect<CardEvent, CardState> onRetryDue(CardState persisted, RetryDue r) {
        CardState state = current(persisted);
        if (!stillWants(state, r.stage()) || running.containsKey(r.stage())) {
            return Effect().noReply();
        }
        enqueue(state, r.stage(), now());
        return Effect().noReply();
    }

    private ReplyEffect<CardEvent, CardState> onContinue(CardState state) {
        Instant at = now();
        List<CardEvent> events = switch (state.status()) {
            case APPROVED -> List.of(new CardEvent.Completed(spec.id(), at));
            case CORRECTING -> List.of(new CardEvent.Queued(spec.id(), at));
            case ESCALATED -> List.of(new CardEvent.ReviewRequested(spec.id(), at));
            case REJECTED, FAILED -> needsDebugger(state) ? List.of() : followUp(state, at);
            case VALIDATING -> currentStageIndex(state) >= engine.pipeline().stages().size()
                    ? List.of(new CardEvent.Approved(spec.id(), at, "none", List.of()),
                    new CardEvent.Completed(spec.id(), at)) : List.of();
            default -> List.of();
        };
        if (events.isEmpty()) {
            return Effect().noReply();
        }
        return commit(state, events, this::afterSetback).thenNoReply();
    }

    private ReplyEffect<CardEvent, CardState> onIdleCheck(CardState state) {
        if (isIdle(state) && System.nanoTime() - lastActivity >= engine.settings().passivateAfter().toNanos()) {
            region.tell(new CardRegion.Passivate(spec.id(), context.getSelf()));
        }
        return Effect().noReply();
    }

    /**
     * The region agreed to take the card out of memory; but a claim it delivered before it did may have
     * started a call since the card asked: then the card stays, and says so.
     */
    private ReplyEffect<CardEvent, CardState> onStop(CardState state) {
        if (isIdle(state)) {
            return Effect().stop().thenNoReply();
        }
        region.tell(new CardRegion.StayInMemory(spec.id(), context.getSelf()));
        return Effect().noReply();
    }

    /** Nothing only this incarnation knows: no call running, nothing deferred or collected, no retry due. */
    private boolean isIdle(CardState state) {
        // verdicts collected for a stage that is not complete live only in memory: keep them
        return running.isEmpty() && deferred.isEmpty() && collected.isEmpty() && !retryPending(state);
    }

    private boolean retryPending(CardState state) {
        for (String stage : state.retries().keySet()) {
            if (timers.isTimerActive(timerKey(StageRef.of(stage)))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- setbacks: rejection or failure

    /** Persists a rejection or failure together with what follows it (correction, escalation, or the debugger). */
    private ReplyEffect<CardEvent, CardState> setback(CardState state, List<CardEvent> setbackEvents) {
        List<CardEvent> events = new ArrayList<>(setbackEvents);
        CardState after = fold(state, events);
        events.addAll(followUp(after, setbackEvents.get(setbackEvents.size() - 1).at()));
        return commit(state, events, this::afterSetback).thenNoReply();
    }

    /** What follows a rejection or failure: escalation, a correction, or nothing yet while the debugger runs. */
    private List<CardEvent> followUp(CardState setback, Instant at) {
        if (overBudget(setback)) {
            return escalation(budgetReason(setback), at);
        }
        if (!setback.hasAttemptsLeft()) {
            return escalation("attempts exhausted: " + setback.attempt() + " of " + setback.attemptLimit()
                    + " failed", at);
        }
        if (needsDebugger(setback)) {
            return List.of();
        }
        return correction(setback, null, at);
    }

    private void afterSetback(CardState s) {
        switch (s.status()) {
            case QUEUED -> enqueueOwner(s);
            case REJECTED, FAILED -> {
                if (needsDebugger(s)) {
                    enqueue(s, StageRef.DEBUGGER, s.setbackAt() != null ? s.setbackAt() : now());
                }
            }
            default -> { }
        }
    }

    private boolean needsDebugger(CardState s) {
        if (engine.debugger() == null || !engine.policy().debugRepeatedFailures() || s.attempt() < 2
                || s.corrections().isEmpty()) {
            return false;
        }
        if (s.diagnosis() != null) {
            return false;
        }
        List<String> previous = s.corrections().get(s.corrections().size() - 1).reasons();
        return new HashSet<>(previous).equals(new HashSet<>(s.lastReasons()));
    }

    private List<CardEvent> correction(CardState setback, Diagnosis diagnosis, Instant at) {
        return List.of(new CardEvent.CorrectionStarted(spec.id(), at, setback.attempt() + 1, setback.lastReasons(),
                        setback.lastFeedback(), diagnosis),
                new CardEvent.Queued(spec.id(), at));
    }

    private List<CardEvent> escalation(String reason, Instant at) {
        return List.of(new CardEvent.Escalated(spec.id(), at, reason), new CardEvent.ReviewRequested(spec.id(), at));
    }

    private boolean overBudget(CardState s) {
        Optional<BigDecimal> budget = engine.policy().cardBudgetUsd();
        return budget.isPresent() && s.usage().costUsd().compareTo(budget.get()) > 0;
    }

    private String budgetReason(CardState s) {
        return "card budget of USD " + engine.policy().cardBudgetUsd().orElseThrow().toPlainString()
                + " exceeded: USD " + s.usage().costUsd().toPlainString() + " spent";
    }

    // ---------------------------------------------------------------- recovery and passivation

    private void recovered(CardState state) {
        // After a restart (a journal write failed) this instance is reused: calls it waited for are gone,
        // and whatever it had deferred was never written.
        deferred = List.of();
        effective = null;
        running.clear();
        stageOfCall.clear();
        collected.clear();
        boolean restarted = ++recoveries > 1 || replacement;
        resumed = false;
        lastActivity = System.nanoTime();
        if (restarted) {
            resumeWork(state);
            if (state.status() == CardStatus.TODO) {
                // what it had started in memory is gone; the orchestrator queues it again
                orchestrator.tell(new CardUpdate(spec.id(), CardSummary.of(state), CardUpdate.Kind.STARTED));
            }
        } else if (state.status().isTerminal()) {
            region.tell(new CardRegion.Passivate(spec.id(), context.getSelf()));
        } else if (isInterrupted(state)) {
            context.getSelf().tell(new Continue());
        }
        Duration idle = engine.settings().passivateAfter();
        timers.startTimerWithFixedDelay("idle", new IdleCheck(), idle, idle);
    }

    /** A status normally persisted together with its successor: a crash came in between. */
    private boolean isInterrupted(CardState state) {
        return switch (state.status()) {
            case APPROVED, CORRECTING, ESCALATED -> true;
            case REJECTED, FAILED -> !needsDebugger(state);
            case VALIDATING -> currentStageIndex(state) >= engine.pipeline().stages().size();
            default -> false;
        };
    }

    /** Queues again whatever the state says is due and not running, or restores its retry timer. */
    private void resumeWork(CardState state) {
        resumed = true;
        switch (state.status()) {
            case QUEUED -> enqueueOwner(state);
            case IN_PROGRESS -> resumeCall(state, StageRef.OWNER, state.queuedAt());
            case VALIDATING -> {
                int index = currentStageIndex(state);
                if (index < engine.pipeline().stages().size()) {
                    for (Check c : engine.pipeline().stages().get(index).checks()) {
                        if (!collected.containsKey(c.name())) {
                            resumeCall(state, new StageRef.Check(c.name()), state.stageDueAt());
                        }
                    }
                }
            }
            case REJECTED, FAILED -> {
                if (needsDebugger(state)) {
                    resumeCall(state, StageRef.DEBUGGER, state.setbackAt());
                }
            }
            case DONE, ABORTED, CANCELLED -> region.tell(new CardRegion.Passivate(spec.id(), context.getSelf()));
            default -> { }
        }
        if (isInterrupted(state)) {
            context.getSelf().tell(new Continue());
        }
    }

    /** Re-queues a call that was due, or restores its retry timer. */
    private void resumeCall(CardState state, StageRef stage, Instant dueAt) {
        if (running.containsKey(stage)) {
            return;
        }
        CardState.Retry retry = state.retries().get(stage.name());
        Instant now = now();
        if (retry != null && retry.dueAt().isAfter(now)) {
            timers.startSingleTimer(timerKey(stage), new RetryDue(stage), Duration.between(now, retry.dueAt()));
        } else {
            enqueue(state, stage, dueAt != null ? dueAt : now);
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void enqueueOwner(CardState state) {
        enqueue(state, StageRef.OWNER, state.queuedAt() == null ? now() : state.queuedAt());
    }

    private void dispatchStage(CardState state, int index, Instant dueAt) {
        collected.clear();
        for (Check c : engine.pipeline().stages().get(index).checks()) {
            enqueue(state, new StageRef.Check(c.name()), dueAt);
        }
    }

    private void enqueue(CardState state, StageRef stage, Instant enqueuedAt) {
        engine.queue(stage.queue(spec.owner())).tell(new Dispatcher.Enqueue(new WorkItem(
                WorkItem.key(spec.id(), state.attempt(), stage.name()), spec.id(), stage.name(), state.attempt(), spec.priority().weight(), criticalPath, enqueuedAt, ordinal)));
    }

    /** Stops waiting for the other calls of a stage that has already failed. */
    private void cancelStageCalls(CardState state, Stage stage) {
        for (Check c : stage.checks()) {
            Long callId = running.remove(new StageRef.Check(c.name()));
            if (callId != null) {
                stageOfCall.remove(callId);
            }
            engine.queue(EngineContext.checkQueue(c.name()))
                    .tell(new Dispatcher.Dequeue(WorkItem.key(spec.id(), state.attempt(), c.name())));
            timers.cancel(timerKey(new StageRef.Check(c.name())));
        }
        collected.clear();
    }

    private void forget(long callId) {
        StageRef stage = stageOfCall.remove(callId);
        if (stage != null) {
            running.remove(stage, callId);
        }
    }

    /** True when the card still waits for the given stage's call (it is not stale). */
    private boolean stillWants(CardState state, StageRef stage) {
        return switch (state.status()) {
            case IN_PROGRESS -> stage instanceof StageRef.Owner;
            case VALIDATING -> stage instanceof StageRef.Check check
                    && currentStageIndex(state) < engine.pipeline().stages().size()
                    && engine.pipeline().stages().get(currentStageIndex(state)).checks().stream()
                    .anyMatch(c -> c.name().equals(check.name()));
            case REJECTED, FAILED -> stage instanceof StageRef.Debugger;
            default -> false;
        };
    }

    private int currentStageIndex(CardState state) {
        List<Stage> stages = engine.pipeline().stages();
        List<String> passed = state.stagesPassed();
        for (int i = 0; i < stages.size(); i++) {
            if (!passed.contains(stages.get(i).name())) {
                return i;
            }
        }
        return stages.size();
    }

    // ---------------------------------------------------------------- persistence helpers

    /**
     * Persists the deferred events and these together, then publishes them, tells the orchestrator
     * what changed, runs the follow-up, and asks to leave memory when the card reached a terminal status.
     *
     * @param before the card's current state (deferred events applied)
     */
    private EffectBuilder<CardEvent, CardState> commit(CardState before, List<CardEvent> events,
                                                      org.apache.pekko.japi.function.Procedure<CardState> then) {
        List<CardEvent> all;
        if (deferred.isEmpty()) {
            all = events;
        } else {
            all = new ArrayList<>(deferred.size() + events.size());
            all.addAll(deferred);
            all.addAll(events);
            deferred = List.of();
            effective = null;
        }
        return Effect().persist(all).thenRun((CardState s) -> {
            // follow-ups (queueing, timers) first: whoever sees the events may rely on them being in place
            then.apply(s);
            engine.publisher().publish(all);
            tellOrchestrator(before, s);
            if (s.status().isTerminal()) {
                region.tell(new CardRegion.Passivate(spec.id(), context.getSelf()));
            }
        });
    }

    private void tellOrchestrator(CardState before, CardState after) {
        boolean settles = after.status() != before.status() && (after.status().isTerminal()
                || after.status() == CardStatus.AWAITING_HUMAN || before.status() == CardStatus.AWAITING_HUMAN);
        if (settles || after.status() != before.status() || !after.usage().equals(before.usage())) {
            orchestrator.tell(new CardUpdate(spec.id(), CardSummary.of(after),
                    settles ? CardUpdate.Kind.SETTLED : CardUpdate.Kind.PROGRESS));
        }
    }

    private static CardState fold(CardState state, List<CardEvent> events) {
        CardState s = state;
        for (CardEvent e : events) {
            s = s.apply(e);
        }
        return s;
    }

    // ---------------------------------------------------------------- small helpers

    private static String timerKey(StageRef stage) {
        return "retry-" + stage.name();
    }

    private Duration backoff(int retry) {
        Duration base = engine.policy().backoffBefore(retry);
        double jitter = engine.policy().jitter();
        if (jitter == 0) {
            return base;
        }
        double factor = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Duration.ofNanos(Math.max(1, (long) (base.toNanos() * factor)));
    }

    private Instant now() {
        return engine.clock().instant();
    }
}
