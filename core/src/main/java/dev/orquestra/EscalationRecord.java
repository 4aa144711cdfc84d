package dev.orquestra;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The record of an escalation to a human, shown with the seed's id {@code ARQ-001-ESC}.
 *
 * @param id          {@code <card>-ESC}
 * @param attempts    attempts made before escalating
 * @param reason      why it was escalated (attempts exhausted, budget exceeded…)
 * @param lastReasons the reasons of the last failed attempt
 * @param at          when
 */
public record EscalationRecord(String id, int attempts, String reason, List<String> lastReasons, Instant at) {

    public EscalationRecord {
        Artifact.requireText(id, "id");
        Artifact.requireText(reason, "reason");
        lastReasons = List.copyOf(lastReasons);
        Objects.requireNonNull(at, "at");
    }
}
