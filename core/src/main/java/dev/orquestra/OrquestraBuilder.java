package dev.orquestra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.internal.dispatch.BlockingCalls;
import dev.orquestra.internal.engine.EngineContext;
import dev.orquestra.internal.engine.EngineGuardian;
import dev.orquestra.internal.engine.EngineSettings;
import dev.orquestra.internal.engine.EventPublisher;
import dev.orquestra.internal.engine.HighWaterMark;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link Orquestra}. Every setter refuses a bad value at once, naming it; {@link #build()}
 * checks the settings against each other.
 */
public final class OrquestraBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(Orquestra.class);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private String name = "orquestra";
    private Store store;
    private final Map<Role, Agent> agents = new LinkedHashMap<>();
    private final Map<Role, Integer> pools = new LinkedHashMap<>();
    private Pipeline pipeline = Pipeline.none();
    private Debugger debugger;
    private int debuggerPool = 2;
    private Policy policy = Policy.defaults();
    private Clock clock = Clock.systemUTC();
    private int blockingThreads = 16;
    private boolean blockingThreadsSet;
    private ExecutorService blockingExecutor;
    private Config config = ConfigFactory.empty();
    private boolean paused;
    private Duration askTimeout = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private final List<Consumer<? super CardEvent>> listeners = new ArrayList<>();
    private int checkpointEvery = 10;
    private Path checkpointFile;
    private Duration stallWarningAfter = EngineSettings.DEFAULTS.stallWarningAfter();
    private boolean acceptJournalLoss;

    OrquestraBuilder() {
    }

    /**
     * Write a seed-format checkpoint ({@code backlog_master.json}) every {@code approvals} approvals
     * and on close (default 10, as in the seed; 0 writes none). The journal stays the source of
     * truth; a checkpoint is for tools built for the seed. Each checkpoint reads only the events
     * written since the previous one, but keeps every started card's state in memory.
     */
    public OrquestraBuilder checkpointEvery(int approvals) {
        if (approvals < 0) {
            throw new IllegalArgumentException("checkpointEvery must not be negative, was " + approvals);
        }
        this.checkpointEvery = approvals;
        return this;
    }

    /**
     * Where checkpoints are written (default {@code backlog_master.json} in the store's directory;
     * a store without a directory, such as the in-memory one, writes none unless this is set).
     */
    public OrquestraBuilder checkpointFile(Path value) {
        this.checkpointFile = Objects.requireNonNull(value, "checkpointFile").toAbsolutePath();
        return this;
    }

    /**
     * A listener attached before the engine starts, so it receives every event from the first one
     * after recovery (see {@link Orquestra#subscribe} for how listeners are called).
     */
    public OrquestraBuilder listener(Consumer<? super CardEvent> value) {
        listeners.add(Objects.requireNonNull(value, "listener"));
        return this;
    }

    /**
     * The engine's name (default {@code orquestra}): lower case letters, digits, {@code -} and
     * {@code _}. It is part of every persistence id, so engines with different names can share
     * a store, and reopening a store resumes the engine of the same name.
     */
    public OrquestraBuilder name(String value) {
        Objects.requireNonNull(value, "name");
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("name '" + value
                    + "' must be 1-63 lower case letters, digits, '-' or '_', starting with a letter or digit");
        }
        this.name = value;
        return this;
    }

    /**
     * Where the journal lives. Default: the store that {@code orquestra-persistence} provides
     * when it is on the class path (an H2 file database under {@code ./orquestra-data}), else
     * none, and {@link #build()} asks for one.
     */
    public OrquestraBuilder store(Store value) {
        this.store = Objects.requireNonNull(value, "store");
        return this;
    }

    /**
     * The owner agent of a role and how many calls it may run at once (the seed's default is 5).
     * Wrap blocking code with {@link Agent#blocking}.
     */
    public OrquestraBuilder owners(Role role, Agent agent, int poolSize) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(agent, () -> "agent of role " + role);
        if (poolSize < 1 || poolSize > 10_000) {
            throw new IllegalArgumentException("pool size of role " + role + " must be between 1 and 10000, was "
                    + poolSize);
        }
        agents.put(role, agent);
        pools.put(role, poolSize);
        return this;
    }

    /** The validation pipeline (default {@link Pipeline#none()}: work is approved as submitted). */
    public OrquestraBuilder pipeline(Pipeline value) {
        this.pipeline = Objects.requireNonNull(value, "pipeline");
        return this;
    }

    /** The debugger that investigates failures repeating on attempt 2 or later (default: none). */
    public OrquestraBuilder debugger(Debugger value) {
        return debugger(value, 2);
    }

    /** The debugger and how many investigations may run at once (default 2). */
    public OrquestraBuilder debugger(Debugger value, int poolSize) {
        Objects.requireNonNull(value, "debugger");
        if (poolSize < 1) {
            throw new IllegalArgumentException("debugger pool size must be at least 1, was " + poolSize);
        }
        this.debugger = value;
        this.debuggerPool = poolSize;
        return this;
    }

    /** Attempts, retries, time limits, budgets and scheduling (default {@link Policy#defaults()}). */
    public OrquestraBuilder policy(Policy value) {
        this.policy = Objects.requireNonNull(value, "policy");
        return this;
    }

    /** The clock for every timestamp (default the system UTC clock); tests inject their own. */
    public OrquestraBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Threads of the bounded executor that runs blocking agents, validators and debuggers (default 16). */
    public OrquestraBuilder blockingThreads(int value) {
        if (value < 1 || value > 1024) {
            throw new IllegalArgumentException("blockingThreads must be between 1 and 1024, was " + value);
        }
        this.blockingThreads = value;
        this.blockingThreadsSet = true;
        return this;
    }

    /** Run blocking code on this executor instead; the caller keeps ownership and shuts it down. */
    public OrquestraBuilder blockingExecutor(ExecutorService value) {
        this.blockingExecutor = Objects.requireNonNull(value, "blockingExecutor");
        return this;
    }

    /**
     * Extra Pekko settings for the engine's actor system, taking precedence over the store's and
     * the defaults (for example {@code ManualTime.config()} in tests).
     */
    public OrquestraBuilder config(Config value) {
        this.config = Objects.requireNonNull(value, "config");
        return this;
    }

    /**
     * Open the store without running anything (default false): the backlog is recovered, status,
     * history, export and review work, but no card starts and no call is made. A review recorded
     * this way takes effect when an engine next runs on the store.
     */
    public OrquestraBuilder paused(boolean value) {
        this.paused = value;
        return this;
    }

    /** How long an API call waits for the engine (default 30 s). */
    public OrquestraBuilder askTimeout(Duration value) {
        this.askTimeout = positive(value, "askTimeout");
        return this;
    }

    /**
     * How long cards may be in flight without any of them moving before the engine logs one warning
     * naming what it waits on: which queues hold how many items, how many run, and the item that has
     * waited longest (default 5 min). Long agent calls are normal; set this above the longest you
     * expect.
     */
    public OrquestraBuilder stallWarningAfter(Duration value) {
        this.stallWarningAfter = positive(value, "stallWarningAfter");
        return this;
    }

    /**
     * Start on a store whose journal holds less than its high-water mark says (default false: the
     * engine refuses with a {@link JournalLossException} naming both figures). The engine keeps the
     * mark in the store's directory, updated with every checkpoint and on close; a journal that ends
     * before it lost acknowledged events, and running on it calls the agents of cards whose approval
     * was lost again. Accepting logs the loss and sets the mark to what the store holds now.
     */
    public OrquestraBuilder acceptJournalLoss(boolean value) {
        this.acceptJournalLoss = value;
        return this;
    }

    /** How long {@link Orquestra#close()} may take (default 30 s). */
    public OrquestraBuilder shutdownTimeout(Duration value) {
        this.shutdownTimeout = positive(value, "shutdownTimeout");
        return this;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }

    /**
     * Starts the engine: opens the store, recovers any backlog it holds and resumes the cards
     * that were running.
     *
     * @throws IllegalStateException when no owner role is registered or no store is available
     * @throws IllegalArgumentException when settings conflict, naming both: {@code blockingThreads} with
     *                                  {@code blockingExecutor}; {@code checkpointFile} with
     *                                  {@code checkpointEvery(0)} or with {@code paused(true)}; a
     *                                  {@code debugger} with a policy that never debugs; a policy's soft time
     *                                  limit above its hard one
     */
    public Orquestra build() {
        if (agents.isEmpty()) {
            throw new IllegalStateException("register at least one owner role with owners(role, agent, poolSize)");
        }
        policy.validate();
        checkSettingsAgainstEachOther();
        Store chosen = store != null ? store : defaultStore();
        ExecutorService owned = null;
        ExecutorService executor = blockingExecutor;
        // Always there (its threads start only when blocking code runs): a blocking agent the user wrapped
        // again is not recognisable here, and must still not run on an actor's thread.
        if (executor == null) {
            owned = boundedExecutor(name, blockingThreads);
            executor = owned;
        }
        ExecutorService finalExecutor = executor;
        Map<Role, Agent> bound = new LinkedHashMap<>();
        for (Map.Entry<Role, Agent> e : agents.entrySet()) {
            bound.put(e.getKey(), BlockingCalls.bindAgent(e.getValue(), executor));
        }
        Pipeline boundPipeline = pipeline;
        for (Check c : pipeline.checks()) {
            if (BlockingCalls.isBlocking(c.validator())) {
                Check b = new Check(c.name(), BlockingCalls.bindValidator(c.validator(), executor),
                        c.passingScore().isPresent() ? c.passingScore().getAsDouble() : null, c.concurrency());
                boundPipeline = boundPipeline.withCheck(b);
            }
        }
        Debugger boundDebugger = debugger == null ? null : BlockingCalls.bindDebugger(debugger, executor);

        Config defaults = ConfigFactory.load();
        Config systemConfig = config.withFallback(chosen.pekkoConfig())
                .withFallback(defaults.getConfig("orquestra.engine-system")).withFallback(defaults);
        ActorSystem<EngineGuardian.Command> system = ActorSystem.create(EngineGuardian.create(),
                "orquestra-" + name, systemConfig);
        try {
            chosen.open(system);
            EventPublisher publisher = new EventPublisher();
            for (int i = 0; i < listeners.size(); i++) {
                Orquestra.attach(system, publisher, listeners.get(i), "listener-" + i);
            }
            JournalReader reader = chosen.reader(system);
            Path markFile = chosen.directory().map(d -> d.resolve(HighWaterMark.FILE_NAME)).orElse(null);
            if (markFile != null) {
                guardAgainstLoss(reader, markFile, EngineContext.cardTagOf(name));
            }
            // Which cards have written anything: those that have not need no replay to wait in a queue.
            Map<String, Long> written = paused ? null : reader.highestSequenceNrs(EngineContext.cardPersistenceIdPrefix(name))
                    .toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            EngineContext settings = new EngineContext(name, clock, policy, boundPipeline, Map.copyOf(bound),
                    boundDebugger, publisher, reader, EngineSettings.from(systemConfig, stallWarningAfter), written);
            CompletionStage<EngineGuardian.Started> started = AskPattern.ask(system,
                    (ActorRef<EngineGuardian.Started> r) -> new EngineGuardian.StartEngine(settings, Map.copyOf(pools),
                            debuggerPool, paused, finalExecutor, r), askTimeout, system.scheduler());
            EngineGuardian.Started s = started.toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Orquestra '{}' started on {} with roles {}, pipeline {}", name, chosen.describe(),
                    pools, boundPipeline);
            Path checkpoint = checkpointFile != null ? checkpointFile
                    : chosen.directory().map(d -> d.resolve("backlog_master.json")).orElse(null);
            return new Orquestra(system, s, chosen, askTimeout, shutdownTimeout, owned, paused ? null : checkpoint,
                    checkpointEvery, paused ? null : markFile);
        } catch (Exception e) {
            system.terminate();
            if (owned != null) {
                owned.shutdownNow();
            }
            chosen.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof JournalLossException loss) {
                throw loss;
            }
            throw new IllegalStateException("the engine could not start on " + chosen.describe() + ": " + e, e);
        }
    }

    /** Settings that contradict each other: refused with both named, before anything starts. */
    private void checkSettingsAgainstEachOther() {
        if (blockingExecutor != null && blockingThreadsSet) {
            throw new IllegalArgumentException("blockingThreads(" + blockingThreads + ") sizes the executor the engine "
                    + "owns, but blockingExecutor(...) gives it one of yours: set one of them");
        }
        if (checkpointFile != null && checkpointEvery == 0) {
            throw new IllegalArgumentException("checkpointFile(" + checkpointFile + ") is set, but checkpointEvery(0) "
                    + "writes no checkpoint: set checkpointEvery above 0, or leave the file out");
        }
        if (debugger != null && !policy.debugRepeatedFailures()) {
            throw new IllegalArgumentException("debugger(...) is set, but the policy's debugRepeatedFailures is false, "
                    + "so it would never be called: enable debugRepeatedFailures, or leave the debugger out");
        }
        if (paused && checkpointFile != null) {
            throw new IllegalArgumentException("checkpointFile(" + checkpointFile + ") is set on a paused(true) engine, "
                    + "which writes no checkpoint: leave the file out, or do not pause");
        }
    }

    /** Refuses a store whose journal ends before its high-water mark, unless the loss is accepted. */
    private void guardAgainstLoss(JournalReader reader, Path markFile, String tag) throws Exception {
        Optional<HighWaterMark> mark = HighWaterMark.read(markFile);
        if (mark.isEmpty()) {
            return;
        }
        long offset = reader.highestOffset().toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (offset >= mark.get().offset()) {
            return;
        }
        int approved = approvedIn(reader, tag);
        JournalLossException loss = new JournalLossException(markFile, offset, approved, mark.get().offset(),
                mark.get().approved(), mark.get().at());
        if (!acceptJournalLoss) {
            throw loss;
        }
        LOG.warn("Accepting a journal loss, as asked: {}", loss.getMessage());
        if (!paused) {
            new HighWaterMark(offset, approved, clock.instant()).write(markFile);
        }
    }

    /** Cards whose journal holds their completion (only when a loss is found, so a scan is fine). */
    private int approvedIn(JournalReader reader, String tag) throws Exception {
        int approved = 0;
        long after = 0;
        while (true) {
            List<JournalReader.JournalEntry> page = reader.eventsByTag(tag, after, 10_000).toCompletableFuture()
                    .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            for (JournalReader.JournalEntry e : page) {
                if (e.event() instanceof CardEvent.Completed) {
                    approved++;
                }
                after = e.offset();
            }
            if (page.size() < 10_000) {
                return approved;
            }
        }
    }

    private static Store defaultStore() {
        Iterator<Orquestra.DefaultStoreProvider> providers = ServiceLoader.load(Orquestra.DefaultStoreProvider.class).iterator();
        if (providers.hasNext()) {
            return providers.next().defaultStore();
        }
        throw new IllegalStateException("no store configured: call store(...) (InMemoryStore.create() for tests) "
                + "or add dev.orquestra:orquestra-persistence for the default H2 store under ./orquestra-data");
    }

    private static ExecutorService boundedExecutor(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "orquestra-" + name + "-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }
}
