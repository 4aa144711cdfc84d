package dev.orquestra;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacklogCheckpointTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private static final Instant SUBMITTED = T0.minusSeconds(3600);
    private static final Instant SAVED = Instant.parse("2026-01-05T18:30:00.250Z");

    private static Instant at(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }

    // ----------------------------------------------------------------------------- event sequences

    /** Work through approval: queued, started, submitted, verification passed, approved by judge and QA. */
    private static List<CardEvent> approvedFirstTime(CardId id) {
        return List.of(
                new CardEvent.Queued(id, at(1)),
                new CardEvent.WorkStarted(id, at(2), 1),
                new CardEvent.WorkSubmitted(id, at(10), List.of(
                        Artifact.of("code", "engenharia/backend/" + id + ".java").withContentHash("sha256:9f86d081"),
                        Artifact.of("test-report", "reports/" + id + ".xml")), Usage.of(1200, 300, "0.0042")),
                new CardEvent.StagePassed(id, at(11), "verification", List.of(Verdict.pass("verification"))),
                new CardEvent.Approved(id, at(13), "qa", List.of(
                        Verdict.pass("llm-judge").withScore(9.5).withUsage(Usage.of(800, 60, "0.00110")),
                        Verdict.pass("qa"))),
                new CardEvent.Completed(id, at(14)));
    }

    /** Rejected by the judge, diagnosed by the debugger, corrected, then approved. */
    private static List<CardEvent> correctedWithDiagnosis(CardId id) {
        List<String> reasons = List.of("Design document lacks error handling section");
        Verdict rejection = Verdict.fail("llm-judge", reasons.get(0)).withScore(7.2)
                .withFeedback("errors", "add an error table").withFeedback("api", "list every 4xx");
        Diagnosis diagnosis = new Diagnosis("error paths were never designed",
                List.of("add an error section", "map exceptions to status codes"), Usage.of(500, 120, "0.0020"));
        return List.of(
                new CardEvent.Queued(id, at(1)),
                new CardEvent.WorkStarted(id, at(2), 1),
                new CardEvent.WorkSubmitted(id, at(9), List.of(Artifact.of("design", "designs/" + id + ".md")),
                        Usage.of(2000, 800, "0.0300")),
                new CardEvent.StagePassed(id, at(10), "verification", List.of(Verdict.pass("verification"))),
                new CardEvent.Rejected(id, at(12), "llm-judge", List.of(rejection, Verdict.pass("qa")), reasons),
                new CardEvent.Diagnosed(id, at(13), diagnosis),
                new CardEvent.CorrectionStarted(id, at(14), 2, reasons, rejection.feedback(), diagnosis),
                new CardEvent.Queued(id, at(14)),
                new CardEvent.WorkStarted(id, at(15), 2),
                new CardEvent.WorkSubmitted(id, at(25), List.of(Artifact.of("design", "designs/" + id + "-v2.md")),
                        Usage.of(2500, 900, "0.0350")),
                new CardEvent.Approved(id, at(27), "qa", List.of(Verdict.pass("llm-judge").withScore(8.5), Verdict.pass("qa"))));
    }

    /** Owner fails after retries, correction, then rejected again: escalated, waiting for a reviewer (2 attempts). */
    private static List<CardEvent> awaitingHuman(CardId id) {
        return List.of(
                new CardEvent.Queued(id, at(1)),
                new CardEvent.WorkStarted(id, at(2), 1),
                new CardEvent.RetryScheduled(id, at(3), "owner", 1, "timeout", at(4), Usage.of(100, 0, "0.001")),
                new CardEvent.SoftTimeLimitReached(id, at(5), "owner"),
                new CardEvent.DeadLettered(id, at(6), "owner", "timeout", 2, Usage.ZERO),
                new CardEvent.Failed(id, at(6), "owner", "timeout"),
                new CardEvent.CorrectionStarted(id, at(7), 2, List.of("owner failed: timeout"), Map.of(), null),
                new CardEvent.Queued(id, at(7)),
                new CardEvent.WorkStarted(id, at(8), 2),
                new CardEvent.WorkSubmitted(id, at(20), List.of(), Usage.ZERO),
                new CardEvent.Rejected(id, at(21), "verification",
                        List.of(Verdict.fail("verification", "Missing API contract for /oracles endpoint", "no tests")),
                        List.of("Missing API contract for /oracles endpoint", "no tests")),
                new CardEvent.Escalated(id, at(22), "attempts exhausted"),
                new CardEvent.ReviewRequested(id, at(22)));
    }

    private static List<CardEvent> then(List<CardEvent> first, CardEvent... more) {
        List<CardEvent> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    private static CardEvent decided(CardId id, int minute, HumanDecision.Kind kind, String reason) {
        return new CardEvent.HumanDecided(id, at(minute), new HumanDecision("tech-lead", kind, reason, at(minute)));
    }

    /** A backlog whose cards went through every kind of history, with the matching reports. */
    private static BacklogCheckpoint realisticCheckpoint() {
        List<CardSpec> cards = List.of(
                CardSpec.builder("PROD-001", Role.PRODUCT).type("PRODUCT").title("Requirements for RF001")
                        .priority(Priority.HIGH).metadata("phase", "Fase 1").build(),
                CardSpec.builder("ARQ-001", Role.ARCHITECTURE).type("ARCH").title("Design architecture for RF001")
                        .description("Oracles API and storage").dependsOn("PROD-001")
                        .metadata("current_stage", "architecture_design")
                        .metadata("estimate", new BigDecimal("2.50"))
                        .metadata("labels", List.of("api", Map.of("risk", "high")))
                        .build(),
                CardSpec.builder("BE-001", Role.BACKEND).title("Oracles endpoint").dependsOn("ARQ-001").build(),
                CardSpec.builder("BE-002", Role.BACKEND).title("Oracle storage").dependsOn("ARQ-001")
                        .priority(Priority.CRITICAL).build(),
                CardSpec.builder("FE-001", Role.FRONTEND).title("Oracles page").dependsOn("BE-001").build(),
                CardSpec.builder("QA-001", Role.QA).title("Oracles e2e").dependsOn("BE-001", "FE-001").build(),
                CardSpec.builder("INFRA-001", Role.INFRA).title("Deploy").dependsOn("QA-001").build(),
                CardSpec.builder("BE-003", Role.BACKEND).title("Audit log").dependsOn("BE-002").build(),
                CardSpec.builder("BE-004", Role.BACKEND).title("Never started").build());
        Backlog backlog = new Backlog("SuperCore v2.0", cards,
                Map.of("phase", "Fase 1 - Fundação"), Map.of("schema_version", 2));
        Map<String, List<CardEvent>> histories = Map.of(
                "PROD-001", approvedFirstTime(CardId.of("PROD-001")),
                "ARQ-001", correctedWithDiagnosis(CardId.of("ARQ-001")),
                "BE-001", awaitingHuman(CardId.of("BE-001")),
                "BE-002", then(awaitingHuman(CardId.of("BE-002")),
                        decided(CardId.of("BE-002"), 30, HumanDecision.Kind.APPROVE_OVERRIDE, "contract lives in the wiki"),
                        new CardEvent.Completed(CardId.of("BE-002"), at(31))),
                "FE-001", then(awaitingHuman(CardId.of("FE-001")),
                        decided(CardId.of("FE-001"), 30, HumanDecision.Kind.REJECT_PERMANENTLY, "feature dropped")),
                "QA-001", List.of(new CardEvent.Cancelled(CardId.of("QA-001"), at(31), "dependency FE-001 was aborted")),
                "INFRA-001", then(awaitingHuman(CardId.of("INFRA-001")),
                        decided(CardId.of("INFRA-001"), 30, HumanDecision.Kind.REQUEST_CLARIFICATION, "use the v2 cluster"),
                        new CardEvent.Queued(CardId.of("INFRA-001"), at(31)),
                        new CardEvent.WorkStarted(CardId.of("INFRA-001"), at(32), 3)));
        return BacklogCheckpoint.of(backlog, id -> {
            List<CardEvent> events = histories.get(id.value());
            return events == null ? null : CardState.replay(id, 2, events);
        }, SUBMITTED, SAVED);
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void reportsFoldTheCardStates() {
        BacklogCheckpoint checkpoint = realisticCheckpoint();

        assertThat(checkpoint.reports()).extracting(CardReport::status).containsExactly(
                CardStatus.DONE, CardStatus.APPROVED, CardStatus.AWAITING_HUMAN, CardStatus.DONE, CardStatus.ABORTED,
                CardStatus.CANCELLED, CardStatus.IN_PROGRESS, CardStatus.TODO, CardStatus.TODO);
        CardReport arq = checkpoint.report(CardId.of("ARQ-001"));
        assertThat(arq.attempt()).isEqualTo(2);
        assertThat(arq.corrections()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("ARQ-001-CORR-2");
            assertThat(c.diagnosis().rootCause()).isEqualTo("error paths were never designed");
        });
        assertThat(arq.usage()).isEqualTo(Usage.of(5000, 1820, "0.0670"));
        CardReport never = checkpoint.report(CardId.of("BE-004"));
        assertThat(never.attempt()).isZero();
        assertThat(never.createdAt()).isEqualTo(SUBMITTED);
        assertThat(checkpoint.report(CardId.of("INFRA-001")).corrections()).extracting(CorrectionRecord::context)
                .containsExactly(null, "use the v2 cluster");
        assertThat(checkpoint.backlog().metadata()).containsExactly(
                entry("phase", "Fase 1 - Fundação"), entry("total_cards", 9), entry("last_updated", "2026-01-05T18:30:00.250Z"));
    }

    @Test
    void roundTripIsExact() {
        BacklogCheckpoint checkpoint = realisticCheckpoint();

        String json = checkpoint.toJson();
        BacklogCheckpoint back = BacklogCheckpoint.parse(json);

        assertThat(back).isEqualTo(checkpoint);
        assertThat(back.report(CardId.of("PROD-001")).usage().costUsd()).isEqualTo(new BigDecimal("0.00530"));
        assertThat(back.toJson()).isEqualTo(json);
    }

    @Test
    void roundTripThroughAFileIsByteIdentical(@TempDir Path dir) throws IOException {
        BacklogCheckpoint checkpoint = realisticCheckpoint();
        Path file = dir.resolve("backlog_master.json");
        Files.writeString(file, "old content");

        checkpoint.write(file);
        byte[] first = Files.readAllBytes(file);
        BacklogCheckpoint back = BacklogCheckpoint.read(file);
        back.write(file);

        assertThat(back).isEqualTo(checkpoint);
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(checkpoint.toJson());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);   // no temporary file left behind
        }
    }

    @Test
    void writesTheSeedLayout() throws IOException {
        String json = realisticCheckpoint().toJson();
        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(names(root)).containsExactly("project", "cards", "metadata", "schema_version");
        JsonNode arq = root.get("cards").get(1);
        assertThat(names(arq)).containsExactly("id", "type", "title", "description", "owner", "priority", "dependencies",
                "status", "attempt", "validation_history", "artifacts", "cost_tracking", "created_at", "started_at",
                "completed_at", "human_decisions", "escalation_needed", "current_stage", "estimate", "labels");
        assertThat(arq.get("owner").asText()).isEqualTo("ARCHITECTURE");
        assertThat(json).contains("""
                      "cost_tracking": {
                        "total_tokens": 6820,
                        "input_tokens": 5000,
                        "output_tokens": 1820,
                        "total_cost_usd": 0.0670,
                        "attempts": 2
                      },
                """);
        assertThat(arq.get("validation_history").get(1).toString()).isEqualTo("{\"attempt\":1,\"validator\":\"llm-judge\","
                + "\"result\":\"FAILED\",\"score\":7.2,\"reasons\":[\"Design document lacks error handling section\"],"
                + "\"feedback\":{\"api\":\"list every 4xx\",\"errors\":\"add an error table\"},"
                + "\"timestamp\":\"2026-01-05T09:12:00Z\"}");
        JsonNode correction = root.get("cards").get(2);
        assertThat(names(correction)).containsExactly("id", "type", "parent_card", "attempt", "status",
                "rejection_reasons", "validator_feedback", "previous_artifacts", "root_cause", "debugging_suggestions",
                "debugging_cost", "context", "created_at");
        assertThat(correction.get("id").asText()).isEqualTo("ARQ-001-CORR-2");
        assertThat(correction.get("status").asText()).isEqualTo("REJECTED");
        JsonNode awaiting = root.get("cards").get(3);
        assertThat(awaiting.get("id").asText()).isEqualTo("BE-001");
        assertThat(awaiting.get("escalation_needed").asBoolean()).isTrue();
        JsonNode escalation = root.get("cards").get(5);
        assertThat(escalation.toString()).isEqualTo("{\"id\":\"BE-001-ESC\",\"type\":\"ESCALATION\",\"parent_card\":\"BE-001\","
                + "\"status\":\"AWAITING_HUMAN\",\"reason\":\"attempts exhausted\",\"failed_attempts\":2,"
                + "\"last_reasons\":[\"Missing API contract for /oracles endpoint\",\"no tests\"],"
                + "\"created_at\":\"2026-01-05T09:22:00Z\"}");
        assertThat(root.get("metadata").get("total_cards").asInt()).isEqualTo(9);
    }

    @Test
    void isPrettyPrintedLikePythonsJsonDump() {
        String json = BacklogCheckpoint.of(aBacklog(aCard("BE-1")),
                List.of(CardReport.of(aCard("BE-1"), null, null)), SAVED).toJson();

        assertThat(json).startsWith("{\n  \"project\": \"test\",\n  \"cards\": [\n    {\n      \"id\": \"BE-1\",\n")
                .contains("\"dependencies\": [],\n").contains("\"created_at\": null,\n").endsWith("}\n");
    }

    @Test
    void unknownFieldsSurvive() {
        String seed = """
                {"project": "p", "owners": ["ana", "rui"],
                 "cards": [{"id": "BE-1", "task_id": "abc123", "blocking_issue": null, "weights": [1, 2.50, 3e2]}],
                 "metadata": {"phase": "Fase 1", "budget_usd": 150.00}, "z_last": {"k": true}}""";
        Backlog backlog = Backlog.parse(seed);

        BacklogCheckpoint checkpoint = BacklogCheckpoint.of(backlog,
                List.of(CardReport.of(backlog.cards().get(0), null, SUBMITTED)), SAVED);
        BacklogCheckpoint back = BacklogCheckpoint.parse(checkpoint.toJson());

        assertThat(back).isEqualTo(checkpoint);
        assertThat(back.backlog().extraFields()).containsExactly(entry("owners", List.of("ana", "rui")),
                entry("z_last", Map.of("k", true)));
        assertThat(back.backlog().metadata()).containsEntry("budget_usd", new BigDecimal("150.00"));
        assertThat(back.backlog().cards().get(0).metadata().keySet()).containsExactly("task_id", "blocking_issue", "weights");
        assertThat(checkpoint.toJson()).contains("\"budget_usd\": 150.00").contains("2.50").contains("3E+2");
    }

    @Test
    void aCheckpointReadAsABacklogStartsOver() {
        BacklogCheckpoint checkpoint = realisticCheckpoint();

        Backlog backlog = Backlog.parse(checkpoint.toJson());

        assertThat(backlog).isEqualTo(checkpoint.backlog());
    }

    @Test
    void readsTheSeedsExampleAsACheckpoint() throws IOException {
        BacklogCheckpoint checkpoint;
        try (InputStream in = getClass().getResourceAsStream("seed-example.json")) {
            checkpoint = BacklogReader.standard().readCheckpoint(in);
        }

        CardReport arq = checkpoint.report(CardId.of("ARQ-001"));
        assertThat(arq.status()).isEqualTo(CardStatus.CORRECTING);
        assertThat(arq.attempt()).isEqualTo(2);
        assertThat(arq.validationHistory()).extracting(v -> v.verdict().validator(), v -> v.verdict().score())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("verification_agent", null),
                        org.assertj.core.groups.Tuple.tuple("llm_judge", 7.2));
        assertThat(arq.usage()).isEqualTo(new Usage(15000, 0, new BigDecimal("0.08")));
        assertThat(arq.artifacts()).containsExactly(Artifact.of("design", "app-artefacts/arquitetura/designs/design-RF001.md"));
        assertThat(arq.startedAt()).isEqualTo(Instant.parse("2025-12-27T10:15:00Z"));
        assertThat(arq.completedAt()).isNull();
        assertThat(checkpoint.report(CardId.of("PROD-001")).status()).isEqualTo(CardStatus.TODO);
    }

    @Test
    void foldsHistoryEntriesWhereverTheyAre() {
        BacklogCheckpoint checkpoint = BacklogCheckpoint.parse("""
                {"cards": [
                  {"id": "BE-1-ESC", "type": "ESCALATION", "parent_card": "BE-1", "status": "AWAITING_HUMAN",
                   "reason": "attempts exhausted", "failed_attempts": [{"attempt": 1}, {"attempt": 2}, {"attempt": 3}],
                   "created_at": "2025-12-27T12:00:00Z", "owner": "tech_lead"},
                  {"id": "BE-1-CORR-2", "type": "CORRECTION", "parent_card": "BE-1", "attempt": 2, "status": "REJECTED",
                   "rejection_reasons": ["no tests"], "validator_feedback": {"qa": "add tests"},
                   "debugging_suggestions": [], "created_at": "2025-12-27T11:00:00Z", "original_context": {"id": "BE-1"}},
                  {"id": "BE-1", "status": "AWAITING_HUMAN", "attempt": 3}
                ]}""");

        CardReport report = checkpoint.reports().get(0);
        assertThat(checkpoint.backlog().cards()).extracting(c -> c.id().value()).containsExactly("BE-1");
        assertThat(report.corrections()).containsExactly(new CorrectionRecord("BE-1-CORR-2", 2, CardStatus.REJECTED,
                List.of("no tests"), Map.of("qa", "add tests"), List.of(), null, null, Instant.parse("2025-12-27T11:00:00Z")));
        assertThat(report.escalation()).isEqualTo(new EscalationRecord("BE-1-ESC", 3, "attempts exhausted", List.of(),
                Instant.parse("2025-12-27T12:00:00Z")));
    }

    @Test
    void readsPythonTimestampsAsUtc() {
        BacklogCheckpoint checkpoint = BacklogCheckpoint.parse("""
                {"cards": [{"id": "BE-1", "created_at": "2025-12-27T10:00:00.123456", "started_at": "2025-12-27T12:00:00+02:00"}]}""");

        assertThat(checkpoint.reports().get(0).createdAt()).isEqualTo(Instant.parse("2025-12-27T10:00:00.123456Z"));
        assertThat(checkpoint.reports().get(0).startedAt()).isEqualTo(Instant.parse("2025-12-27T10:00:00Z"));
    }

    @Test
    void badStateIsRefusedWithEveryProblem() {
        String json = """
                {"cards": [
                  {"id": "BE-1", "status": "SLEEPING", "attempt": -1, "started_at": "yesterday",
                   "validation_history": [{"attempt": 1, "validator": "qa", "result": "MAYBE", "timestamp": "2025-12-27T10:00:00Z"},
                                          {"attempt": 1, "validator": "qa", "result": "PASSED", "score": 11, "timestamp": "2025-12-27T10:00:00Z"}],
                   "human_decisions": [{"reviewer": "ana", "decision": "SHRUG", "reason": "r", "timestamp": "2025-12-27T10:00:00Z"}]},
                  {"id": "BE-9-CORR-2", "type": "CORRECTION", "parent_card": "BE-9", "attempt": 2, "status": "REJECTED",
                   "created_at": "2025-12-27T10:00:00Z"},
                  {"id": "BE-1-ESC", "type": "ESCALATION", "parent_card": "BE-1", "created_at": "2025-12-27T10:00:00Z"}
                ]}""";

        assertThatThrownBy(() -> BacklogCheckpoint.parse(json))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .containsExactly(
                                "BE-1: status: unknown status 'SLEEPING'; expected one of [TODO, QUEUED, IN_PROGRESS, "
                                        + "VALIDATING, APPROVED, REJECTED, FAILED, CORRECTING, ESCALATED, AWAITING_HUMAN, "
                                        + "DONE, ABORTED, CANCELLED]",
                                "BE-1: attempt: must be at least 0, was -1",
                                "BE-1: validation_history[0].result: must be PASSED or FAILED, was 'MAYBE'",
                                "BE-1: validation_history[1]: score must be between 0 and 10, was 11.0",
                                "BE-1: started_at: 'yesterday' is not an ISO-8601 timestamp",
                                "BE-1: human_decisions[0].decision: unknown decision 'SHRUG'; expected one of "
                                        + "[APPROVE_OVERRIDE, REJECT_PERMANENTLY, REQUEST_CLARIFICATION]",
                                "BE-9-CORR-2: parent_card: unknown card 'BE-9'",
                                "BE-1-ESC: reason: missing"));
    }

    @Test
    void reportsMustMatchTheBacklog() {
        Backlog backlog = aBacklog(aCard("A-1"), aCard("A-2"));

        assertThatThrownBy(() -> new BacklogCheckpoint(backlog, List.of(CardReport.of(aCard("A-1"), null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 cards, 1 reports");
        assertThatThrownBy(() -> new BacklogCheckpoint(backlog, List.of(
                CardReport.of(aCard("A-2"), null, null), CardReport.of(aCard("A-1"), null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-2");
        assertThatThrownBy(() -> CardReport.of(aCard("A-1"), CardState.initial(CardId.of("A-2"), 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-2");
    }

    @Test
    void aWriteRemovesWhatKilledWritersOfTheSameTargetLeftAndNothingElse(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("backlog_master.json");
        FileTime minutesAgo = FileTime.from(Instant.now().minus(BacklogCheckpoint.STALE_TEMPORARY.multipliedBy(5)));
        Path killed = stale(dir.resolve(".backlog_master.json.3f2a9c1b7d4e6a08.tmp"), minutesAgo);
        Path killedToo = stale(dir.resolve(".backlog_master.json.7.tmp"), minutesAgo);
        // a writer may have written this one a moment ago and be about to rename it
        Path recent = Files.writeString(dir.resolve(".backlog_master.json.1b2c.tmp"), "{");
        Path anotherTarget = stale(dir.resolve(".report.json.3f2a9c1b.tmp"), minutesAgo);
        Path notATemporary = stale(dir.resolve(".backlog_master.json.notes.tmp"), minutesAgo);
        Path held = stale(dir.resolve(".backlog_master.json.abc.tmp"), minutesAgo);
        BacklogCheckpoint checkpoint = realisticCheckpoint();

        try (FileChannel writer = FileChannel.open(held, StandardOpenOption.WRITE); FileLock lock = writer.lock()) {
            assertThat(lock.isValid()).isTrue();
            checkpoint.write(target);
            assertThat(held).as("a temporary file a live writer holds").exists();
        }

        assertThat(killed).doesNotExist();
        assertThat(killedToo).doesNotExist();
        assertThat(recent).exists();
        assertThat(anotherTarget).exists();
        assertThat(notATemporary).exists();
        assertThat(BacklogCheckpoint.read(target)).isEqualTo(checkpoint);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("backlog_master.json",
                    ".backlog_master.json.1b2c.tmp", ".report.json.3f2a9c1b.tmp", ".backlog_master.json.notes.tmp",
                    ".backlog_master.json.abc.tmp");
        }
    }

    /** A temporary file as a writer killed half-way leaves it: the start of a checkpoint, last written long ago. */
    private static Path stale(Path file, FileTime modified) throws IOException {
        Files.writeString(file, "{\n  \"project\": \"Vela");
        Files.setLastModifiedTime(file, modified);
        return file;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
