package dev.orquestra.persistence.internal;

import com.typesafe.config.Config;
import java.util.Optional;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import scala.concurrent.Future;
import scala.concurrent.Promise;

/**
 * Orquestra's snapshot store plugin on H2 or PostgreSQL: every call goes to the store's
 * {@link SnapshotWorker}, which serializes, writes and reads on its own thread. On H2, loading for an
 * id known to have no snapshot (a fresh card) is answered here at once.
 */
public final class JdbcSnapshotStore extends SnapshotStore {

    private final SnapshotWorker worker;

    public JdbcSnapshotStore(Config config) {
        this.worker = JdbcStorageExtension.get(context().system()).storage().snapshots();
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        if (worker.knownToHaveNone(persistenceId)) {
            return Futures.successful(Optional.empty());
        }
        Promise<Optional<SelectedSnapshot>> promise = Futures.promise();
        worker.load(persistenceId, criteria, promise);
        return promise.future();
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        Promise<Void> promise = Futures.promise();
        worker.save(metadata, snapshot, promise);
        return promise.future();
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        Promise<Void> promise = Futures.promise();
        worker.delete(metadata.persistenceId(), metadata.sequenceNr(), promise);
        return promise.future();
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        Promise<Void> promise = Futures.promise();
        worker.delete(persistenceId, criteria, promise);
        return promise.future();
    }
}
