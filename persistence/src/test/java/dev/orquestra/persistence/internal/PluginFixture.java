package dev.orquestra.persistence.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.persistence.Databases;
import dev.orquestra.persistence.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.util.Try;

/**
 * An actor system with a {@link JdbcStore} open on it, as the engine runs one: an H2 file store in a
 * temporary directory, or PostgreSQL in a schema of its own. Tests talk to the plugins through Pekko's
 * journal and snapshot protocols, or to the store's parts directly.
 */
final class PluginFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    final Dialect dialect;
    final Path directory;
    final Databases.PostgresSchema schema;
    final JdbcStore store;
    final ActorSystem system;
    private boolean open = true;

    private PluginFixture(Dialect dialect, Path directory, Databases.PostgresSchema schema, JdbcStore store,
                          String name) throws Exception {
        this.dialect = dialect;
        this.directory = directory;
        this.schema = schema;
        this.store = store;
        Config defaults = ConfigFactory.load();
        this.system = ActorSystem.create(name, store.pekkoConfig().withFallback(defaults));
        try {
            store.open(Adapter.toTyped(system));
        } catch (Exception e) {
            system.terminate();
            throw e;
        }
    }

    static PluginFixture h2(Path directory) throws Exception {
        return new PluginFixture(Dialect.H2, directory, null, JdbcStore.h2(directory), "plugin-h2");
    }

    /** A fresh PostgreSQL schema (dropped by {@link #close}); skips the test when no server answers. */
    static PluginFixture postgres() throws Exception {
        Databases.requirePostgres();
        Databases.PostgresSchema schema = Databases.freshPostgresSchema();
        try {
            return new PluginFixture(Dialect.POSTGRES, null, schema,
                    JdbcStore.postgres(schema.url(), Databases.PG_USER, Databases.PG_PASSWORD), "plugin-pg");
        } catch (Exception e) {
            schema.close();
            throw e;
        }
    }

    static PluginFixture of(Dialect dialect) throws Exception {
        return dialect == Dialect.H2 ? h2(Files.createTempDirectory("orquestra-plugin-")) : postgres();
    }

    /** The same database, opened again by a new actor system (what a restarted process sees). */
    PluginFixture reopen() throws Exception {
        closeSystem();
        return new PluginFixture(dialect, directory, schema, dialect == Dialect.H2 ? JdbcStore.h2(directory)
                : JdbcStore.postgres(schema.url(), Databases.PG_USER, Databases.PG_PASSWORD), "plugin-again");
    }

    JdbcStorage storage() {
        return JdbcStorageExtension.get(system).storage();
    }

    ActorRef journal() {
        return Persistence.get(system).journalFor("", ConfigFactory.empty());
    }

    ActorRef snapshotStore() {
        return Persistence.get(system).snapshotStoreFor("", ConfigFactory.empty());
    }

    /** A plain connection to the same database, beside the store's own. */
    Connection connect() throws SQLException {
        return dialect == Dialect.H2 ? DriverManager.getConnection(Databases.h2Url(directory), "sa", "")
                : schema.connect();
    }

    static <T> Try<T> await(Future<T> future) {
        try {
            Await.ready(future, FiniteDuration.apply(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            throw new AssertionError("the future did not complete within " + WAIT, e);
        }
        return future.value().get();
    }

    private void closeSystem() throws TimeoutException {
        if (open) {
            open = false;
            system.terminate();
            try {
                Await.ready(system.whenTerminated(), FiniteDuration.apply(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                store.close();
            }
        }
    }

    /** Closes the system and the store, and deletes the database. */
    @Override
    public void close() throws TimeoutException {
        closeSystem();
        if (directory != null) {
            Databases.deleteRecursively(directory);
        }
        if (schema != null) {
            schema.close();
        }
    }
}
