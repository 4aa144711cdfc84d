package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.orquestra.Backlog;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.examples.squad.Squad;
import dev.orquestra.examples.squad.SquadSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/backlog-format.md} and {@code docs/backlog.schema.json} say what the reader does: the guide's
 * example reads as it says, its Java block is this test's code, every field the reader knows is in both, the
 * bundled backlogs and a real checkpoint pass the schema, and documents the reader refuses fail it.
 */
class BacklogFormatDocTest {

    private static final Path GUIDE = Path.of("..", "docs", "backlog-format.md");
    private static final Path SCHEMA = Path.of("..", "docs", "backlog.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema() throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SCHEMA, StandardCharsets.UTF_8));
    }

    private static List<String> errors(String document) throws IOException {
        return schema().validate(JSON.readTree(document)).stream().map(e -> e.toString()).toList();
    }

    private static List<String> blocks(String language) throws IOException {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(GUIDE, StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theGuidesExampleReadsAsTheGuideSaysAndPassesTheSchema() throws IOException {
        String example = blocks("json").get(0);
        Backlog backlog = BacklogReader.standard().parse(example);

        assertThat(backlog.project()).isEqualTo("Greeting service");
        assertThat(backlog.cards()).extracting(CardSpec::owner).containsExactly(Role.ARCHITECTURE, Role.BACKEND, Role.QA);
        assertThat(backlog.cards().get(2).metadata()).containsEntry("jira", "GRT-12");
        assertThat(backlog.cards().get(1).dependencies()).containsExactly(CardId.of("ARQ-001"));
        assertThat(errors(example)).isEmpty();
    }

    @Test
    void theGuidesJavaBlockIsThisTestsCodeAndReadsCustomRoles(@TempDir Path dir) throws IOException {
        String source = Files.readString(Path.of("src", "test", "java", "dev", "orquestra", "examples",
                "BacklogFormatDocTest.java"), StandardCharsets.UTF_8);
        for (String block : blocks("java")) {
            for (String line : block.strip().lines().toList()) {
                assertThat(source).as("the guide's Java line is this test's code").contains(line.strip());
            }
        }
        Files.writeString(dir.resolve("backlog_master.json"), """
                {"cards": [{"id": "ETL-1", "title": "Load"}, {"id": "QA-1", "dependencies": ["ETL-1"]}]}""");
        Backlog backlog = readWithCustomRoles(dir.resolve("backlog_master.json"));
        assertThat(backlog.cards()).extracting(CardSpec::owner).containsExactly(Role.of("DATA"), Role.QA);
    }

    private static Backlog readWithCustomRoles(Path backlogFile) throws IOException {
        BacklogReader reader = BacklogReader.builder()
                .roles(List.of(Role.BACKEND, Role.QA, Role.of("DATA")))
                .prefix("ETL", Role.of("DATA"))
                .build();
        Backlog backlog = reader.read(backlogFile);
        return backlog;
    }

    @Test
    void everyFieldTheReaderKnowsIsInTheSchemaAndTheGuide() throws IOException {
        JsonNode schema = JSON.readTree(SCHEMA.toFile());
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
        for (String field : Backlog.TOP_LEVEL_FIELDS) {
            assertThat(schema.path("properties").has(field)).as("top-level field %s in the schema", field).isTrue();
            assertThat(guide).contains("| `" + field + "` |");
        }
        List<String> cardFields = new ArrayList<>(Backlog.CARD_FIELDS);
        cardFields.addAll(Backlog.STATE_FIELDS);
        for (String field : cardFields) {
            assertThat(schema.path("$defs").path("card").path("properties").has(field))
                    .as("card field %s in the schema", field).isTrue();
            assertThat(guide).as("card field %s in the guide", field).containsPattern("\\| `([a-z_]+`, `)*" + field + "`");
        }
    }

    @Test
    void theBundledBacklogsAndARealCheckpointPassTheSchema(@TempDir Path dir) throws Exception {
        for (Path file : List.of(Path.of("backlogs", "hello.json"), Path.of("backlogs", "squad-120.json"))) {
            assertThat(errors(Files.readString(file, StandardCharsets.UTF_8))).as("%s", file).isEmpty();
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        Squad squad = Squad.create(SquadSettings.builder().latency(SquadSettings.Latency.ofMillis(0, 1)).build(), dir,
                scheduler);
        Path checkpoint = dir.resolve("checkpoint.json");
        try (Orquestra orquestra = squad.configure(Orquestra.builder().store(InMemoryStore.create())
                .policy(Policy.defaults().retries(3, Duration.ofMillis(2), Duration.ofMillis(10))), Map.of()).build()) {
            orquestra.submit(Backlog.read(Path.of("backlogs", "squad-120.json")));
            assertThat(orquestra.awaitQuiescence(Duration.ofMinutes(2))).isTrue();
            orquestra.export(checkpoint);
        } finally {
            scheduler.shutdownNow();
        }
        String written = Files.readString(checkpoint, StandardCharsets.UTF_8);
        assertThat(written).as("the run went through corrections, so history entries are there").contains("\"CORRECTION\"");
        assertThat(errors(written)).isEmpty();
    }

    @Test
    void documentsTheReaderRefusesFailTheSchema() throws IOException {
        assertThat(errors("{\"project\": \"p\"}")).as("no cards").isNotEmpty();
        assertThat(errors("{\"cards\": [{\"title\": \"no id\"}]}")).isNotEmpty();
        assertThat(errors("{\"cards\": [{\"id\": \"BE 1\"}]}")).as("a space in the id").isNotEmpty();
        assertThat(errors("{\"cards\": [{\"id\": \"BE-1\", \"priority\": \"URGENT\"}]}")).isNotEmpty();
        assertThat(errors("{\"cards\": [{\"id\": \"BE-1\", \"dependencies\": [\"X\", \"X\"]}]}")).isNotEmpty();
        assertThat(errors("{\"cards\": [{\"id\": \"BE-1\", \"status\": \"FINISHED\"}]}")).isNotEmpty();
        assertThat(errors("{\"cards\": [{\"id\": \"BE-1\", \"priority\": \"high\", \"owner\": \"backend\", "
                + "\"estimate\": 3}]}")).as("case-insensitive priority, a role alias, a metadata field").isEmpty();
    }
}
