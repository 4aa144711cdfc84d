package dev.orquestra.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.persistence.internal.Dialect;
import dev.orquestra.persistence.internal.JdbcJournalReader;
import dev.orquestra.persistence.internal.JdbcStorage;
import dev.orquestra.persistence.internal.JdbcStorageExtension;
import dev.orquestra.persistence.internal.JournalHealth;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A durable store on JDBC: journal, snapshots and tagged events for history queries, through
 * Orquestra's own journal and snapshot plugins.
 *
 * <ul>
 *   <li>{@link #h2(Path)}: an embedded H2 <em>file</em> database in a directory — the default. It is
 *       opened with {@code WRITE_DELAY=0}, so a killed process keeps everything it committed (H2's
 *       default 500 ms delay lost three quarters of 2,000 just-committed rows in a kill test here).
 *       H2 does not fsync each commit: it survives a killed JVM, not a power loss. H2 is embedded and
 *       single-process: one engine at a time may open a store.</li>
 *   <li>{@link #postgres(String, String, String)} or {@link #postgres(DataSource)}: PostgreSQL, for a
 *       shared store and where an operating-system crash must not lose events.</li>
 * </ul>
 *
 * <p>While open, a store runs a few threads of its own, each with its own connection: one journal
 * writer that commits every write queued at once in one transaction (group commit), the journal
 * readers ({@link #withConnections}, default 2) that answer replays and history queries, and one
 * snapshot writer. Nothing runs on the actor dispatcher that could block it.
 *
 * <p>The schema is created on first use, idempotently, and upgraded when a newer Orquestra opens an
 * older store (a store written through pekko-persistence-jdbc by an earlier release is migrated to
 * Orquestra's tables). The settings are immutable, each {@code with*} method returns a copy; an
 * instance also holds what {@link #open} started, until {@link #close}.
 */
public final class JdbcStore implements Store {

    /** The directory the builder's default store uses: {@code ./orquestra-data}. */
    public static final Path DEFAULT_DIRECTORY = Path.of("orquestra-data");

    /** Journal reader threads (and their connections) unless {@link #withConnections} says otherwise. */
    public static final int DEFAULT_READERS = 2;

    private enum Kind { H2, POSTGRES_URL, POSTGRES_DATA_SOURCE }

    private final Kind kind;
    private final Path directory;
    private final String url;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final int readers;
    private final boolean readOnly;
    private final AtomicReference<JdbcStorage> running = new AtomicReference<>();
    private final AtomicReference<JournalHealth> health = new AtomicReference<>();

    private JdbcStore(Kind kind, Path directory, String url, String user, String password, DataSource dataSource,
                      int readers) {
        this(kind, directory, url, user, password, dataSource, readers, false);
    }

    private JdbcStore(Kind kind, Path directory, String url, String user, String password, DataSource dataSource,
                      int readers, boolean readOnly) {
        this.readOnly = readOnly;
        this.kind = kind;
        this.directory = directory;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.readers = readers;
    }

    /**
     * An embedded H2 file database under {@code directory} (created if missing). Checkpoints are
     * written to the same directory.
     */
    public static JdbcStore h2(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        if (dir.toString().contains(";")) {
            throw new IllegalArgumentException("the H2 directory must not contain ';': " + dir);
        }
        // RETENTION_TIME stays at H2's default (45 s of old file chunks kept). Lowering it to 0 stopped the
        // file from growing when every event was its own commit (446 MB against 64 MB for 20,000 commits);
        // with group commit 100,000 events take a few hundred commits, and the file peaked at 81-83 MB with 0
        // against 85-94 MB with the default. H2 warns that a lower value can cost the whole file, not only
        // the last commits, when the operating system loses its write buffers.
        String url = "jdbc:h2:file:" + dir.resolve("orquestra").toString().replace('\\', '/')
                + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
        return new JdbcStore(Kind.H2, dir, url, "sa", "", null, DEFAULT_READERS);
    }

    /** PostgreSQL at a JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/orquestra}. */
    public static JdbcStore postgres(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with jdbc:postgresql:, was " + url);
        }
        requireDriver(url);
        return new JdbcStore(Kind.POSTGRES_URL, null, url, Objects.requireNonNull(user, "user"),
                password == null ? "" : password, null, DEFAULT_READERS);
    }

    /**
     * Refuses a URL no JDBC driver on the class path accepts, naming the artifact to add: the PostgreSQL
     * driver is an optional dependency of this module, so an H2-only application does not carry it.
     */
    /** A JDBC URL as it may be shown or logged: without its parameters, which may hold a password. */
    static String shown(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    static void requireDriver(String url) {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException none) {
            throw new IllegalStateException("no JDBC driver on the class path accepts " + shown(url)
                    + ": add the PostgreSQL driver to your dependencies (org.postgresql:postgresql, 42.7.x);"
                    + " orquestra-persistence declares it optional, so an H2-only application does not carry it");
        }
    }

    /**
     * PostgreSQL through the caller's own {@link DataSource} (a pool the application already has). The
     * store borrows a connection for each unit of work and gives it back; it never closes the pool.
     */
    public static JdbcStore postgres(DataSource dataSource) {
        return new JdbcStore(Kind.POSTGRES_DATA_SOURCE, null, null, null, null,
                Objects.requireNonNull(dataSource, "dataSource"), DEFAULT_READERS);
    }

    /**
     * How many journal reader threads the store runs, each with its own connection (default
     * {@value #DEFAULT_READERS}): they answer recovery replays and history queries. The store holds two
     * connections besides, one for the journal writer and one for snapshots.
     */
    public JdbcStore withConnections(int value) {
        if (value < 1 || value > 200) {
            throw new IllegalArgumentException("connections must be between 1 and 200, was " + value);
        }
        return new JdbcStore(kind, directory, url, user, password, dataSource, value, readOnly);
    }

    /** Where checkpoints go for a PostgreSQL store (an H2 store uses its own directory). */
    public JdbcStore withDirectory(Path value) {
        return new JdbcStore(kind, value.toAbsolutePath().normalize(), url, user, password, dataSource, readers,
                readOnly);
    }

    /**
     * The same H2 store, opened for reading only (H2's {@code ACCESS_MODE_DATA=r}): for an engine that is
     * {@linkplain dev.orquestra.OrquestraBuilder#paused(boolean) paused} and only reads, such as a status
     * or an export. Nothing in the store's directory changes, not even the database file, which H2 would
     * otherwise rewrite (compact) when it closes; the directory must hold a store already, and may be on a
     * read-only mount. Anything that tries to write fails.
     *
     * @throws IllegalStateException for a PostgreSQL store
     */
    public JdbcStore readOnly() {
        if (kind != Kind.H2) {
            throw new IllegalStateException("readOnly() is for an H2 store; " + describe() + " is not one");
        }
        return new JdbcStore(kind, directory, url + ";ACCESS_MODE_DATA=r", user, password, dataSource, readers, true);
    }

    @Override
    public Config pekkoConfig() {
        // The plugins' own settings are in this module's reference.conf; this selects them.
        return ConfigFactory.parseString(""
                + "pekko.persistence.journal.plugin = \"orquestra.jdbc.journal\"\n"
                + "pekko.persistence.snapshot-store.plugin = \"orquestra.jdbc.snapshot-store\"\n"
                // recovery costs no query for a fresh card on H2 and is batched otherwise: let many run at once
                + "pekko.persistence.max-concurrent-recoveries = 1000\n");
    }

    /**
     * Opens the connections, brings the schema up to date, loads what H2 keeps in memory, starts the
     * store's threads and attaches them to the actor system, where the plugins find them.
     *
     * @throws SQLException when the database cannot be reached, another process (or engine) has the H2
     *                      store open, or the schema is newer than this library
     * @throws IllegalStateException when this instance is open already
     */
    @Override
    public void open(ActorSystem<?> system) throws SQLException, IOException {
        if (running.get() != null) {
            throw new IllegalStateException(describe() + " is open already; close it first");
        }
        if (readOnly) {
            if (!Files.isRegularFile(directory.resolve("orquestra.mv.db"))) {
                throw new SQLException("there is no store to read in " + directory + " (no orquestra.mv.db)");
            }
        } else if (directory != null) {
            Files.createDirectories(directory);
            refuseReadOnly();
        }
        JdbcStorage.Settings settings = new JdbcStorage.Settings(kind == Kind.H2 ? Dialect.H2 : Dialect.POSTGRES,
                kind == Kind.POSTGRES_DATA_SOURCE ? dataSource::getConnection
                        : () -> DriverManager.getConnection(url, user, password),
                kind == Kind.POSTGRES_DATA_SOURCE, readers, describe());
        JdbcStorage storage;
        try {
            storage = JdbcStorage.open(settings, Adapter.toClassic(system));
        } catch (SQLException e) {
            if (kind == Kind.H2 && e.getErrorCode() == 90020) {
                throw new SQLException("the store in " + directory + " is in use by another process (H2 allows one)", e);
            }
            throw e;
        }
        if (!running.compareAndSet(null, storage)) {
            storage.close();
            throw new IllegalStateException(describe() + " is open already; close it first");
        }
        JdbcStorageExtension.get(Adapter.toClassic(system)).attach(storage);
        health.set(JournalHealth.get(Adapter.toClassic(system)));
    }

    @Override
    public java.util.Optional<String> outage() {
        JournalHealth h = health.get();
        return h == null ? java.util.Optional.empty() : h.outage();
    }

    /**
     * Writes what the journal accepted, stops the store's threads and closes its connections (never
     * the application's pool). Called by the engine after its actor system has stopped.
     */
    @Override
    public void close() {
        JdbcStorage storage = running.getAndSet(null);
        if (storage != null) {
            storage.close();
        }
    }

    /**
     * An engine writes its journal (and, next to an H2 store, checkpoints): a directory or database file
     * it cannot write to is refused at once, with one plain message, instead of failing every write.
     */
    private void refuseReadOnly() throws IOException {
        Path db = directory.resolve("orquestra.mv.db");
        Path problem = !Files.isWritable(directory) ? directory
                : kind == Kind.H2 && Files.exists(db) && !Files.isWritable(db) ? db : null;
        if (problem == null && kind == Kind.H2) {
            // root may write past permissions, not past a read-only mount: try
            Path probe = directory.resolve(".orquestra-write-probe");
            try {
                Files.deleteIfExists(probe);
                Files.createFile(probe);
                Files.delete(probe);
            } catch (IOException e) {
                problem = directory;
            }
        }
        if (problem != null) {
            throw new ReadOnlyStoreException(problem);
        }
    }

    @Override
    public JournalReader reader(ActorSystem<?> system) {
        return new JdbcJournalReader(JdbcStorageExtension.get(Adapter.toClassic(system)).storage());
    }

    /** The JDBC URL the store connects to, or {@code null} for an application's data source (tests). */
    String jdbcUrl() {
        return url;
    }

    @Override
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    @Override
    public String describe() {
        return switch (kind) {
            case H2 -> "H2 file " + directory;
            case POSTGRES_URL -> "PostgreSQL " + shown(url);
            case POSTGRES_DATA_SOURCE -> "PostgreSQL (application DataSource)";
        };
    }

    @Override
    public String toString() {
        return "JdbcStore[" + describe() + "]";
    }
}
