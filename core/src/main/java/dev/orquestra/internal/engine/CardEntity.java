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
import dev.orquestra.internal.dispatch.CallContext;
import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import dev.orquestra.spi.FailureReport;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.WorkOrder;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
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
 * stages, approval or rejection, correction, debugging, escalation — by queueing calls with the
 * dispatchers and persisting what happened. Every state change is an event applied through
 * {@link CardState#apply}, so nothing the lifecycle table forbids is ever persisted; a command the
 * state does not allow gets an error reply.
 *
 * <p>Events that happen together (a rejection and the correction it starts, an approval and the
 * release to dependents) are persisted in one call. After recovery the card re-queues whatever was
 * in flight with the same idempotency key, and restores pending retry timers from their persisted
 * due times.
 */
public final class CardEntity extends EventSourcedBehaviorWithEnforcedReplies<CardEntity.Command, CardEvent, CardState> {

    /** The owner stage's name in idempotency keys and events. */
    public static final String OWNER = "owner";
    /** The debugger stage's name in idempotency keys and events. */
    public static final String DEBUGGER = "debugger";

    public sealed interface Command {
    }

    /**
     * Start the card if it is TODO; in any case reply with its summary (used to wake it after a restart).
     *
     * @param readyAt when its dependencies were met: the card's place in first-in-first-out order
     */
    public record Start(Instant readyAt, ActorRef<CardUpdate> replyTo) implements Command {
    }

    /** Cancel a TODO or QUEUED card. */
    public record Cancel(String reason, ActorRef<StatusReply<CardSummary>> replyTo) implements Command {
    }

    /** Apply a reviewer's decision to a card awaiting review. */
    public record Decide(HumanDecision decision, ActorRef<StatusReply<CardSummary>> replyTo) implements Command {
    }

    /** Reply with the card's full state. */
    public record GetState(ActorRef<CardState> replyTo) implements Command {
    }

    private record Call(CallReport report) implements Command {
    }

    private record RetryDue(String stage) implements Command {
    }

    /** Finish a step a crash interrupted (a status that is normally persisted together with its successor). */
    private record Continue() implements Command {
    }

    private record Passivate() implements Command {
    }

    private static final Duration PASSIVATE_AFTER = Duration.ofSeconds(10);

    private final EngineContext engine;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final CardSpec spec;
    private final int criticalPath;
    private final long ordinal;
    private final ActorRef<Orchestrator.Command> orchestrator;
    private final ActorRef<CallReport> calls;

    // Runtime bookkeeping of calls in flight; rebuilt from the state after a restart.
    private final Map<Long, String> stageOfCall = new HashMap<>();
    private final Map<String, Long> callOfStage = new HashMap<>();
    private final Map<String, Verdict> collected = new LinkedHashMap<>();
    private long nextCallId = 1;

    private CardEntity(EngineContext engine, ActorContext<Command> context, TimerScheduler<Command> timers,
                       CardSpec spec, int criticalPath, long ordinal, ActorRef<Orchestrator.Command> orchestrator) {
        super(PersistenceId.ofUniqueId(engine.cardPersistenceId(spec.id())),
                JournalFailures.RESTART);
        this.engine = engine;
        this.context = context;
        this.timers = timers;
        this.spec = spec;
        this.criticalPath = criticalPath;
        this.ordinal = ordinal;
        this.orchestrator = orchestrator;
        this.calls = context.messageAdapter(CallReport.class, Call::new);
    }

    /**
     * @param criticalPath the card's critical-path length, for queue order
     * @param ordinal      the card's position in the backlog, which breaks ties in queue order
     */
    public static Behavior<Command> create(EngineContext engine, CardSpec spec, int criticalPath, long ordinal,
                                           ActorRef<Orchestrator.Command> orchestrator) {
        return JournalFailures.restartOnStashOverflow(Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new CardEntity(engine, ctx, timers, spec, criticalPath, ordinal, orchestrator))), JournalFailures.RESTART);
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
        return Set.of(engine.cardTag());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(engine.policy().cardSnapshotEvery(), 2);
    }

    @Override
    public SignalHandler<CardState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::resume)
                .build();
    }

    @Override
    public CommandHandlerWithReply<Command, CardEvent, CardState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Start.class, this::onStart)
                .onCommand(Cancel.class, this::onCancel)
                .onCommand(Decide.class, this::onDecide)
                .onCommand(GetState.class, (state, c) -> Effect().reply(c.replyTo(), state))
                .onCommand(Call.class, (state, c) -> onCall(state, c.report()))
                .onCommand(RetryDue.class, this::onRetryDue)
                .onCommand(Continue.class, (state, c) -> onContinue(state))
                .onCommand(Passivate.class, (state, c) -> Effect().stop().thenNoReply())
                .build();
    }

    // ---------------------------------------------------------------- commands from outside

    private ReplyEffect<CardEvent, CardState> onStart(CardState state, Start c) {
        if (state.status() != CardStatus.TODO) {
            return Effect().reply(c.replyTo(), new CardUpdate(spec.id(), CardSummary.of(state), CardUpdate.Kind.STARTED));
        }
        return commit(state, List.of(new CardEvent.Queued(spec.id(), c.readyAt())), this::enqueueOwner)
                .thenReply(c.replyTo(), s -> new CardUpdate(spec.id(), CardSummary.of(s), CardUpdate.Kind.STARTED));
    }

    private ReplyEffect<CardEvent, CardState> onCancel(CardState state, Cancel c) {
        if (state.status().isTerminal()) {
            // the orchestrator may not have recorded this yet (a stop came first): tell it
            orchestrator.tell(new CardUpdate(spec.id(), CardSummary.of(state), CardUpdate.Kind.SETTLED));
        }
        if (state.status() != CardStatus.TODO && state.status() != CardStatus.QUEUED) {
            return Effect().reply(c.replyTo(), StatusReply.error("card " + spec.id() + " is " + state.status()
                    + "; only a TODO or QUEUED card can be cancelled"));
        }
        return commit(state, List.of(new CardEvent.Cancelled(spec.id(), now(), c.reason())),
                s -> engine.queue(EngineContext.ownerQueue(spec.owner()))
                        .tell(new Dispatcher.Dequeue(key(OWNER, state.attempt()))))
                .thenReply(c.replyTo(), s -> StatusReply.success(CardSummary.of(s)));
    }

    private ReplyEffect<CardEvent, CardState> onDecide(CardState state, Decide c) {
        if (state.status() != CardStatus.AWAITING_HUMAN) {
            return Effect().reply(c.replyTo(), StatusReply.error("card " + spec.id() + " is " + state.status()
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
        return commit(state, events, s -> {
            if (s.status() == CardStatus.QUEUED) {
                enqueueOwner(s);
            }
        }).thenReply(c.replyTo(), s -> StatusReply.success(CardSummary.of(s)));
    }

    // ---------------------------------------------------------------- call reports

    private ReplyEffect<CardEvent, CardState> onCall(CardState state, CallReport report) {
        String stage = stageOfCall.get(report.callId());
        if (stage == null) {
            return Effect().noReply(); // a call this card no longer waits for (retried, timed out, or before a restart)
        }
        if (report instanceof CallReport.Started) {
            if (stage.equals(OWNER) && state.status() == CardStatus.QUEUED) {
                return commit(state, List.of(new CardEvent.WorkStarted(spec.id(), now(), state.attempt())), s -> { })
                        .thenNoReply();
            }
            return Effect().noReply();
        }
        if (report instanceof CallReport.SoftLimitReached) {
            if (state.status() == CardStatus.IN_PROGRESS || state.status() == CardStatus.VALIDATING) {
                return commit(state, List.of(new CardEvent.SoftTimeLimitReached(spec.id(), now(), stage)), s -> { })
                        .thenNoReply();
            }
            context.getLog().info("{}: {} call passed its soft time limit", spec.id(), stage);
            return Effect().noReply();
        }
        forget(report.callId());
        if (report instanceof CallReport.Failed f) {
            return onCallFailed(state, stage, f.error(), f.usage());
        }
        Object value = ((CallReport.Succeeded) report).value();
        if (stage.equals(OWNER)) {
            return onOwnerResult(state, (WorkResult) value);
        }
        if (stage.equals(DEBUGGER)) {
            return onDiagnosis(state, (Diagnosis) value);
        }
        return onVerdict(state, stage, (Verdict) value);
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
        return commit(state, events, s -> dispatchStage(s, 0)).thenNoReply();
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
        collected.put(check, spec.get().judge(verdict));
        if (collected.size() < stage.checks().size()) {
            return Effect().noReply();
        }
        List<Verdict> verdicts = new ArrayList<>();
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
            return commit(state, events, s -> dispatchStage(s, index + 1)).thenNoReply();
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

    private ReplyEffect<CardEvent, CardState> onCallFailed(CardState state, String stage, String error, Usage usage) {
        if (!stillWants(state, stage)) {
            return Effect().noReply();
        }
        Instant at = now();
        int retries = state.retriesOf(stage);
        if (retries < engine.policy().maxRetries()) {
            int retry = retries + 1;
            Duration delay = backoff(retry);
            return commit(state, List.of(new CardEvent.RetryScheduled(spec.id(), at, stage, retry, error, at.plus(delay),
                    usage)), s -> timers.startSingleTimer(timerKey(stage), new RetryDue(stage), delay)).thenNoReply();
        }
        String reason = stage + " failed after " + (retries + 1) + " tries: " + error;
        List<CardEvent> events = new ArrayList<>();
        events.add(new CardEvent.DeadLettered(spec.id(), at, stage, error, retries + 1, usage));
        if (stage.equals(OWNER)) {
            events.add(new CardEvent.Failed(spec.id(), at, OWNER, error));
            return setback(state, events);
        }
        if (stage.equals(DEBUGGER)) {
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

    private ReplyEffect<CardEvent, CardState> onRetryDue(CardState state, RetryDue r) {
        if (!stillWants(state, r.stage())) {
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
            case REJECTED, FAILED -> followUp(state, at);
            default -> List.of();
        };
        if (events.isEmpty()) {
            return Effect().noReply();
        }
        return commit(state, events, this::afterSetback).thenNoReply();
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
                    enqueue(s, DEBUGGER, now());
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

    // ---------------------------------------------------------------- recovery

    private void resume(CardState state) {
        // After a restart (a journal write failed) this instance is reused: calls it waited for are gone.
        stageOfCall.clear();
        callOfStage.clear();
        collected.clear();
        switch (state.status()) {
            case QUEUED -> enqueueOwner(state);
            case IN_PROGRESS -> resumeCall(state, OWNER);
            case VALIDATING -> {
                int index = currentStageIndex(state);
                if (index >= engine.pipeline().stages().size()) {
                    context.getSelf().tell(new Continue());
                } else {
                    for (Check c : engine.pipeline().stages().get(index).checks()) {
                        resumeCall(state, c.name());
                    }
                }
            }
            case REJECTED, FAILED -> {
                if (needsDebugger(state)) {
                    resumeCall(state, DEBUGGER);
                } else {
                    context.getSelf().tell(new Continue());
                }
            }
            case APPROVED, CORRECTING, ESCALATED -> context.getSelf().tell(new Continue());
            case DONE, ABORTED, CANCELLED -> timers.startSingleTimer("passivate", new Passivate(), PASSIVATE_AFTER);
            default -> { }
        }
    }

    /** Re-queues a call that was in flight, or restores its retry timer. */
    private void resumeCall(CardState state, String stage) {
        CardState.Retry retry = state.retries().get(stage);
        Instant now = now();
        if (retry != null && retry.dueAt().isAfter(now)) {
            timers.startSingleTimer(timerKey(stage), new RetryDue(stage), Duration.between(now, retry.dueAt()));
        } else {
            enqueue(state, stage, stage.equals(OWNER) && state.queuedAt() != null ? state.queuedAt() : now);
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void enqueueOwner(CardState state) {
        enqueue(state, OWNER, state.queuedAt() == null ? now() : state.queuedAt());
    }

    private void dispatchStage(CardState state, int index) {
        collected.clear();
        Instant at = now();
        for (Check c : engine.pipeline().stages().get(index).checks()) {
            enqueue(state, c.name(), at);
        }
    }

    private void enqueue(CardState state, String stage, Instant enqueuedAt) {
        long callId = nextCallId++;
        Long previous = callOfStage.put(stage, callId);
        if (previous != null) {
            stageOfCall.remove(previous);
        }
        stageOfCall.put(callId, stage);
        String key = key(stage, state.attempt());
        String queue;
        Function<CallContext, CompletionStage<?>> call;
        if (stage.equals(OWNER)) {
            queue = EngineContext.ownerQueue(spec.owner());
            var agent = engine.agents().get(spec.owner());
            List<dev.orquestra.CorrectionRecord> corrections = state.corrections();
            int attempt = state.attempt();
            call = ctx -> agent.perform(new WorkOrder(spec, attempt, key, ctx.softDeadline(), ctx.deadline(),
                    ctx.cancellation(), corrections));
        } else if (stage.equals(DEBUGGER)) {
            queue = EngineContext.DEBUGGER_QUEUE;
            var debugger = engine.debugger();
            var reasons = state.lastReasons();
            var history = state.validationHistory();
            var corrections = state.corrections();
            var artifacts = state.artifacts();
            int attempt = state.attempt();
            call = ctx -> debugger.diagnose(new FailureReport(spec, attempt, key, reasons, history, corrections,
                    artifacts, ctx.softDeadline(), ctx.deadline(), ctx.cancellation()));
        } else {
            queue = EngineContext.checkQueue(stage);
            Check check = engine.pipeline().checks().stream().filter(c -> c.name().equals(stage)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no check named " + stage));
            int attempt = state.attempt();
            var artifacts = state.artifacts();
            List<Verdict> earlier = state.validationHistory().stream().filter(r -> r.attempt() == attempt)
                    .map(ValidationRecord::verdict).toList();
            call = ctx -> check.validator().validate(new Submission(spec, attempt, stage, key, artifacts, earlier,
                    ctx.softDeadline(), ctx.deadline(), ctx.cancellation()));
        }
        engine.queue(queue).tell(new Dispatcher.Enqueue(new WorkItem(key, callId, spec.priority().weight(),
                criticalPath, enqueuedAt, ordinal, call, calls)));
    }

    /** Stops waiting for the other calls of a stage that has already failed. */
    private void cancelStageCalls(CardState state, Stage stage) {
        for (Check c : stage.checks()) {
            Long callId = callOfStage.remove(c.name());
            if (callId != null) {
                stageOfCall.remove(callId);
                engine.queue(EngineContext.checkQueue(c.name())).tell(new Dispatcher.Dequeue(key(c.name(), state.attempt())));
            }
            timers.cancel(timerKey(c.name()));
        }
        collected.clear();
    }

    private void forget(long callId) {
        String stage = stageOfCall.remove(callId);
        if (stage != null) {
            callOfStage.remove(stage, callId);
        }
    }

    /** True when the card still waits for the given stage's call (it is not stale). */
    private boolean stillWants(CardState state, String stage) {
        return switch (state.status()) {
            case IN_PROGRESS -> stage.equals(OWNER);
            case VALIDATING -> !stage.equals(OWNER) && !stage.equals(DEBUGGER)
                    && currentStageIndex(state) < engine.pipeline().stages().size()
                    && engine.pipeline().stages().get(currentStageIndex(state)).checks().stream()
                    .anyMatch(c -> c.name().equals(stage));
            case REJECTED, FAILED -> stage.equals(DEBUGGER);
            default -> false;
        };
    }

    private int currentStageIndex(CardState state) {
        List<Stage> stages = engine.pipeline().stages();
        for (int i = 0; i < stages.size(); i++) {
            if (!state.stagesPassed().contains(stages.get(i).name())) {
                return i;
            }
        }
        return stages.size();
    }

    // ---------------------------------------------------------------- persistence helpers

    /**
     * Persists events together, then publishes them, tells the orchestrator what changed, runs the
     * follow-up, and stops the card when it reached a terminal status.
     */
    private EffectBuilder<CardEvent, CardState> commit(CardState before, List<CardEvent> events,
                                                      org.apache.pekko.japi.function.Procedure<CardState> then) {
        CardState after = fold(before, events);
        EffectBuilder<CardEvent, CardState> effect = Effect().persist(events).thenRun((CardState s) -> {
            // follow-ups (queueing, timers) first: whoever sees the events may rely on them being in place
            then.apply(s);
            engine.publisher().publish(events);
            tellOrchestrator(before, s);
        });
        return after.status().isTerminal() ? effect.thenStop() : effect;
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

    private String key(String stage, int attempt) {
        return spec.id() + "/" + attempt + "/" + stage;
    }

    private static String timerKey(String stage) {
        return "retry-" + stage;
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
