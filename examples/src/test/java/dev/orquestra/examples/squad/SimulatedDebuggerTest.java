package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.HARD;
import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static dev.orquestra.examples.squad.SquadFixtures.SOFT;
import static dev.orquestra.examples.squad.SquadFixtures.aCard;
import static dev.orquestra.examples.squad.SquadFixtures.await;
import static dev.orquestra.examples.squad.SquadFixtures.never;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardSpec;
import dev.orquestra.Diagnosis;
import dev.orquestra.Role;
import dev.orquestra.spi.FailureReport;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The debugger names the repeated finding, what brings it back, and two or three things to try. */
class SimulatedDebuggerTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    private final SimulatedDebugger debugger = new SimulatedDebugger(INSTANT, scheduler);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static FailureReport report(CardSpec card, String... reasons) {
        return new FailureReport(card, 2, card.id() + "/2/debugger", List.of(reasons), List.of(), List.of(), List.of(),
                SOFT, HARD, never());
    }

    @Test
    void theRootCauseNamesTheRepeatedReason() {
        CardSpec card = aCard(Role.BACKEND);
        String reason = "engenharia/backend/BE-001/Handler.java: placeholder text 'TODO' at line 12";
        Diagnosis d = await(debugger.diagnose(report(card, reason)));
        assertThat(d.rootCause()).startsWith("Attempts 1 and 2 of BE-001 failed on the same finding")
                .contains("placeholder text 'todo' at line 12")
                .contains(Findings.Cause.PLACEHOLDER.explanation);
        assertThat(d.suggestions()).hasSizeBetween(2, 3).doesNotHaveDuplicates()
                .allMatch(Findings.Cause.PLACEHOLDER.suggestions::contains);
        assertThat(d.usage().costUsd()).isPositive();
        assertThat(await(debugger.diagnose(report(card, reason)))).isEqualTo(d);
        assertThat(Placeholders.find(d.rootCause())).isEmpty();
    }

    @Test
    void eachKindOfRepeatedFailureGetsItsOwnExplanation() {
        CardSpec card = aCard(Role.BACKEND);
        assertThat(await(debugger.diagnose(report(card, "owner failed: mvn -q test failed: COMPILATION ERROR"))).rootCause())
                .contains(Findings.Cause.BUILD.explanation);
        assertThat(await(debugger.diagnose(report(card, "Security: the card number (PAN) is written to the log",
                "Functional: POST returns 500"))).rootCause())
                .contains(Findings.Cause.SECURITY.explanation).contains("(and 1 more)");
        assertThat(await(debugger.diagnose(report(card, "Functional: POST returns 500"))).rootCause())
                .contains(Findings.Cause.FUNCTIONAL.explanation);
        assertThat(await(debugger.diagnose(report(card, "Amounts are handled as double"))).rootCause())
                .contains(Findings.Cause.DESIGN.explanation);
    }
}
