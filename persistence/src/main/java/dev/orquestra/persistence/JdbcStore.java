package dev.orquestra.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.orquestra.persistence.internal.DataSourceRegistry;
import dev.orquestra.persistence.internal.JdbcJournalReader;
import dev.orquestra.persistence.internal.SchemaBootstrap;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A durable store through pekko-persistence-jdbc: journal, snapshots and tagged events for history
 * queries.
 *
 * <ul>
 *   <li>{@link #h2(Path)}: an embedded H2 <em>file</em> database in a directory — the default. It is
 *       opened with {@code WRITE_DELAY=0}, so a killed process keeps everything it committed (H2's
 *       default 500 ms delay lost three quarters of 2,000 just-committed rows in a kill test here).
 *       H2 does not fsync each commit: it survives a killed JVM, not a power loss.</li>
 *   <li>{@link #postgres(String, String, String)} or {@link #postgres(DataSource)}: PostgreSQL, for a
 *       shared store and where an operating-system crash must not lose events.</li>
 * </ul>
 *
 * The schema is created on first use, idempotently, from the DDL the plugin ships, and upgraded when
 * a newer Orquestra opens an older store. Immutable; each {@code with*} method returns a copy.
 */
public final class JdbcStore implements Store {

    /** The directory the builder's default store uses: {@code ./orquestra-data}. */
    public static final Path DEFAULT_DIRECTORY = Path.of("orquestra-data");

    private enum Kind { H2, POSTGRES_URL, POSTGRES_DATA_SOURCE }

    private final Kind kind;
    private final Path directory;
    private final String url;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final int connections;

    private JdbcStore(Kind kind, Path directory, String url, String user, String password, DataSource dataSource,
                      int connections) {
        this.kind = kind;
        this.directory = directory;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.connections = connections;
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
        String url = "jdbc:h2:file:" + dir.resolve("orquestra").toString().replace('\\', '/')
                + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
        return new JdbcStore(Kind.H2, dir, url, "sa", "", null, 4);
    }

    /** PostgreSQL at a JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/orquestra}. */
    public static JdbcStore postgres(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with jdbc:postgresql:, was " + url);
        }
        return new JdbcStore(Kind.POSTGRES_URL, null, url, Objects.requireNonNull(user, "user"),
                password == null ? "" : password, null, 8);
    }

    /**
     * PostgreSQL through the caller's own {@link DataSource} (a pool the application already has).
     * The engine never closes it.
     */
    public static JdbcStore postgres(DataSource dataSource) {
        return new JdbcStore(Kind.POSTGRES_DATA_SOURCE, null, null, null, null,
                Objects.requireNonNull(dataSource, "dataSource"), 8);
    }

    /** How many connections the journal may use at once (default 4 for H2, 8 for PostgreSQL). */
    public JdbcStore withConnections(int value) {
        if (value < 1 || value > 200) {
            throw new IllegalArgumentException("connections must be between 1 and 200, was " + value);
        }
        return new JdbcStore(kind, directory, url, user, password, dataSource, value);
    }

    /** Where checkpoints go for a PostgreSQL store (an H2 store uses its own directory). */
    public JdbcStore withDirectory(Path value) {
        return new JdbcStore(kind, value.toAbsolutePath().normalize(), url, user, password, dataSource, connections);
    }

    @Override
    public Config pekkoConfig() {
        String shared = "pekko-persistence-jdbc.shared-databases.orquestra";
        Config base = ConfigFactory.parseString(""
                + "pekko.persistence.journal.plugin = \"jdbc-journal\"\n"
                + "pekko.persistence.snapshot-store.plugin = \"jdbc-snapshot-store\"\n"
                + "pekko.persistence.max-concurrent-recoveries = 200\n"
                + "jdbc-journal {\n"
                + "  class = \"dev.orquestra.persistence.internal.ObservedJdbcJournal\"\n"
                + "  bufferSize = 100000\n"
                + "  batchSize = 400\n"
                + "  parallelism = " + Math.max(1, connections - 1) + "\n"
                + "  circuit-breaker { max-failures = 5, call-timeout = 10s, reset-timeout = 1s }\n"
                + "}\n"
                + "jdbc-snapshot-store.circuit-breaker { max-failures = 5, call-timeout = 10s, reset-timeout = 1s }\n"
                + "jdbc-read-journal {\n"
                + "  add-shutdown-hook = false\n"
                + "  refresh-interval = 200ms\n"
                + (kind == Kind.H2
                // A killed process leaves a permanent gap in H2's ordering column (its identity cache is
                // lost). The read journal waits max-tries x query-delay before accepting a gap; with the
                // default 10 x 1 s every history query after a crash stalls for 10 s. H2 is embedded: only
                // this JVM writes, and its transactions commit within milliseconds.
                ? "  journal-sequence-retrieval { max-tries = 5, query-delay = 200ms }\n" : "")
                + "}\n");
        if (kind == Kind.POSTGRES_DATA_SOURCE) {
            return ConfigFactory.parseString(
                    "pekko-persistence-jdbc.database-provider-fqcn = \"dev.orquestra.persistence.internal.DataSourceProvider\"\n"
                            + "jdbc-journal.slick.profile = \"slick.jdbc.PostgresProfile$\"\n"
                            + "jdbc-snapshot-store.slick.profile = \"slick.jdbc.PostgresProfile$\"\n"
                            + "jdbc-read-journal.slick.profile = \"slick.jdbc.PostgresProfile$\"\n")
                    .withFallback(base);
        }
        boolean h2 = kind == Kind.H2;
        Config db = ConfigFactory.parseMap(Map.of(
                        "profile", h2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$",
                        "db.connectionPool", "HikariCP",
                        "db.driver", h2 ? "org.h2.Driver" : "org.postgresql.Driver",
                        "db.numThreads", connections,
                        "db.maxConnections", connections,
                        "db.minConnections", 1,
                        "db.queueSize", 100_000))
                .withValue("db.url", ConfigValueFactory.fromAnyRef(url))
                .withValue("db.user", ConfigValueFactory.fromAnyRef(user))
                .withValue("db.password", ConfigValueFactory.fromAnyRef(password));
        return ConfigFactory.parseString(
                        "jdbc-journal.use-shared-db = \"orquestra\"\n"
                                + "jdbc-snapshot-store.use-shared-db = \"orquestra\"\n"
                                + "jdbc-read-journal.use-shared-db = \"orquestra\"\n")
                .withFallback(db.atPath(shared))
                .withFallback(base);
    }

    @Override
    public void open(ActorSystem<?> system) throws SQLException, IOException {
        if (directory != null) {
            Files.createDirectories(directory);
        }
        if (kind == Kind.POSTGRES_DATA_SOURCE) {
            DataSourceRegistry.get(Adapter.toClassic(system)).attach(dataSource, connections);
        }
        try (Connection c = connect()) {
            new SchemaBootstrap(kind == Kind.H2 ? SchemaBootstrap.Dialect.H2 : SchemaBootstrap.Dialect.POSTGRES).apply(c);
        } catch (SQLException e) {
            if (kind == Kind.H2 && e.getErrorCode() == 90020) {
                throw new SQLException("the store in " + directory + " is in use by another process (H2 allows one)", e);
            }
            throw e;
        }
    }

    private Connection connect() throws SQLException {
        return kind == Kind.POSTGRES_DATA_SOURCE ? dataSource.getConnection() : DriverManager.getConnection(url, user, password);
    }

    @Override
    public JournalReader reader(ActorSystem<?> system) {
        return new JdbcJournalReader(system);
    }

    @Override
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    @Override
    public String describe() {
        return switch (kind) {
            case H2 -> "H2 file " + directory;
            case POSTGRES_URL -> "PostgreSQL " + url;
            case POSTGRES_DATA_SOURCE -> "PostgreSQL (application DataSource)";
        };
    }

    @Override
    public String toString() {
        return "JdbcStore[" + describe() + "]";
    }
}
