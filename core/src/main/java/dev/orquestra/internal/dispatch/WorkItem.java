package dev.orquestra.internal.dispatch;

import dev.orquestra.CardId;
import java.time.Instant;

/**
 * One piece of work waiting for a worker: plain data, so it can wait in a queue while its card is not
 * in memory. When a worker takes it, the worker claims it from the card, which answers with what to
 * call (or declines a ticket that is no longer wanted).
 *
 * @param key          the idempotency key, {@code cardId/attempt/stage}; one queued item per key
 * @param cardId       the card that wants the work
 * @param stage        {@code owner}, a check's name, or {@code debugger}
 * @param attempt      the card's attempt the work belongs to
 * @param priority     the card's priority weight
 * @param criticalPath the card's critical-path length
 * @param enqueuedAt   when the work became due (derived from persisted facts, so order survives a restart)
 * @param ordinal      the card's position in its backlog: breaks ties between items due at the same instant
 */
public record WorkItem(String key, CardId cardId, String stage, int attempt, int priority, int criticalPath,
                       Instant enqueuedAt, long ordinal) {

    /** The idempotency key of a card's call: {@code cardId/attempt/stage}. */
    public static String key(CardId cardId, int attempt, String stage) {
        return cardId.value() + "/" + attempt + "/" + stage;
    }
}
