package dev.orquestra;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a card, in the past tense. A card's state is the fold of its events
 * ({@link CardState#apply(CardEvent)}); every event is persisted before it is applied and before
 * subscribers see it. Events are the journal's schema: their names and fields are kept stable.
 */
public sealed interface CardEvent {

    /** The card this event belongs to. */
    CardId cardId();

    /** When it happened. */
    Instant at();

    /** The event's name, such as {@code WorkSubmitted}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Dependencies were met (or a correction was prepared): the card waits for a free owner agent. */
    record Queued(CardId cardId, Instant at) implements CardEvent {
        public Queued {
            requireBasics(cardId, at);
        }
    }

    /** An owner agent started the given attempt. */
    record WorkStarted(CardId cardId, Instant at, int attempt) implements CardEvent {
        public WorkStarted {
            requireBasics(cardId, at);
        }
    }

    /** The owner agent delivered its artifacts; validation starts. */
    record WorkSubmitted(CardId cardId, Instant at, List<Artifact> artifacts, Usage usage) implements CardEvent {
        public WorkSubmitted {
            requireBasics(cardId, at);
            artifacts = List.copyOf(artifacts);
            usage = usage == null ? Usage.ZERO : usage;
        }
    }

    /** A validation stage passed and the next stage starts. */
    record StagePassed(CardId cardId, Instant at, String stage, List<Verdict> verdicts) implements CardEvent {
        public StagePassed {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            verdicts = List.copyOf(verdicts);
        }
    }

    /** The last validation stage passed: the card is approved. */
    record Approved(CardId cardId, Instant at, String stage, List<Verdict> verdicts) implements CardEvent {
        public Approved {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            verdicts = List.copyOf(verdicts);
        }
    }

    /**
     * A validation stage failed the work (or the card ran over its budget).
     *
     * @param reasons the union of the failing verdicts' reasons
     */
    record Rejected(CardId cardId, Instant at, String stage, List<Verdict> verdicts, List<String> reasons)
            implements CardEvent {
        public Rejected {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            verdicts = List.copyOf(verdicts);
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * A call failed (it threw, returned a failure or ran past its hard time limit) and will be made
     * again at {@code retryAt}.
     *
     * @param retry how many retries this is, from 1
     */
    record RetryScheduled(CardId cardId, Instant at, String stage, int retry, String error, Instant retryAt,
                          Usage usage) implements CardEvent {
        public RetryScheduled {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(retryAt, "retryAt");
            usage = usage == null ? Usage.ZERO : usage;
        }
    }

    /** A call ran past its soft time limit; its work order's cancellation signal fired. */
    record SoftTimeLimitReached(CardId cardId, Instant at, String stage) implements CardEvent {
        public SoftTimeLimitReached {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
        }
    }

    /**
     * A call's retries ran out; a dead-letter record is kept.
     *
     * @param usage what the last try consumed, if it reported anything
     */
    record DeadLettered(CardId cardId, Instant at, String stage, String error, int tries, Usage usage)
            implements CardEvent {
        public DeadLettered {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(error, "error");
            usage = usage == null ? Usage.ZERO : usage;
        }
    }

    /** The owner's attempt failed for good (after its retries). */
    record Failed(CardId cardId, Instant at, String stage, String error) implements CardEvent {
        public Failed {
            requireBasics(cardId, at);
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(error, "error");
        }
    }

    /** The debugger reported on a repeated failure; its finding goes into the next work order. */
    record Diagnosed(CardId cardId, Instant at, Diagnosis diagnosis) implements CardEvent {
        public Diagnosed {
            requireBasics(cardId, at);
            Objects.requireNonNull(diagnosis, "diagnosis");
        }
    }

    /**
     * A correction starts the given attempt, carrying what went wrong in the previous one.
     *
     * @param diagnosis the debugger's finding, or {@code null}
     */
    record CorrectionStarted(CardId cardId, Instant at, int attempt, List<String> reasons,
                             Map<String, String> feedback, Diagnosis diagnosis) implements CardEvent {
        public CorrectionStarted {
            requireBasics(cardId, at);
            reasons = List.copyOf(reasons);
            feedback = Map.copyOf(feedback);
        }
    }

    /** The card was escalated to a human. */
    record Escalated(CardId cardId, Instant at, String reason) implements CardEvent {
        public Escalated {
            requireBasics(cardId, at);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The card now waits for a reviewer's decision. */
    record ReviewRequested(CardId cardId, Instant at) implements CardEvent {
        public ReviewRequested {
            requireBasics(cardId, at);
        }
    }

    /** A reviewer decided; the decision is the audit record. */
    record HumanDecided(CardId cardId, Instant at, HumanDecision decision) implements CardEvent {
        public HumanDecided {
            requireBasics(cardId, at);
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** The approved card was released to its dependents. */
    record Completed(CardId cardId, Instant at) implements CardEvent {
        public Completed {
            requireBasics(cardId, at);
        }
    }

    /** The card will never run. */
    record Cancelled(CardId cardId, Instant at, String reason) implements CardEvent {
        public Cancelled {
            requireBasics(cardId, at);
            Objects.requireNonNull(reason, "reason");
        }
    }

    private static void requireBasics(CardId cardId, Instant at) {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(at, "at");
    }
}
