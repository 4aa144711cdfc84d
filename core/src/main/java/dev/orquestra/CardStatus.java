package dev.orquestra;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a card is in its lifecycle. Which status may follow which is data: {@link CardTransition}
 * lists every legal pair, and nothing else is ever applied.
 */
public enum CardStatus {
    /** Waiting for its dependencies. */
    TODO,
    /** Dependencies met; waiting for a free owner agent. */
    QUEUED,
    /** An owner agent is working on it. */
    IN_PROGRESS,
    /** The validation pipeline is judging the owner's work. */
    VALIDATING,
    /** Every validation stage passed, or a reviewer overrode the verdict. */
    APPROVED,
    /** A validation stage failed the work. */
    REJECTED,
    /** The owner agent failed even after its retries. */
    FAILED,
    /** A new attempt is being prepared with the reasons and suggestions of the last one. */
    CORRECTING,
    /** Attempts (or budget) ran out; a human must decide. */
    ESCALATED,
    /** Waiting for a reviewer's decision. */
    AWAITING_HUMAN,
    /** Approved and released to its dependents. Terminal. */
    DONE,
    /** Rejected permanently by a reviewer. Terminal. */
    ABORTED,
    /** Will never run: cancelled, or a dependency was aborted. Terminal. */
    CANCELLED;

    private static final Set<CardStatus> TERMINAL = EnumSet.of(DONE, ABORTED, CANCELLED);

    /** True for DONE, ABORTED and CANCELLED: nothing follows them. */
    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** True when the lifecycle table allows this status to be followed by {@code next}. */
    public boolean canTransitionTo(CardStatus next) {
        return CardTransition.between(this, next).isPresent();
    }

    /** The statuses the lifecycle table allows after this one. */
    public Set<CardStatus> successors() {
        return CardTransition.successorsOf(this);
    }

    /** True when dependents of a card in this status may start (APPROVED or DONE). */
    public boolean satisfiesDependents() {
        return this == APPROVED || this == DONE;
    }
}
