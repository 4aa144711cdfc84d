package dev.orquestra.spi;

import dev.orquestra.CardSpec;
import dev.orquestra.CorrectionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an owner agent is asked to do: one attempt at one card.
 *
 * @param card           the card
 * @param attempt        the attempt, from 1
 * @param idempotencyKey {@code cardId/attempt/owner}; the same for every retry of this attempt and
 *                       for a call made again after a crash, so an agent can recognise a repeat
 * @param softDeadline   when the cancellation signal fires to ask the agent to wrap up
 * @param deadline       the hard time limit: after it the call counts as failed
 * @param cancellation   fires at the soft limit, the hard limit and on close
 * @param corrections    every correction so far, oldest first: the last one carries the previous
 *                       attempt's artifacts, every rejection reason, the validator feedback and, when
 *                       the debugger ran, its root cause and suggestions. Empty on attempt 1.
 */
public record WorkOrder(CardSpec card, int attempt, String idempotencyKey, Instant softDeadline, Instant deadline,
                        CancellationSignal cancellation, List<CorrectionRecord> corrections) {

    public WorkOrder {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(softDeadline, "softDeadline");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(cancellation, "cancellation");
        corrections = List.copyOf(corrections);
    }

    /** The correction that started this attempt, if it is a correction. */
    public Optional<CorrectionRecord> correction() {
        return corrections.isEmpty() ? Optional.empty() : Optional.of(corrections.get(corrections.size() - 1));
    }

    /** True when this attempt corrects an earlier one. */
    public boolean isCorrection() {
        return !corrections.isEmpty();
    }
}
