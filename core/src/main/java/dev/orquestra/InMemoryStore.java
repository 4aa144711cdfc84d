package dev.orquestra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.internal.journal.InMemoryStorage;
import dev.orquestra.internal.journal.InMemoryStorageExtension;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Keeps the journal and snapshots in memory: for tests, benchmarks and throwaway runs. Nothing
 * survives the JVM, but the data outlives an engine: close one {@code Orquestra} and build another
 * on the same {@code InMemoryStore} to exercise recovery.
 */
public final class InMemoryStore implements Store {

    private final InMemoryStorage storage = new InMemoryStorage();
    private final boolean serialize;

    private InMemoryStore(boolean serialize) {
        this.serialize = serialize;
    }

    /** An empty in-memory store that keeps events as objects (fastest). */
    public static InMemoryStore create() {
        return new InMemoryStore(false);
    }

    /**
     * An empty in-memory store that serializes every event and snapshot and keeps what it reads back,
     * as a real journal would: use it in tests to catch anything that would not survive one.
     */
    public static InMemoryStore serializing() {
        return new InMemoryStore(true);
    }

    @Override
    public Config pekkoConfig() {
        String flag = serialize ? "on" : "off";
        return ConfigFactory.parseString(""
                + "pekko.persistence.journal.plugin = \"orquestra.journal.in-memory\"\n"
                + "pekko.persistence.snapshot-store.plugin = \"orquestra.snapshot.in-memory\"\n"
                + "orquestra.journal.in-memory.serialize = " + flag + "\n"
                + "orquestra.snapshot.in-memory.serialize = " + flag + "\n");
    }

    @Override
    public void open(ActorSystem<?> system) {
        InMemoryStorageExtension.get(Adapter.toClassic(system)).attach(storage);
    }

    @Override
    public JournalReader reader(ActorSystem<?> system) {
        return new JournalReader() {
            @Override
            public CompletionStage<List<JournalEntry>> events(String persistenceId) {
                return CompletableFuture.completedFuture(storage.entries(persistenceId));
            }

            @Override
            public CompletionStage<List<JournalEntry>> eventsByTag(String tag, long afterOffset, int limit) {
                return CompletableFuture.completedFuture(storage.entriesByTag(tag, afterOffset, limit));
            }

            @Override
            public CompletionStage<Long> highestOffset() {
                return CompletableFuture.completedFuture(storage.highestOffset());
            }

            @Override
            public CompletionStage<java.util.Map<String, Long>> highestSequenceNrs(String persistenceIdPrefix) {
                return CompletableFuture.completedFuture(storage.highestSequenceNrs(persistenceIdPrefix));
            }
        };
    }

    @Override
    public Optional<Path> directory() {
        return Optional.empty();
    }

    /** The first sequence number of every recovery replay of an entity (for tests of snapshot use). */
    public List<Long> replayStarts(String persistenceId) {
        return storage.replayStarts(persistenceId);
    }

    /** The sequence numbers at which an entity has snapshots (for tests). */
    public List<Long> snapshotSequenceNrs(String persistenceId) {
        return storage.snapshotSequenceNrs(persistenceId);
    }

    /**
     * For tests: makes journal writes and replays of the matching persistence ids fail until called
     * again with a predicate that matches nothing ({@code id -> false}), as a database outage would.
     */
    public void failWhile(java.util.function.Predicate<String> persistenceIds) {
        storage.failWhile(persistenceIds);
    }

    /** For tests: journal calls refused by {@link #failWhile} so far. */
    public long failedCalls() {
        return storage.failedCalls();
    }

    /** Events stored so far. */
    public int eventCount() {
        return storage.size();
    }

    @Override
    public String describe() {
        return "in-memory" + (serialize ? " (serializing)" : "");
    }
}
