package dev.orquestra.persistence.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every journal call of one actor system and logs a database outage once: when the first
 * call fails, and when a call succeeds again. Cards back off and retry on their own (their
 * supervisors log nothing), so an outage of a busy store yields two log lines, not one per card.
 */
public final class JournalHealth implements Extension {

    private static final Logger LOG = LoggerFactory.getLogger(JournalHealth.class);
    private static final Id ID = new Id();

    private final AtomicReference<Instant> outageSince = new AtomicReference<>();
    private volatile long lastFailureNanos = Long.MIN_VALUE;
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();

    public static JournalHealth get(ActorSystem system) {
        return ID.get(system);
    }

    /** A journal call failed (the database is down, a disk is full, a connection broke). */
    public void failed(Throwable cause) {
        lastFailureNanos = System.nanoTime();
        failedCalls.incrementAndGet();
        if (outageSince.compareAndSet(null, Instant.now())) {
            outages.incrementAndGet();
            LOG.warn("Journal calls are failing ({}); cards back off and retry until the database answers. "
                    + "Nothing acknowledged is lost.", describe(cause));
        }
    }

    /**
     * A journal call succeeded. Only a call that started after the last failure ends an outage: one
     * already under way when the database went away proves nothing about the database now.
     *
     * @param startedNanos when the call started ({@link System#nanoTime()})
     */
    public void succeeded(long startedNanos) {
        Instant since = outageSince.get();
        if (since != null && startedNanos - lastFailureNanos > 0 && outageSince.compareAndSet(since, null)) {
            LOG.warn("Journal calls work again after {} ({} calls failed meanwhile); the run continues",
                    Duration.between(since, Instant.now()), failedCalls.getAndSet(0));
        }
    }

    /** True while calls fail. */
    public boolean inOutage() {
        return outageSince.get() != null;
    }

    /** Outages seen since the actor system started. */
    public long outages() {
        return outages.get();
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? t.toString() : t.getClass().getSimpleName() + " caused by " + root;
    }

    private static final class Id extends AbstractExtensionId<JournalHealth> {
        @Override
        public JournalHealth createExtension(ExtendedActorSystem system) {
            return new JournalHealth();
        }
    }
}
