package dev.orquestra.internal.journal;

import com.typesafe.config.Config;
import java.util.Comparator;
import java.util.Optional;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;

/** The in-memory snapshot store plugin; like the journal, it can round-trip snapshots through serialization. */
public final class InMemorySnapshotStore extends SnapshotStore {

    private final InMemoryStorage storage;
    private final boolean serialize;
    private final Serialization serialization;

    public InMemorySnapshotStore(Config config) {
        this.storage = InMemoryStorageExtension.get(context().system()).storage();
        this.serialize = config.hasPath("serialize") && config.getBoolean("serialize");
        this.serialization = SerializationExtension.get(context().system());
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return Futures.successful(storage.snapshots(persistenceId).stream()
                .filter(s -> matches(criteria, s.metadata()))
                .max(Comparator.comparingLong((SelectedSnapshot s) -> s.metadata().sequenceNr())));
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        Object stored = snapshot;
        if (serialize) {
            byte[] bytes = serialization.serialize(snapshot).get();
            var serializer = serialization.findSerializerFor(snapshot);
            stored = serialization.deserialize(bytes, serializer.identifier(),
                    Serializers.manifestFor(serializer, snapshot)).get();
        }
        storage.saveSnapshot(SelectedSnapshot.create(metadata, stored));
        return Futures.successful(null);
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        storage.removeSnapshots(metadata.persistenceId(), s -> s.metadata().sequenceNr() == metadata.sequenceNr());
        return Futures.successful(null);
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        storage.removeSnapshots(persistenceId, s -> matches(criteria, s.metadata()));
        return Futures.successful(null);
    }

    private static boolean matches(SnapshotSelectionCriteria c, SnapshotMetadata m) {
        return m.sequenceNr() <= c.maxSequenceNr() && m.timestamp() <= c.maxTimestamp()
                && m.sequenceNr() >= c.minSequenceNr() && m.timestamp() >= c.minTimestamp();
    }
}
