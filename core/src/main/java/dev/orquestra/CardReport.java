package dev.orquestra;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a checkpoint says about one card: its spec and how far it got. This is the part of a card's
 * {@link CardState} that the seed's {@code backlog_master.json} shows; it is read back exactly as it
 * was written ({@link BacklogCheckpoint}).
 *
 * @param spec              the card
 * @param status            where it is in the lifecycle
 * @param attempt           the current attempt, 0 before it was first queued
 * @param validationHistory every verdict recorded, oldest first
 * @param artifacts         what the latest submitted attempt produced
 * @param usage             everything the card consumed
 * @param createdAt         when the card was submitted, or null
 * @param startedAt         when an owner first started it, or null
 * @param completedAt       when it was approved (the seed's {@code completed_at}), or null
 * @param decisions         every human decision, oldest first
 * @param corrections       every correction, oldest first (the seed's {@code <card>-CORR-n} entries)
 * @param escalation        the latest escalation (the seed's {@code <card>-ESC} entry), or null
 */
public record CardReport(CardSpec spec, CardStatus status, int attempt, List<ValidationRecord> validationHistory,
                         List<Artifact> artifacts, Usage usage, Instant createdAt, Instant startedAt,
                         Instant completedAt, List<HumanDecision> decisions, List<CorrectionRecord> corrections,
                         EscalationRecord escalation) {

    public CardReport {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt of card " + spec.id() + " must not be negative, was " + attempt);
        }
        validationHistory = List.copyOf(validationHistory);
        artifacts = List.copyOf(artifacts);
        usage = usage == null ? Usage.ZERO : usage;
        decisions = List.copyOf(decisions);
        corrections = List.copyOf(corrections);
    }

    /**
     * The report of a card in the given state. A {@code null} state means the card never started:
     * TODO, attempt 0, nothing recorded.
     *
     * @param createdAt when the card was submitted, or null
     * @throws IllegalArgumentException when the state belongs to another card
     */
    public static CardReport of(CardSpec spec, CardState state, Instant createdAt) {
        Objects.requireNonNull(spec, "spec");
        if (state == null) {
            return new CardReport(spec, CardStatus.TODO, 0, List.of(), List.of(), Usage.ZERO, createdAt, null, null,
                    List.of(), List.of(), null);
        }
        if (!state.cardId().equals(spec.id())) {
            throw new IllegalArgumentException("the state of card " + state.cardId() + " cannot report on card " + spec.id());
        }
        return new CardReport(spec, state.status(), state.attempt(), state.validationHistory(), state.artifacts(),
                state.usage(), createdAt, state.startedAt(), state.completedAt(), state.decisions(),
                state.corrections(), state.escalation());
    }

    /** The card's id. */
    public CardId id() {
        return spec.id();
    }

    /** The seed's {@code escalation_needed}: true while the card is ESCALATED or AWAITING_HUMAN. */
    public boolean escalationNeeded() {
        return status == CardStatus.ESCALATED || status == CardStatus.AWAITING_HUMAN;
    }
}
