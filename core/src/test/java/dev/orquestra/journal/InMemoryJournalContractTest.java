package dev.orquestra.journal;

import dev.orquestra.InMemoryStore;
import dev.orquestra.spi.Store;
import dev.orquestra.testkit.JournalContract;
import java.util.List;

/** The journal contract on the in-memory store (serializing, as a real journal would). */
class InMemoryJournalContractTest extends JournalContract {

    @Override
    protected Store newStore() {
        return InMemoryStore.serializing();
    }

    @Override
    protected Store reopen(Store store) {
        return store;
    }

    @Override
    protected List<Long> snapshotSequenceNrs(Store store, String persistenceId) {
        return ((InMemoryStore) store).snapshotSequenceNrs(persistenceId);
    }

    @Override
    protected List<Long> replayStarts(Store store, String persistenceId) {
        return ((InMemoryStore) store).replayStarts(persistenceId);
    }
}
