package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate}: one summary line and exit 0 for a good backlog; every problem and exit 2 for a bad one. */
class ValidateCommandTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OrquestraExample.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aValidBacklogGetsOneSummaryLine() {
        Result r = run("validate", "--backlog", "backlogs/hello.json");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).containsExactly("OK backlogs/hello.json: project 'Hello Orquestra', 5 cards, "
                + "roles ARCHITECTURE,BACKEND,FRONTEND,PRODUCT,QA, longest dependency chain 4");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyProblemIsListedOnePerLineStartingWithItsCard() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"project": "broken", "cards": [
                  {"id": "BE-1", "dependencies": ["BE-2"]},
                  {"id": "BE-2", "dependencies": ["BE-1"]},
                  {"id": "FE-1", "priority": "URGENT"},
                  {"id": "XX-1"},
                  {"id": "QA-1", "dependencies": ["QA-9"]}
                ]}
                """);
        Result r = run("validate", "--backlog", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.errLines();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(bad + ": refused, 4 problems");
        assertThat(lines.subList(0, 4)).anyMatch(l -> l.startsWith("BE-1: ") && l.contains("BE-1 -> BE-2 -> BE-1")
                        || l.startsWith("BE-2: ") && l.contains("BE-2 -> BE-1 -> BE-2"))
                .anyMatch(l -> l.startsWith("FE-1: priority"))
                .anyMatch(l -> l.startsWith("XX-1: ") && l.contains("role"))
                .anyMatch(l -> l.startsWith("QA-1: dependencies") && l.contains("QA-9"));
    }

    @Test
    void malformedJsonIsReportedAtItsLineAndColumn() throws IOException {
        Path bad = dir.resolve("malformed.json");
        Files.writeString(bad, "{\"cards\": [\n  {\"id\": \"BE-1\",,}\n]}\n");
        Result r = run("validate", "--backlog", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines().get(0)).matches("2:\\d+: .*");
    }

    @Test
    void aMissingFileOrOptionIsBadInput() {
        assertThat(run("validate", "--backlog", dir.resolve("nope.json").toString()).code()).isEqualTo(2);
        Result missing = run("validate");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--backlog=FILE'");
    }
}
