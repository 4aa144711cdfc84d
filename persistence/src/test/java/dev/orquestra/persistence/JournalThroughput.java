package dev.orquestra.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.internal.CborSerializable;
import dev.orquestra.persistence.internal.JdbcStorage;
import dev.orquestra.persistence.internal.JdbcStorageExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Measures the journal of a {@link JdbcStore} under the engine's load shape: many persistent actors
 * at once, each persisting a few tagged events one after the other (as cards do), then every actor
 * recovered again in a fresh actor system. Not a test: run it by hand, after
 * {@code mvn -B -q -pl persistence -am install -DskipTests}:
 *
 * <pre>
 * mvn -B -q -pl persistence dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx2g -cp persistence/target/test-classes:persistence/target/classes:$(cat /tmp/cp.txt) \
 *     dev.orquestra.persistence.JournalThroughput h2|postgres [--entities 20000] [--events 5] [--payload 300]
 * </pre>
 *
 * Prints one RESULT line: events/s of the writes, entities/s of the recovery, threads started during
 * the writes, the H2 file's size after the writes and at its peak, and the journal's transactions
 * (rows per transaction show the group commit). PostgreSQL rows of the run are deleted afterwards.
 */
public final class JournalThroughput {

    /** The event the actors persist: CBOR like the engine's events, with some text to make it realistic. */
    public record Written(String entity, int n, String text) implements CborSerializable {
    }

    sealed interface Command {
    }

    record Write(int remaining, CountDownLatch done) implements Command {
    }

    record Recovered(CountDownLatch done) implements Command {
    }

    record Spawn(String entity, Command first) {
    }

    private static final class Writer extends EventSourcedBehavior<Command, Written, Integer> {
        private final ActorContext<Command> context;
        private final String entity;
        private final String text;

        Writer(ActorContext<Command> context, String entity, String text) {
            super(PersistenceId.ofUniqueId(entity), SupervisorStrategy.restartWithBackoff(
                    Duration.ofMillis(100), Duration.ofSeconds(2), 0.2));
            this.context = context;
            this.entity = entity;
            this.text = text;
        }

        @Override
        public Integer emptyState() {
            return 0;
        }

        @Override
        public CommandHandler<Command, Written, Integer> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Write.class, (state, w) -> Effect().persist(new Written(entity, state + 1, text))
                            .thenRun(s -> {
                                if (w.remaining() > 1) {
                                    context.getSelf().tell(new Write(w.remaining() - 1, w.done()));
                                } else {
                                    w.done().countDown();
                                }
                            }))
                    .onCommand(Recovered.class, (state, r) -> {
                        r.done().countDown();
                        return Effect().none();
                    })
                    .build();
        }

        @Override
        public EventHandler<Integer, Written> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> state + 1);
        }

        @Override
        public Set<String> tagsFor(Written event) {
            return Set.of("bench");
        }
    }

    private static Behavior<Spawn> guardian(String text) {
        return Behaviors.receive((ctx, spawn) -> {
            ActorRef<Command> ref = ctx.spawn(Behaviors.setup(c -> new Writer(c, spawn.entity(), text)),
                    spawn.entity().replace('|', '_'));
            ref.tell(spawn.first());
            return Behaviors.same();
        });
    }

    private JournalThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "h2";
        int entities = 20_000;
        int events = 5;
        int payload = 300;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--entities" -> entities = Integer.parseInt(args[i + 1]);
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--payload" -> payload = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("orquestra-throughput-");
        String prefix = "bench" + System.nanoTime() + "|";
        String text = "x".repeat(payload);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            long startedThreads = threads.getTotalStartedThreadCount();
            double writeRate;
            long writeMillis;
            long transactions;
            long rows;
            long[] peak = {0};
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peak[0] = Math.max(peak[0], sizeOf(dir)), 100, 100, TimeUnit.MILLISECONDS);
            try (Run run = new Run(kind, dir, text)) {
                CountDownLatch done = new CountDownLatch(entities);
                long t0 = System.nanoTime();
                for (int i = 0; i < entities; i++) {
                    run.system.tell(new Spawn(prefix + i, new Write(events, done)));
                }
                if (!done.await(30, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("writes did not finish: " + done.getCount() + " entities left");
                }
                writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                writeRate = entities * (double) events / (writeMillis / 1000.0);
                JdbcStorage storage = JdbcStorageExtension.get(Adapter.toClassic(run.system)).storage();
                transactions = storage.journalTransactions();
                rows = storage.journalRows();
            }
            long writeThreads = threads.getTotalStartedThreadCount() - startedThreads;
            sampler.shutdownNow();
            long size = sizeOf(dir);
            long recoverMillis;
            try (Run run = new Run(kind, dir, text)) {
                CountDownLatch done = new CountDownLatch(entities);
                long t0 = System.nanoTime();
                for (int i = 0; i < entities; i++) {
                    run.system.tell(new Spawn(prefix + i, new Recovered(done)));
                }
                if (!done.await(30, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("recovery did not finish: " + done.getCount() + " entities left");
                }
                recoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            System.out.printf(Locale.ROOT, "RESULT store=%s entities=%d events=%d payload=%d writeMs=%d eventsPerSec=%.0f "
                            + "recoverMs=%d entitiesRecoveredPerSec=%.0f threadsStartedDuringWrites=%d h2Bytes=%d h2PeakBytes=%d "
                            + "transactions=%d rowsPerTransaction=%.1f%n",
                    kind, entities, events, payload, writeMillis, writeRate, recoverMillis,
                    entities / (recoverMillis / 1000.0), writeThreads, kind.equals("h2") ? size : -1,
                    kind.equals("h2") ? peak[0] : -1, transactions,
                    rows / (double) Math.max(1, transactions));
        } finally {
            if (kind.startsWith("p")) {
                deletePostgresRows(prefix);
            }
            Databases.deleteRecursively(dir);
        }
    }

    /** One actor system on the store, closed as the engine closes it: the system first, then the store. */
    private static final class Run implements AutoCloseable {
        final JdbcStore store;
        final ActorSystem<Spawn> system;

        Run(String kind, Path dir, String text) throws Exception {
            store = kind.startsWith("p") ? JdbcStore.postgres(Databases.PG_URL, Databases.PG_USER, Databases.PG_PASSWORD)
                    : JdbcStore.h2(dir);
            Config defaults = ConfigFactory.load();
            Config config = store.pekkoConfig().withFallback(defaults.getConfig("orquestra.engine-system"))
                    .withFallback(defaults);
            system = ActorSystem.create(guardian(text), "throughput", config);
            store.open(system);
        }

        @Override
        public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.close();
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0; // a file went away while walking: the next sample counts
        }
    }

    private static void deletePostgresRows(String prefix) {
        try (Connection c = DriverManager.getConnection(Databases.PG_URL, Databases.PG_USER, Databases.PG_PASSWORD)) {
            for (String table : new String[] {"orquestra_journal", "event_journal"}) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE persistence_id LIKE ?")) {
                    s.setString(1, prefix + "%");
                    s.executeUpdate();
                } catch (SQLException e) {
                    // the table belongs to the other schema version: nothing of this run is in it
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete the run's rows from " + Databases.PG_URL, e);
        }
    }
}
