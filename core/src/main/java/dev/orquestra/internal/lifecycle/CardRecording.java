package dev.orquestra.internal.lifecycle;

import dev.orquestra.CardEvent;
import dev.orquestra.CardStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The events that record something without moving a card, and the statuses in which each is allowed:
 * the other half of the lifecycle table ({@link dev.orquestra.CardTransition}). {@code CardState.apply}
 * refuses such an event in any other status; {@code docs/lifecycle.md} is rendered from this table.
 */
public enum CardRecording {

    STAGE_PASSED(CardEvent.StagePassed.class, "a validation stage passed and the next one starts",
            CardStatus.VALIDATING),
    RETRY_SCHEDULED(CardEvent.RetryScheduled.class, "a call (owner, check or debugger) failed and will be made again",
            CardStatus.IN_PROGRESS, CardStatus.VALIDATING, CardStatus.REJECTED, CardStatus.FAILED),
    SOFT_TIME_LIMIT_REACHED(CardEvent.SoftTimeLimitReached.class, "an owner or check call ran past its soft limit",
            CardStatus.IN_PROGRESS, CardStatus.VALIDATING),
    DEAD_LETTERED(CardEvent.DeadLettered.class, "a call's retries ran out",
            CardStatus.IN_PROGRESS, CardStatus.VALIDATING, CardStatus.REJECTED, CardStatus.FAILED),
    DIAGNOSED(CardEvent.Diagnosed.class, "the debugger reported on a repeated failure",
            CardStatus.REJECTED, CardStatus.FAILED);

    private final Class<? extends CardEvent> event;
    private final String reason;
    private final Set<CardStatus> allowedIn;
    private final List<CardStatus> allowedInOrder;

    CardRecording(Class<? extends CardEvent> event, String reason, CardStatus... allowedIn) {
        this.event = event;
        this.reason = reason;
        this.allowedIn = EnumSet.of(allowedIn[0], allowedIn);
        this.allowedInOrder = List.of(allowedIn);
    }

    /** The event's class. */
    public Class<? extends CardEvent> event() {
        return event;
    }

    /** The event's name, such as {@code StagePassed}. */
    public String eventName() {
        return event.getSimpleName();
    }

    /** When it happens. */
    public String reason() {
        return reason;
    }

    /** The statuses it is allowed in, in lifecycle order. */
    public List<CardStatus> allowedIn() {
        return allowedInOrder;
    }

    /** True when a card in {@code status} may record it. */
    public boolean allows(CardStatus status) {
        return allowedIn.contains(status);
    }

    /** The rule for an event, or empty for an event that moves the card (or has rules of its own). */
    public static Optional<CardRecording> of(CardEvent e) {
        for (CardRecording r : values()) {
            if (r.event == e.getClass()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
