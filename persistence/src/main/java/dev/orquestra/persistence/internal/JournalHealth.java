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
    private volatile String lastCause = "";
    private volatile long lastFailureNanos = Long.MIN_VALUE;
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    /** How long writes must work after the last failure before an outage counts as over. */
    private static final long QUIET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    public static JournalHealth get(ActorSystem system) {
        return ID.get(system);
    }

    /** A journal call failed (the database is down, a disk is full, a connection broke). */
    public void failed(Throwable cause) {
        lastFailureNanos = System.nanoTime();
        failedCalls.incrementAndGet();
        lastCause = describe(cause);
        if (outageSince.compareAndSet(null, Instant.now())) {
            outages.incrementAndGet();
            LOG.warn("Journal calls are failing ({}); cards back off and retry until the database answers. "
                    + "Nothing acknowledged is lost.", describe(cause));
        }
    }

    /**
     * A journal write succeeded. Only a write that started a second or more after the last failure ends
     * an outage: one already under way when the database went away proves nothing about the database now,
     * and one that fits between failures (a disk nearly full) does not mean the journal works again.
     *
     * @param startedNanos when the call started ({@link System#nanoTime()})
     */
    public void succeeded(long startedNanos) {
        Instant since = outageSince.get();
        // a write squeezed in between failures (a nearly full disk) does not end an outage: a quiet second does
        if (since != null && startedNanos - lastFailureNanos > QUIET_NANOS && outageSince.compareAndSet(since, null)) {
            LOG.warn("Journal calls work again after {} ({} calls failed meanwhile); the run continues",
                    Duration.between(since, Instant.now()), failedCalls.getAndSet(0));
        }
    }

    /**
     * A read succeeded. Reads work while writes fail (a full disk, a read-only database), so a read ends no
     * outage; it is only counted.
     */
    public void read(long startedNanos) {
        reads.incrementAndGet();
    }

    /** While calls fail: since when, and the last failure; empty otherwise. */
    public java.util.Optional<String> outage() {
        Instant since = outageSince.get();
        return since == null ? java.util.Optional.empty()
                : java.util.Optional.of("journal calls failing since " + since + " (" + lastCause + ")");
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
