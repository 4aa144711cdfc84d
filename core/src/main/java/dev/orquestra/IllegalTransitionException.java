package dev.orquestra;

/**
 * Thrown when an event would move a card in a way the lifecycle table does not allow, or when an
 * event does not fit the card's status. Nothing is applied.
 */
public final class IllegalTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final CardId cardId;
    private final CardStatus from;
    private final transient CardEvent event;

    IllegalTransitionException(CardId cardId, CardStatus from, CardEvent event, String message) {
        super("card " + cardId + " in " + from + ": " + message);
        this.cardId = cardId;
        this.from = from;
        this.event = event;
    }

    public CardId cardId() {
        return cardId;
    }

    /** The status the card was in. */
    public CardStatus from() {
        return from;
    }

    /** The event that was refused. */
    public CardEvent event() {
        return event;
    }
}
