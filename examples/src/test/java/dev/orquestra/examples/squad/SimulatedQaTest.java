package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static dev.orquestra.examples.squad.SquadFixtures.aCard;
import static dev.orquestra.examples.squad.SquadFixtures.aSubmission;
import static dev.orquestra.examples.squad.SquadFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.examples.squad.SquadSettings.RoleOdds;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA fails at its odds with a role's functional and security findings, the same ones every time. */
class SimulatedQaTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private SimulatedQa qa(double failure) {
        SquadSettings.Builder b = INSTANT.toBuilder().hardCardShare(0);
        Role.standard().forEach(r -> b.odds(r, new RoleOdds(0, 0, 0, failure)));
        return new SimulatedQa(b.build(), dir, scheduler);
    }

    @Test
    void aFailureCarriesTheRolesRealisticFindings() {
        SimulatedQa qa = qa(1); // capped at 0.95: even a hopeless card sometimes gets through
        for (Role role : Role.standard()) {
            int failures = 0;
            for (int i = 1; i <= 10; i++) {
                CardSpec card = aCard(SquadFixtures.prefix(role) + "-" + i, role);
                Verdict v = await(qa.validate(aSubmission(card, 1, "qa", List.of())));
                if (v.passed()) {
                    continue;
                }
                failures++;
                assertThat(v.validator()).isEqualTo("qa");
                assertThat(v.reasons()).isNotEmpty()
                        .allMatch(r -> r.startsWith("Functional: ") || r.startsWith("Security: "));
                assertThat(v.feedback()).hasSameSizeAs(v.reasons());
                assertThat(v.usage().costUsd()).isPositive();
                // the same card fails the same way on a later attempt
                Verdict later = await(qa.validate(aSubmission(card, 2, "qa", List.of())));
                if (!later.passed()) {
                    assertThat(later.reasons()).isEqualTo(v.reasons());
                }
            }
            assertThat(failures).as(role.name()).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void withNoOddsOfFailureEverythingPasses() {
        Verdict v = await(qa(0).validate(aSubmission(aCard(Role.BACKEND), 1, "qa", List.of())));
        assertThat(v.passed()).isTrue();
        assertThat(v.reasons()).isEmpty();
    }

    @Test
    void theOutcomeIsAPureFunctionOfTheInputs() {
        SimulatedQa qa = new SimulatedQa(INSTANT, dir, scheduler);
        int failures = 0;
        for (int i = 1; i <= 300; i++) {
            CardSpec card = aCard("BE-" + i, Role.BACKEND);
            Verdict v = await(qa.validate(aSubmission(card, 1, "qa", List.of())));
            assertThat(await(qa.validate(aSubmission(card, 1, "qa", List.of())))).isEqualTo(v);
            failures += v.passed() ? 0 : 1;
        }
        // 0.04 for ordinary cards; a hard card whose weak spot is QA fails at 0.8
        assertThat(failures).isBetween(10, 40);
    }
}
