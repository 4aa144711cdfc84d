package dev.orquestra.persistence.crash;

import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.persistence.JdbcStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The process the crash test kills: runs the crash backlog on an H2 store with the simulated squad
 * until quiescence. On an empty store it submits the backlog; on a store that holds one it only
 * resumes. It reports on stdout, one flushed line each, lines the test reads (every other line is
 * the engine's log):
 *
 * <pre>
 * &#64;STARTED pid=…                       the JVM is up
 * &#64;READY buildMs=… done=… approved=… … the engine is built; counts of the journal as found
 * &#64;SUBMITTED n                            a fresh store: the backlog was submitted
 * &#64;DONE CR-0042                           a card was released to its dependents (Completed persisted)
 * &#64;QUIESCENT ms=… DONE=… AWAITING_HUMAN=… awaitQuiescence returned
 * &#64;CLOSED                                 the engine closed; exit code 0 follows
 * </pre>
 *
 * <p>Usage: {@code CrashRunner --data DIR --seed N --cards N}. The policy differs from the defaults
 * where the test needs it: small retry backoffs (a simulated failure fails every retry of its
 * attempt, so waiting seconds would only slow the test) and frequent snapshots, so that recovery
 * after a kill usually reads a snapshot and a tail rather than a whole history.
 */
public final class CrashRunner {

    static final String ENGINE = "crash";
    static final int OWNER_POOL = 4;
    static final Policy POLICY = Policy.defaults()
            .retries(2, Duration.ofMillis(20), Duration.ofMillis(200))
            .snapshotEvery(5, 40);

    private CrashRunner() {
    }

    public static void main(String[] args) {
        long launched = System.nanoTime();
        Path data = null;
        long seed = 0;
        int cards = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--cards" -> cards = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (data == null || cards < 1 || args.length % 2 != 0) {
            System.err.println("usage: CrashRunner --data DIR --seed N --cards N");
            System.exit(64);
        }
        try {
            System.exit(run(data, seed, cards, launched));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static int run(Path data, long seed, int cards, long launched) throws Exception {
        say("@STARTED pid=" + ProcessHandle.current().pid());
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "squad-timer");
            t.setDaemon(true);
            return t;
        });
        try (CallLog calls = CallLog.open(data)) {
            SimulatedSquad squad = new SimulatedSquad(seed, timer, calls);
            OrquestraBuilder builder = Orquestra.builder()
                    .name(ENGINE)
                    .store(JdbcStore.h2(data))
                    .pipeline(Pipeline.defaults(squad.verification(), squad.judge(), squad.qa()))
                    .debugger(squad.debugger())
                    .policy(POLICY)
                    .listener(event -> {
                        if (event instanceof CardEvent.Completed) {
                            say("@DONE " + event.cardId());
                        }
                    });
            for (Role role : CrashBacklog.roles()) {
                builder.owners(role, squad.owner(), OWNER_POOL);
            }
            long building = System.nanoTime();
            try (Orquestra orquestra = builder.build()) {
                long built = System.nanoTime();
                say("@READY buildMs=" + TimeUnit.NANOSECONDS.toMillis(built - building) + " " + journalCounts(data));
                if (orquestra.backlog().isEmpty()) {
                    say("@SUBMITTED " + orquestra.submit(CrashBacklog.generate(seed, cards)));
                }
                if (!orquestra.awaitQuiescence(Duration.ofMinutes(3))) {
                    say("@TIMEOUT " + orquestra.status());
                    return 2;
                }
                BacklogStatus status = orquestra.status();
                StringBuilder line = new StringBuilder("@QUIESCENT ms=")
                        .append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
                for (CardStatus s : CardStatus.values()) {
                    if (status.count(s) > 0) {
                        line.append(' ').append(s).append('=').append(status.count(s));
                    }
                }
                say(line.toString());
            }
            say("@CLOSED");
            return 0;
        } finally {
            timer.shutdownNow();
        }
    }

    /** The H2 URL {@link JdbcStore#h2} opens; the same one, so this process shares its database. */
    static String h2Url(Path data) {
        return "jdbc:h2:file:" + data.toAbsolutePath().normalize().resolve("orquestra")
                + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * Card events in the journal by kind, counted in SQL: how far the killed runs got ({@code done} is
     * the number of Completed events, {@code approved} of Approved events).
     */
    static String journalCounts(Path data) throws SQLException {
        Map<String, Long> byKind = new TreeMap<>();
        long total = 0;
        try (Connection c = DriverManager.getConnection(h2Url(data), "sa", "");
             PreparedStatement s = c.prepareStatement("SELECT ser_manifest, COUNT(*) FROM orquestra_journal "
                     + "WHERE persistence_id LIKE ? GROUP BY ser_manifest")) {
            s.setString(1, "card|" + ENGINE + "|%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String manifest = rs.getString(1);
                    String kind = manifest.substring(manifest.lastIndexOf('$') + 1);
                    byKind.merge(kind, rs.getLong(2), Long::sum);
                    total += rs.getLong(2);
                }
            }
        }
        return "done=" + byKind.getOrDefault("Completed", 0L) + " approved=" + byKind.getOrDefault("Approved", 0L)
                + " escalated=" + byKind.getOrDefault("Escalated", 0L) + " events=" + total;
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
