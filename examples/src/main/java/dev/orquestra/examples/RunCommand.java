package dev.orquestra.examples;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.BacklogProblem;
import dev.orquestra.Orquestra;
import dev.orquestra.Role;
import dev.orquestra.examples.squad.Squad;
import dev.orquestra.examples.squad.SquadSettings;
import dev.orquestra.examples.squad.SquadSettings.Latency;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: runs a backlog through the simulated squad on the store of a data directory (its H2
 * file, or PostgreSQL with {@code --postgres}) until nothing can progress without a reviewer, then
 * prints the seed plan's success metrics. A data directory that holds a run resumes it, with the seed
 * and engine name remembered in its {@code run.properties}. Ctrl-C closes the engine gracefully; a
 * killed process resumes from the journal just the same.
 *
 * <p>Everything that can be refused is refused before the run starts: the backlog, the options, the
 * {@code --report} file ({@link OutputFile}); then the data directory's lock is taken, and only under
 * it are the run's settings read and, for a new run, written ({@link DataDir#lock}).
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Runs a backlog through a simulated squad until nothing can progress without a reviewer, then prints "
                + "the seed plan's success metrics.",
        "A data directory that holds a run resumes it (Ctrl-C or a killed process loses nothing)."})
final class RunCommand implements Callable<Integer> {

    /** The exit code of a process ended by SIGINT, as shells report it. */
    private static final int INTERRUPTED = 130;

    /** Long enough for any sample backlog; the run ends at quiescence long before. */
    private static final Duration LONGEST_RUN = Duration.ofHours(12);

    @Spec
    private CommandSpec spec;

    @Option(names = "--backlog", paramLabel = "FILE", description = {
            "the backlog to run (seed format); a bundled sample by name: squad-120.json (the default) or "
                    + "hello.json", "Optional when resuming; a different backlog than the run's is refused."})
    private Path backlog;

    @Mixin
    private StoreOptions store;

    @Option(names = "--seed", paramLabel = "N", description = {
            "seed of every simulated decision (default " + SquadSettings.DEFAULT_SEED + "); remembered with "
                    + "the run, so a resume uses it"})
    private Long seed;

    @Option(names = "--report", paramLabel = "FILE", description = {
            "also write the result as JSON to FILE (checked before the run starts; never one of the run's own "
                    + "files)"})
    private Path report;

    @Option(names = "--accept-loss", description = {
            "start even though the store holds less than its journal's high-water mark says (it was truncated "
                    + "or restored from an older copy): the cards whose approval was lost run again, calling their "
                    + "agents again. Without it such a store is refused, naming both figures."})
    private boolean acceptLoss;

    @Option(names = "--concurrency", paramLabel = "ROLE=N", description = {
            "owner calls a role runs at once (default " + Squad.DEFAULT_POOL_SIZE + " each), e.g. "
                    + "--concurrency BACKEND=8; repeatable"})
    private Map<String, Integer> concurrency = new LinkedHashMap<>();

    @Option(names = "--latency-ms", paramLabel = "MIN..MAX", converter = LatencyConverter.class, description = {
            "latency of every simulated call in milliseconds (default: owners 2..40, validators 1..15); it "
                    + "changes no decision"})
    private Latency latency;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DataDir dir = store.dataDir();
        dir.requireDirectoryOrAbsent();
        Map<Role, Integer> pools = pools();
        BacklogSource given = backlog == null ? null : BacklogSource.resolve(backlog);
        if (report != null) {
            OutputFile.check("--report", report, dir);
        }
        try (DataDir.Lease lease = dir.lock(true)) {
            return run(out, dir, lease, pools, given);
        }
    }

    private int run(PrintWriter out, DataDir dir, DataDir.Lease lease, Map<Role, Integer> pools, BacklogSource given)
            throws InterruptedException {
        Optional<DataDir.RunFile> remembered = lease.run();
        remembered.ifPresentOrElse(dir::requireSameJournal, dir::requireNoOtherStore);
        if (seed != null && remembered.isPresent() && remembered.get().seed() != seed) {
            throw CommandFailure.badInput("data directory " + dir.display() + " holds a run with seed "
                    + remembered.get().seed() + ", not " + seed + "; every simulated decision depends on the seed, "
                    + "so the run resumes only with its own: leave out --seed, or use another --data");
        }
        long chosenSeed = seed != null ? seed : lease.seed();
        if (given != null && dir.holdsStore()) {
            // compare before anything runs: an engine that opens the store resumes its run at once
            try (DataDir.Engine paused = lease.openPaused(acceptLoss)) {
                paused.orquestra().backlog().ifPresent(stored -> requireSame(given, stored, dir));
            }
        }
        SquadSettings.Builder settings = SquadSettings.builder().seed(chosenSeed);
        if (latency != null) {
            settings.latency(latency);
        }
        if (remembered.isEmpty()) {
            lease.rememberRun(chosenSeed, given == null ? "bundled " + BacklogSource.DEFAULT : given.label());
        }
        Progress progress = new Progress(out, System.console() != null);
        DataDir.Engine engine = lease.open(settings.build(), pools, progress, acceptLoss, loss -> {
            out.println(DataDir.acceptedLoss(loss));
            out.flush();
        });
        AtomicBoolean closing = new AtomicBoolean();
        Thread onInterrupt = new Thread(() -> {
            closing.set(true);
            interrupted(engine, dir, out);
        }, "orquestra-example-shutdown");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            Orquestra orquestra = engine.orquestra();
            Optional<Backlog> stored = orquestra.backlog();
            if (stored.isPresent()) {
                if (given != null) {
                    requireSame(given, stored.get(), dir);
                }
                out.printf("Resuming '%s' in %s (seed %d): %s%n", TerminalText.escape(stored.get().project()),
                        dir.display(), chosenSeed, Progress.describe(orquestra.status()));
            } else {
                BacklogSource source = given != null ? given : BacklogSource.bundled(BacklogSource.DEFAULT);
                submit(orquestra, source);
                out.printf("Running '%s' (%s, %d cards) in %s with seed %d%n",
                        TerminalText.escape(source.backlog().project()), TerminalText.escape(source.label()),
                        source.backlog().cards().size(), dir.display(), chosenSeed);
            }
            out.flush();
            CompletableFuture<Boolean> settled = awaitQuiescence(orquestra);
            progress.follow(orquestra::status, settled);
            boolean quiescent = settled.get();
            RunSummary summary = RunSummary.of(orquestra, chosenSeed, dir, true);
            if (quiescent) {
                out.println("Quiescent: nothing more can happen without a reviewer's decision.");
            } else {
                out.println("The run did not settle within " + LONGEST_RUN.toHours() + " h; this is where it stands.");
            }
            summary.printRun(out);
            if (report != null) {
                summary.writeJson(report);
                out.println();
                out.println("Report written to " + report);
            }
            out.flush();
            return quiescent ? OrquestraExample.OK : OrquestraExample.FAILURE;
        } catch (ExecutionException | RuntimeException e) {
            if (closing.get()) {
                return INTERRUPTED; // the engine was closed under the run by Ctrl-C; the hook has said so
            }
            if (e instanceof ExecutionException) {
                throw CommandFailure.failure("waiting for the run failed: " + e.getCause(), e.getCause());
            }
            throw (RuntimeException) e;
        } finally {
            engine.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived as the run ended: the hook runs, and closing twice is harmless
            }
        }
    }

    /** Waits for quiescence on a thread of its own, so this thread can show the progress meanwhile. */
    private static CompletableFuture<Boolean> awaitQuiescence(Orquestra orquestra) {
        CompletableFuture<Boolean> settled = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                settled.complete(orquestra.awaitQuiescence(LONGEST_RUN));
            } catch (RuntimeException e) {
                settled.completeExceptionally(e);
            }
        }, "orquestra-example-quiescence");
        waiter.setDaemon(true);
        waiter.start();
        return settled;
    }

    private static void submit(Orquestra orquestra, BacklogSource source) {
        try {
            orquestra.submit(source.backlog());
        } catch (BacklogException e) {
            StringBuilder message = new StringBuilder(TerminalText.escape(source.label())).append(": refused, ")
                    .append(e.problems().size()).append(e.problems().size() == 1 ? " problem" : " problems");
            for (BacklogProblem p : e.problems()) {
                message.append(System.lineSeparator()).append("  ").append(TerminalText.escape(p.toString()));
            }
            throw CommandFailure.badInput(message.toString());
        }
    }

    /** Ctrl-C (or any other end of the JVM) while the run is going: close the engine so the next run resumes. */
    private static void interrupted(DataDir.Engine engine, DataDir dir, PrintWriter out) {
        out.println();
        out.println("Interrupted: closing the engine; the run is kept in " + dir.display() + ".");
        out.flush();
        engine.close();
        out.println("Resume it with: ./orquestra-example run " + dir.options());
        out.flush();
    }

    private static void requireSame(BacklogSource given, Backlog stored, DataDir dir) {
        List<String> differences = given.differencesFrom(stored);
        if (!differences.isEmpty()) {
            throw CommandFailure.badInput(TerminalText.escape(given.label()) + " is not the backlog of the run in "
                    + dir.display() + " ('" + TerminalText.escape(stored.project()) + "', " + stored.cards().size()
                    + " cards): "
                    + String.join("; ", differences) + System.lineSeparator()
                    + "Resume the run without --backlog, or start a new one in another --data directory.");
        }
    }

    private Map<Role, Integer> pools() {
        Map<Role, Integer> pools = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : concurrency.entrySet()) {
            Role role;
            try {
                role = Role.of(e.getKey());
            } catch (IllegalArgumentException bad) {
                throw CommandFailure.badInput("--concurrency " + e.getKey() + "=" + e.getValue() + ": " + bad.getMessage());
            }
            if (!Role.standard().contains(role)) {
                throw CommandFailure.badInput("--concurrency " + e.getKey() + "=" + e.getValue() + ": the squad has no "
                        + "role " + role + "; it has " + Role.standard());
            }
            if (e.getValue() < 1 || e.getValue() > 1000) {
                throw CommandFailure.badInput("--concurrency " + e.getKey() + "=" + e.getValue()
                        + ": a role runs between 1 and 1000 calls at once");
            }
            pools.put(role, e.getValue());
        }
        return pools;
    }
}
