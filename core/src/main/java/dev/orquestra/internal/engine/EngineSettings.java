package dev.orquestra.internal.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How the engine's actors pace themselves; the builder sets these from its options.
 *
 * @param passivateAfter     how long a card in memory may sit idle (nothing running, no retry pending)
 *                           before it leaves memory; its queued work stays queued
 * @param claimTimeout       how long a worker waits for a card to answer a claim before it queues the
 *                           work again
 * @param stallWarningAfter  how long cards may be in flight without any of them moving before the
 *                           engine logs a warning naming what it waits on
 */
public record EngineSettings(Duration passivateAfter, Duration claimTimeout, Duration stallWarningAfter) {

    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(5));

    /** The settings under {@code orquestra.engine} (see core's reference.conf), with the given stall warning. */
    public static EngineSettings from(Config config, Duration stallWarningAfter) {
        Config c = config.getConfig("orquestra.engine");
        return new EngineSettings(c.getDuration("passivate-after"), c.getDuration("claim-timeout"), stallWarningAfter);
    }

    public EngineSettings {
        Objects.requireNonNull(passivateAfter, "passivateAfter");
        Objects.requireNonNull(claimTimeout, "claimTimeout");
        Objects.requireNonNull(stallWarningAfter, "stallWarningAfter");
    }

    public EngineSettings withStallWarningAfter(Duration value) {
        return new EngineSettings(passivateAfter, claimTimeout, value);
    }
}
