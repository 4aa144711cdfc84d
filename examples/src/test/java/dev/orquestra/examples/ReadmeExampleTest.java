package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Artifact;
import dev.orquestra.Backlog;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README opens with this example: it compiles, it runs, and the README shows exactly these lines. */
class ReadmeExampleTest {

    private static final String BEGIN = "// README-BEGIN";
    private static final String END = "// README-END";

    @TempDir
    Path dataDir;

    private final Agent backendAgent = order -> CompletableFuture.completedFuture(
            WorkResult.succeeded(Artifact.of("code", "src/" + order.card().id() + ".java")));
    private final Validator verifier = s -> CompletableFuture.completedFuture(Verdict.pass("verification"));
    private final Validator judge = s -> CompletableFuture.completedFuture(Verdict.pass("llm-judge").withScore(9.0));
    private final Validator qa = s -> CompletableFuture.completedFuture(Verdict.pass("qa"));

    @Test
    void theReadmeExampleRunsABacklogAndRunsAgainOverTheSameStore(@TempDir Path dir) throws IOException {
        Path backlogFile = dir.resolve("backlog_master.json");
        Files.writeString(backlogFile, """
                {"project": "readme", "cards": [
                  {"id": "BE-001", "title": "API"}, {"id": "BE-002", "title": "Handler", "dependencies": ["BE-001"]}
                ]}""");
        for (int run = 1; run <= 2; run++) {
            // the second run over the same store resumes the first: submit adds nothing and nothing runs again
            Orquestra orquestra = readmeExample(backlogFile);
            try {
                assertThat(orquestra.status().count(CardStatus.DONE)).isEqualTo(2);
                assertThat(orquestra.metrics().firstTimeRightRate()).isEqualTo(1.0);
                assertThat(orquestra.history(dev.orquestra.CardId.of("BE-001")).stream()
                        .filter(e -> e instanceof dev.orquestra.CardEvent.WorkStarted)).hasSize(1);
            } finally {
                orquestra.close();
            }
        }
    }

    private Orquestra readmeExample(Path backlogFile) throws IOException {
        // README-BEGIN
        Orquestra orquestra = Orquestra.builder().store(JdbcStore.h2(dataDir))
                .owners(Role.BACKEND, backendAgent, 5).pipeline(Pipeline.defaults(verifier, judge, qa)).build();
        orquestra.submit(Backlog.read(backlogFile));
        orquestra.awaitQuiescence(Duration.ofMinutes(10));
        System.out.println(orquestra.metrics());
        // README-END
        return orquestra;
    }

    @Test
    void theReadmeShowsExactlyTheseLines() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/orquestra/examples/ReadmeExampleTest.java"),
                StandardCharsets.UTF_8);
        String snippet = source.substring(source.lastIndexOf(BEGIN) + BEGIN.length(), source.lastIndexOf(END));
        String expected = snippet.lines().filter(l -> !l.isBlank()).map(l -> l.substring(8))
                .reduce((a, b) -> a + "\n" + b).orElseThrow().stripTrailing();
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("```java\n") + "```java\n".length();
        String shown = readme.substring(start, readme.indexOf("```", start)).stripTrailing();
        assertThat(shown).isEqualTo(expected);
        assertThat(shown.lines()).hasSize(5);
    }
}
