package dev.orquestra.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orquestra.examples.e2e.Launcher.Result;
import dev.orquestra.examples.e2e.Launcher.Running;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app end to end where an operator can go wrong or be let down: an output that would
 * overwrite the run, a store that lost events, two runs started at once, a read-only directory,
 * commands that only read, a backlog that is not there, control characters in a backlog, a killed
 * export's litter, a journal in PostgreSQL. Like {@link LauncherEndToEndTest}: the real launcher in
 * separate processes, on stores in temporary directories; the sample backlog runs once, and the tests
 * that need a run with cards awaiting review work on copies of it.
 */
class ReliabilityEndToEndTest {

    /** Latency of every simulated call: small for speed; it changes no decision. */
    private static final String FAST = "1..5";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final char ESC = 0x1b;
    private static final String DATA_MARK = "journal-high-water-mark.properties";

    private static final String PG_URL = System.getenv().getOrDefault("ORQUESTRA_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = System.getenv().getOrDefault("ORQUESTRA_PG_USER", "postgres");
    private static final String PG_PASSWORD = System.getenv().getOrDefault("ORQUESTRA_PG_PASSWORD", "");

    @TempDir
    static Path shared;

    private static Path referenceData;
    private static RunReport reference;

    @BeforeAll
    static void buildTheAppOnce() {
        Launcher.buildOnce();
    }

    /** The sample backlog, run once with the default seed until it waits for a reviewer; stopped since. */
    private static synchronized Path reference() {
        if (referenceData == null) {
            Path data = shared.resolve("reference");
            Path report = shared.resolve("reference.json");
            Result run = Launcher.run("run", "--data", data.toString(), "--latency-ms", FAST, "--report",
                    report.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            reference = RunReport.read(report);
            assertThat(reference.awaitingReview()).isNotEmpty();
            referenceData = data;
        }
        return referenceData;
    }

    // ------------------------------------------------------------------ 2. outputs that could overwrite the run

    @Test
    void anOutputThatWouldOverwriteTheRunIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        copy(reference(), data);
        String d = data.toString();
        Map<String, String> before = snapshot(data);

        for (String target : List.of("orquestra.mv.db", "run.properties", "backlog_master.json",
                "journal-high-water-mark.properties", "run.lock", "app-artefacts/report.json", "sub/../orquestra.mv.db")) {
            String out = d + "/" + target;
            Result export = Launcher.run("export", "--data", d, "--out", out);
            assertThat(export.exitCode()).as(export.toString()).isEqualTo(2);
            assertThat(export.err()).as(export.toString()).contains("--out " + out + " is ", "of the run in ",
                    "writing it would destroy the run").doesNotContain("Exception");
        }
        Path link = Files.createSymbolicLink(dir.resolve("harmless.json"), data.resolve("orquestra.mv.db"));
        Result throughLink = Launcher.run("export", "--data", d, "--out", link.toString());
        assertThat(throughLink.exitCode()).as(throughLink.toString()).isEqualTo(2);
        assertThat(throughLink.err()).contains("is the H2 journal (orquestra.mv.db)");
        Result directory = Launcher.run("export", "--data", d, "--out", d);
        assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(2);
        assertThat(directory.err()).contains("--out " + d + " is a directory");

        for (String target : List.of("orquestra.mv.db", "run.properties")) {
            Result run = Launcher.run("run", "--data", d, "--latency-ms", FAST, "--report", d + "/" + target);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).contains("--report " + d + "/" + target + " is ", "writing it would destroy the run");
            assertThat(run.out()).doesNotContain("Resuming");
        }
        assertThat(snapshot(data)).as("nothing in the data directory changed").isEqualTo(before);
        Result status = Launcher.run("status", "--data", d);
        assertThat(status.exitCode()).as(status.toString()).isZero();

        // checked before the run starts, not after the whole backlog ran
        Path fresh = dir.resolve("fresh");
        Result unwritable = Launcher.run("run", "--data", fresh.toString(), "--backlog", "hello.json",
                "--latency-ms", FAST, "--report", "/proc/nope/r.json");
        assertThat(unwritable.exitCode()).as(unwritable.toString()).isEqualTo(2);
        assertThat(unwritable.err()).contains("--report /proc/nope/r.json: its directory /proc/nope cannot be created");
        assertThat(unwritable.out()).doesNotContain("Running");
        assertThat(fresh).doesNotExist();
    }

    // ------------------------------------------------------------------ 3. lost data is detected

    @Test
    void aStoreThatLostEventsIsRefusedNamingBothFiguresAndRunsOnWhatRemainsOnlyWhenAsked(@TempDir Path dir)
            throws IOException {
        Path data = dir.resolve("data");
        copy(reference(), data);
        String d = data.toString();
        Path mark = data.resolve(DATA_MARK);
        assertThat(mark).as("the run left its journal's high-water mark").isRegularFile();
        Path older = Files.copy(data.resolve("orquestra.mv.db"), dir.resolve("orquestra.mv.db.older"));
        int approvedThen = reference.count("DONE");

        // the journal grows and the mark moves with it: a decision, then the run that carries on from it
        String card = reference.awaitingReview().get(0);
        Result approve = Launcher.run("review", "--data", d, card, "approve", "--by", "ops", "--reason", "ship it");
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        Result resumed = Launcher.run("run", "--data", d, "--latency-ms", FAST);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        Properties moved = properties(mark);
        long markOffset = Long.parseLong(moved.getProperty("offset"));
        int markApproved = Integer.parseInt(moved.getProperty("approved"));
        assertThat(markApproved).isGreaterThan(approvedThen);

        // the database put back from the older copy: what the resumed run recorded is gone
        Files.copy(older, data.resolve("orquestra.mv.db"), StandardCopyOption.REPLACE_EXISTING);
        List<List<String>> commands = List.of(List.of("status", "--data", d),
                List.of("run", "--data", d, "--latency-ms", FAST),
                List.of("export", "--data", d, "--out", dir.resolve("out.json").toString()),
                List.of("review", "--data", d, card, "approve", "--by", "ops", "--reason", "again"));
        for (List<String> command : commands) {
            Result refused = Launcher.run(command.toArray(String[]::new));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).as(refused.toString())
                    .containsPattern(number(markOffset)).containsPattern(number(markApproved))
                    .containsPattern(number(approvedThen))
                    .contains("./orquestra-example run --data " + d + " --accept-loss")
                    .doesNotContain("Exception", "\tat ");
            assertThat(refused.out()).doesNotContain("Resuming", "progress:");
        }
        assertThat(dir.resolve("out.json")).doesNotExist();

        Result accepted = Launcher.run("run", "--data", d, "--latency-ms", FAST, "--accept-loss");
        assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
        assertThat(accepted.out().lines().filter(l -> l.startsWith("Accepting the loss"))).singleElement().asString()
                .contains("with " + approvedThen + " cards approved", "offset " + markOffset + " with " + markApproved);
        assertThat(accepted.out()).contains("Resuming 'Vela Pay 1.0", "Quiescent");
        Result status = Launcher.run("status", "--data", d);
        assertThat(status.exitCode()).as("the mark was reset to what the store holds: " + status).isZero();
    }

    // ------------------------------------------------------------------ 5. racing first runs

    @Test
    void ofTwoRunsStartedAtOnceOnANewDirectoryOneRunsAndTheOtherChangesNothing(@TempDir Path dir) {
        String data = dir.resolve("data").toString();
        Result five;
        Result seventySeven;
        // slow calls, so that the winner is still running when the other has started
        try (Running a = Launcher.start("run", "--data", data, "--backlog", "hello.json", "--seed", "5",
                "--latency-ms", "300..600");
             Running b = Launcher.start("run", "--data", data, "--backlog", "hello.json", "--seed", "77",
                     "--latency-ms", "300..600")) {
            five = a.awaitExit(WAIT);
            seventySeven = b.awaitExit(WAIT);
        }
        assertThat(List.of(five.exitCode(), seventySeven.exitCode())).as(five + "\n" + seventySeven)
                .containsExactlyInAnyOrder(0, 1);
        boolean fiveWon = five.exitCode() == 0;
        Result winner = fiveWon ? five : seventySeven;
        Result loser = fiveWon ? seventySeven : five;
        long winnerSeed = fiveWon ? 5 : 77;
        assertThat(loser.err()).as(loser.toString()).contains("data directory " + data + " is in use by another process")
                .doesNotContain("Exception");
        assertThat(loser.out()).doesNotContain("Running", "progress:");
        assertThat(winner.out()).contains("Running 'Hello Orquestra' (bundled hello.json, 5 cards) in " + data
                + " with seed " + winnerSeed);
        assertThat(properties(Path.of(data, "run.properties")).getProperty("seed"))
                .as("the settings are the winner's").isEqualTo(Long.toString(winnerSeed));

        Result resume = Launcher.run("run", "--data", data, "--latency-ms", FAST);
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).contains("Resuming 'Hello Orquestra' in " + data + " (seed " + winnerSeed + ")");
    }

    // ------------------------------------------------------------------ 6. read-only

    @Test
    void aReadOnlyDataDirectoryIsRefusedOnceByWritersAndReadByReaders(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("mount"));
        String why = shell("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString());
        if (why != null) {
            String message = "a file system could not be mounted for the read-only test (" + why + "); it needs root."
                    + " Read-only test skipped";
            System.err.println("SKIPPED: " + message);
            if ("true".equalsIgnoreCase(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("CI runs as root but: " + message);
            }
            Assumptions.abort(message);
        }
        try {
            Path data = mount.resolve("data");
            Result run = Launcher.run("run", "--data", data.toString(), "--backlog", "hello.json", "--latency-ms", FAST);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            // a directory an earlier version made, without a lock file: the store itself finds out
            Path earlier = mount.resolve("earlier");
            copy(data, earlier);
            Files.delete(earlier.resolve("run.lock"));
            assertThat(shell("mount", "-o", "remount,ro", mount.toString())).isNull();

            for (Path d : List.of(data, earlier)) {
                List<List<String>> writing = List.of(List.of("run", "--data", d.toString(), "--latency-ms", FAST),
                        List.of("review", "--data", d.toString(), "BE-001", "approve", "--by", "ops", "--reason", "ok"));
                for (List<String> command : writing) {
                    Result refused = Launcher.run(command.toArray(String[]::new));
                    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
                    assertThat(refused.err().lines()).as(refused.toString()).singleElement().asString()
                            .startsWith(command.get(0) + ": data directory " + d + " is read-only")
                            .contains("Make it writable, or copy the directory somewhere writable to go on with "
                                    + "the run (status and export read it as it is)");
                    assertThat(refused.out()).doesNotContain("progress:");
                }
                // the commands that read open the store read-only: a read-only directory is no obstacle
                Result status = Launcher.run("status", "--data", d.toString());
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat(status.out()).contains("Cards by status: DONE 5", "Every card is finished.");
                assertThat(status.err()).as(status.toString()).isEmpty();
                Path out = dir.resolve(d.getFileName() + ".json");
                Result export = Launcher.run("export", "--data", d.toString(), "--out", out.toString());
                assertThat(export.exitCode()).as(export.toString()).isZero();
                assertThat(export.err()).as(export.toString()).isEmpty();
                assertThat(out).content().contains("\"BE-001\"");
            }
        } finally {
            shell("umount", "-l", mount.toString());
        }
    }

    // ------------------------------------------------------------------ 8. read-only commands write nothing

    @Test
    void statusAndExportWriteNothingInTheDataDirectoryAndReviewOnlyItsJournal(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        copy(reference(), data);
        String d = data.toString();
        Map<String, String> before = snapshot(data);

        Result status = Launcher.run("status", "--data", d);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        Result export = Launcher.run("export", "--data", d, "--out", dir.resolve("exported.json").toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(snapshot(data)).as("status and export leave every file as it was").isEqualTo(before);

        Result review = Launcher.run("review", "--data", d, reference.awaitingReview().get(0), "approve", "--by",
                "ops", "--reason", "ship it");
        assertThat(review.exitCode()).as(review.toString()).isZero();
        assertThat(changed(before, snapshot(data))).as("review records the decision in the journal only")
                .containsExactly("orquestra.mv.db");
    }

    // ------------------------------------------------------------------ 9. no substitutes

    @Test
    void aBacklogThatIsNotThereOrIsADirectoryIsRefusedByEveryCommandAndASampleIsUsedOnlyByName(@TempDir Path dir)
            throws IOException {
        Path data = dir.resolve("data");
        // named like the bundled sample, but a path: the user means that file, and it is not there
        Path missing = dir.resolve("no/such/squad-120.json");
        for (List<String> command : List.of(
                List.of("run", "--backlog", missing.toString(), "--data", data.toString(), "--latency-ms", FAST),
                List.of("validate", "--backlog", missing.toString()))) {
            Result refused = Launcher.run(command.toArray(String[]::new));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains(missing + ": no such file").doesNotContain("Exception");
            assertThat(refused.out()).doesNotContain("Running", "OK ");
        }
        Path folder = Files.createDirectories(dir.resolve("backlogs"));
        for (List<String> command : List.of(
                List.of("run", "--backlog", folder.toString(), "--data", data.toString(), "--latency-ms", FAST),
                List.of("validate", "--backlog", folder.toString()))) {
            Result refused = Launcher.run(command.toArray(String[]::new));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains(folder + ": is a directory").doesNotContain("Exception");
        }
        assertThat(data).doesNotExist();

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Result bundled = Launcher.runIn(elsewhere, "validate", "--backlog", "hello.json");
        assertThat(bundled.exitCode()).as(bundled.toString()).isZero();
        assertThat(bundled.out()).startsWith("OK bundled hello.json: project 'Hello Orquestra', 5 cards");
        Files.createDirectories(elsewhere.resolve("hello.json"));
        Result shadowed = Launcher.runIn(elsewhere, "validate", "--backlog", "hello.json");
        assertThat(shadowed.exitCode()).as("a directory is not replaced by the sample: " + shadowed).isEqualTo(2);
        assertThat(shadowed.err()).contains("hello.json: is a directory");
    }

    // ------------------------------------------------------------------ 10. terminal safety

    @Test
    void controlCharactersInABacklogReachTheTerminalEscapedAndAnIdWithOneIsRefused(@TempDir Path dir)
            throws IOException {
        String project = "Tricky " + ESC + "]0;owned" + (char) 7 + " project " + (char) 0x9b + "31m";
        String shown = "Tricky \\u001b]0;owned\\u0007 project \\u009b31m";
        Path backlog = dir.resolve("tricky.json");
        Files.writeString(backlog, json(project, "PROD-001", "Clear " + ESC + "[2J the screen"));

        Result validate = Launcher.run("validate", "--backlog", backlog.toString());
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.out()).contains("project '" + shown + "'");
        assertNoRawControls(validate);

        Path data = dir.resolve("data");
        Path report = dir.resolve("report.json");
        Result run = Launcher.run("run", "--backlog", backlog.toString(), "--data", data.toString(), "--latency-ms",
                FAST, "--report", report.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Running '" + shown + "'");
        assertNoRawControls(run);
        byte[] written = Files.readAllBytes(report);
        for (int i = 0; i < written.length; i++) {
            int b = written[i] & 0xff;
            assertThat(b == ESC || b == 7 || b == 0x7f || b == 0xc2 && i + 1 < written.length
                    && (written[i + 1] & 0xff) >= 0x80 && (written[i + 1] & 0xff) <= 0x9f)
                    .as("a raw control character in the report at byte " + i).isFalse();
        }
        assertThat(new ObjectMapper().readTree(report.toFile()).path("project").asText()).isEqualTo(project);
        for (String command : List.of("status", "export")) {
            Result r = command.equals("status") ? Launcher.run("status", "--data", data.toString())
                    : Launcher.run("export", "--data", data.toString(), "--out", dir.resolve("x.json").toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("'" + shown + "'");
            assertNoRawControls(r);
        }

        Path badId = dir.resolve("bad-id.json");
        Files.writeString(badId, json("p", "BE-" + ESC + "[31m1", "fine"));
        Path other = dir.resolve("other");
        for (List<String> command : List.of(List.of("validate", "--backlog", badId.toString()),
                List.of("run", "--backlog", badId.toString(), "--data", other.toString()))) {
            Result refused = Launcher.run(command.toArray(String[]::new));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains("card id 'BE-\\u001b[31m1' holds a control character");
            assertNoRawControls(refused);
        }
        assertThat(other).doesNotExist();
    }

    // ------------------------------------------------------------------ 11. litter

    @Test
    void theTemporaryFileAKilledExportLeftIsRemovedByTheNextExport(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        copy(reference(), data);
        Path out = Files.createDirectories(dir.resolve("exports")).resolve("backlog_master.json");
        // what an export killed half-way leaves beside its target: the start of the file, under a temporary name
        Path litter = out.resolveSibling(".backlog_master.json.5e1f0c2a9b3d4e6f.tmp");
        Files.writeString(litter, "{\n  \"project\": \"Vela");
        Files.setLastModifiedTime(litter, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));

        Result export = Launcher.run("export", "--data", data.toString(), "--out", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("backlog_master.json");
        }
    }

    // ------------------------------------------------------------------ 12. PostgreSQL

    @Test
    void twoDataDirectoriesOnOnePostgresDatabaseKeepTheirRunsApartAndNoPasswordIsShown(@TempDir Path dir)
            throws Exception {
        requirePostgres();
        String schema = "orq_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        try {
            String url = PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            String secretInUrl = "not-to-be-shown-" + UUID.randomUUID();
            String secretInEnv = "not-to-be-shown-either-" + UUID.randomUUID();
            Path a = dir.resolve("a");
            Path b = dir.resolve("b");

            Result first = Launcher.run("run", "--data", a.toString(), "--postgres",
                    url + "&user=" + PG_USER + "&password=" + secretInUrl, "--backlog", "hello.json", "--latency-ms", FAST,
                    "--report", dir.resolve("a.json").toString());
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.out()).contains("Running 'Hello Orquestra' (bundled hello.json, 5 cards)",
                    "Cards by status: DONE 5");
            Map<String, String> env = Map.of("PGUSER", PG_USER, "PGPASSWORD", secretInEnv);
            Result second = Launcher.runWith(env, "run", "--data", b.toString(), "--postgres", url, "--backlog",
                    "hello.json", "--latency-ms", FAST);
            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.out()).as("the second directory starts a run of its own, not the first one's")
                    .contains("Running 'Hello Orquestra'").doesNotContain("Resuming");

            Result status = Launcher.runWith(env, "status", "--data", a.toString(), "--postgres", url);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("'Hello Orquestra' in " + a + ": 5 cards, seed 77", "Cards by status: DONE 5");
            Result export = Launcher.runWith(env, "export", "--data", b.toString(), "--postgres", url, "--out",
                    dir.resolve("b-export.json").toString());
            assertThat(export.exitCode()).as(export.toString()).isZero();
            assertThat(export.out()).contains("Exported 'Hello Orquestra' (5 cards: DONE 5)");
            Result review = Launcher.runWith(env, "review", "--data", a.toString(), "--postgres", url, "PROD-001",
                    "approve", "--by", "ops", "--reason", "ok");
            assertThat(review.exitCode()).as(review.toString()).isEqualTo(2);
            assertThat(review.err()).contains("card PROD-001 is DONE, not awaiting review");
            Result withoutIt = Launcher.run("status", "--data", a.toString());
            assertThat(withoutIt.exitCode()).as(withoutIt.toString()).isEqualTo(2);
            assertThat(withoutIt.err()).contains("keeps its journal in PostgreSQL at " + url + "; add --postgres " + url);

            String engineA = properties(a.resolve("run.properties")).getProperty("engine");
            String engineB = properties(b.resolve("run.properties")).getProperty("engine");
            assertThat(engineA).isNotEqualTo(engineB).startsWith("run-");
            assertThat(properties(a.resolve("run.properties")).getProperty("postgres")).isEqualTo(url);
            assertThat(eventsOf(schema, engineA)).isPositive();
            assertThat(eventsOf(schema, engineB)).isPositive();
            assertThat(a.resolve("orquestra.mv.db")).as("the journal is in PostgreSQL").doesNotExist();
            assertThat(a.resolve("backlog_master.json")).as("the checkpoint is in the data directory").isRegularFile();
            assertThat(a.resolve(DATA_MARK)).isRegularFile();

            for (Result r : List.of(first, second, status, export, review, withoutIt)) {
                assertThat(r.out() + r.err()).doesNotContain(secretInUrl, secretInEnv);
            }
            for (Path d : List.of(a, b)) {
                try (Stream<Path> files = Files.walk(d)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                                .doesNotContain(secretInUrl, secretInEnv);
                    }
                }
            }
        } finally {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /**
     * Item 6 for PostgreSQL: the database goes away mid-run (a proxy in front of it drops every connection and
     * refuses new ones) and comes back. The run says so in one line when it starts and one when it ends, the
     * progress line says the journal is unavailable meanwhile, no stack trace is printed, and the run ends as
     * the uninterrupted reference run does.
     */
    @Test
    void aPostgresOutageMidRunIsOneLineEachWayAndTheRunEndsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        requirePostgres();
        Matcher pg = Pattern.compile("jdbc:postgresql://([^:/?]+):(\\d+)(/[^?]*)(\\?.*)?").matcher(PG_URL);
        assertThat(pg.matches()).as("ORQUESTRA_PG_URL as jdbc:postgresql://host:port/database: " + PG_URL).isTrue();
        reference();
        RunReport uninterrupted = reference;
        String schema = "orq_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        try (TcpProxy proxy = new TcpProxy(pg.group(1), Integer.parseInt(pg.group(2)))) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.group(3) + "?currentSchema=" + schema;
            Map<String, String> env = PG_PASSWORD.isEmpty() ? Map.of("PGUSER", PG_USER)
                    : Map.of("PGUSER", PG_USER, "PGPASSWORD", PG_PASSWORD);
            Path report = dir.resolve("report.json");
            // slower agents than elsewhere, so that the run is still going when the database goes
            try (Running run = Launcher.startWith(env, "run", "--data", dir.resolve("data").toString(), "--postgres",
                    url, "--latency-ms", "20..60", "--report", report.toString())) {
                run.awaitLine(line -> Launcher.doneIn(line) >= 10, WAIT);
                proxy.cut();
                run.awaitLine(line -> line.startsWith("progress: journal unavailable"), WAIT);
                Thread.sleep(2_000);
                proxy.restore();
                Result r = run.awaitExit(WAIT);
                assertThat(r.exitCode()).as(r.toString()).isZero();
                List<String> err = r.err().lines().toList();
                assertThat(err).as(r.toString()).filteredOn(l -> l.contains("Journal calls are failing")).hasSize(1);
                assertThat(err).as(r.toString()).filteredOn(l -> l.contains("Journal calls work again")).hasSize(1);
                assertThat(err).as("no stack trace: " + r).noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
                assertThat(err).as("a line or two per outage, not one per card or connection: " + r).hasSizeLessThanOrEqualTo(4);
                assertThat(RunReport.read(report).endings()).as("the run ends as an uninterrupted one")
                        .isEqualTo(uninterrupted.endings());
            }
        } finally {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Skips, with a visible message, when no PostgreSQL answers, except in CI ({@code CI=true}), where it fails. */
    private static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.isValid(2);
        } catch (SQLException e) {
            String message = "PostgreSQL not reachable at " + PG_URL + " as " + PG_USER + " (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + message, e);
            }
            System.err.println("SKIPPED: " + message + "; the PostgreSQL end-to-end test is skipped");
            Assumptions.abort(message);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long eventsOf(String schema, String engine) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + schema
                     + ".orquestra_journal WHERE persistence_id LIKE ?")) {
            s.setString(1, "card|" + engine + "|%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A backlog of two cards, the second depending on the first, as seed-format JSON. */
    private static String json(String project, String firstId, String firstTitle) {
        ObjectMapper mapper = new ObjectMapper();
        var root = mapper.createObjectNode().put("project", project);
        var cards = root.putArray("cards");
        cards.addObject().put("id", firstId).put("type", "PRODUCT").put("title", firstTitle)
                .put("description", "Write the product brief.").put("priority", "HIGH");
        var second = cards.addObject().put("id", "ARQ-001").put("type", "ARCH").put("title", "Design it")
                .put("description", "Design the architecture.").put("priority", "HIGH");
        second.putArray("dependencies").add(firstId);
        return root.toPrettyString();
    }

    private static void assertNoRawControls(Result r) {
        for (String text : List.of(r.out(), r.err())) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean control = c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7f && c <= 0x9f;
                assertThat(control).as("a raw control character (U+%04X) at %d in:%n%s", (int) c, i, r).isFalse();
            }
        }
    }

    /** Matches the number as a whole, not as part of a longer one. */
    private static Pattern number(long n) {
        return Pattern.compile("(?<![0-9])" + n + "(?![0-9])");
    }

    private static Properties properties(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return p;
    }

    /**
     * Every file and directory under a directory with what a change would alter: a file's size, time of
     * last modification and content hash; a directory's presence (its own time changes whenever a file
     * inside is created or removed, which the files show).
     */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                String name = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    state.put(name + "/", "directory");
                } else {
                    state.put(name, Files.size(p) + " bytes, modified " + Files.getLastModifiedTime(p).toInstant()
                            + ", sha-256 " + sha256(p));
                }
            }
        }
        return state;
    }

    private static Set<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        names.removeIf(n -> Objects.equals(before.get(n), after.get(n)));
        return names;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String shell(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
    }

    /** Copies a stopped run's data directory. */
    private static void copy(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = new ArrayList<>(walk.toList());
        }
        for (Path p : paths) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
