package dev.orquestra.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code docs/testing.md} shows only code that compiles and runs: the embedding project's tests and Orquestra's own. */
class TestingDocTest {

    @Test
    void everyCodeBlockOfTheTestingGuideIsCodeThatCompiles() throws IOException {
        List<Path> sources = new ArrayList<>();
        sources.add(Path.of("embedding", "pom.xml"));
        sources.addAll(DocBlocks.javaFiles(Path.of("embedding", "src", "test", "java")));
        sources.add(Path.of("..", "core", "src", "test", "java", "dev", "orquestra", "engine", "FailureHandlingTest.java"));
        sources.add(Path.of("..", "core", "src", "test", "java", "dev", "orquestra", "journal",
                "InMemoryJournalContractTest.java"));
        DocBlocks.assertEveryBlockIsIn(Path.of("..", "docs", "testing.md"), sources, 6);
    }
}
