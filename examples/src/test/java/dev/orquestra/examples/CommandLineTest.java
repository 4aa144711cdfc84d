package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands in this JVM: bad input gets exit code 2 and a message that names what is wrong,
 * never a stack trace, and nothing is opened or created before the input is known to be good. The
 * launcher's end-to-end tests cover the commands working.
 */
class CommandLineTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OrquestraExample.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        Result r = new Result(code, out.toString(), err.toString());
        assertThat(r.err()).as(r.toString()).doesNotContain("\tat ", "Exception");
        return r;
    }

    private static Result refused(String... args) {
        Result r = run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(OrquestraExample.BAD_INPUT);
        return r;
    }

    @Test
    void runRefusesABacklogThatIsNotThereAndNamesTheBundledOnes() {
        Path data = dir.resolve("data");
        Result r = refused("run", "--backlog", dir.resolve("nope.json").toString(), "--data", data.toString());
        assertThat(r.err()).contains("nope.json: no such file (bundled backlogs: squad-120.json, hello.json)");
        assertThat(data).doesNotExist();
    }

    @Test
    void runRefusesABadBacklogWithEveryProblem() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"project": "broken", "cards": [{"id": "BE-1", "dependencies": ["BE-2"]}, {"id": "XX-1"}]}
                """);
        Result r = refused("run", "--backlog", bad.toString(), "--data", dir.resolve("data").toString());
        assertThat(r.err()).contains("refused, 2 problems", "BE-1: ", "BE-2", "XX-1: ");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void runRefusesBadOptionsNamingThem() throws IOException {
        String data = dir.resolve("data").toString();
        assertThat(refused("run", "--data", data, "--latency-ms", "fast").err())
                .contains("latency 'fast' must be 'min..max' or 'n' in milliseconds");
        assertThat(refused("run", "--data", data, "--latency-ms", "9..2").err()).contains("must not exceed max");
        assertThat(refused("run", "--data", data, "--concurrency", "WIZARD=3").err())
                .contains("--concurrency WIZARD=3: the squad has no role WIZARD");
        assertThat(refused("run", "--data", data, "--concurrency", "backend=0").err())
                .contains("--concurrency backend=0: a role runs between 1 and 1000 calls at once");
        assertThat(refused("run", "--data", data, "--seed", "seventy").err()).contains("--seed");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(refused("run", "--data", file.toString()).err()).contains("is not a directory");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void commandsThatReadARunRefuseADirectoryWithoutOne() throws IOException {
        String missing = dir.resolve("missing").toString();
        assertThat(refused("status", "--data", missing).err()).contains("data directory " + missing + " does not exist");
        assertThat(refused("export", "--data", missing, "--out", dir.resolve("x.json").toString()).err())
                .contains("does not exist");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(refused("status", "--data", empty.toString()).err()).contains("holds no Orquestra run");
        assertThat(refused("review", "--data", empty.toString(), "BE-001", "approve", "--by", "me", "--reason", "ok")
                .err()).contains("holds no Orquestra run");
        try (Stream<Path> files = Files.list(empty)) {
            assertThat(files).as("nothing was created in it").isEmpty();
        }
        assertThat(refused("review", "--data", empty.toString(), "BE-001", "merge", "--by", "me", "--reason", "ok")
                .err()).contains("DECISION", "merge");
        assertThat(refused("review", "--data", empty.toString(), "BE-001", "approve", "--by", "me", "--reason", " ")
                .err()).contains("--reason must say why");
    }

    @Test
    void aDirectoryHoldingARunRefusesAnotherBacklogOrSeedAndResumesWithTheSameOnes() throws IOException {
        String data = dir.resolve("data").toString();
        Result first = run("run", "--backlog", "backlogs/hello.json", "--data", data, "--latency-ms", "0..1");
        assertThat(first.code()).as(first.toString()).isZero();

        Path changed = dir.resolve("hello-changed.json");
        Files.writeString(changed, Files.readString(Path.of("backlogs/hello.json"))
                .replace("Implement GET /greetings/{name}", "Implement GET /hello/{name}"));
        assertThat(refused("run", "--backlog", changed.toString(), "--data", data).err())
                .contains(changed + " is not the backlog of the run in " + data,
                        "1 card is specified differently: BE-001 (title)",
                        "Resume the run without --backlog");
        assertThat(refused("run", "--backlog", "squad-120.json", "--data", data).err())
                .contains("bundled squad-120.json is not the backlog of the run", "cards are not in the stored backlog");
        assertThat(refused("run", "--data", data, "--seed", "5").err())
                .contains("holds a run with seed 77, not 5", "leave out --seed");

        Result again = run("run", "--backlog", "backlogs/hello.json", "--data", data, "--seed", "77",
                "--latency-ms", "0..1");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Resuming 'Hello Orquestra' in " + data + " (seed 77): 5/5 done");

        assertThat(refused("review", "--data", data, "PROD-001", "approve", "--by", "me", "--reason", "ok").err())
                .contains("card PROD-001 is DONE, not awaiting review");
        assertThat(refused("review", "--data", data, "NOPE-9", "reject", "--by", "me", "--reason", "ok").err())
                .contains("no card NOPE-9 in this backlog");
        assertThat(refused("review", "--data", data, "not an id", "reject", "--by", "me", "--reason", "ok").err())
                .contains("card 'not an id'");
        Result status = run("status", "--data", data);
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("'Hello Orquestra' in " + data + ": 5 cards, seed 77", "Cards by status: DONE 5",
                "Every card is finished.");
    }
}
