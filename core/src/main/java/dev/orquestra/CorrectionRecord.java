package dev.orquestra;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The record of a correction: what the next attempt is told about the last one. It is shown with the
 * seed's id, {@code ARQ-001-CORR-2} for the correction that starts attempt 2.
 *
 * @param id                the seed-style id, {@code <card>-CORR-<attempt>}
 * @param attempt           the attempt this correction starts
 * @param cause             why it was needed: {@link CardStatus#REJECTED}, {@link CardStatus#FAILED}
 *                          or {@link CardStatus#AWAITING_HUMAN} (a reviewer asked for clarification)
 * @param reasons           every rejection reason (or error) of the previous attempt
 * @param feedback          validator feedback of the previous attempt
 * @param previousArtifacts what the previous attempt produced
 * @param diagnosis         the debugger's finding, or {@code null} when the debugger did not run
 * @param context           context added by a reviewer, or {@code null}
 * @param at                when the correction started
 */
public record CorrectionRecord(String id, int attempt, CardStatus cause, List<String> reasons,
                               Map<String, String> feedback, List<Artifact> previousArtifacts,
                               Diagnosis diagnosis, String context, Instant at) {

    public CorrectionRecord {
        Artifact.requireText(id, "id");
        Objects.requireNonNull(cause, "cause");
        reasons = List.copyOf(reasons);
        feedback = Map.copyOf(feedback);
        previousArtifacts = List.copyOf(previousArtifacts);
        Objects.requireNonNull(at, "at");
    }
}
