package dev.orquestra.examples;

import dev.orquestra.Backlog;
import dev.orquestra.Orquestra;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code status}: where the run in a data directory stands (cards by status, cost, escalations
 * waiting with their reasons), read from the store by a paused engine: nothing runs, and nothing in
 * the data directory is written (a paused engine writes no checkpoint and no high-water mark; the
 * lock file, when the directory has one, is locked, not written).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows where the run in a data directory stands, without running anything.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataDir dir = store.dataDir();
        dir.requireStore();
        try (DataDir.Lease lease = dir.lock(false)) {
            try (DataDir.Engine engine = lease.openReading()) {
                Orquestra orquestra = engine.orquestra();
                Backlog backlog = dir.requireBacklog(orquestra);
                out.printf("'%s' in %s: %d cards, seed %d%n", TerminalText.escape(backlog.project()), dir.display(),
                        backlog.cards().size(), lease.seed());
                RunSummary.of(orquestra, lease.seed(), dir, false).printStatus(out);
            }
        }
        out.flush();
        return OrquestraExample.OK;
    }
}
