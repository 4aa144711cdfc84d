package dev.orquestra.examples;

import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: writes the run's backlog with every card's full state (status, attempts, validation
 * history, artifacts, cost, corrections, escalations, decisions) in the seed's
 * {@code backlog_master.json} format, through a paused engine. The output is checked before the store is
 * opened ({@link OutputFile}): it may not replace any of the run's own files, and its directory must be
 * writable. Nothing in the data directory is written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the run's backlog with every card's state in the seed's backlog_master.json format.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write (replaced if it exists)")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataDir dir = store.dataDir();
        dir.requireStore();
        OutputFile.check("--out", file, dir);
        try (DataDir.Lease lease = dir.lock(false)) {
            try (DataDir.Engine engine = lease.openReading()) {
                Orquestra orquestra = engine.orquestra();
                dir.requireBacklog(orquestra);
                BacklogCheckpoint checkpoint;
                try {
                    checkpoint = orquestra.export(file);
                } catch (IOException e) {
                    throw CommandFailure.failure("cannot write " + file + ": " + e.getMessage(), e);
                }
                Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
                for (CardReport r : checkpoint.reports()) {
                    counts.merge(r.status(), 1L, Long::sum);
                }
                out.printf("Exported '%s' (%d cards: %s) to %s%n", TerminalText.escape(checkpoint.backlog().project()),
                        checkpoint.reports().size(), counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ")), file);
            }
        }
        out.flush();
        return OrquestraExample.OK;
    }
}
