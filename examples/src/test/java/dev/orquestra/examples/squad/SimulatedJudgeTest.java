package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static dev.orquestra.examples.squad.SquadFixtures.aCard;
import static dev.orquestra.examples.squad.SquadFixtures.aSubmission;
import static dev.orquestra.examples.squad.SquadFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardSpec;
import dev.orquestra.Check;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.examples.squad.SquadSettings.RoleOdds;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge's score comes from the dice and the guidance; it passes at 8.0 and explains a failure. */
class SimulatedJudgeTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static SquadSettings lowScoreOdds(double p) {
        SquadSettings.Builder b = INSTANT.toBuilder().hardCardShare(0);
        Role.standard().forEach(r -> b.odds(r, new RoleOdds(0, 0, p, 0)));
        return b.build();
    }

    @Test
    void theSameSubmissionGetsTheSameVerdict() {
        SimulatedJudge judge = new SimulatedJudge(INSTANT, dir, scheduler);
        for (int i = 1; i <= 40; i++) {
            CardSpec card = aCard("ARQ-" + i, Role.ARCHITECTURE);
            Verdict first = await(judge.validate(aSubmission(card, 1, "llm-judge", List.of())));
            Verdict again = await(judge.validate(aSubmission(card, 1, "llm-judge", List.of())));
            assertThat(again).isEqualTo(first);
            assertThat(first.score()).isBetween(0.0, 10.0);
            assertThat(first.passed()).isEqualTo(first.score() >= 8.0);
            assertThat(first.usage().costUsd()).isPositive();
        }
    }

    @Test
    void aLowScoreFailsWithCritiquesAndFeedbackThatTheCardKeeps() {
        SimulatedJudge judge = new SimulatedJudge(lowScoreOdds(1), dir, scheduler);
        // the odds are capped at 0.95, so take the first of a few cards that fails
        CardSpec card = null;
        Verdict first = null;
        for (int i = 1; first == null || first.passed(); i++) {
            card = aCard("BE-" + i, Role.BACKEND);
            first = await(judge.validate(aSubmission(card, 1, "llm-judge", List.of())));
        }
        assertThat(first.passed()).isFalse();
        assertThat(first.score()).isBetween(4.4, 7.9);
        assertThat(first.reasons()).isNotEmpty()
                .allSatisfy(r -> assertThat(Findings.critiques(Role.BACKEND)).extracting(Findings.Finding::reason)
                        .contains(r));
        assertThat(first.feedback()).hasSameSizeAs(first.reasons());
        // a second failure of the same card names the same weak spot: that is what calls in the debugger
        Verdict second = await(judge.validate(aSubmission(card, 2, "llm-judge", List.of())));
        if (!second.passed()) {
            assertThat(second.reasons()).isEqualTo(first.reasons());
        }
        // the pipeline's own threshold agrees with the judge
        Check check = Pipeline.defaults(s -> null, judge, s -> null).checks().get(1);
        assertThat(first.score()).isLessThan(check.passingScore().orElseThrow());
    }

    @Test
    void withNoOddsOfALowScoreEverythingPasses() {
        SimulatedJudge judge = new SimulatedJudge(lowScoreOdds(0), dir, scheduler);
        for (int i = 1; i <= 30; i++) {
            Verdict v = await(judge.validate(aSubmission(aCard("FE-" + i, Role.FRONTEND), 1, "llm-judge", List.of())));
            assertThat(v.passed()).isTrue();
            assertThat(v.score()).isBetween(8.0, 9.8);
            assertThat(v.reasons()).isEmpty();
        }
    }

    @Test
    void aDiagnosisOrAClarificationNeverLowersTheScore() {
        SimulatedJudge judge = new SimulatedJudge(lowScoreOdds(0.5), dir, scheduler);
        int plainFailures = 0;
        int guidedFailures = 0;
        for (int i = 1; i <= 200; i++) {
            String id = "BE-" + i;
            double plain = judge.score(Role.BACKEND, id, 2, Guidance.NONE);
            double diagnosed = judge.score(Role.BACKEND, id, 2, new Guidance(true, false));
            double clarified = judge.score(Role.BACKEND, id, 2, new Guidance(false, true));
            assertThat(diagnosed).isGreaterThanOrEqualTo(plain);
            assertThat(clarified).isGreaterThanOrEqualTo(diagnosed);
            plainFailures += plain < 8.0 ? 1 : 0;
            guidedFailures += diagnosed < 8.0 ? 1 : 0;
        }
        assertThat(guidedFailures).isLessThan(plainFailures);
    }

    @Test
    void theJudgeReadsTheGuidanceFromTheArtifacts() {
        SimulatedJudge judge = new SimulatedJudge(lowScoreOdds(0.5), dir, scheduler);
        CardSpec card = aCard(Role.PRODUCT);
        Usage usage = Usage.of(1, 1, "0.01");
        assertThat(judge.verdict(aSubmission(card, 2, "llm-judge", List.of()), new Guidance(true, true), usage).score())
                .isEqualTo(judge.score(Role.PRODUCT, "PROD-001", 2, new Guidance(true, true)));
    }
}
