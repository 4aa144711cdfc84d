package dev.orquestra.examples;

import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: writes the run's backlog with every card's full state (status, attempts, validation
 * history, artifacts, cost, corrections, escalations, decisions) in the seed's
 * {@code backlog_master.json} format, through a paused engine.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the run's backlog with every card's state in the seed's backlog_master.json format.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "the run's data directory (default: ${DEFAULT-VALUE})")
    private Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write (replaced if it exists)")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (Files.isDirectory(file)) {
            throw CommandFailure.badInput("--out " + file + " is a directory; name a file");
        }
        DataDir dir = new DataDir(data);
        dir.requireStore();
        try (DataDir.Engine engine = dir.openPaused(dir.seed())) {
            Orquestra orquestra = engine.orquestra();
            dir.requireBacklog(orquestra);
            Path parent = file.toAbsolutePath().getParent();
            BacklogCheckpoint checkpoint;
            try {
                Files.createDirectories(parent);
                checkpoint = orquestra.export(file);
            } catch (IOException e) {
                throw CommandFailure.failure("cannot write " + file + ": " + e.getMessage(), e);
            }
            Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
            for (CardReport r : checkpoint.reports()) {
                counts.merge(r.status(), 1L, Long::sum);
            }
            out.printf("Exported '%s' (%d cards: %s) to %s%n", checkpoint.backlog().project(),
                    checkpoint.reports().size(), counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")), file);
        }
        out.flush();
        return OrquestraExample.OK;
    }
}
