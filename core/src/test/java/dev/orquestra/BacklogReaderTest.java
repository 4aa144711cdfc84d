package dev.orquestra;

import static dev.orquestra.SeedJsonFixtures.seedJson;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacklogReaderTest {

    @Test
    void readsTheSeedsOwnExample() throws IOException {
        Backlog backlog;
        try (InputStream in = getClass().getResourceAsStream("seed-example.json")) {
            backlog = BacklogReader.standard().read(in);
        }

        assertThat(backlog.project()).isEqualTo("SuperCore v2.0");
        assertThat(backlog.cards()).extracting(CardSpec::id)
                .containsExactly(CardId.of("PROD-001"), CardId.of("ARQ-001"));
        CardSpec arq = backlog.cards().get(1);
        assertThat(arq.type()).isEqualTo("ARCH");
        assertThat(arq.title()).isEqualTo("Design architecture for RF001");
        assertThat(arq.owner()).isEqualTo(Role.ARCHITECTURE);
        assertThat(arq.priority()).isEqualTo(Priority.MEDIUM);
        assertThat(arq.dependencies()).containsExactly(CardId.of("PROD-001"));
        // unknown fields kept in order; the live state (status, attempt, history, cost…) is not
        assertThat(arq.metadata()).containsExactly(
                entry("current_stage", "architecture_design"),
                entry("blocking_issue", "API contract missing"),
                entry("next_action", "create_correction_card"),
                entry("task_id", "abc123..."));
        assertThat(backlog.metadata()).containsExactly(
                entry("total_cards", 121),
                entry("phase", "Fase 1 - Fundação"),
                entry("last_updated", "2025-12-27T11:15:00Z"));
        assertThat(backlog.cards().get(0).priority()).isEqualTo(Priority.HIGH);
        assertThat(backlog.cards().get(0).owner()).isEqualTo(Role.PRODUCT);
    }

    @Test
    void readsAFileAndAStream(@TempDir Path dir) throws IOException {
        String json = seedJson().card("BE-1").card("QA-1", "BE-1").build();
        Path file = dir.resolve("backlog_master.json");
        Files.writeString(file, json);

        Backlog fromFile = Backlog.read(file);
        Backlog fromStream = BacklogReader.standard().read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(fromFile).isEqualTo(Backlog.parse(json)).isEqualTo(fromStream);
        assertThat(fromFile.cards()).extracting(CardSpec::owner).containsExactly(Role.BACKEND, Role.QA);
    }

    @Test
    void ownerFieldWinsOverThePrefix() {
        Backlog backlog = Backlog.parse(seedJson()
                .rawCard("{\"id\": \"BE-1\", \"owner\": \"frontend\"}")
                .rawCard("{\"id\": \"BE-2\", \"owner\": \"arch\"}")
                .rawCard("{\"id\": \"X-1\", \"owner\": \" qa \"}")
                .rawCard("{\"id\": \"ops-7\"}")
                .build());

        assertThat(backlog.cards()).extracting(CardSpec::owner)
                .containsExactly(Role.FRONTEND, Role.ARCHITECTURE, Role.QA, Role.INFRA);
    }

    @Test
    void customPrefixesAndRoles() {
        Role data = Role.of("data-eng");
        BacklogReader reader = BacklogReader.builder()
                .roles(List.of(Role.BACKEND, data))
                .prefix("etl", data)
                .prefix("API", Role.BACKEND)
                .build();

        Backlog backlog = reader.parse(seedJson()
                .card("ETL-1")
                .card("API-1", "ETL-1")
                .rawCard("{\"id\": \"Z-1\", \"owner\": \"DATA_ENG\"}")
                .rawCard("{\"id\": \"Z-2\", \"owner\": \"Data-Eng\"}")
                .card("BE-1")
                .build());

        assertThat(backlog.cards()).extracting(CardSpec::owner)
                .containsExactly(data, Role.BACKEND, data, data, Role.BACKEND);
        assertThat(reader.prefixes()).containsKeys("ETL", "API", "BE", "BACK").doesNotContainKeys("QA", "PROD");
    }

    @Test
    void clearedPrefixesLeaveOnlyTheOwnerField() {
        BacklogReader reader = BacklogReader.builder().clearPrefixes().build();

        assertThatThrownBy(() -> reader.parse(seedJson().card("BE-1").rawCard("{\"id\": \"BE-2\", \"owner\": \"backend\"}").build()))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly("BE-1: owner: unknown role: no owner field, and the id prefix 'BE' maps to no role"
                                + " (known prefixes: [])"));
    }

    @Test
    void builderRefusesBadValuesAtOnce() {
        assertThatThrownBy(() -> BacklogReader.builder().prefix("AR-Q", Role.ARCHITECTURE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'AR-Q'");
        assertThatThrownBy(() -> BacklogReader.builder().prefix(" ", Role.ARCHITECTURE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
        assertThatThrownBy(() -> BacklogReader.builder().roles(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[]");
        assertThatThrownBy(() -> BacklogReader.builder().roles(List.of(Role.QA)).prefix("DB", Role.of("DBA")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'DB'").hasMessageContaining("DBA");
    }

    @Test
    void keepsUnknownFieldsInOrderAndNumbersExact() {
        Backlog backlog = Backlog.parse("""
                {
                  "schema_version": 3,
                  "project": "p",
                  "cards": [
                    {"id": "BE-1", "zeta": 1, "estimate": 0.10, "huge": 123456789012345678901234567890,
                     "big": 5000000000, "exp": 1.5E+3, "nested": {"b": [true, null, "x"], "a": 2.50}, "alpha": "last"}
                  ],
                  "owners": {"tech_lead": "ana"},
                  "metadata": {"cost": 12.000}
                }
                """);

        assertThat(backlog.extraFields()).containsExactly(entry("schema_version", 3), entry("owners", Map.of("tech_lead", "ana")));
        Map<String, Object> meta = backlog.cards().get(0).metadata();
        assertThat(meta.keySet()).containsExactly("zeta", "estimate", "huge", "big", "exp", "nested", "alpha");
        assertThat(meta.get("zeta")).isEqualTo(1);
        assertThat(meta.get("estimate")).isEqualTo(new BigDecimal("0.10"));
        assertThat(meta.get("huge")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(meta.get("big")).isEqualTo(5_000_000_000L);
        assertThat(meta.get("exp")).isEqualTo(new BigDecimal("1.5E+3"));
        assertThat(meta.get("nested")).isEqualTo(Map.of("b", java.util.Arrays.asList(true, null, "x"), "a", new BigDecimal("2.50")));
        assertThat(backlog.metadata().get("cost")).isEqualTo(new BigDecimal("12.000"));
    }

    @Test
    void ignoresLiveStateFields() {
        Backlog backlog = Backlog.parse(seedJson()
                .rawCard("""
                        {"id": "BE-1", "status": "APPROVED", "attempt": 3, "validation_history": [], "artifacts": [],
                         "cost_tracking": {}, "created_at": null, "started_at": "x", "completed_at": 5,
                         "human_decisions": "whatever", "escalation_needed": true, "kept": "yes"}""")
                .build());

        assertThat(backlog.cards().get(0).metadata()).containsExactly(entry("kept", "yes"));
        assertThat(Backlog.STATE_FIELDS).containsExactly("status", "attempt", "validation_history", "artifacts",
                "cost_tracking", "created_at", "started_at", "completed_at", "human_decisions", "escalation_needed");
    }

    @Test
    void skipsSeedCorrectionAndEscalationEntries() {
        Backlog backlog = Backlog.parse(seedJson()
                .card("BE-1")
                .rawCard("{\"id\": \"BE-1-CORR-2\", \"type\": \"CORRECTION\", \"parent_card\": \"BE-1\", \"attempt\": 2}")
                .rawCard("{\"id\": \"BE-1-ESC\", \"type\": \"escalation\", \"parent_card\": \"BE-1\", \"owner\": \"tech_lead\"}")
                .rawCard("{\"id\": \"BE-2\", \"type\": \"CORRECTION\"}")
                .build());

        assertThat(backlog.cards()).extracting(c -> c.id().value()).containsExactly("BE-1", "BE-2");
    }

    @Test
    void priorityDefaultsToMediumAndIgnoresCase() {
        Backlog backlog = Backlog.parse(seedJson()
                .card("BE-1")
                .rawCard("{\"id\": \"BE-2\", \"priority\": \"critical\"}")
                .rawCard("{\"id\": \"BE-3\", \"priority\": null}")
                .build());

        assertThat(backlog.cards()).extracting(CardSpec::priority)
                .containsExactly(Priority.MEDIUM, Priority.CRITICAL, Priority.MEDIUM);
    }

    @Test
    void missingProjectAndMetadataAreEmpty() {
        Backlog backlog = Backlog.parse("{\"cards\": []}");

        assertThat(backlog.project()).isEmpty();
        assertThat(backlog.metadata()).isEmpty();
        assertThat(backlog.cards()).isEmpty();
    }

    // ------------------------------------------------------------------------------------- problems

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThat(problems("{\n  \"cards\": [\n    {\"id\": \"BE-1\",}\n  ]\n}"))
                .singleElement().asString()
                .isEqualTo("3:19: malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name");
    }

    @Test
    void aRepeatedFieldNameIsMalformed() {
        assertThat(problems("{\"cards\": [{\"id\": \"BE-1\", \"dependencies\": [], \"dependencies\": [\"BE-9\"]}]}"))
                .singleElement().asString()
                .matches("1:\\d+: malformed JSON: Duplicate field 'dependencies'.*");
    }

    @Test
    void aRepeatedFieldNameIsMalformedAtAnyDepth() {
        assertThat(problems("{\"cards\": [],\n \"cards\": []}")).singleElement().asString()
                .isEqualTo("2:2: malformed JSON: Duplicate field 'cards'");
        assertThat(problems("{\"cards\": [{\"id\": \"BE-1\", \"status\": \"TODO\", \"status\": \"DONE\"}]}"))
                .singleElement().asString().isEqualTo("1:45: malformed JSON: Duplicate field 'status'");
        assertThat(problems("{\"cards\": [{\"id\": \"BE-1\", \"x\": 1, \"x\": 2}]}"))
                .singleElement().asString().isEqualTo("1:35: malformed JSON: Duplicate field 'x'");
        assertThat(problems("{\"cards\": [{\"id\": \"BE-1\", \"x\": [{\"a\": 1, \"a\": 1}]}]}"))
                .singleElement().asString().isEqualTo("1:42: malformed JSON: Duplicate field 'a'");
    }

    @Test
    void problemsFoundBeforeMalformedJsonAreKept() {
        assertThat(problems("{\"cards\": [{\"id\": \"BE-1\", \"priority\": \"soon\"}, {\"id\": }]}"))
                .extracting(Object::toString).containsExactly(
                        "BE-1: priority: unknown priority 'soon'; expected CRITICAL, HIGH, MEDIUM or LOW",
                        "1:55: malformed JSON: Unexpected character ('}' (code 125)): expected a value");
    }

    @Test
    void documentLevelProblems() {
        assertThat(problems("")).containsExactly(
                new BacklogProblem("backlog", "", "the input is empty; expected a JSON object with 'cards'"));
        assertThat(problems("[1, 2]")).containsExactly(
                new BacklogProblem("1:1", "", "the backlog must be a JSON object, was an array"));
        assertThat(problems("{\"project\": \"p\"}")).containsExactly(new BacklogProblem("backlog", "cards", "missing"));
        assertThat(problems("{\"cards\": {}}")).containsExactly(
                new BacklogProblem("1:11", "cards", "must be an array, was an object"));
        assertThat(problems("{\"project\": 7, \"metadata\": [], \"cards\": []}")).containsExactly(
                new BacklogProblem("1:13", "project", "must be a string, was a number"),
                new BacklogProblem("1:28", "metadata", "must be an object, was an array"));
        assertThat(problems("{\"cards\": []} {}")).containsExactly(
                new BacklogProblem("1:15", "", "unexpected content after the backlog object"));
    }

    @Test
    void cardProblemsWithoutAnIdNameThePositionAndLocation() {
        List<BacklogProblem> problems = problems(seedJson()
                .card("BE-1")
                .rawCard("\"BE-2\"")
                .rawCard("{\"title\": \"no id\"}")
                .rawCard("{\"id\": \"  \"}")
                .rawCard("{\"id\": \"BE 5\"}")
                .rawCard("{\"id\": 6}")
                .build());

        assertThat(problems).extracting(Object::toString).containsExactly(
                "cards[1] at 5:5: a card must be an object, was a string",
                "cards[2] at 6:5: id: missing",
                "cards[3] at 7:5: id: card id is blank",
                "cards[4] at 8:5: id: card id 'BE 5' may hold only letters, digits, '.', '_' and '-', starting with a letter or digit",
                "cards[5] at 9:5: id: must be a string, was a number");
    }

    @Test
    void duplicateIdsNameBothPositions() {
        assertThat(problems(seedJson().card("BE-1").card("BE-2").card("BE-1").build()))
                .containsExactly(new BacklogProblem("BE-1", "id", "duplicate id: cards[0] at 4:5 and cards[2] at 6:5"));
    }

    @Test
    void dependencyProblems() {
        List<BacklogProblem> problems = problems(seedJson()
                .card("ARQ-001", "X-9")
                .card("BE-1", "BE-1")
                .card("BE-2", "ARQ-001", "ARQ-001")
                .rawCard("{\"id\": \"BE-3\", \"dependencies\": \"ARQ-001\"}")
                .rawCard("{\"id\": \"BE-4\", \"dependencies\": [\"ARQ-001\", 4, \"no way\"]}")
                .build());

        assertThat(problems).extracting(Object::toString).containsExactly(
                "BE-2: dependencies: lists 'ARQ-001' twice",
                "BE-3: dependencies: must be an array of card ids, was a string",
                "BE-4: dependencies[1]: must be a card id, was a number",
                "BE-4: dependencies[2]: card id 'no way' may hold only letters, digits, '.', '_' and '-', starting with a letter or digit",
                "ARQ-001: dependencies: unknown card 'X-9'",
                "BE-1: dependencies: depends on itself");
    }

    @Test
    void cyclesArePrintedOncePerCycle() {
        List<BacklogProblem> problems = problems(seedJson()
                .card("BE-1", "BE-3")
                .card("BE-2", "BE-1")
                .card("BE-3", "BE-2")
                .card("QA-1", "BE-3")
                .card("FE-1", "FE-2")
                .card("FE-2", "FE-1")
                .build());

        assertThat(problems).extracting(Object::toString).containsExactlyInAnyOrder(
                "BE-1: dependencies: dependency cycle: BE-1 -> BE-3 -> BE-2 -> BE-1",
                "FE-1: dependencies: dependency cycle: FE-1 -> FE-2 -> FE-1");
    }

    @Test
    void fieldProblems() {
        List<BacklogProblem> problems = problems(seedJson()
                .rawCard("{\"id\": \"BE-1\", \"title\": 12, \"type\": [], \"description\": false}")
                .rawCard("{\"id\": \"BE-2\", \"priority\": \"URGENT\"}")
                .rawCard("{\"id\": \"BE-3\", \"priority\": 10}")
                .rawCard("{\"id\": \"BE-4\", \"owner\": \"tech_lead\"}")
                .rawCard("{\"id\": \"BE-5\", \"owner\": {}}")
                .card("NOPE-1")
                .build());

        assertThat(problems).extracting(Object::toString).containsExactly(
                "BE-1: type: must be a string, was an array",
                "BE-1: title: must be a string, was a number",
                "BE-1: description: must be a string, was a boolean",
                "BE-2: priority: unknown priority 'URGENT'; expected CRITICAL, HIGH, MEDIUM or LOW",
                "BE-3: priority: must be a string, was a number",
                "BE-4: owner: unknown role 'tech_lead'; known roles are [PRODUCT, ARCHITECTURE, FRONTEND, BACKEND, QA, INFRA]",
                "BE-5: owner: must be a string, was an object",
                "NOPE-1: owner: unknown role: no owner field, and the id prefix 'NOPE' maps to no role (known prefixes: "
                        + "[PROD, ARQ, ARCH, FE, FRONT, BE, BACK, QA, INFRA, OPS])");
    }

    @Test
    void oneExceptionListsEveryProblem() {
        String json = seedJson()
                .project("p")
                .card("BE-1", "BE-404")
                .rawCard("{\"id\": \"BE-2\", \"priority\": \"soon\", \"owner\": \"nobody\"}")
                .card("BE-1")
                .rawCard("{}")
                .card("QA-1", "QA-2")
                .card("QA-2", "QA-1")
                .build();

        assertThatThrownBy(() -> Backlog.parse(json))
                .isInstanceOfSatisfying(BacklogException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage()).isEqualTo("""
                            backlog refused: 6 problems
                              BE-2: priority: unknown priority 'soon'; expected CRITICAL, HIGH, MEDIUM or LOW
                              BE-2: owner: unknown role 'nobody'; known roles are [PRODUCT, ARCHITECTURE, FRONTEND, BACKEND, QA, INFRA]
                              cards[3] at 7:5: id: missing
                              BE-1: id: duplicate id: cards[0] at 4:5 and cards[2] at 6:5
                              BE-1: dependencies: unknown card 'BE-404'
                              QA-1: dependencies: dependency cycle: QA-1 -> QA-2 -> QA-1""");
                });
    }

    @Test
    void backlogOfValidatesLikeTheReader() {
        assertThatThrownBy(() -> Backlog.of("p", List.of(aCard("A-1", "B-1"), aCard("A-1"))))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly("A-1: id: duplicate id: cards[0] and cards[1]",
                                "A-1: dependencies: unknown card 'B-1'"));
        assertThatThrownBy(() -> Backlog.of("p", List.of(CardSpec.builder("A-1", Role.QA).metadata("status", "DONE").build())))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly("A-1: status: is a field of the backlog format and cannot be kept as metadata"));
    }

    @Test
    void backlogRefusesMetadataItCouldNotWriteBack() {
        CardSpec correctionShaped = CardSpec.builder("BE-1", Role.BACKEND).type("correction")
                .metadata("parent_card", "BE-0").build();

        assertThatThrownBy(() -> new Backlog("p", List.of(correctionShaped), Map.of(), Map.of("cards", List.of())))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly(
                                "backlog: cards: is a top-level field of the format, not an extra field",
                                "BE-1: parent_card: a card of type correction with a parent_card would be read back as "
                                        + "a correction or escalation entry, not as a card"));
    }

    private static List<BacklogProblem> problems(String json) {
        try {
            Backlog.parse(json);
        } catch (BacklogException e) {
            return e.problems();
        }
        throw new AssertionError("expected the backlog to be refused:\n" + json);
    }
}
