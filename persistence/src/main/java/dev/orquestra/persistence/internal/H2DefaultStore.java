package dev.orquestra.persistence.internal;

import dev.orquestra.Orquestra;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.spi.Store;

/** With orquestra-persistence on the class path, an engine built without a store uses H2 under ./orquestra-data. */
public final class H2DefaultStore implements Orquestra.DefaultStoreProvider {

    @Override
    public Store defaultStore() {
        return JdbcStore.h2(JdbcStore.DEFAULT_DIRECTORY);
    }
}
