package dev.orquestra.internal.journal;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The in-memory journal plugin. With {@code serialize = on} every event is serialized and read back
 * before it is stored, so tests catch an event that would not survive a real journal.
 */
public final class InMemoryJournal extends AsyncWriteJournal {

    private final InMemoryStorage storage;
    private final boolean serialize;
    private final Serialization serialization;

    public InMemoryJournal(Config config) {
        this.storage = InMemoryStorageExtension.get(context().system()).storage();
        this.serialize = config.hasPath("serialize") && config.getBoolean("serialize");
        this.serialization = SerializationExtension.get(context().system());
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        for (AtomicWrite write : messages) {
            if (storage.fails(write.persistenceId())) {
                return Futures.failed(new IllegalStateException("journal unavailable (test outage)"));
            }
        }
        List<Optional<Exception>> results = new ArrayList<>();
        for (AtomicWrite write : messages) {
            try {
                List<InMemoryStorage.Stored> batch = new ArrayList<>();
                for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
                    Object payload = repr.payload();
                    List<String> tags = List.of();
                    if (payload instanceof Tagged tagged) {
                        payload = tagged.payload();
                        tags = List.copyOf(CollectionConverters.asJava(tagged.tags()));
                    }
                    if (serialize) {
                        payload = roundTrip(payload);
                    }
                    batch.add(new InMemoryStorage.Stored(repr.persistenceId(), repr.sequenceNr(), 0, payload,
                            repr.manifest(), repr.writerUuid(), System.currentTimeMillis(), tags));
                }
                synchronized (storage) { // offsets are assigned in one block so an atomic write stays contiguous
                    long base = storage.nextOffset();
                    for (int i = 0; i < batch.size(); i++) {
                        InMemoryStorage.Stored s = batch.get(i);
                        storage.append(new InMemoryStorage.Stored(s.persistenceId(), s.sequenceNr(), base + i,
                                s.payload(), s.manifest(), s.writerUuid(), s.timestamp(), s.tags()));
                    }
                }
                results.add(Optional.empty());
            } catch (Exception e) {
                results.add(Optional.of(e));
            }
        }
        return Futures.successful(results);
    }

    private Object roundTrip(Object payload) {
        byte[] bytes = serialization.serialize(payload).get();
        var serializer = serialization.findSerializerFor(payload);
        String manifest = Serializers.manifestFor(serializer, payload);
        return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        storage.deleteTo(persistenceId, toSequenceNr);
        return Futures.successful(null);
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        if (storage.fails(persistenceId)) {
            return Futures.failed(new IllegalStateException("journal unavailable (test outage)"));
        }
        for (InMemoryStorage.Stored s : storage.replay(persistenceId, fromSequenceNr, toSequenceNr, max)) {
            replayCallback.accept(PersistentRepr.apply(s.payload(), s.sequenceNr(), s.persistenceId(), s.manifest(),
                    false, null, s.writerUuid()).withTimestamp(s.timestamp()));
        }
        return Futures.successful(null);
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return Futures.successful(storage.highestSequenceNr(persistenceId));
    }
}
