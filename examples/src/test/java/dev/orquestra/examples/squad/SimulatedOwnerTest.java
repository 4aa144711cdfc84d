package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static dev.orquestra.examples.squad.SquadFixtures.aCard;
import static dev.orquestra.examples.squad.SquadFixtures.aCorrection;
import static dev.orquestra.examples.squad.SquadFixtures.aDiagnosis;
import static dev.orquestra.examples.squad.SquadFixtures.anOrder;
import static dev.orquestra.examples.squad.SquadFixtures.perform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.examples.squad.SquadSettings.RoleOdds;
import dev.orquestra.examples.squad.SquadSettings.TokenRange;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ManualCancellation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Owners write real files in the seed's layout, decide only from the dice, and never block. */
class SimulatedOwnerTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Settings where nothing ever goes wrong. */
    private static SquadSettings.Builder flawless() {
        SquadSettings.Builder b = INSTANT.toBuilder().hardCardShare(0);
        for (Role role : Role.standard()) {
            b.odds(role, new RoleOdds(0, 0, 0, 0));
        }
        return b;
    }

    static Stream<Arguments> layout() {
        return Stream.of(
                Arguments.of(Role.PRODUCT, List.of("app-artefacts/produto/specs/spec-PROD-001.md",
                        "app-artefacts/produto/stories/stories-PROD-001.md")),
                Arguments.of(Role.ARCHITECTURE, List.of("app-artefacts/arquitetura/designs/design-ARQ-001.md",
                        "app-artefacts/arquitetura/contracts/api-ARQ-001.yaml")),
                Arguments.of(Role.FRONTEND, List.of("app-artefacts/engenharia/frontend/FE-001/Page.tsx",
                        "app-artefacts/engenharia/frontend/FE-001/Page.test.tsx")),
                Arguments.of(Role.BACKEND, List.of("app-artefacts/engenharia/backend/BE-001/Handler.java",
                        "app-artefacts/engenharia/backend/BE-001/HandlerTest.java")),
                Arguments.of(Role.QA, List.of("app-artefacts/qa/reports/QA-001.md",
                        "app-artefacts/qa/tests/QA-001/e2e.spec.ts")),
                Arguments.of(Role.INFRA, List.of("app-artefacts/deploy/INFRA-001/deployment.yaml",
                        "app-artefacts/deploy/INFRA-001/runbook.md")));
    }

    @ParameterizedTest
    @MethodSource("layout")
    void artifactsLandInTheSeedLayoutWithTheCardIdTitleAndHash(Role role, List<String> locations) throws IOException {
        Squad squad = Squad.create(flawless().build(), dir, scheduler);
        CardSpec card = aCard(role);
        WorkResult result = perform(squad, anOrder(card, 1));

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.artifacts()).extracting(Artifact::location).containsExactlyElementsOf(locations);
        for (Artifact a : result.artifacts()) {
            Path file = dir.resolve(a.location());
            String text = Files.readString(file);
            assertThat(text).contains(card.id().value()).contains(card.title()).endsWith("\n");
            assertThat(a.contentHash()).isEqualTo(SimulatedOwner.sha256(Files.readAllBytes(file)));
            assertThat(a.contentHash()).matches("sha256:[0-9a-f]{64}");
            assertThat(Placeholders.find(text)).isEmpty();
        }
        assertThat(result.usage().costUsd()).isPositive();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrderElementsOf(locations); // no temporary file left behind
        }
    }

    @Test
    void theSameKeyTwiceGivesTheSameResultAndTheSameBytes() throws IOException {
        Squad squad = Squad.create(INSTANT, dir, scheduler);
        CardSpec card = aCard(Role.BACKEND);
        WorkResult first = perform(squad, anOrder(card, 1));
        Map<String, String> before = tree(dir);
        WorkResult again = perform(squad, anOrder(card, 1));
        assertThat(again).isEqualTo(first);
        assertThat(tree(dir)).isEqualTo(before);
    }

    @Test
    void anotherCallOrderGivesTheSameFilesAndResults(@TempDir Path other) throws IOException {
        List<CardSpec> cards = new ArrayList<>();
        for (Role role : Role.standard()) {
            for (int i = 1; i <= 4; i++) {
                cards.add(aCard(SquadFixtures.prefix(role) + "-00" + i, role));
            }
        }
        Squad one = Squad.create(INSTANT, dir, scheduler);
        Squad two = Squad.create(INSTANT, other, scheduler);
        Map<String, WorkResult> forward = new TreeMap<>();
        for (CardSpec c : cards) {
            forward.put(c.id().value(), perform(one, anOrder(c, 1)));
        }
        // the other way round, all at once, and each twice: results may arrive in any order
        Map<String, CompletableFuture<WorkResult>> backward = new TreeMap<>();
        for (int i = cards.size() - 1; i >= 0; i--) {
            CardSpec c = cards.get(i);
            two.agent(c.owner()).perform(anOrder(c, 1));
            backward.put(c.id().value(), two.agent(c.owner()).perform(anOrder(c, 1)).toCompletableFuture());
        }
        backward.forEach((id, f) -> assertThat(f.join()).as(id).isEqualTo(forward.get(id)));
        assertThat(tree(other)).isEqualTo(tree(dir));
    }

    @Test
    void aFailingAttemptFailsOnEveryRetryWithARealisticError() throws IOException {
        SquadSettings s = flawless().odds(Role.BACKEND, new RoleOdds(1, 0, 0, 0)).build();
        Squad squad = Squad.create(s, dir, scheduler);
        CardSpec card = aCard(Role.BACKEND);
        WorkResult first = perform(squad, anOrder(card, 1));
        WorkResult retry = perform(squad, anOrder(card, 1));
        assertThat(first.isSuccess()).isFalse();
        assertThat(first.error()).isIn(Findings.ownerErrors(Role.BACKEND)).contains("failed");
        assertThat(retry).isEqualTo(first);
        assertThat(first.usage().costUsd()).isPositive(); // the tokens were spent before it failed
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aPlaceholderIsWrittenForVerificationToCatch() throws IOException {
        SquadSettings s = flawless().odds(Role.ARCHITECTURE, new RoleOdds(0, 1, 0, 0)).build();
        Squad squad = Squad.create(s, dir, scheduler);
        WorkResult result = perform(squad, anOrder(aCard(Role.ARCHITECTURE), 1));
        List<Placeholders.Finding> found = new ArrayList<>();
        for (Artifact a : result.artifacts()) {
            found.addAll(Placeholders.find(Files.readString(dir.resolve(a.location()))));
        }
        assertThat(found).hasSize(1);
    }

    @Test
    void aCorrectionAddressesThePreviousReasonsTheDiagnosisAndTheContext() throws IOException {
        Squad squad = Squad.create(flawless().build(), dir, scheduler);
        CardSpec card = aCard(Role.ARCHITECTURE);
        String reason = "arquitetura/designs/design-ARQ-001.md: placeholder text 'TODO' at line 12";
        WorkResult result = perform(squad, anOrder(card, 3,
                aCorrection(card, 2, null, null, reason),
                aCorrection(card, 3, aDiagnosis(), "Only the BRL account is in scope for the MVP.", reason)));

        String design = Files.readString(dir.resolve(result.artifacts().get(0).location()));
        assertThat(design)
                .contains("## Correction notes (attempt 3)")
                .contains("This revision answers ARQ-001-CORR-3")
                .contains("placeholder text 'todo' at line 12") // quoted, but defused
                .contains("error-handling: Specify timeouts and retries.")
                .contains(Drafts.ROOT_CAUSE_MARKER + " the owner's template has no error-handling section")
                .contains("- Applied: Add the section first.")
                .contains(Drafts.CONTEXT_MARKER + " Only the BRL account is in scope for the MVP.");
        assertThat(Placeholders.find(design)).isEmpty();
        assertThat(Guidance.inArtifacts(dir, result.artifacts())).isEqualTo(new Guidance(true, true));
        assertThat(Guidance.inArtifacts(dir, perform(squad, anOrder(card, 1)).artifacts())).isEqualTo(Guidance.NONE);
    }

    @Test
    void costComesFromThePriceTable() {
        SquadSettings s = flawless()
                .tokens(Role.BACKEND, new TokenRange(10_000, 10_000, 2_000, 2_000))
                .price(Role.BACKEND, SquadSettings.ModelPrice.of("large", "3.00", "15.00")).build();
        Squad squad = Squad.create(s, dir, scheduler);
        CardSpec card = aCard(Role.BACKEND);
        assertThat(perform(squad, anOrder(card, 1)).usage())
                .isEqualTo(new Usage(10_000, 2_000, new BigDecimal("0.06000000")));
        // a correction carries the earlier work and reasons: a quarter more input per attempt
        assertThat(perform(squad, anOrder(card, 3, aCorrection(card, 2, null, null, "r"),
                aCorrection(card, 3, null, null, "r"))).usage())
                .isEqualTo(new Usage(15_000, 2_000, new BigDecimal("0.07500000")));

        SquadSettings failing = s.toBuilder().odds(Role.BACKEND, new RoleOdds(1, 0, 0, 0)).build();
        WorkResult failed = perform(Squad.create(failing, dir, scheduler), anOrder(card, 1));
        // a failing call spends its input and a fifth of its output
        assertThat(failed.usage()).isEqualTo(new Usage(10_000, 400, new BigDecimal("0.03600000")));
    }

    @Test
    void itNeverBlocksTheCallerAndStopsWhenCancelled() throws IOException {
        SquadSettings slow = flawless().ownerLatency(SquadSettings.Latency.ofMillis(60_000, 60_000)).build();
        Squad squad = Squad.create(slow, dir, scheduler);
        ManualCancellation signal = new ManualCancellation();
        CompletableFuture<WorkResult> call = squad.agent(Role.QA).perform(anOrder(aCard(Role.QA), 1, signal))
                .toCompletableFuture();
        assertThat(call).isNotDone();
        signal.cancel("soft time limit of PT50M reached");
        WorkResult result = call.join();
        assertThat(result.error()).isEqualTo("QA owner stopped: soft time limit of PT50M reached");
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        // a signal that fired before the call: it stops at once
        assertThat(squad.agent(Role.QA).perform(anOrder(aCard(Role.QA), 1, signal)).toCompletableFuture())
                .isCompletedWithValueMatching(r -> !r.isSuccess());
    }

    @Test
    void anOwnerTakesOnlyItsOwnRolesCards() {
        Squad squad = Squad.create(INSTANT, dir, scheduler);
        assertThatThrownBy(() -> squad.agent(Role.QA).perform(anOrder(aCard(Role.BACKEND), 1)))
                .hasMessageContaining("BE-001").hasMessageContaining("BACKEND").hasMessageContaining("QA");
        assertThatThrownBy(() -> new SimulatedOwner(Role.of("DATA"), INSTANT, dir, scheduler))
                .hasMessageContaining("DATA");
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    files.put(root.relativize(p).toString(), Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }
}
