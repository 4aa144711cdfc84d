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

    /**
     * One line, readable in a log: {@code 'shop': 120 cards, 20 TODO, 3 IN_PROGRESS, 97 DONE; 3 active;
     * 1 awaiting review (BE-7); USD 4.10 spent}, then {@code ; budget exhausted}, {@code ; quiescent} and
     * {@code ; journal outage: ...} when they apply. Statuses with no card are left out, the others come in
     * lifecycle order; at most five cards awaiting review are named.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(project == null ? "no backlog" : "'" + project + "'").append(": ").append(totalCards).append(" cards");
        for (CardStatus status : CardStatus.values()) {
            int n = count(status);
            if (n > 0) {
                b.append(", ").append(n).append(' ').append(status);
            }
        }
        b.append("; ").append(active).append(" active");
        if (!awaitingReview.isEmpty()) {
            b.append("; ").append(awaitingReview.size()).append(" awaiting review (");
            b.append(String.join(", ", awaitingReview.stream().limit(5).map(CardId::value).toList()));
            b.append(awaitingReview.size() > 5 ? ", ...)" : ")");
        }
        b.append("; USD ").append(costUsd == null ? "?" : costUsd.stripTrailingZeros().toPlainString()).append(" spent");
        if (budgetExhausted) {
            b.append("; budget exhausted");
        }
        if (quiescent) {
            b.append("; quiescent");
        }
        if (journalOutage != null) {
            b.append("; journal outage: ").append(journalOutage);
        }
        return b.toString();
    }
}
