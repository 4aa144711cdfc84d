package dev.orquestra;

import java.time.Instant;
import java.util.Objects;

/**
 * Work whose retries ran out: which card, attempt and stage, the last error and how many tries were
 * made. The attempt counted as failed; {@code Orquestra.deadLetters()} lists these records.
 *
 * @param cardId  the card
 * @param attempt the attempt
 * @param stage   {@code owner}, a validation stage name, or {@code debugger}
 * @param error   the last error
 * @param tries   calls made, the first one included
 * @param at      when the retries ran out
 */
public record DeadLetter(CardId cardId, int attempt, String stage, String error, int tries, Instant at) {

    public DeadLetter {
        Objects.requireNonNull(cardId, "cardId");
        Artifact.requireText(stage, "stage");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(at, "at");
    }

    /** The idempotency key of the dead work: {@code cardId/attempt/stage}. */
    public String idempotencyKey() {
        return cardId + "/" + attempt + "/" + stage;
    }
}
