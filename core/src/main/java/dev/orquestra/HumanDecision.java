package dev.orquestra;

import java.time.Instant;
import java.util.Objects;

/**
 * A reviewer's decision on an escalated card: the audit record of who decided what, when and why.
 *
 * @param reviewer who decided
 * @param kind     what was decided
 * @param reason   why; for {@link Kind#REQUEST_CLARIFICATION} this is the context added to the
 *                 next attempt
 * @param at       when
 */
public record HumanDecision(String reviewer, Kind kind, String reason, Instant at) {

    /** What a reviewer can decide about a card awaiting review. */
    public enum Kind {
        /** Accept the work as it is: the card is approved and its dependents proceed. */
        APPROVE_OVERRIDE(CardStatus.APPROVED),
        /** Give up on the card: it is aborted and its dependents are cancelled. */
        REJECT_PERMANENTLY(CardStatus.ABORTED),
        /** Add context and run one more attempt. */
        REQUEST_CLARIFICATION(CardStatus.CORRECTING);

        private final CardStatus outcome;

        Kind(CardStatus outcome) {
            this.outcome = outcome;
        }

        /** The status the card moves to when this decision is applied. */
        public CardStatus outcome() {
            return outcome;
        }
    }

    public HumanDecision {
        Artifact.requireText(reviewer, "reviewer");
        Objects.requireNonNull(kind, "kind");
        Artifact.requireText(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
