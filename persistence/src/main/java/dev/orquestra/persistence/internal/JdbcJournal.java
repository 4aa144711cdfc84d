package dev.orquestra.persistence.internal;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Orquestra's journal plugin on H2 or PostgreSQL. It serializes events here, on the journal actor, so
 * an event that cannot be serialized rejects only its own atomic write; then it hands the rows to the
 * store's {@link JournalWriter} (group commit on one thread) and replays to its
 * {@link JournalReaders}. No method blocks, so the plugin runs on the default dispatcher.
 *
 * <p>On H2, highest sequence numbers come from the {@link JournalIndex}: a recovering entity learns its
 * highest sequence number with no query and no thread hop, and an entity whose highest is below the
 * replay's start (a fresh one) replays nothing without asking the database.
 *
 * <p>An event carries at most one tag (the engine tags every card event with exactly one); an event
 * with more is rejected.
 */
public final class JdbcJournal extends AsyncWriteJournal {

    private final JdbcStorage storage;

    public JdbcJournal(Config config) {
        this.storage = JdbcStorageExtension.get(context().system()).storage();
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        List<Optional<Exception>> results = new ArrayList<>();
        List<EventRow> rows = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (AtomicWrite write : messages) {
            try {
                List<EventRow> own = new ArrayList<>();
                for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
                    own.add(row(repr, now));
                }
                rows.addAll(own);
                results.add(Optional.empty());
            } catch (Exception e) { // Pekko's Scala code may throw checked exceptions undeclared
                results.add(Optional.of(e));
            }
        }
        if (rows.isEmpty()) {
            return Futures.successful(results);
        }
        Promise<Iterable<Optional<Exception>>> promise = Futures.promise();
        storage.writer().write(rows, results, promise);
        return promise.future();
    }

    private EventRow row(PersistentRepr repr, long now) {
        Object payload = repr.payload();
        String tag = null;
        if (payload instanceof Tagged tagged) {
            payload = tagged.payload();
            List<String> tags = new ArrayList<>(CollectionConverters.asJava(tagged.tags()));
            if (tags.size() > 1) {
                throw new IllegalArgumentException("event " + repr.sequenceNr() + " of " + repr.persistenceId() + " has "
                        + tags.size() + " tags " + tags + ": the journal of " + storage.description()
                        + " keeps at most one tag per event");
            }
            tag = tags.isEmpty() ? null : tags.get(0);
        }
        if (repr.metadata().isDefined()) {
            throw new IllegalArgumentException("event " + repr.sequenceNr() + " of " + repr.persistenceId()
                    + " carries event metadata, which the journal of " + storage.description() + " does not keep");
        }
        Payloads.Serialized serialized;
        try {
            serialized = storage.payloads().serialize(payload);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event " + repr.sequenceNr() + " of " + repr.persistenceId()
                    + " was not written: " + e.getMessage(), e);
        }
        if (serialized.bytes().length > SchemaBootstrap.MAX_EVENT_BYTES) {
            throw new IllegalArgumentException("event " + repr.sequenceNr() + " of " + repr.persistenceId() + " ("
                    + payload.getClass().getName() + ") serializes to " + serialized.bytes().length + " bytes; the journal of "
                    + storage.description() + " takes at most " + SchemaBootstrap.MAX_EVENT_BYTES);
        }
        long writtenAt = repr.timestamp() > 0 ? repr.timestamp() : now;
        return new EventRow(repr.persistenceId(), repr.sequenceNr(), writtenAt, repr.writerUuid(), repr.manifest(), tag,
                serialized);
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        Promise<Void> promise = Futures.promise();
        storage.writer().delete(persistenceId, toSequenceNr, promise);
        return promise.future();
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        JournalIndex index = storage.index();
        if (index != null) {
            OptionalLong highest = index.highest(persistenceId);
            if (highest.isPresent() && highest.getAsLong() < fromSequenceNr) {
                return Futures.successful(null);
            }
        }
        if (max <= 0 || toSequenceNr < fromSequenceNr) {
            return Futures.successful(null);
        }
        Promise<Void> promise = Futures.promise();
        storage.readers().replay(persistenceId, fromSequenceNr, toSequenceNr, max, replayCallback, promise);
        return promise.future();
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        JournalIndex index = storage.index();
        if (index != null) {
            OptionalLong highest = index.highest(persistenceId);
            if (highest.isPresent()) {
                return Futures.successful(highest.getAsLong());
            }
        }
        Promise<Long> promise = Futures.promise();
        storage.readers().highest(persistenceId, promise);
        return promise.future();
    }
}
