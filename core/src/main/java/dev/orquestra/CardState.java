package dev.orquestra;

import dev.orquestra.internal.lifecycle.CardRecording;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A card's state: the pure fold of its {@link CardEvent}s. Immutable; {@link #apply(CardEvent)}
 * returns the next state or refuses the event with an {@link IllegalTransitionException} when the
 * lifecycle table ({@link CardTransition}) does not allow it or the event does not fit the status.
 *
 * <p>Besides the lifecycle, the state holds the card's audit history (validation records,
 * corrections, escalation, human decisions, dead letters), its cost, and where its pipeline stands
 * (stages passed, pending retry), which is what recovery needs to resume it.
 *
 * @param cardId             the card
 * @param status             where it is in the lifecycle
 * @param attempt            the current attempt, from 1 once queued (0 while TODO)
 * @param maxAttempts        attempts allowed before escalation
 * @param clarifications     extra attempts granted by reviewers
 * @param artifacts          what the latest submitted attempt produced
 * @param validationHistory  every verdict recorded, oldest first
 * @param usage              everything this card consumed (owners, validators, debugger)
 * @param queuedAt           when it was last queued, or null
 * @param startedAt          when an owner first started it, or null
 * @param attemptStartedAt   when the current attempt started, or null
 * @param completedAt        when it was approved (the seed's {@code completed_at}), or null
 * @param finishedAt         when it reached a terminal status, or null
 * @param stagesPassed       validation stages passed in the current attempt
 * @param retries            retries made so far of each call in flight, by stage ({@code owner}, a
 *                           check name, {@code debugger}); cleared when the call's step completes
 * @param lastError          the last call error, or null
 * @param lastReasons        reasons of the last rejection or failure
 * @param lastFeedback       validator feedback of the last rejection
 * @param diagnosis          a debugger finding waiting for the next correction, or null
 * @param corrections        every correction, oldest first
 * @param escalation         the latest escalation, or null
 * @param decisions          every human decision, oldest first
 * @param deadLetters        work whose retries ran out
 * @param softLimitsReached  how many calls passed their soft time limit
 * @param cancelReason       why it was cancelled, or null
 * @param rejections         validation rounds that rejected
 * @param failures           attempts that failed outright
 * @param setbackAt          when the last rejection or failure happened, while a correction is pending
 * @param correctionLoops    corrections that reached a new owner start
 * @param correctionLoopTime total time from rejection or failure to the next owner start
 * @param stageDueAt         when the current validation stage became due (the work was submitted or the
 *                           stage before passed), or null: the queue order of its checks after a restart
 */
public record CardState(
        CardId cardId, CardStatus status, int attempt, int maxAttempts, int clarifications,
        List<Artifact> artifacts, List<ValidationRecord> validationHistory, Usage usage,
        Instant queuedAt, Instant startedAt, Instant attemptStartedAt, Instant completedAt, Instant finishedAt,
        List<String> stagesPassed, Map<String, Retry> retries, String lastError,
        List<String> lastReasons, Map<String, String> lastFeedback, Diagnosis diagnosis,
        List<CorrectionRecord> corrections, EscalationRecord escalation, List<HumanDecision> decisions,
        List<DeadLetter> deadLetters, int softLimitsReached, String cancelReason,
        int rejections, int failures, Instant setbackAt, int correctionLoops, Duration correctionLoopTime,
        Instant stageDueAt) {

    public CardState {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(status, "status");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        artifacts = List.copyOf(artifacts);
        validationHistory = List.copyOf(validationHistory);
        usage = usage == null ? Usage.ZERO : usage;
        stagesPassed = List.copyOf(stagesPassed);
        retries = Map.copyOf(retries);
        lastReasons = List.copyOf(lastReasons);
        lastFeedback = Map.copyOf(lastFeedback);
        corrections = List.copyOf(corrections);
        decisions = List.copyOf(decisions);
        deadLetters = List.copyOf(deadLetters);
        correctionLoopTime = correctionLoopTime == null ? Duration.ZERO : correctionLoopTime;
    }

    /** A card that has not started: TODO, attempt 0, nothing recorded. */
    public static CardState initial(CardId cardId, int maxAttempts) {
        return new CardState(cardId, CardStatus.TODO, 0, maxAttempts, 0, List.of(), List.of(), Usage.ZERO,
                null, null, null, null, null, List.of(), Map.of(), null, List.of(), Map.of(), null,
                List.of(), null, List.of(), List.of(), 0, null, 0, 0, null, 0, Duration.ZERO, null);
    }

    /** Folds a sequence of events onto the initial state. */
    public static CardState replay(CardId cardId, int maxAttempts, Iterable<? extends CardEvent> events) {
        CardState state = initial(cardId, maxAttempts);
        for (CardEvent e : events) {
            state = state.apply(e);
        }
        return state;
    }

    /** The most attempts this card may make without another human decision. */
    public int attemptLimit() {
        return maxAttempts + clarifications;
    }

    /** True when another correction is allowed without a human decision. */
    public boolean hasAttemptsLeft() {
        return attempt < attemptLimit();
    }

    /** True when a reviewer approved the card over the validators' verdict. */
    public boolean approvedByOverride() {
        return decisions.stream().anyMatch(d -> d.kind() == HumanDecision.Kind.APPROVE_OVERRIDE);
    }

    /**
     * Applies one event: returns the next state, or throws when the event is not allowed in this
     * state. This is the only way a card's state changes.
     *
     * @throws IllegalTransitionException when the lifecycle table or the card's status refuses it
     */
    public CardState apply(CardEvent event) {
        Objects.requireNonNull(event, "event");
        if (!event.cardId().equals(cardId)) {
            throw refuse(event, "event belongs to card " + event.cardId());
        }
        Draft d = new Draft(this);
        Instant at = event.at();
        if (event instanceof CardEvent.Queued) {
            moveTo(event, CardStatus.QUEUED, d);
            if (status == CardStatus.TODO) {
                d.attempt = 1;
            }
            d.queuedAt = at;
            d.stagesPassed = new ArrayList<>();
            clearRetry(d);
        } else if (event instanceof CardEvent.WorkStarted e) {
            moveTo(event, CardStatus.IN_PROGRESS, d);
            if (e.attempt() != attempt) {
                throw refuse(event, "work started for attempt " + e.attempt() + " but the card is on attempt " + attempt);
            }
            if (startedAt == null) {
                d.startedAt = at;
            }
            d.attemptStartedAt = at;
            if (setbackAt != null) {
                d.correctionLoops++;
                d.correctionLoopTime = d.correctionLoopTime.plus(nonNegative(Duration.between(setbackAt, at)));
                d.setbackAt = null;
            }
            clearRetry(d);
        } else if (event instanceof CardEvent.WorkSubmitted e) {
            moveTo(event, CardStatus.VALIDATING, d);
            d.artifacts = e.artifacts();
            d.usage = d.usage.plus(e.usage());
            d.stagesPassed = new ArrayList<>();
            d.stageDueAt = at;
            clearRetry(d);
        } else if (event instanceof CardEvent.StagePassed e) {
            requireRecordable(event);
            record(d, e.verdicts(), at);
            d.stagesPassed = new ArrayList<>(stagesPassed);
            d.stagesPassed.add(e.stage());
            d.stageDueAt = at;
            clearRetry(d);
        } else if (event instanceof CardEvent.Approved e) {
            moveTo(event, CardStatus.APPROVED, d);
            record(d, e.verdicts(), at);
            d.completedAt = at;
            clearRetry(d);
        } else if (event instanceof CardEvent.Rejected e) {
            moveTo(event, CardStatus.REJECTED, d);
            record(d, e.verdicts(), at);
            d.lastReasons = e.reasons();
            Map<String, String> feedback = new LinkedHashMap<>();
            for (Verdict v : e.verdicts()) {
                feedback.putAll(v.feedback());
            }
            d.lastFeedback = feedback;
            d.rejections++;
            d.setbackAt = at;
            clearRetry(d);
        } else if (event instanceof CardEvent.RetryScheduled e) {
            requireRecordable(event);
            int expected = retriesOf(e.stage()) + 1;
            if (e.retry() != expected) {
                throw refuse(event, "the next retry of " + e.stage() + " is number " + expected + ", not " + e.retry());
            }
            Map<String, Retry> pending = new LinkedHashMap<>(retries);
            pending.put(e.stage(), new Retry(e.retry(), e.retryAt()));
            d.retries = pending;
            d.lastError = e.error();
            d.usage = d.usage.plus(e.usage());
        } else if (event instanceof CardEvent.SoftTimeLimitReached) {
            requireRecordable(event);
            d.softLimitsReached++;
        } else if (event instanceof CardEvent.DeadLettered e) {
            requireRecordable(event);
            d.deadLetters = new ArrayList<>(deadLetters);
            d.deadLetters.add(new DeadLetter(cardId, attempt, e.stage(), e.error(), e.tries(), at));
            d.lastError = e.error();
            d.usage = d.usage.plus(e.usage());
        } else if (event instanceof CardEvent.Failed e) {
            moveTo(event, CardStatus.FAILED, d);
            d.lastError = e.error();
            d.lastReasons = List.of(e.stage() + " failed: " + e.error());
            d.lastFeedback = Map.of();
            d.failures++;
            d.setbackAt = at;
            clearRetry(d);
        } else if (event instanceof CardEvent.Diagnosed e) {
            requireRecordable(event);
            d.diagnosis = e.diagnosis();
            clearRetry(d);
            d.usage = d.usage.plus(e.diagnosis().usage());
        } else if (event instanceof CardEvent.CorrectionStarted e) {
            moveTo(event, CardStatus.CORRECTING, d);
            if (e.attempt() != attempt + 1) {
                throw refuse(event, "a correction starts attempt " + (attempt + 1) + ", not " + e.attempt());
            }
            if (e.attempt() > attemptLimit()) {
                throw refuse(event, "attempts exhausted (" + attempt + " of " + attemptLimit()
                        + "); only a human decision grants another");
            }
            d.corrections = new ArrayList<>(corrections);
            d.corrections.add(new CorrectionRecord(cardId.correctionId(e.attempt()), e.attempt(), status,
                    e.reasons(), e.feedback(), artifacts, e.diagnosis(), null, at));
            d.attempt = e.attempt();
            d.diagnosis = null;
        } else if (event instanceof CardEvent.Escalated e) {
            moveTo(event, CardStatus.ESCALATED, d);
            d.escalation = new EscalationRecord(cardId.escalationId(), attempt, e.reason(), lastReasons, at);
        } else if (event instanceof CardEvent.ReviewRequested) {
            moveTo(event, CardStatus.AWAITING_HUMAN, d);
        } else if (event instanceof CardEvent.HumanDecided e) {
            HumanDecision decision = e.decision();
            moveTo(event, decision.kind().outcome(), d);
            d.decisions = new ArrayList<>(decisions);
            d.decisions.add(decision);
            switch (decision.kind()) {
                case APPROVE_OVERRIDE -> d.completedAt = at;
                case REJECT_PERMANENTLY -> d.finishedAt = at;
                case REQUEST_CLARIFICATION -> {
                    d.clarifications++;
                    d.attempt = attempt + 1;
                    d.corrections = new ArrayList<>(corrections);
                    d.corrections.add(new CorrectionRecord(cardId.correctionId(d.attempt), d.attempt,
                            CardStatus.AWAITING_HUMAN, lastReasons, lastFeedback, artifacts, diagnosis,
                            decision.reason(), at));
                    d.diagnosis = null;
                    d.setbackAt = null;
                }
                default -> throw new IllegalStateException("unknown decision " + decision.kind());
            }
        } else if (event instanceof CardEvent.Completed) {
            moveTo(event, CardStatus.DONE, d);
            d.finishedAt = at;
        } else if (event instanceof CardEvent.Cancelled e) {
            moveTo(event, CardStatus.CANCELLED, d);
            d.cancelReason = e.reason();
            d.finishedAt = at;
        } else {
            throw refuse(event, "unknown event " + event.getClass().getName());
        }
        return d.build();
    }

    private void moveTo(CardEvent event, CardStatus next, Draft d) {
        if (CardTransition.between(status, next).isEmpty()) {
            throw refuse(event, status + " -> " + next + " is not a legal transition (" + event.name() + ")");
        }
        d.status = next;
    }

    private void requireRecordable(CardEvent event) {
        CardRecording rule = CardRecording.of(event).orElseThrow();
        if (!rule.allows(status)) {
            throw refuse(event, event.name() + " is only allowed in " + rule.allowedIn());
        }
    }

    private IllegalTransitionException refuse(CardEvent event, String message) {
        return new IllegalTransitionException(cardId, status, event, message);
    }

    private void record(Draft d, List<Verdict> verdicts, Instant at) {
        List<ValidationRecord> history = new ArrayList<>(validationHistory.size() + verdicts.size());
        history.addAll(validationHistory);
        Usage total = d.usage;
        for (Verdict v : verdicts) {
            history.add(new ValidationRecord(attempt, v, at));
            total = total.plus(v.usage());
        }
        d.validationHistory = history;
        d.usage = total;
    }

    private static void clearRetry(Draft d) {
        d.retries = Map.of();
    }

    /** Retries made so far of the call in flight for a stage ({@code owner}, a check, {@code debugger}). */
    public int retriesOf(String stage) {
        Retry r = retries.get(stage);
        return r == null ? 0 : r.count();
    }

    /**
     * A call that failed and waits for its retry.
     *
     * @param count retries scheduled so far for this call, from 1
     * @param dueAt when the latest retry is due
     */
    public record Retry(int count, Instant dueAt) {
        public Retry {
            Objects.requireNonNull(dueAt, "dueAt");
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The mutable copy an event is applied to; only {@link #apply} uses it. */
    private static final class Draft {
        CardStatus status;
        int attempt;
        int clarifications;
        List<Artifact> artifacts;
        List<ValidationRecord> validationHistory;
        Usage usage;
        Instant queuedAt;
        Instant startedAt;
        Instant attemptStartedAt;
        Instant completedAt;
        Instant finishedAt;
        List<String> stagesPassed;
        Map<String, Retry> retries;
        String lastError;
        List<String> lastReasons;
        Map<String, String> lastFeedback;
        Diagnosis diagnosis;
        List<CorrectionRecord> corrections;
        EscalationRecord escalation;
        List<HumanDecision> decisions;
        List<DeadLetter> deadLetters;
        int softLimitsReached;
        String cancelReason;
        int rejections;
        int failures;
        Instant setbackAt;
        int correctionLoops;
        Duration correctionLoopTime;
        Instant stageDueAt;
        private final CardState from;

        Draft(CardState s) {
            from = s;
            status = s.status;
            attempt = s.attempt;
            clarifications = s.clarifications;
            artifacts = s.artifacts;
            validationHistory = s.validationHistory;
            usage = s.usage;
            queuedAt = s.queuedAt;
            startedAt = s.startedAt;
            attemptStartedAt = s.attemptStartedAt;
            completedAt = s.completedAt;
            finishedAt = s.finishedAt;
            stagesPassed = s.stagesPassed;
            retries = s.retries;
            lastError = s.lastError;
            lastReasons = s.lastReasons;
            lastFeedback = s.lastFeedback;
            diagnosis = s.diagnosis;
            corrections = s.corrections;
            escalation = s.escalation;
            decisions = s.decisions;
            deadLetters = s.deadLetters;
            softLimitsReached = s.softLimitsReached;
            cancelReason = s.cancelReason;
            rejections = s.rejections;
            failures = s.failures;
            setbackAt = s.setbackAt;
            correctionLoops = s.correctionLoops;
            correctionLoopTime = s.correctionLoopTime;
            stageDueAt = s.stageDueAt;
        }

        CardState build() {
            return new CardState(from.cardId, status, attempt, from.maxAttempts, clarifications, artifacts,
                    validationHistory, usage, queuedAt, startedAt, attemptStartedAt, completedAt, finishedAt,
                    stagesPassed, retries, lastError, lastReasons, lastFeedback, diagnosis,
                    corrections, escalation, decisions, deadLetters, softLimitsReached, cancelReason, rejections,
                    failures, setbackAt, correctionLoops, correctionLoopTime, stageDueAt);
        }
    }
}
