package dev.orquestra;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Where a backlog stands.
 *
 * @param project         the backlog's project name, or {@code null} before a backlog was submitted
 * @param totalCards      cards in the backlog
 * @param byStatus        cards per status (every status present, zero included)
 * @param awaitingReview  cards waiting for a reviewer, in id order
 * @param active          cards started and not yet settled (queued, running, validating, correcting)
 * @param costUsd         everything spent so far
 * @param budgetExhausted true when the backlog budget is spent and no new card starts
 * @param quiescent       true when nothing can progress without a human decision
 * @param journalOutage   why the store cannot be written right now (the counts stand still until it can), or
 *                        null while it works
 */
public record BacklogStatus(String project, int totalCards, Map<CardStatus, Integer> byStatus,
                            List<CardId> awaitingReview, int active, BigDecimal costUsd, boolean budgetExhausted,
                            boolean quiescent, String journalOutage) {

    public BacklogStatus {
        byStatus = Map.copyOf(byStatus);
        awaitingReview = List.copyOf(awaitingReview);
    }

    /** This status, saying the journal is unavailable (or available, with null). */
    public BacklogStatus withJournalOutage(String outage) {
        return new BacklogStatus(project, totalCards, byStatus, awaitingReview, active, costUsd, budgetExhausted,
                quiescent && outage == null, outage);
    }

    /** Cards in the given status. */
    public int count(CardStatus status) {
        return byStatus.getOrDefault(status, 0);
    }
}
