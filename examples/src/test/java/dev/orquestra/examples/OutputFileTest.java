package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output paths: nothing that is, or is inside, a run's own files, whatever the path's spelling
 * (symbolic links, {@code ..}); nothing that cannot be written; nothing that is not a regular file.
 */
class OutputFileTest {

    @TempDir
    Path dir;

    private Path data;
    private DataDir dataDir;

    @BeforeEach
    void aRun() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        for (String name : List.of("orquestra.mv.db", "orquestra.trace.db", "run.properties", "run.lock",
                "backlog_master.json", "journal-high-water-mark.properties")) {
            Files.writeString(data.resolve(name), "kept");
        }
        Files.createDirectories(data.resolve("app-artefacts/engenharia/backend"));
        dataDir = new DataDir(data);
    }

    private String refused(Path file) {
        Throwable t = catchThrowable(() -> OutputFile.check("--out", file, dataDir));
        assertThat(t).as(file.toString()).isInstanceOf(CommandFailure.class);
        assertThat(((CommandFailure) t).exitCode()).isEqualTo(OrquestraExample.BAD_INPUT);
        return t.getMessage();
    }

    @Test
    void theRunsOwnFilesAreRefusedByName() {
        assertThat(refused(data.resolve("orquestra.mv.db"))).startsWith("--out " + data.resolve("orquestra.mv.db"))
                .contains("is the H2 journal (orquestra.mv.db) of the run in " + data.toAbsolutePath(),
                        "writing it would destroy the run");
        assertThat(refused(data.resolve("orquestra.trace.db"))).contains("a file of the H2 journal (orquestra.trace.db)");
        assertThat(refused(data.resolve("orquestra.lock.db"))).as("an H2 file that is not there yet")
                .contains("a file of the H2 journal (orquestra.lock.db)");
        assertThat(refused(data.resolve("run.properties"))).contains("the settings (run.properties)");
        assertThat(refused(data.resolve("run.lock"))).contains("the lock (run.lock)");
        assertThat(refused(data.resolve("backlog_master.json"))).contains("the checkpoint (backlog_master.json)");
        assertThat(refused(data.resolve("journal-high-water-mark.properties")))
                .contains("the journal's high-water mark (journal-high-water-mark.properties)");
        assertThat(refused(data.resolve("app-artefacts/engenharia/backend/report.json")))
                .contains("is inside the squad's artifacts (app-artefacts/) of the run in");
        assertThat(refused(data.resolve("app-artefacts/new/report.json"))).contains("inside the squad's artifacts");
        assertThat(refused(data)).contains("is a directory");
        assertThat(data.resolve("orquestra.lock.db")).doesNotExist();
    }

    @Test
    void spellingsThatLeadIntoTheRunAreResolvedFirst() throws IOException {
        assertThat(refused(data.resolve("sub/../orquestra.mv.db"))).contains("the H2 journal (orquestra.mv.db)");
        assertThat(refused(dir.resolve("elsewhere/../data/run.properties"))).contains("the settings");

        Path link = Files.createSymbolicLink(dir.resolve("looks-harmless.json"), data.resolve("orquestra.mv.db"));
        assertThat(refused(link)).contains("(" + data.toRealPath().resolve("orquestra.mv.db") + ")",
                "the H2 journal (orquestra.mv.db)");
        Path linkedDir = Files.createSymbolicLink(dir.resolve("reports"), data);
        assertThat(refused(linkedDir.resolve("run.properties"))).contains("the settings (run.properties)");
        Path dangling = Files.createSymbolicLink(dir.resolve("later.json"), data.resolve("orquestra.lock.db"));
        assertThat(refused(dangling)).contains("a file of the H2 journal (orquestra.lock.db)");
        Path relative = Files.createSymbolicLink(dir.resolve("relative.json"), Path.of("data/backlog_master.json"));
        assertThat(refused(relative)).contains("the checkpoint (backlog_master.json)");
    }

    @Test
    void anotherRunsFilesAreRefusedToo() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other-run"));
        Files.writeString(other.resolve("run.properties"), "seed=5\n");
        Files.createFile(other.resolve("run.lock"));
        assertThat(refused(other.resolve("orquestra.mv.db"))).contains("the H2 journal (orquestra.mv.db) of the run in "
                + other.toRealPath());
        assertThat(refused(other.resolve("app-artefacts/x.json"))).contains("inside the squad's artifacts");
    }

    @Test
    void aPathOutsideAnyRunIsAcceptedAndItsDirectoryCreated() throws IOException {
        Path report = dir.resolve("reports/2026/report.json");
        assertThat(OutputFile.check("--report", report, dataDir)).isEqualTo(report);
        assertThat(report.getParent()).isDirectory();
        try (Stream<Path> files = Files.list(report.getParent())) {
            assertThat(files).as("the probe is gone").isEmpty();
        }
        // a file of its own in the data directory is no file of the run's
        assertThat(OutputFile.check("--report", data.resolve("report.json"), dataDir)).isNotNull();
        assertThat(OutputFile.check("--report", data.resolve("exports/backlog_master.json"), dataDir)).isNotNull();
    }

    @Test
    void aDirectoryThatCannotBeWrittenOrAFileThatIsNoneIsRefusedBeforeAnythingRuns() throws IOException {
        assertThat(refused(Path.of("/proc/nope/r.json"))).startsWith("--out /proc/nope/r.json: its directory /proc/nope "
                + "cannot be created");
        assertThat(refused(Path.of("/dev/null"))).contains("is not a regular file");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(refused(file.resolve("r.json"))).contains(file + " is not a directory");
        assertThat(refused(dir)).contains("is a directory; name a file");
    }

    @Test
    void aRunThatIsNotThereYetHasItsFilesProtectedAlready() {
        DataDir fresh = new DataDir(dir.resolve("new-run"));
        assertThatThrownBy(() -> OutputFile.check("--report", dir.resolve("new-run/run.properties"), fresh))
                .hasMessageContaining("the settings (run.properties) of the run in " + dir.resolve("new-run"));
        assertThat(dir.resolve("new-run")).doesNotExist();
    }
}
