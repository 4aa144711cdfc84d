package dev.orquestra.spi;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a validator judges: the artifacts of one attempt at one card.
 *
 * @param card            the card
 * @param attempt         the attempt judged
 * @param stage           the validation stage's name
 * @param idempotencyKey  {@code cardId/attempt/stage}
 * @param artifacts       what the owner produced
 * @param earlierVerdicts verdicts of the stages already passed in this attempt
 * @param softDeadline    when the cancellation signal fires
 * @param deadline        the hard time limit
 * @param cancellation    fires at the soft limit, the hard limit and on close
 */
public record Submission(CardSpec card, int attempt, String stage, String idempotencyKey, List<Artifact> artifacts,
                         List<Verdict> earlierVerdicts, Instant softDeadline, Instant deadline,
                         CancellationSignal cancellation) {

    public Submission {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        artifacts = List.copyOf(artifacts);
        earlierVerdicts = List.copyOf(earlierVerdicts);
        Objects.requireNonNull(softDeadline, "softDeadline");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(cancellation, "cancellation");
    }
}
