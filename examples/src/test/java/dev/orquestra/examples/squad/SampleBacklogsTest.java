package dev.orquestra.examples.squad;

import dev.orquestra.internal.backlog.BacklogGraphs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.internal.backlog.DependencyGraph;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed sample backlog is exactly what the generator writes, and a realistic backlog. */
class SampleBacklogsTest {

    private static final Path COMMITTED = Path.of("backlogs", SampleBacklogs.SQUAD_120);

    @Test
    void theCommittedFileIsTheGeneratorsOutputByteForByte(@TempDir Path dir) throws IOException {
        Path written = SampleBacklogs.write(dir);
        assertThat(Files.readAllBytes(COMMITTED))
                .as("backlogs/squad-120.json is stale: run SampleBacklogs.main to regenerate it")
                .isEqualTo(Files.readAllBytes(written))
                .isEqualTo(SampleBacklogs.squad120().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void itLoadsAsARealisticBacklogOf120Cards() throws IOException {
        Backlog backlog = BacklogReader.standard().read(COMMITTED);
        DependencyGraph graph = BacklogGraphs.of(backlog);

        assertThat(backlog.cards()).hasSize(120);
        assertThat(backlog.cards().stream().map(CardSpec::owner).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Role.standard());
        assertThat(graph.topologicalOrder()).hasSize(120); // acyclic
        int longest = backlog.cards().stream().mapToInt(c -> graph.criticalPath(c.id())).max().orElseThrow() + 1;
        assertThat(longest).isGreaterThanOrEqualTo(5);
        assertThat(backlog.cards().stream().map(CardSpec::priority).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(Priority.values());
        // several epics, each starting from its own product card: not one giant chain
        Set<String> epics = new TreeSet<>();
        backlog.cards().forEach(c -> epics.add((String) c.metadata().get("epic")));
        assertThat(epics).hasSize(12);
        assertThat(backlog.cards().stream().filter(c -> c.dependencies().isEmpty()))
                .hasSizeGreaterThanOrEqualTo(5)
                .allMatch(c -> c.owner().equals(Role.PRODUCT));
        // ids as in the seed, and every role's work follows the product → architecture → build → QA → infra flow
        assertThat(backlog.cards()).extracting(c -> c.id().value())
                .allMatch(id -> id.matches("(PROD|ARQ|FE|BE|QA|INFRA)-\\d{3}"));
        for (CardSpec c : backlog.cards()) {
            if (c.owner().equals(Role.QA)) {
                assertThat(c.dependencies()).extracting(CardId::prefix).containsAnyOf("FE", "BE");
            }
            if (c.owner().equals(Role.ARCHITECTURE)) {
                assertThat(c.dependencies()).extracting(CardId::prefix).containsAnyOf("PROD", "ARQ");
            }
        }
        assertThat(backlog.metadata()).containsEntry("total_cards", 120);
    }
}
