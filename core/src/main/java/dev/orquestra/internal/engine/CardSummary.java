package dev.orquestra.internal.engine;

import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Usage;
import dev.orquestra.internal.CborSerializable;
import java.time.Instant;

/**
 * What the orchestrator keeps of a card that settled (terminal or awaiting review): enough for the
 * status view, the success metrics and the backlog's cost, without the card's full history.
 *
 * @param status               the card's status when it settled
 * @param attempts             attempts made
 * @param startedAt            first owner start, or null
 * @param completedAt          approval time, or null
 * @param finishedAt           terminal time, or null
 * @param usage                total usage
 * @param rejections           validation rounds that rejected
 * @param approvals            validation rounds that approved (0 or 1)
 * @param failures             attempts that failed outright
 * @param escalated            whether it was ever escalated
 * @param overridden           approved by a reviewer's override
 * @param correctionLoops      corrections that reached a new owner start
 * @param correctionLoopMillis their total time
 * @param cancelReason         why it was cancelled, or null (absent from summaries written before it was kept)
 */
public record CardSummary(CardStatus status, int attempts, Instant startedAt, Instant completedAt, Instant finishedAt,
                          Usage usage, int rejections, int approvals, int failures, boolean escalated,
                          boolean overridden, int correctionLoops, long correctionLoopMillis, String cancelReason)
        implements CborSerializable {

    public static CardSummary of(CardState s) {
        boolean overridden = s.approvedByOverride();
        int approvals = s.completedAt() != null && !overridden ? 1 : 0;
        return new CardSummary(s.status(), s.attempt(), s.startedAt(), s.completedAt(), s.finishedAt(), s.usage(),
                s.rejections(), approvals, s.failures(), s.escalation() != null, overridden, s.correctionLoops(),
                s.correctionLoopTime().toMillis(), s.cancelReason());
    }

    /** A card that never started, cancelled because of a dependency. */
    public static CardSummary cancelled(Instant at, String reason) {
        return new CardSummary(CardStatus.CANCELLED, 0, null, null, at, Usage.ZERO, 0, 0, 0, false, false, 0, 0, reason);
    }

    /** Approved on its first attempt by the validators, with no human override. */
    public boolean firstTimeRight() {
        return approvals == 1 && attempts == 1 && !overridden;
    }
}
