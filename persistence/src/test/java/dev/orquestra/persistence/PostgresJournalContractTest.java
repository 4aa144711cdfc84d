package dev.orquestra.persistence;

import dev.orquestra.spi.Store;
import dev.orquestra.testkit.JournalContract;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * The journal contract on PostgreSQL ({@code ORQUESTRA_PG_URL}, default the CI server at
 * 127.0.0.1:5432/test). Each test uses its own engine name, so runs never mix in the shared tables.
 */
class PostgresJournalContractTest extends JournalContract {

    @BeforeAll
    static void server() {
        Databases.requirePostgres();
    }

    @Override
    protected Store newStore() {
        return JdbcStore.postgres(Databases.PG_URL, Databases.PG_USER, Databases.PG_PASSWORD);
    }

    @Override
    protected Store reopen(Store store) {
        return newStore();
    }

    @Override
    protected List<Long> snapshotSequenceNrs(Store store, String persistenceId) {
        return Databases.snapshotSequenceNrs(Databases.PG_URL, Databases.PG_USER, Databases.PG_PASSWORD, persistenceId);
    }
}
