package dev.orquestra.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.Orquestra;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.examples.squad.Squad;
import dev.orquestra.examples.squad.SquadSettings;
import dev.orquestra.persistence.JdbcStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The directory a run lives in: the H2 journal ({@code orquestra.mv.db}), the squad's artifacts
 * ({@code app-artefacts/}), the seed-format checkpoint ({@code backlog_master.json}) and
 * {@value #RUN_FILE}, which remembers the seed so that a resumed run makes the same decisions. Opens
 * engines on it, running or paused, and turns "the store is in use" into a message for the user.
 */
final class DataDir {

    /** The directory {@code run} uses when none is given. */
    static final String DEFAULT = "orquestra-data";

    /** Remembers the seed of the run in the directory. */
    static final String RUN_FILE = "run.properties";

    /** The file {@link JdbcStore#h2(Path)} keeps its database in: its presence means the directory holds a store. */
    private static final String H2_FILE = "orquestra.mv.db";

    /**
     * Simulated failures fail every retry of an attempt, so long backoffs only slow the run down; the
     * library's default (1 s doubling to 1 min) is meant for real agents.
     */
    static final Policy POLICY = Policy.defaults().retries(3, Duration.ofMillis(50), Duration.ofSeconds(1));

    /**
     * The app closes its engine itself, from its own shutdown hook on Ctrl-C; Pekko's hooks would
     * terminate the actor system under it while it records what cards reported.
     */
    private static final Config NO_PEKKO_HOOKS = ConfigFactory.parseString(
            "pekko.jvm-shutdown-hooks = off\npekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");

    /**
     * The simulated agents answer in milliseconds, so a minute without any card moving means the run
     * is stuck; the engine then logs what it waits on (its default of 5 minutes suits real agents).
     */
    private static final Duration STALL_WARNING = Duration.ofMinutes(1);

    private final Path given;
    private final Path path;

    DataDir(Path given) {
        this.given = Objects.requireNonNull(given, "given");
        this.path = given.toAbsolutePath().normalize();
    }

    /** The directory as the user wrote it, for messages and the commands the app suggests. */
    String display() {
        return given.toString();
    }

    Path path() {
        return path;
    }

    /** True when the directory holds an Orquestra store (a run may have been submitted to it). */
    boolean holdsStore() {
        return Files.isRegularFile(path.resolve(H2_FILE));
    }

    /**
     * Refuses a directory that holds no store, before anything opens it (opening creates one).
     *
     * @throws CommandFailure bad input naming what is missing
     */
    void requireStore() {
        if (!Files.exists(path)) {
            throw CommandFailure.badInput("data directory " + given + " does not exist; start a run with "
                    + "'./orquestra-example run --data " + given + "'");
        }
        if (!Files.isDirectory(path)) {
            throw CommandFailure.badInput("data directory " + given + " is not a directory");
        }
        if (!holdsStore()) {
            throw CommandFailure.badInput("data directory " + given + " holds no Orquestra run; start one with "
                    + "'./orquestra-example run --data " + given + "'");
        }
    }

    /** Refuses a path that names something other than a directory; a missing one is created when a run starts. */
    void requireDirectoryOrAbsent() {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw CommandFailure.badInput("data directory " + given + " is not a directory");
        }
    }

    /** The seed remembered with the run, if a run was started here. */
    Optional<Long> rememberedSeed() {
        Path file = path.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw CommandFailure.failure(file + " cannot be read: " + e.getMessage(), e);
        }
        String seed = p.getProperty("seed");
        try {
            return Optional.of(Long.parseLong(Objects.requireNonNull(seed, "seed").trim()));
        } catch (NullPointerException | NumberFormatException e) {
            throw CommandFailure.badInput(file + " has no valid 'seed' (was " + seed + "); write the seed the run "
                    + "was started with, or start over in an empty data directory");
        }
    }

    /** The run's seed: remembered in the directory, else the default (a run started by other means). */
    long seed() {
        return rememberedSeed().orElse(SquadSettings.DEFAULT_SEED);
    }

    /** The backlog of the run an engine opened here, or bad input when the store holds none yet. */
    Backlog requireBacklog(Orquestra orquestra) {
        return orquestra.backlog().orElseThrow(() -> CommandFailure.badInput("data directory " + given
                + " holds no backlog yet; start a run with './orquestra-example run --data " + given + "'"));
    }

    /** Remembers the run's seed, atomically, before anything is submitted. */
    void rememberRun(long seed, String backlog) {
        Path file = path.resolve(RUN_FILE);
        Path temporary = path.resolve(RUN_FILE + ".tmp");
        try {
            Files.createDirectories(path);
            try (Writer w = Files.newBufferedWriter(temporary, StandardCharsets.ISO_8859_1)) {
                w.write("# The Orquestra example run in this directory. Every simulated decision derives from the\n"
                        + "# seed, so a resumed run must use the same one.\n");
                w.write("seed=" + seed + "\n");
                w.write("backlog=" + backlog.replace("\\", "\\\\").replaceAll("[^\\x20-\\x7e]", "?") + "\n");
                w.write("started=" + Instant.now() + "\n");
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw CommandFailure.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a running engine with the simulated squad on the store: a store that holds a run resumes
     * it at once.
     *
     * @param concurrency owner calls per role; roles left out get the squad's default
     * @param listener    receives every event from the first one after recovery
     */
    Engine open(SquadSettings settings, Map<Role, Integer> concurrency, Consumer<? super CardEvent> listener) {
        return open(settings, concurrency, listener, false);
    }

    /**
     * Opens the store without running anything, for status, review and export.
     *
     * @throws CommandFailure bad input when the directory holds no store
     */
    Engine openPaused(long seed) {
        requireStore();
        return open(SquadSettings.builder().seed(seed).build(), Map.of(), null, true);
    }

    private Engine open(SquadSettings settings, Map<Role, Integer> concurrency, Consumer<? super CardEvent> listener,
                        boolean paused) {
        requireNotInUse();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "squad-scheduler");
            t.setDaemon(true);
            return t;
        });
        try {
            Squad squad = Squad.create(settings, path, scheduler);
            Orquestra.Builder builder = Orquestra.builder().store(JdbcStore.h2(path)).policy(POLICY).paused(paused)
                    .config(NO_PEKKO_HOOKS).shutdownTimeout(Duration.ofSeconds(15)).stallWarningAfter(STALL_WARNING);
            if (listener != null) {
                builder.listener(listener);
            }
            return new Engine(squad.configure(builder, concurrency).build(), scheduler);
        } catch (IllegalArgumentException e) {
            scheduler.shutdownNow();
            throw CommandFailure.badInput(e.getMessage()); // a pool size or role the builder refuses
        } catch (IllegalStateException e) {
            scheduler.shutdownNow();
            if (isInUse(e)) {
                throw inUse(e);
            }
            throw CommandFailure.failure("cannot open the store in " + given + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    /**
     * Fails at once when another process has the store open, before an engine starts: H2 holds an
     * operating-system lock on its file while it is open. When the lock cannot be probed, opening the
     * store finds out just the same, only later.
     */
    private void requireNotInUse() {
        Path db = path.resolve(H2_FILE);
        if (!Files.isRegularFile(db)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(null);
            }
            lock.release();
        } catch (OverlappingFileLockException ours) {
            // an engine of this process has not let go of it yet; opening waits for it or says why not
        } catch (IOException cannotTell) {
            // a read-only file or a file system without locks: opening the store will tell
        }
    }

    private CommandFailure inUse(Throwable cause) {
        return CommandFailure.failure("data directory " + given + " is in use by another process (is a run still "
                + "going?); its embedded H2 store allows one process at a time", cause);
    }

    private static boolean isInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 90020
                    || String.valueOf(sql.getMessage()).contains("in use by another process"))) {
                return true;
            }
        }
        return false;
    }

    /** An engine and the scheduler its squad runs on; closing closes both, the engine first. */
    record Engine(Orquestra orquestra, ScheduledExecutorService scheduler) implements AutoCloseable {
        @Override
        public void close() {
            try {
                orquestra.close();
            } finally {
                scheduler.shutdownNow();
                try {
                    scheduler.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
