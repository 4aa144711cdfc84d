package dev.orquestra.examples.e2e;

import dev.orquestra.internal.backlog.BacklogGraphs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orquestra.Backlog;
import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.internal.backlog.DependencyGraph;
import dev.orquestra.HumanDecision;
import dev.orquestra.examples.e2e.Launcher.Result;
import dev.orquestra.examples.e2e.Launcher.Running;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app end to end, the way a user drives it: the real launcher {@code ./orquestra-example}
 * in separate processes, on H2 stores in temporary directories. The sample backlog runs once,
 * uninterrupted, with the default seed; the other runs are compared with it card by card (the
 * simulated squad decides from the seed alone, so latency and interruptions change nothing).
 */
class LauncherEndToEndTest {

    /** Latency of every simulated call: small for speed; it changes no decision. */
    private static final String FAST = "1..5";
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final List<String> METRIC_LABELS = List.of("Rejection rate", "Attempts per card", "Escalation rate",
            "First-time-right", "Time to approval, p95", "Correction loop, mean", "Throughput", "Cost per card",
            "Total cost", "Cards above $0.50");
    private static final List<String> METRIC_KEYS = List.of("rejection_rate", "average_attempts", "escalation_rate",
            "first_time_right", "time_to_approval_p95", "correction_loop", "throughput", "cost_per_card", "total_cost",
            "high_cost_cards");

    @TempDir
    static Path shared;

    private static RunReport reference;
    private static Result referenceRun;
    private static Path referenceData;

    @BeforeAll
    static void buildTheAppOnce() {
        Launcher.buildOnce();
    }

    /**
     * The sample backlog run once, uninterrupted, with the default seed and no reviewer. It runs from
     * a directory outside the repository without {@code --backlog}: the sample travels in the jar.
     */
    private static synchronized RunReport reference() throws IOException {
        if (reference == null) {
            Path elsewhere = Files.createDirectories(shared.resolve("elsewhere"));
            referenceRun = Launcher.runIn(elsewhere, "run", "--data", "data", "--latency-ms", FAST,
                    "--report", "report.json");
            assertThat(referenceRun.exitCode()).as(referenceRun.toString()).isZero();
            referenceData = elsewhere.resolve("data");
            reference = RunReport.read(elsewhere.resolve("report.json"));
        }
        return reference;
    }

    @Test
    void aRunOfTheHelloBacklogPrintsTheMetricsTableAndWritesTheReport(@TempDir Path dir) throws IOException {
        Path report = dir.resolve("reports/hello.json");
        Result run = Launcher.run("run", "--backlog", "examples/backlogs/hello.json",
                "--data", dir.resolve("data").toString(),
                "--latency-ms", FAST, "--report", report.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Running 'Hello Orquestra' (examples/backlogs/hello.json, 5 cards)",
                "progress: 5/5 done", "Success metrics of the seed plan, over the 5 cards that ran",
                "Cards by status: DONE 5", "Every card is finished.", "Report written to " + report);
        for (String label : METRIC_LABELS) {
            assertThat(run.out()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(label) + " .*(PASS|MISS)$");
        }
        assertThat(run.err()).doesNotContain("Exception");

        RunReport r = RunReport.read(report);
        assertThat(r.json().path("project").asText()).isEqualTo("Hello Orquestra");
        assertThat(r.json().path("seed").asLong()).isEqualTo(77);
        assertThat(r.json().path("quiescent").asBoolean()).isTrue();
        assertThat(r.count("DONE")).isEqualTo(5);
        assertThat(r.json().path("by_status").size()).isEqualTo(CardStatus.values().length);
        assertThat(r.json().path("metrics").fieldNames()).toIterable().containsExactlyElementsOf(METRIC_KEYS);
        for (JsonNode m : r.json().path("metrics")) {
            assertThat(m.has("value") && m.has("target") && m.has("limit") && m.path("pass").isBoolean()).as(m.toString())
                    .isTrue();
        }
        JsonNode perCard = r.json().path("cost").path("per_card_usd");
        assertThat(perCard.fieldNames()).toIterable()
                .containsExactly("PROD-001", "ARQ-001", "BE-001", "FE-001", "QA-001");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode c : perCard) {
            assertThat(c.decimalValue()).isPositive();
            sum = sum.add(c.decimalValue());
        }
        assertThat(sum).isEqualByComparingTo(r.json().path("cost").path("total_usd").decimalValue());
        assertThat(r.awaitingReview()).isEmpty();
    }

    @Test
    void aRunOfTheSampleBacklogStopsWhereOnlyAReviewerCanHelp() throws IOException {
        RunReport r = reference();
        String out = referenceRun.out();
        assertThat(out).contains("Running 'Vela Pay 1.0", "(bundled squad-120.json, 120 cards)", "with seed 77",
                "Quiescent: nothing more can happen without a reviewer's decision.", "targets met");
        for (String label : METRIC_LABELS) {
            assertThat(out).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(label) + " .*(PASS|MISS)$");
        }
        assertThat(r.json().path("total_cards").asInt()).isEqualTo(120);
        int sum = 0;
        for (JsonNode n : r.json().path("by_status")) {
            sum += n.asInt();
        }
        assertThat(sum).isEqualTo(120);
        // the default seed escalates a few cards near the ends of their epics: most of the backlog gets done
        assertThat(r.awaitingReview()).hasSizeBetween(3, 6);
        assertThat(r.count("AWAITING_HUMAN")).isEqualTo(r.awaitingReview().size());
        assertThat(r.count("DONE")).isGreaterThan(100);
        for (JsonNode waiting : r.json().path("awaiting_review")) {
            assertThat(waiting.path("reason").asText()).isNotBlank();
            assertThat(out).contains("  " + waiting.path("card").asText() + " ");
        }
        assertThat(out).contains(
                "./orquestra-example review --data data CARD approve|reject|clarify --by NAME --reason TEXT",
                "./orquestra-example run --data data");
        // the cost targets of the seed plan hold for the default squad
        assertThat(r.json().path("metrics").path("cost_per_card").path("pass").asBoolean()).isTrue();
        assertThat(r.json().path("metrics").path("total_cost").path("pass").asBoolean()).isTrue();
        assertThat(r.json().path("cost").path("per_card_usd").size()).isEqualTo(120);
        assertThat(Files.readString(referenceData.resolve("run.properties"))).contains("seed=77");
        assertThat(referenceData.resolve("app-artefacts")).isDirectory();
        assertThat(BacklogCheckpoint.read(referenceData.resolve("backlog_master.json")).reports()).hasSize(120);
    }

    @Test
    void aRunStoppedByCtrlCAndThenKilledResumesAndEndsLikeAnUninterruptedOne(@TempDir Path dir) throws Exception {
        RunReport uninterrupted = reference();
        String data = dir.resolve("data").toString();

        // a slow run, so that it is still going while another command tries the same store
        int stoppedAt;
        try (Running first = Launcher.start("run", "--data", data, "--latency-ms", "50..150")) {
            first.awaitLine(line -> Launcher.doneIn(line) >= 6, WAIT);
            Result busy = Launcher.run("status", "--data", data);
            assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
            assertThat(busy.err()).contains("is in use by another process").doesNotContain("Exception");

            Result interrupted = first.interrupt();
            assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(130);
            assertThat(interrupted.out()).contains("Interrupted: closing the engine",
                            "Resume it with: ./orquestra-example run --data " + data)
                    .doesNotContain("Quiescent");
            stoppedAt = lastDone(interrupted.out());
        }

        int resumedAt;
        try (Running second = Launcher.start("run", "--data", data, "--latency-ms", FAST)) {
            String resuming = second.awaitLine(line -> line.startsWith("Resuming "), WAIT);
            assertThat(resuming).contains("(seed 77)");
            resumedAt = Integer.parseInt(resuming.replaceAll(".*: (\\d+)/120 done.*", "$1"));
            assertThat(resumedAt).as("Ctrl-C closed the engine gracefully: nothing done was lost")
                    .isGreaterThanOrEqualTo(stoppedAt);
            second.awaitLine(line -> Launcher.doneIn(line) > resumedAt, WAIT);
            Result killed = second.kill();
            assertThat(killed.exitCode()).isEqualTo(137);
            assertThat(killed.out()).doesNotContain("Quiescent");
        }

        Path report = dir.resolve("report.json");
        Result last = Launcher.run("run", "--data", data, "--latency-ms", FAST, "--report", report.toString());
        assertThat(last.exitCode()).as(last.toString()).isZero();
        assertThat(last.out()).contains("Resuming 'Vela Pay 1.0", "Quiescent");
        RunReport resumed = RunReport.read(report);
        assertThat(resumed.endings()).hasSize(120).isEqualTo(uninterrupted.endings());
        assertThat(resumed.awaitingReview()).isEqualTo(uninterrupted.awaitingReview());
    }

    @Test
    void statusReviewAndExportWorkOnTheResultAndTheNextRunCarriesOnFromTheDecisions(@TempDir Path dir) throws IOException {
        RunReport before = reference();
        Path data = dir.resolve("data");
        copy(referenceData, data);
        String d = data.toString();

        Result status = Launcher.run("status", "--data", d);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("'Vela Pay 1.0", "120 cards, seed 77", "Cards by status:",
                "DONE " + before.count("DONE"),
                "AWAITING_HUMAN " + before.count("AWAITING_HUMAN"), "Cost: $", "escalated after 3 attempts");
        for (String id : before.awaitingReview()) {
            assertThat(status.out()).contains("  " + id + " ");
        }

        List<String> waiting = before.awaitingReview();
        String approved = waiting.get(0);
        String clarified = waiting.get(1);
        String rejected = waiting.get(2);
        Result approve = Launcher.run("review", "--data", d, approved, "approve", "--by", "tech-lead", "--reason",
                "Good enough for the MVP; a follow-up card is opened.");
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        assertThat(approve.out()).contains(approved + " approved by tech-lead; the card is now DONE.");
        Result clarify = Launcher.run("review", "--data", d, clarified, "CLARIFY", "--by", "tech-lead", "--reason",
                "Keep it to the MVP: BRL accounts only, as agreed with the epic's architect.");
        assertThat(clarify.exitCode()).as(clarify.toString()).isZero();
        assertThat(clarify.out()).contains(clarified + " sent back with added context by tech-lead");
        Result reject = Launcher.run("review", "--data", d, rejected, "reject", "--by", "tech-lead", "--reason",
                "Out of scope for this release.");
        assertThat(reject.exitCode()).as(reject.toString()).isZero();
        assertThat(reject.out()).contains(rejected + " rejected permanently by tech-lead; the card is now ABORTED.");
        Result again = Launcher.run("review", "--data", d, approved, "approve", "--by", "tech-lead", "--reason", "twice");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("card " + approved + " is DONE, not awaiting review").doesNotContain("Exception");

        Path report = dir.resolve("after-review.json");
        Result run = Launcher.run("run", "--data", d, "--latency-ms", FAST, "--report", report.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Resuming 'Vela Pay 1.0", "Quiescent");
        RunReport after = RunReport.read(report);
        assertThat(after.count("DONE")).isGreaterThan(before.count("DONE"));

        Path exported = dir.resolve("out/backlog_master.json");
        Result export = Launcher.run("export", "--data", d, "--out", exported.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out()).contains("Exported 'Vela Pay 1.0", "(120 cards: ", "to " + exported);
        BacklogCheckpoint checkpoint = BacklogCheckpoint.read(exported);
        assertThat(checkpoint.reports()).hasSize(120);
        Map<String, String> endings = new java.util.TreeMap<>();
        checkpoint.reports().forEach(c -> endings.put(c.id().value(), c.status() + " after " + c.attempt()));
        assertThat(endings).as("the export and the run's report agree").isEqualTo(after.endings());

        CardReport a = checkpoint.report(CardId.of(approved));
        assertThat(a.status()).isEqualTo(CardStatus.DONE);
        assertThat(a.decisions()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(HumanDecision.Kind.APPROVE_OVERRIDE);
            assertThat(h.reviewer()).isEqualTo("tech-lead");
            assertThat(h.reason()).startsWith("Good enough for the MVP");
        });
        CardReport c = checkpoint.report(CardId.of(clarified));
        assertThat(c.attempt()).as("the clarification ran one more attempt").isEqualTo(4);
        assertThat(c.status()).isIn(CardStatus.DONE, CardStatus.AWAITING_HUMAN);
        assertThat(c.decisions()).extracting(HumanDecision::kind).startsWith(HumanDecision.Kind.REQUEST_CLARIFICATION);
        CardReport r = checkpoint.report(CardId.of(rejected));
        assertThat(r.status()).isEqualTo(CardStatus.ABORTED);

        DependencyGraph graph = BacklogGraphs.of(sampleBacklog());
        for (CardId dependent : graph.transitiveDependents(CardId.of(rejected))) {
            assertThat(checkpoint.report(dependent).status()).as("dependent " + dependent + " of the rejected card")
                    .isEqualTo(CardStatus.CANCELLED);
        }
        // nothing is left behind: a card that has not started waits, directly or not, on a card awaiting review
        Set<CardId> blocked = new HashSet<>();
        for (CardReport w : checkpoint.reports()) {
            if (w.status() == CardStatus.AWAITING_HUMAN) {
                blocked.addAll(graph.transitiveDependents(w.id()));
            }
        }
        List<CardId> stranded = new ArrayList<>();
        for (CardReport t : checkpoint.reports()) {
            if (t.status() == CardStatus.TODO && !blocked.contains(t.id())) {
                stranded.add(t.id());
            }
        }
        assertThat(stranded).as("cards left TODO with nothing to wait for").isEmpty();
        assertThat(after.count("TODO")).isEqualTo((int) checkpoint.reports().stream()
                .filter(t -> t.status() == CardStatus.TODO).count());
    }

    @Test
    void validateAcceptsAGoodBacklogAndListsEveryProblemOfABadOne(@TempDir Path dir) throws IOException {
        Result good = Launcher.run("validate", "--backlog", "examples/backlogs/squad-120.json");
        assertThat(good.exitCode()).as(good.toString()).isZero();
        assertThat(good.out()).startsWith("OK examples/backlogs/squad-120.json: project 'Vela Pay 1.0")
                .contains("120 cards");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"project": "broken", "cards": [
                  {"id": "BE-1", "dependencies": ["BE-9"]},
                  {"id": "BE-1"},
                  {"id": "XX-1"}
                ]}
                """);
        Result refused = Launcher.run("validate", "--backlog", bad.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("BE-9", "XX-1", bad + ": refused, 3 problems")
                .doesNotContain("Exception", "\tat ");
    }

    // ------------------------------------------------------------------ helpers

    private static int lastDone(String out) {
        int done = 0;
        for (String line : out.lines().toList()) {
            done = Math.max(done, Launcher.doneIn(line));
        }
        return done;
    }

    private static Backlog sampleBacklog() throws IOException {
        return BacklogReader.standard().read(Path.of("backlogs/squad-120.json"));
    }

    /** Copies a stopped run's data directory: the H2 files, the artifacts and run.properties. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
