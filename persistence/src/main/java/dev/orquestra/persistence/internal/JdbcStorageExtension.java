package dev.orquestra.persistence.internal;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Carries the open {@link JdbcStorage} of one actor system to its journal and snapshot plugins, which
 * Pekko instantiates by reflection with nothing but their configuration.
 */
public final class JdbcStorageExtension implements Extension {

    private static final Id ID = new Id();

    private volatile JdbcStorage storage;

    public static JdbcStorageExtension get(ActorSystem system) {
        return ID.get(system);
    }

    /** Attaches the store; {@code JdbcStore.open} calls it before any persistent actor starts. */
    public void attach(JdbcStorage value) {
        this.storage = value;
    }

    /**
     * The attached store.
     *
     * @throws IllegalStateException when no JDBC store was opened for this actor system
     */
    public JdbcStorage storage() {
        JdbcStorage s = storage;
        if (s == null) {
            throw new IllegalStateException("no JDBC store is open for this actor system: the Orquestra JDBC plugins "
                    + "are configured, but JdbcStore.open(system) was not called");
        }
        return s;
    }

    private static final class Id extends AbstractExtensionId<JdbcStorageExtension> {
        @Override
        public JdbcStorageExtension createExtension(ExtendedActorSystem system) {
            return new JdbcStorageExtension();
        }
    }
}
