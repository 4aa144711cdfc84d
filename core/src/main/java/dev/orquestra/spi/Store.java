package dev.orquestra.spi;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where an engine keeps its journal and snapshots. {@code InMemoryStore} (in core) keeps them in
 * memory, for tests; {@code JdbcStore} (in {@code orquestra-persistence}) keeps them in an embedded H2
 * file or PostgreSQL. A store is opened by one engine at a time.
 */
public interface Store {

    /** The Pekko settings that select and configure the journal and snapshot plugins. */
    Config pekkoConfig();

    /**
     * Prepares the store for an actor system before anything is read or written: creates a schema,
     * attaches storage. Called once by the engine.
     *
     * @throws Exception when the store cannot be used; the engine does not start
     */
    void open(ActorSystem<?> system) throws Exception;

    /** Reads the journal back. Valid after {@link #open}. */
    JournalReader reader(ActorSystem<?> system);

    /** A directory for files next to the store (checkpoints), when the store lives on disk. */
    Optional<Path> directory();

    /**
     * Why the store cannot be used right now (journal calls failing: the database is down, a disk is full),
     * or empty while it works. An engine's status carries it, so counts frozen by an outage are not shown
     * as if live. Valid after {@link #open}.
     */
    default java.util.Optional<String> outage() {
        return java.util.Optional.empty();
    }

    /** Releases what {@link #open} took (connection pools). Called when the engine closes. */
    default void close() {
    }

    /** One line for logs, such as {@code H2 file ./orquestra-data}. */
    String describe();
}
