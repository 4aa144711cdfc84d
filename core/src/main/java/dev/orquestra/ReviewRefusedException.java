package dev.orquestra;

/**
 * Thrown when a human decision or a cancellation does not fit the card's status (a decision on a card
 * that is not awaiting review, a cancellation of a card that already runs). Nothing is recorded.
 */
public final class ReviewRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ReviewRefusedException(String message) {
        super(message);
    }
}
