package dev.orquestra.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.JournalLossException;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.examples.squad.Squad;
import dev.orquestra.examples.squad.SquadSettings;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.persistence.ReadOnlyStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The directory a run lives in: the H2 journal ({@code orquestra.mv.db}, unless the journal is in
 * PostgreSQL), the squad's artifacts ({@code app-artefacts/}), the seed-format checkpoint
 * ({@code backlog_master.json}), the journal's high-water mark, {@value #RUN_FILE}, which remembers
 * the seed (so that a resumed run makes the same decisions) and the engine's name, and
 * {@value #LOCK_FILE}. Opens engines on it, running or paused, and turns what can go wrong in opening
 * (in use, read-only, a journal that lost events) into one message for the user.
 *
 * <p><b>One command at a time.</b> A command that opens the store first takes an exclusive lock on
 * {@value #LOCK_FILE} ({@link #lock}) and holds it until the store is closed; only then does it read or
 * write {@value #RUN_FILE}. Creating a run's settings and taking its store are so one step: of two runs
 * started at once on a new directory, one writes the settings and runs, the other changes nothing and
 * says the directory is in use. A directory made before there was a lock file has none: {@code status}
 * and {@code export}, which only read, leave it so (H2's own lock on its file still keeps a second
 * process out), and {@code run} and {@code review} create it.
 */
final class DataDir {

    /** The directory {@code run} uses when none is given. */
    static final String DEFAULT = "orquestra-data";

    /** Remembers the seed of the run in the directory and the name of its engine. */
    static final String RUN_FILE = "run.properties";

    /** Locked by the command that has the run's store open. */
    static final String LOCK_FILE = "run.lock";

    /** The seed-format checkpoint the engine writes next to its store. */
    static final String CHECKPOINT_FILE = "backlog_master.json";

    /**
     * How far the journal had got, kept by the library next to its store (the library keeps the
     * constant internal; the name is part of the store's layout).
     */
    static final String MARK_FILE = "journal-high-water-mark.properties";

    /** The engine name of a run started before names were remembered: the library's default. */
    static final String LEGACY_ENGINE = "orquestra";

    /** The file {@link JdbcStore#h2(Path)} keeps its database in: its presence means the directory holds a store. */
    private static final String H2_FILE = "orquestra.mv.db";

    /** What H2 says when it cannot write its file (DATABASE_IS_READ_ONLY). */
    private static final int H2_READ_ONLY = 90097;

    /** What H2 says when another process has its file open (DATABASE_ALREADY_OPEN_1). */
    private static final int H2_IN_USE = 90020;

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
    private final PostgresJournal postgres;

    /** A data directory whose journal is its H2 file. */
    DataDir(Path given) {
        this(given, null);
    }

    /**
     * @param postgres where the journal is, or null for the directory's H2 file
     */
    DataDir(Path given, PostgresJournal postgres) {
        this.given = Objects.requireNonNull(given, "given");
        this.path = given.toAbsolutePath().normalize();
        this.postgres = postgres;
    }

    /** The directory as the user wrote it, for messages and the commands the app suggests. */
    String display() {
        return given.toString();
    }

    Path path() {
        return path;
    }

    /**
     * The options a command suggests to carry on with this run: {@code --data DIR}, and
     * {@code --postgres URL} (without its password) when the journal is there.
     */
    String options() {
        return "--data " + given + (postgres == null ? "" : " --postgres " + postgres.url());
    }

    /**
     * What a name directly in a data directory is to the run, when it is one of the run's own files:
     * the H2 database's files ({@code orquestra.*}), the settings, the lock, the checkpoint, the
     * high-water mark, the squad's artifacts.
     */
    static Optional<String> ownFile(String name) {
        if (name.equals(H2_FILE)) {
            return Optional.of("the H2 journal (" + H2_FILE + ")");
        }
        if (name.startsWith("orquestra.")) {
            return Optional.of("a file of the H2 journal (" + name + ")");
        }
        return Optional.ofNullable(switch (name) {
            case RUN_FILE -> "the settings (" + RUN_FILE + ")";
            case LOCK_FILE -> "the lock (" + LOCK_FILE + ")";
            case CHECKPOINT_FILE -> "the checkpoint (" + CHECKPOINT_FILE + ")";
            case MARK_FILE -> "the journal's high-water mark (" + MARK_FILE + ")";
            case Squad.ARTIFACTS_DIR -> "the squad's artifacts (" + Squad.ARTIFACTS_DIR + "/)";
            default -> null;
        });
    }

    /**
     * True when a directory holds what only runs leave: a lock, an H2 journal or a high-water mark (a
     * {@value #RUN_FILE} alone could be anyone's).
     */
    static boolean looksLikeOne(Path dir) {
        return Stream.of(LOCK_FILE, H2_FILE, MARK_FILE).anyMatch(name -> Files.exists(dir.resolve(name)));
    }

    /**
     * True when the directory holds a store a run may have been submitted to: its H2 file, or, with
     * {@code --postgres}, the settings of a run started there.
     */
    boolean holdsStore() {
        return Files.isRegularFile(path.resolve(postgres == null ? H2_FILE : RUN_FILE));
    }

    /**
     * Refuses a directory that holds no store, before anything opens it (opening creates one), and one
     * whose run keeps its journal elsewhere than the command says.
     *
     * @throws CommandFailure bad input naming what is missing
     */
    void requireStore() {
        if (!Files.exists(path)) {
            throw CommandFailure.badInput("data directory " + given + " does not exist; start a run with "
                    + "'./orquestra-example run " + options() + "'");
        }
        if (!Files.isDirectory(path)) {
            throw CommandFailure.badInput("data directory " + given + " is not a directory");
        }
        readRun().ifPresent(this::requireSameJournal);
        if (!holdsStore()) {
            throw CommandFailure.badInput("data directory " + given + " holds no Orquestra run; start one with "
                    + "'./orquestra-example run " + options() + "'");
        }
    }

    /** Refuses a path that names something other than a directory; a missing one is created when a run starts. */
    void requireDirectoryOrAbsent() {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw CommandFailure.badInput("data directory " + given + " is not a directory");
        }
    }

    /**
     * Refuses {@code --postgres} on a run kept in its H2 file, its absence on a run kept in PostgreSQL,
     * and another database than the run's: each would open an empty journal and start the run over.
     */
    void requireSameJournal(RunFile run) {
        if (run.postgres() == null && postgres != null) {
            throw CommandFailure.badInput("the run in " + given + " keeps its journal in its H2 file (" + H2_FILE
                    + "), not in PostgreSQL; leave out --postgres");
        }
        if (run.postgres() != null && postgres == null) {
            throw CommandFailure.badInput("the run in " + given + " keeps its journal in PostgreSQL at "
                    + run.postgres() + "; add --postgres " + run.postgres()
                    + " (the user and password in the URL, or in PGUSER and PGPASSWORD)");
        }
        if (postgres != null && !run.postgres().equals(postgres.url())) {
            throw CommandFailure.badInput("the run in " + given + " keeps its journal in PostgreSQL at "
                    + run.postgres() + ", not " + postgres.url() + "; every command of a run uses the run's database");
        }
    }

    /** Refuses {@code --postgres} for a new run in a directory that holds an H2 store already. */
    void requireNoOtherStore() {
        if (postgres != null && Files.isRegularFile(path.resolve(H2_FILE))) {
            throw CommandFailure.badInput("data directory " + given + " holds a run kept in its H2 file (" + H2_FILE
                    + "); leave out --postgres, or start the PostgreSQL run in another --data directory");
        }
    }

    /** The backlog of the run an engine opened here, or bad input when the store holds none yet. */
    Backlog requireBacklog(Orquestra orquestra) {
        return orquestra.backlog().orElseThrow(() -> CommandFailure.badInput("data directory " + given
                + " holds no backlog yet; start a run with './orquestra-example run " + options() + "'"));
    }

    /**
     * Takes the directory's lock, which the caller holds (closes the lease) until every engine it opens
     * is closed; reads the run's settings under it.
     *
     * @param create true to create the directory and its lock file when missing (a command that writes);
     *               false to go without a lock in a directory an earlier version made, or one that
     *               cannot be written (a command that reads, and opens the store read-only)
     * @throws CommandFailure a failure when another process holds the lock ("in use"); bad input when the
     *                        directory is read-only
     */
    Lease lock(boolean create) {
        Path file = path.resolve(LOCK_FILE);
        if (!create && !Files.exists(file)) {
            return new Lease(null, readRun().orElse(null));
        }
        FileChannel channel = null;
        try {
            if (create) {
                Files.createDirectories(path);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } else {
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(null);
            }
            return new Lease(channel, readRun().orElse(null));
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw inUse(e);
        } catch (IOException e) {
            close(channel);
            if (isReadOnly(e)) {
                if (!create) {
                    // a command that reads: it opens the store read-only, and H2 keeps a writer out itself
                    return new Lease(null, readRun().orElse(null));
                }
                throw readOnly(Files.isDirectory(path) && Files.isWritable(path) ? file : path);
            }
            throw CommandFailure.failure("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing releases the lock; a channel that fails to close is let go with the process
        }
    }

    /** What {@value #RUN_FILE} says, if a run was started here. */
    private Optional<RunFile> readRun() {
        return RunFile.read(path.resolve(RUN_FILE));
    }

    /**
     * What {@value #RUN_FILE} remembers of a run.
     *
     * @param seed     the seed every simulated decision derives from
     * @param engine   the engine's name, which keeps the run's journal apart from other runs' in a shared
     *                 database ({@value #LEGACY_ENGINE} for a run that remembered none)
     * @param postgres the PostgreSQL URL (without user and password) the journal is in, or null for the
     *                 directory's H2 file
     */
    record RunFile(long seed, String engine, String postgres) {

        static Optional<RunFile> read(Path file) {
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
            long parsed;
            try {
                parsed = Long.parseLong(Objects.requireNonNull(seed, "seed").trim());
            } catch (NullPointerException | NumberFormatException e) {
                throw CommandFailure.badInput(file + " has no valid 'seed' (was " + seed + "); write the seed the run "
                        + "was started with, or start over in an empty data directory");
            }
            String postgres = p.getProperty("postgres");
            return Optional.of(new RunFile(parsed, p.getProperty("engine", LEGACY_ENGINE).trim(),
                    postgres == null || postgres.isBlank() ? null : postgres.trim()));
        }
    }

    /**
     * The directory's lock, held from before the run's settings are read until the store is closed;
     * engines are opened through it, so none is opened without it. Closing releases it.
     */
    final class Lease implements AutoCloseable {

        private final FileChannel lock; // null in a directory without a lock file, for a command that only reads
        private RunFile run;

        private Lease(FileChannel lock, RunFile run) {
            this.lock = lock;
            this.run = run;
        }

        /** The run's settings, read under the lock; empty before a run was started here. */
        Optional<RunFile> run() {
            return Optional.ofNullable(run);
        }

        /** The run's seed: remembered in the directory, else the default (a store made by other means). */
        long seed() {
            return run == null ? SquadSettings.DEFAULT_SEED : run.seed();
        }

        private String engineName() {
            return run == null ? LEGACY_ENGINE : run.engine();
        }

        /**
         * Remembers a new run's seed and gives it an engine name of its own, atomically, before anything
         * is submitted. A store made by other means (H2 file, no settings) keeps the library's default name.
         */
        void rememberRun(long seed, String backlog) {
            String engine = holdsStore() ? LEGACY_ENGINE
                    : String.format(Locale.ROOT, "run-%012x", ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL);
            Path file = path.resolve(RUN_FILE);
            Path temporary = path.resolve(RUN_FILE + ".tmp");
            try {
                try (Writer w = Files.newBufferedWriter(temporary, StandardCharsets.ISO_8859_1)) {
                    w.write("# The Orquestra example run in this directory. Every simulated decision derives from the\n"
                            + "# seed, so a resumed run must use the same one; the engine's name keeps this run's journal\n"
                            + "# apart from other runs' in a shared database.\n");
                    w.write("seed=" + seed + "\n");
                    w.write("engine=" + engine + "\n");
                    if (postgres != null) {
                        w.write("postgres=" + property(postgres.url()) + "\n");
                    }
                    w.write("backlog=" + property(backlog) + "\n");
                    w.write("started=" + Instant.now() + "\n");
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                if (isReadOnly(e)) {
                    throw readOnly(path);
                }
                throw CommandFailure.failure("cannot write " + file + ": " + e.getMessage(), e);
            }
            run = new RunFile(seed, engine, postgres == null ? null : postgres.url());
        }

        /**
         * Opens a running engine with the simulated squad on the store: a store that holds a run resumes
         * it at once.
         *
         * @param concurrency    owner calls per role; roles left out get the squad's default
         * @param listener       receives every event from the first one after recovery
         * @param acceptLoss     start on a store whose journal holds less than its high-water mark
         * @param onAcceptedLoss told of such a loss, before the engine starts on what remains
         */
        Engine open(SquadSettings settings, Map<Role, Integer> concurrency, Consumer<? super CardEvent> listener,
                    boolean acceptLoss, Consumer<JournalLossException> onAcceptedLoss) {
            return DataDir.this.open(this, settings, concurrency, listener, Mode.RUNNING, acceptLoss,
                    onAcceptedLoss);
        }

        /**
         * Opens the store without running anything, for status, review and export.
         *
         * @param acceptLoss open a store whose journal holds less than its high-water mark (a paused engine
         *                   leaves the mark as it is)
         */
        Engine openPaused(boolean acceptLoss) {
            requireStore();
            return DataDir.this.open(this, SquadSettings.builder().seed(seed()).build(), Map.of(), null,
                    Mode.PAUSED, acceptLoss, null);
        }

        /**
         * Opens the store paused and for reading only, for status and export: on H2 not a byte of the
         * directory changes, not even the database file, which H2 would otherwise compact as it closes.
         */
        Engine openReading() {
            requireStore();
            return DataDir.this.open(this, SquadSettings.builder().seed(seed()).build(), Map.of(), null,
                    Mode.READING, false, null);
        }

        @Override
        public void close() {
            DataDir.close(lock);
        }
    }

    private static String property(String value) {
        return value.replace("\\", "\\\\").replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** How an engine opens the store: running the squad, paused to record reviews, or paused and reading only. */
    private enum Mode { RUNNING, PAUSED, READING }

    private Engine open(Lease lease, SquadSettings settings, Map<Role, Integer> concurrency,
                        Consumer<? super CardEvent> listener, Mode mode, boolean acceptLoss,
                        Consumer<JournalLossException> onAcceptedLoss) {
        requireNotInUse();
        try {
            return start(lease.engineName(), settings, concurrency, listener, mode, false);
        } catch (JournalLossException loss) {
            if (!acceptLoss) {
                throw lost(loss);
            }
            if (onAcceptedLoss != null) {
                onAcceptedLoss.accept(loss);
            }
            return start(lease.engineName(), settings, concurrency, listener, mode, true);
        }
    }

    private Engine start(String engine, SquadSettings settings, Map<Role, Integer> concurrency,
                         Consumer<? super CardEvent> listener, Mode mode, boolean acceptLoss) {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "squad-scheduler");
            t.setDaemon(true);
            return t;
        });
        try {
            Squad squad = Squad.create(settings, path, scheduler);
            OrquestraBuilder builder = Orquestra.builder().name(engine)
                    .store(store(mode))
                    .policy(POLICY).paused(mode != Mode.RUNNING).acceptJournalLoss(acceptLoss).config(NO_PEKKO_HOOKS)
                    .shutdownTimeout(Duration.ofSeconds(15)).stallWarningAfter(STALL_WARNING);
            if (listener != null) {
                builder.listener(listener);
            }
            return new Engine(squad.configure(builder, concurrency).build(), scheduler);
        } catch (JournalLossException e) {
            scheduler.shutdownNow();
            throw e;
        } catch (IllegalArgumentException e) {
            scheduler.shutdownNow();
            throw CommandFailure.badInput(e.getMessage()); // a pool size, role or engine name the builder refuses
        } catch (IllegalStateException e) {
            scheduler.shutdownNow();
            Optional<Path> readOnly = readOnlyPart(e);
            if (readOnly.isPresent()) {
                throw readOnly(readOnly.get());
            }
            if (isInUse(e)) {
                throw inUse(e);
            }
            throw CommandFailure.failure("cannot open the store in " + given + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    private JdbcStore store(Mode mode) {
        if (postgres != null) {
            return postgres.store(path);
        }
        return mode == Mode.READING ? JdbcStore.h2(path).readOnly() : JdbcStore.h2(path);
    }

    /**
     * Fails at once when another process has the H2 store open, before an engine starts: H2 holds an
     * operating-system lock on its file while it is open (a process of an earlier version of the app
     * takes no lock on {@value #LOCK_FILE}). When the lock cannot be probed, opening the store finds out
     * just the same, only later.
     */
    private void requireNotInUse() {
        Path db = path.resolve(H2_FILE);
        if (postgres != null || !Files.isRegularFile(db)) {
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
                + "going?); one command at a time may open a run's store", cause);
    }

    /** Said once, plainly, instead of every failed write: an engine cannot work in a read-only directory. */
    private CommandFailure readOnly(Path what) {
        return CommandFailure.badInput("data directory " + given + " is read-only" + (what.equals(path) ? ""
                : " (" + what + " cannot be written)") + ": an engine writes its journal, checkpoints and lock there. "
                + "Make it writable, or copy the directory somewhere writable to go on with the run "
                + "(status and export read it as it is)");
    }

    private CommandFailure lost(JournalLossException loss) {
        return CommandFailure.failure("data directory " + given + ": " + loss.getMessage() + System.lineSeparator()
                + "To run on what remains (the cards whose approval was lost run again, calling their agents again): "
                + "./orquestra-example run " + options() + " --accept-loss", loss);
    }

    /** The line {@code run --accept-loss} prints when it starts on what remains of a journal. */
    static String acceptedLoss(JournalLossException loss) {
        return String.format(Locale.ROOT, "Accepting the loss (--accept-loss): the journal ends at offset %d with %d "
                        + "cards approved, where its high-water mark says offset %d with %d; the cards whose approval "
                        + "was lost run again.", loss.journalOffset(), loss.journalApproved(), loss.markOffset(),
                loss.markApproved());
    }

    private static boolean isReadOnly(IOException e) {
        return e instanceof AccessDeniedException
                || e instanceof FileSystemException f && "Read-only file system".equals(f.getReason());
    }

    /** The directory or file that could not be written, when that is why the store did not open. */
    private Optional<Path> readOnlyPart(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ReadOnlyStoreException r) {
                return Optional.of(r.path());
            }
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_READ_ONLY
                    || t instanceof FileSystemException f && "Read-only file system".equals(f.getReason())) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static boolean isInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == H2_IN_USE
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
