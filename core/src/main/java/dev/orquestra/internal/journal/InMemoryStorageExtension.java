package dev.orquestra.internal.journal;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Carries an {@link InMemoryStorage} into one actor system, where the journal and snapshot plugins
 * find it. The engine attaches the store's storage before anything is persisted.
 */
public final class InMemoryStorageExtension implements Extension {

    private static final Id ID = new Id();

    private volatile InMemoryStorage storage;

    public static InMemoryStorageExtension get(ActorSystem system) {
        return ID.get(system);
    }

    public void attach(InMemoryStorage value) {
        this.storage = value;
    }

    InMemoryStorage storage() {
        InMemoryStorage s = storage;
        if (s == null) {
            throw new IllegalStateException("no in-memory storage attached to this actor system; "
                    + "use InMemoryStore through Orquestra.builder().store(...)");
        }
        return s;
    }

    private static final class Id extends AbstractExtensionId<InMemoryStorageExtension> {
        @Override
        public InMemoryStorageExtension createExtension(ExtendedActorSystem system) {
            return new InMemoryStorageExtension();
        }
    }
}
