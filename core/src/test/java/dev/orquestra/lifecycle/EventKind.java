package dev.orquestra.lifecycle;

import dev.orquestra.Artifact;
import dev.orquestra.CardEvent;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Diagnosis;
import dev.orquestra.HumanDecision;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kind of card event, able to make a plausible instance for a given state, and the status it
 * moves a card to (empty for events that record something without changing the status).
 */
enum EventKind {
    QUEUED(CardStatus.QUEUED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Queued(s.cardId(), at);
        }
    },
    WORK_STARTED(CardStatus.IN_PROGRESS) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.WorkStarted(s.cardId(), at, s.attempt());
        }
    },
    WORK_SUBMITTED(CardStatus.VALIDATING) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.WorkSubmitted(s.cardId(), at,
                    List.of(Artifact.of("code", "engenharia/backend/" + s.cardId() + ".java")),
                    Usage.of(1000, 200, "0.0100"));
        }
    },
    STAGE_PASSED(null) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.StagePassed(s.cardId(), at, "verification", List.of(Verdict.pass("verification")));
        }
    },
    APPROVED(CardStatus.APPROVED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Approved(s.cardId(), at, "qa",
                    List.of(Verdict.pass("llm-judge").withScore(9.0), Verdict.pass("qa")));
        }
    },
    REJECTED(CardStatus.REJECTED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Rejected(s.cardId(), at, "llm-judge",
                    List.of(Verdict.fail("llm-judge", "lacks error handling").withScore(6.5)
                            .withFeedback("errors", "add an error section")),
                    List.of("lacks error handling"));
        }
    },
    RETRY_SCHEDULED(null) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.RetryScheduled(s.cardId(), at, "owner", s.retriesOf("owner") + 1, "timeout",
                    at.plusSeconds(1), Usage.ZERO);
        }
    },
    SOFT_TIME_LIMIT_REACHED(null) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.SoftTimeLimitReached(s.cardId(), at, "owner");
        }
    },
    DEAD_LETTERED(null) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.DeadLettered(s.cardId(), at, "owner", "boom", 4, Usage.of(100, 0, "0.002"));
        }
    },
    FAILED(CardStatus.FAILED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Failed(s.cardId(), at, "owner", "boom");
        }
    },
    DIAGNOSED(null) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Diagnosed(s.cardId(), at,
                    new Diagnosis("missing contract", List.of("write the contract first"), Usage.of(10, 10, "0.001")));
        }
    },
    CORRECTION_STARTED(CardStatus.CORRECTING) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.CorrectionStarted(s.cardId(), at, s.attempt() + 1, s.lastReasons(),
                    s.lastFeedback(), s.diagnosis());
        }
    },
    ESCALATED(CardStatus.ESCALATED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Escalated(s.cardId(), at, "attempts exhausted");
        }
    },
    REVIEW_REQUESTED(CardStatus.AWAITING_HUMAN) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.ReviewRequested(s.cardId(), at);
        }
    },
    APPROVE_OVERRIDE(CardStatus.APPROVED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return decided(s, at, HumanDecision.Kind.APPROVE_OVERRIDE);
        }
    },
    REJECT_PERMANENTLY(CardStatus.ABORTED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return decided(s, at, HumanDecision.Kind.REJECT_PERMANENTLY);
        }
    },
    REQUEST_CLARIFICATION(CardStatus.CORRECTING) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return decided(s, at, HumanDecision.Kind.REQUEST_CLARIFICATION);
        }
    },
    COMPLETED(CardStatus.DONE) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Completed(s.cardId(), at);
        }
    },
    CANCELLED(CardStatus.CANCELLED) {
        @Override
        CardEvent make(CardState s, Instant at) {
            return new CardEvent.Cancelled(s.cardId(), at, "dependency X-1 was aborted");
        }
    };

    private final CardStatus target;

    EventKind(CardStatus target) {
        this.target = target;
    }

    /** The status this kind of event moves a card to; empty when it records without moving. */
    Optional<CardStatus> target() {
        return Optional.ofNullable(target);
    }

    abstract CardEvent make(CardState state, Instant at);

    private static CardEvent decided(CardState s, Instant at, HumanDecision.Kind kind) {
        return new CardEvent.HumanDecided(s.cardId(), at, new HumanDecision("tech-lead", kind, "reviewed", at));
    }

    /** The statuses in which an event that records without moving the card is allowed. */
    static Map<EventKind, List<CardStatus>> recordingEventsAllowedIn() {
        return Map.of(
                STAGE_PASSED, List.of(CardStatus.VALIDATING),
                RETRY_SCHEDULED, List.of(CardStatus.IN_PROGRESS, CardStatus.VALIDATING, CardStatus.REJECTED,
                        CardStatus.FAILED),
                SOFT_TIME_LIMIT_REACHED, List.of(CardStatus.IN_PROGRESS, CardStatus.VALIDATING),
                DEAD_LETTERED, List.of(CardStatus.IN_PROGRESS, CardStatus.VALIDATING, CardStatus.REJECTED,
                        CardStatus.FAILED),
                DIAGNOSED, List.of(CardStatus.REJECTED, CardStatus.FAILED));
    }
}
