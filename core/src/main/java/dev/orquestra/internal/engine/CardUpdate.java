package dev.orquestra.internal.engine;

import dev.orquestra.CardId;

/**
 * A card telling the orchestrator where it stands.
 *
 * @param cardId  the card
 * @param summary its summary now
 * @param kind    why it tells
 */
public record CardUpdate(CardId cardId, CardSummary summary, Kind kind) implements Orchestrator.Command {

    public enum Kind {
        /** The reply to a start (or wake) request. */
        STARTED,
        /** Its status or cost changed, nothing the orchestrator must record. */
        PROGRESS,
        /** It settled (terminal or awaiting review) or became active again after a review: recorded. */
        SETTLED
    }
}
