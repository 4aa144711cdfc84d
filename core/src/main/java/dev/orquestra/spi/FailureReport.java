package dev.orquestra.spi;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.ValidationRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the debugger investigates: a card whose attempts keep failing for the same reasons.
 *
 * @param card              the card
 * @param attempt           the attempt that just failed
 * @param idempotencyKey    {@code cardId/attempt/debugger}
 * @param repeatedReasons   the reasons that repeated
 * @param validationHistory every verdict so far
 * @param corrections       every correction so far
 * @param artifacts         the latest artifacts
 * @param softDeadline      when the cancellation signal fires
 * @param deadline          the hard time limit
 * @param cancellation      fires at the soft limit, the hard limit and on close
 */
public record FailureReport(CardSpec card, int attempt, String idempotencyKey, List<String> repeatedReasons,
                            List<ValidationRecord> validationHistory, List<CorrectionRecord> corrections,
                            List<Artifact> artifacts, Instant softDeadline, Instant deadline,
                            CancellationSignal cancellation) {

    public FailureReport {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        repeatedReasons = List.copyOf(repeatedReasons);
        validationHistory = List.copyOf(validationHistory);
        corrections = List.copyOf(corrections);
        artifacts = List.copyOf(artifacts);
        Objects.requireNonNull(softDeadline, "softDeadline");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(cancellation, "cancellation");
    }
}
