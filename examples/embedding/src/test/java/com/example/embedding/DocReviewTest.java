package com.example.embedding;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static dev.orquestra.testkit.Fixtures.aSubmission;
import static dev.orquestra.testkit.Fixtures.aWorkOrder;
import static dev.orquestra.testkit.OrquestraAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Artifact;
import dev.orquestra.CardId;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's writer and reviewer, tested with orquestra-testkit as any user of the library would. */
class DocReviewTest {

    @TempDir
    Path dir;

    @Test
    void theReviewerRefusesADocumentThatIsOnlyAHeading() throws IOException {
        Path file = Files.writeString(dir.resolve("DOC-1.md"), "# Card DOC-1\n");
        Verdict verdict = new DocReviewer().validate(aSubmission(aCard("DOC-1", EmbeddingExample.WRITER), 1,
                DocReviewer.STAGE, Artifact.of("doc", file.toString()))).toCompletableFuture().join();
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reasons()).containsExactly("the document is only a heading");
    }

    @Test
    void aBadFirstDraftIsCorrectedAndTheRealWriterPassesReview() {
        DocWriter writer = new DocWriter(dir);
        // the first draft of DOC-2 is only a heading; every other call is the real writer
        ScriptedAgent owner = new ScriptedAgent()
                .answering(order -> CompletableFuture.completedFuture(perform(writer, order)))
                .on("DOC-2", 1, order -> {
                    Path file = dir.resolve("DOC-2.md");
                    try {
                        Files.writeString(file, "# " + order.card().title() + "\n");
                    } catch (IOException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return CompletableFuture.completedFuture(WorkResult.succeeded(List.of(Artifact.of("doc",
                            file.toString())), Usage.ZERO));
                });
        try (Orquestra orquestra = Orquestra.builder().store(InMemoryStore.create())
                .owners(EmbeddingExample.WRITER, owner, 2)
                .pipeline(Pipeline.of(Pipeline.single(DocReviewer.STAGE, new DocReviewer()))).build()) {
            orquestra.submit(aBacklog(aCard("DOC-1", EmbeddingExample.WRITER), aCard("DOC-2", EmbeddingExample.WRITER, "DOC-1")));
            assertThat(orquestra.awaitQuiescence(Duration.ofSeconds(30))).isTrue();

            assertThat(orquestra.card(CardId.of("DOC-1"))).isDone().tookAttempts(1).wasNeverRejected();
            assertThat(orquestra.card(CardId.of("DOC-2"))).isDone().tookAttempts(2)
                    .wasRejectedFor("only a heading").hasCorrections(1).hasArtifactAt(dir.resolve("DOC-2.md").toString());
            // the second attempt's work order carried the reviewer's reasons to the writer
            assertThat(owner.ordersFor("DOC-2").get(1).correction()).hasValueSatisfying(c ->
                    assertThat(c.reasons()).containsExactly("the document is only a heading"));
        }
    }

    private static WorkResult perform(DocWriter writer, WorkOrder order) {
        try {
            return writer.perform(order);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The writer blocks on file I/O; the application wraps it, and so may a test. */
    @Test
    void theWriterRunsAsABlockingAgent() {
        Agent agent = Agent.blocking(new DocWriter(dir));
        WorkResult result = agent.perform(aWorkOrder(aCard("DOC-9", EmbeddingExample.WRITER), 1))
                .toCompletableFuture().join();
        assertThat(result.isSuccess()).isTrue();
        assertThat(Files.exists(dir.resolve("DOC-9.md"))).isTrue();
    }
}
