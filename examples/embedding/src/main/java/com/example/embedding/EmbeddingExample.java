package com.example.embedding;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Metrics;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.spi.Agent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An application that embeds Orquestra: its own writer agent and reviewer, a three-card backlog,
 * an H2 journal in the directory given as the first argument (default {@code target/embedding-run}),
 * and the result printed at the end. It fails (a non-zero exit) unless all three cards are DONE.
 */
public final class EmbeddingExample {

    /** A role of this application's own: any name works, not only the six standard roles. */
    static final Role WRITER = Role.of("WRITER");

    private EmbeddingExample() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args.length > 0 ? args[0] : "target/embedding-run").toAbsolutePath();
        deleteRecursively(work); // start afresh: on a store that holds a run, the engine would resume it

        Backlog backlog = Backlog.of("Embedding demo", List.of(
                CardSpec.builder("DOC-1", WRITER).title("Service overview")
                        .description("What the greeting service does and who calls it.").priority(Priority.HIGH).build(),
                CardSpec.builder("DOC-2", WRITER).title("API reference")
                        .description("GET /greetings/{name}: parameters, answers and errors.").dependsOn("DOC-1").build(),
                CardSpec.builder("DOC-3", WRITER).title("Runbook")
                        .description("How to deploy, watch and roll back the service.").dependsOn("DOC-1").build()));

        try (Orquestra orquestra = Orquestra.builder()
                .store(JdbcStore.h2(work.resolve("store")))
                .owners(WRITER, Agent.blocking(new DocWriter(work.resolve("docs"))), 2)
                .pipeline(Pipeline.of(Pipeline.single(DocReviewer.STAGE, new DocReviewer())))
                .build()) {
            orquestra.submit(backlog);
            if (!orquestra.awaitQuiescence(Duration.ofMinutes(2))) {
                throw new IllegalStateException("the backlog did not settle within 2 minutes");
            }

            System.out.println("Backlog '" + backlog.project() + "' on " + work.resolve("store"));
            int done = 0;
            for (CardSpec card : backlog.cards()) {
                CardState state = orquestra.cardState(card.id());
                System.out.printf(Locale.ROOT, "  %-6s %-9s attempt %d  $%s  %s%n", card.id(), state.status(),
                        state.attempt(), state.usage().costUsd().toPlainString(),
                        state.artifacts().isEmpty() ? "" : state.artifacts().get(0).location());
                done += state.status() == CardStatus.DONE ? 1 : 0;
            }
            Metrics m = orquestra.metrics();
            System.out.printf(Locale.ROOT, "Metrics: first-time-right %.0f %%, rejection rate %.0f %%, "
                            + "%.2f attempts per card, p95 time to approval %d ms, total cost $%s%n",
                    m.firstTimeRightRate() * 100, m.rejectionRate() * 100, m.averageAttempts(),
                    m.timeToApprovalP95().toMillis(), m.totalCostUsd().toPlainString());
            if (done != backlog.cards().size()) {
                throw new IllegalStateException(done + " of " + backlog.cards().size() + " cards are DONE; expected all");
            }
            System.out.println("All " + done + " cards are DONE.");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
