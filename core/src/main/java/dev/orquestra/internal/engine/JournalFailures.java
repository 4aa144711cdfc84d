package dev.orquestra.internal.engine;

import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashOverflowException;
import org.slf4j.event.Level;

/**
 * How event-sourced actors survive a journal that cannot be written (database down, disk full): they
 * restart with exponential backoff and recover from what was persisted, so nothing acknowledged is
 * lost and work resumes by itself when the database returns. Restarts are logged at DEBUG: the store
 * logs the outage once for the whole engine. After 50 restarts in a row an actor logs at ERROR.
 */
final class JournalFailures {

    static final BackoffSupervisorStrategy RESTART = SupervisorStrategy
            .restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)
            .withLogLevel(Level.DEBUG)
            .withCriticalLogLevel(Level.ERROR, 50);

    /**
     * The orchestrator's: like {@link #RESTART}, but its card actors keep running while it backs off
     * (a failed write of the orchestrator must not kill every running card), and it keeps every
     * message they send meanwhile instead of the default 1,000.
     */
    static final BackoffSupervisorStrategy RESTART_ORCHESTRATOR = RESTART.withStopChildren(false)
            .withStashCapacity(1_000_000);

    /** The orchestrator's own stash, whatever {@code pekko.persistence.typed.stash-capacity} says. */
    static final int ORCHESTRATOR_STASH_CAPACITY = 1_000_000;

    /**
     * The orchestrator's after a stash overflow: a new orchestrator replaces the old one, so its card
     * actors are stopped first (their names are reused); it wakes them again after recovery.
     */
    static final BackoffSupervisorStrategy RESTART_AFTER_OVERFLOW = RESTART.withStashCapacity(1_000_000);

    /**
     * Restarts an event-sourced actor whose stash overflowed (more commands arrived during one journal
     * write than {@code pekko.persistence.typed.stash-capacity}), instead of stopping it. The engine
     * sets the capacity to a million and the overflow strategy to {@code fail}: Pekko's defaults (4,096,
     * {@code drop}) silently dropped card updates when thousands of cards reported during one slow H2
     * write, and the run stalled. Restarted, the actor recovers and the orchestrator wakes its cards,
     * which report again.
     */
    static <T> Behavior<T> restartOnStashOverflow(Behavior<T> behavior, BackoffSupervisorStrategy strategy) {
        return Behaviors.supervise(behavior).onFailure(StashOverflowException.class, strategy);
    }

    private JournalFailures() {
    }
}
