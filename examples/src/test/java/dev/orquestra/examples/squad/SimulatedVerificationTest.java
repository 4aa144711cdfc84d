package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static dev.orquestra.examples.squad.SquadFixtures.aCard;
import static dev.orquestra.examples.squad.SquadFixtures.aSubmission;
import static dev.orquestra.examples.squad.SquadFixtures.anOrder;
import static dev.orquestra.examples.squad.SquadFixtures.await;
import static dev.orquestra.examples.squad.SquadFixtures.perform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.examples.squad.SquadSettings.RoleOdds;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ManualCancellation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Verification checks the evidence on disk and names every problem precisely. */
class SimulatedVerificationTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    private final CardSpec card = aCard(Role.BACKEND);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Verdict verify(List<Artifact> artifacts) {
        return await(new SimulatedVerification(INSTANT, dir, scheduler).validate(aSubmission(card, 1, "verification",
                artifacts)));
    }

    /** Writes a file under app-artefacts and returns its artifact, with the hash of what was written. */
    private Artifact file(String path, String content) throws IOException {
        Path file = dir.resolve("app-artefacts").resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return new Artifact("code", "app-artefacts/" + path, SimulatedOwner.sha256(Files.readAllBytes(file)));
    }

    @Test
    void goodWorkOfEveryRolePasses() {
        SquadSettings.Builder b = INSTANT.toBuilder().hardCardShare(0);
        Role.standard().forEach(r -> b.odds(r, new RoleOdds(0, 0, 0, 0)));
        Squad squad = Squad.create(b.build(), dir, scheduler);
        for (Role role : Role.standard()) {
            CardSpec c = aCard(role);
            WorkResult work = perform(squad, anOrder(c, 1));
            Verdict v = await(squad.verification().validate(aSubmission(c, 1, "verification", work.artifacts())));
            assertThat(v.passed()).as(role.name()).isTrue();
            assertThat(v.reasons()).isEmpty();
            assertThat(v.validator()).isEqualTo("verification");
        }
    }

    @Test
    void aMissingFileIsReported() {
        Verdict v = verify(List.of(Artifact.of("code", "app-artefacts/engenharia/backend/BE-001/Handler.java")));
        assertThat(v.passed()).isFalse();
        assertThat(v.reasons()).containsExactly("engenharia/backend/BE-001/Handler.java: file does not exist");
        assertThat(v.feedback()).containsKey("evidence");
    }

    @Test
    void anEmptyFileIsReported() throws IOException {
        Verdict v = verify(List.of(file("engenharia/backend/BE-001/Handler.java", "")));
        assertThat(v.reasons()).containsExactly("engenharia/backend/BE-001/Handler.java: file is empty");
    }

    @Test
    void aFileThatDoesNotNameItsCardIsReported() throws IOException {
        Verdict v = verify(List.of(file("engenharia/backend/BE-001/Handler.java", "class Handler {}\n")));
        assertThat(v.reasons()).containsExactly("engenharia/backend/BE-001/Handler.java: does not mention card BE-001");
        assertThat(v.feedback()).containsKey("traceability");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "        // TODO: handle the timeout                 | TODO",
            "        // fee rule: TBD                            | TBD",
            "        throw new IllegalStateException(\"FIXME: implement\"); | FIXME",
            "        // Lorem ipsum dolor sit amet                | lorem ipsum"})
    void everyRedFlagIsReportedWithItsLine(String line, String flag) throws IOException {
        String content = "// BE-001 handler\nclass Handler {\n    void handle() {\n" + line + "\n    }\n}\n";
        Verdict v = verify(List.of(file("engenharia/backend/BE-001/Handler.java", content)));
        assertThat(v.passed()).isFalse();
        assertThat(v.reasons())
                .containsExactly("engenharia/backend/BE-001/Handler.java: placeholder text '" + flag + "' at line 4");
        assertThat(v.feedback()).containsKey("placeholders");
    }

    @Test
    void everyProblemOfEveryFileIsListed() throws IOException {
        Verdict v = verify(List.of(
                file("engenharia/backend/BE-001/Handler.java", "// BE-001\n// TODO\n// TBD\n"),
                file("engenharia/backend/BE-001/HandlerTest.java", "class HandlerTest {}\n"),
                Artifact.of("test-report", "app-artefacts/qa/reports/none.md")));
        assertThat(v.reasons()).containsExactly(
                "engenharia/backend/BE-001/Handler.java: placeholder text 'TODO' at line 2",
                "engenharia/backend/BE-001/Handler.java: placeholder text 'TBD' at line 3",
                "engenharia/backend/BE-001/HandlerTest.java: does not mention card BE-001",
                "qa/reports/none.md: file does not exist");
    }

    @Test
    void aFileChangedAfterItWasSubmittedIsReported() throws IOException {
        Artifact a = file("engenharia/backend/BE-001/Handler.java", "// BE-001 handler\n");
        Files.writeString(dir.resolve(a.location()), "// BE-001 handler, edited\n");
        assertThat(verify(List.of(a)).reasons()).singleElement().asString()
                .startsWith("engenharia/backend/BE-001/Handler.java: content differs from the submitted sha256:");
    }

    @Test
    void evidenceOutsideTheDataDirectoryOrMissingAltogetherIsRefused() {
        assertThat(verify(List.of(Artifact.of("code", "../../etc/passwd"))).reasons())
                .containsExactly("../../etc/passwd: outside the data directory");
        assertThat(verify(List.of()).reasons()).containsExactly("no artifacts were submitted");
    }

    @Test
    void verificationIsCheapAndReportsItsUsage() throws IOException {
        Verdict v = verify(List.of(file("engenharia/backend/BE-001/Handler.java", "// BE-001\n")));
        assertThat(v.passed()).isTrue();
        assertThat(v.usage().totalTokens()).isBetween(1_580L, 4_300L);
        assertThat(v.usage().costUsd()).isPositive().isLessThan(new BigDecimal("0.006"));
    }

    @Test
    void aCancelledCheckCompletesWithAFailure() {
        SquadSettings slow = INSTANT.toBuilder().validatorLatency(SquadSettings.Latency.ofMillis(60_000, 60_000)).build();
        ManualCancellation signal = new ManualCancellation();
        CompletableFuture<Verdict> call = new SimulatedVerification(slow, dir, scheduler)
                .validate(aSubmission(card, 1, "verification", List.of(), signal)).toCompletableFuture();
        assertThat(call).isNotDone();
        signal.cancel("the engine is closing");
        assertThatThrownBy(call::join).hasMessageContaining("verification of BE-001/1/verification stopped")
                .hasMessageContaining("the engine is closing");
    }
}
