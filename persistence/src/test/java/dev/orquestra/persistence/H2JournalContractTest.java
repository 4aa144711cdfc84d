package dev.orquestra.persistence;

import dev.orquestra.spi.Store;
import dev.orquestra.testkit.JournalContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The journal contract on an embedded H2 file database. */
class H2JournalContractTest extends JournalContract {

    private final Map<Store, Path> dirs = new IdentityHashMap<>();
    private final List<Path> created = new ArrayList<>();

    @Override
    protected Store newStore() {
        try {
            Path dir = Files.createTempDirectory("orquestra-h2-");
            created.add(dir);
            Store store = JdbcStore.h2(dir);
            dirs.put(store, dir);
            return store;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Store reopen(Store store) {
        Path dir = dirs.get(store);
        Store again = JdbcStore.h2(dir);
        dirs.put(again, dir);
        return again;
    }

    @Override
    protected List<Long> snapshotSequenceNrs(Store store, String persistenceId) {
        return Databases.snapshotSequenceNrs(Databases.h2Url(dirs.get(store)), "sa", "", persistenceId);
    }

    @AfterEach
    void deleteDatabases() {
        created.forEach(Databases::deleteRecursively);
    }
}
