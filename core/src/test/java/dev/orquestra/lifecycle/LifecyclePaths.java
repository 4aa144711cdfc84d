package dev.orquestra.lifecycle;

import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Builds a card state in any status by applying a known-legal path of events from TODO. */
final class LifecyclePaths {

    static final int MAX_ATTEMPTS = 3;
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private static final Map<CardStatus, List<EventKind>> PATHS = new EnumMap<>(CardStatus.class);

    static {
        List<EventKind> toValidating = List.of(EventKind.QUEUED, EventKind.WORK_STARTED, EventKind.WORK_SUBMITTED);
        PATHS.put(CardStatus.TODO, List.of());
        PATHS.put(CardStatus.QUEUED, List.of(EventKind.QUEUED));
        PATHS.put(CardStatus.IN_PROGRESS, List.of(EventKind.QUEUED, EventKind.WORK_STARTED));
        PATHS.put(CardStatus.VALIDATING, toValidating);
        PATHS.put(CardStatus.APPROVED, concat(toValidating, EventKind.APPROVED));
        PATHS.put(CardStatus.DONE, concat(toValidating, EventKind.APPROVED, EventKind.COMPLETED));
        PATHS.put(CardStatus.REJECTED, concat(toValidating, EventKind.REJECTED));
        PATHS.put(CardStatus.FAILED, List.of(EventKind.QUEUED, EventKind.WORK_STARTED, EventKind.FAILED));
        PATHS.put(CardStatus.CORRECTING, concat(toValidating, EventKind.REJECTED, EventKind.CORRECTION_STARTED));
        PATHS.put(CardStatus.ESCALATED, concat(toValidating, EventKind.REJECTED, EventKind.ESCALATED));
        PATHS.put(CardStatus.AWAITING_HUMAN,
                concat(toValidating, EventKind.REJECTED, EventKind.ESCALATED, EventKind.REVIEW_REQUESTED));
        PATHS.put(CardStatus.ABORTED, concat(toValidating, EventKind.REJECTED, EventKind.ESCALATED,
                EventKind.REVIEW_REQUESTED, EventKind.REJECT_PERMANENTLY));
        PATHS.put(CardStatus.CANCELLED, List.of(EventKind.CANCELLED));
    }

    private LifecyclePaths() {
    }

    /** A fresh card's state in the given status. */
    static CardState stateIn(CardStatus status) {
        CardState state = CardState.initial(CardId.of("ARQ-001"), MAX_ATTEMPTS);
        Instant at = T0;
        for (EventKind kind : PATHS.get(status)) {
            at = at.plusSeconds(1);
            state = state.apply(kind.make(state, at));
        }
        if (state.status() != status) {
            throw new AssertionError("path to " + status + " ended in " + state.status());
        }
        return state;
    }

    static Instant later(CardState state) {
        return T0.plusSeconds(3600);
    }

    private static List<EventKind> concat(List<EventKind> head, EventKind... tail) {
        List<EventKind> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return List.copyOf(all);
    }
}
