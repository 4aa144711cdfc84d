package dev.orquestra;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The card lifecycle as data: every legal {@code from → to} pair, with the reason it happens.
 * The card state machine refuses any pair not listed here; {@code docs/lifecycle.md} is rendered
 * from this table by a test, so the documentation cannot drift from the code.
 */
public enum CardTransition {
    TODO_TO_QUEUED(CardStatus.TODO, CardStatus.QUEUED, "dependencies met"),
    TODO_TO_CANCELLED(CardStatus.TODO, CardStatus.CANCELLED, "cancelled, or a dependency aborted"),
    QUEUED_TO_IN_PROGRESS(CardStatus.QUEUED, CardStatus.IN_PROGRESS, "owner agent starts"),
    QUEUED_TO_CANCELLED(CardStatus.QUEUED, CardStatus.CANCELLED, "cancelled"),
    IN_PROGRESS_TO_VALIDATING(CardStatus.IN_PROGRESS, CardStatus.VALIDATING, "work submitted"),
    IN_PROGRESS_TO_FAILED(CardStatus.IN_PROGRESS, CardStatus.FAILED, "retries exhausted"),
    VALIDATING_TO_APPROVED(CardStatus.VALIDATING, CardStatus.APPROVED, "every stage passed"),
    VALIDATING_TO_REJECTED(CardStatus.VALIDATING, CardStatus.REJECTED, "a stage failed"),
    FAILED_TO_CORRECTING(CardStatus.FAILED, CardStatus.CORRECTING, "attempts left"),
    FAILED_TO_ESCALATED(CardStatus.FAILED, CardStatus.ESCALATED, "attempts or budget exhausted"),
    REJECTED_TO_CORRECTING(CardStatus.REJECTED, CardStatus.CORRECTING, "attempts left"),
    REJECTED_TO_ESCALATED(CardStatus.REJECTED, CardStatus.ESCALATED, "attempts or budget exhausted"),
    CORRECTING_TO_QUEUED(CardStatus.CORRECTING, CardStatus.QUEUED, "next attempt queued"),
    ESCALATED_TO_AWAITING_HUMAN(CardStatus.ESCALATED, CardStatus.AWAITING_HUMAN, "review requested"),
    AWAITING_HUMAN_TO_APPROVED(CardStatus.AWAITING_HUMAN, CardStatus.APPROVED, "approve override"),
    AWAITING_HUMAN_TO_ABORTED(CardStatus.AWAITING_HUMAN, CardStatus.ABORTED, "reject permanently"),
    AWAITING_HUMAN_TO_CORRECTING(CardStatus.AWAITING_HUMAN, CardStatus.CORRECTING, "clarification"),
    APPROVED_TO_DONE(CardStatus.APPROVED, CardStatus.DONE, "released to dependents");

    private static final Map<CardStatus, Map<CardStatus, CardTransition>> TABLE = new EnumMap<>(CardStatus.class);

    static {
        for (CardStatus s : CardStatus.values()) {
            TABLE.put(s, new EnumMap<>(CardStatus.class));
        }
        for (CardTransition t : values()) {
            TABLE.get(t.from).put(t.to, t);
        }
    }

    private final CardStatus from;
    private final CardStatus to;
    private final String reason;

    CardTransition(CardStatus from, CardStatus to, String reason) {
        this.from = from;
        this.to = to;
        this.reason = reason;
    }

    public CardStatus from() {
        return from;
    }

    public CardStatus to() {
        return to;
    }

    /** Why this transition happens, in a few words (the label of the lifecycle diagram). */
    public String reason() {
        return reason;
    }

    /** The legal transition from one status to another, if the table has it. */
    public static Optional<CardTransition> between(CardStatus from, CardStatus to) {
        return Optional.ofNullable(TABLE.get(from).get(to));
    }

    static Set<CardStatus> successorsOf(CardStatus from) {
        Set<CardStatus> next = TABLE.get(from).keySet();
        return next.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(next));
    }
}
