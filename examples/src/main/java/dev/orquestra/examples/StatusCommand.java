package dev.orquestra.examples;

import dev.orquestra.Backlog;
import dev.orquestra.Orquestra;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code status}: where the run in a data directory stands (cards by status, cost, escalations
 * waiting with their reasons), read from the store by a paused engine: nothing runs.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows where the run in a data directory stands, without running anything.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "the run's data directory (default: ${DEFAULT-VALUE})")
    private Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataDir dir = new DataDir(data);
        dir.requireStore();
        long seed = dir.seed();
        try (DataDir.Engine engine = dir.openPaused(seed)) {
            Orquestra orquestra = engine.orquestra();
            Backlog backlog = dir.requireBacklog(orquestra);
            out.printf("'%s' in %s: %d cards, seed %d%n", backlog.project(), dir.display(), backlog.cards().size(), seed);
            RunSummary.of(orquestra, seed, dir, false).printStatus(out);
        }
        out.flush();
        return OrquestraExample.OK;
    }
}
