package dev.orquestra.examples.squad;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.Diagnosis;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.CancellationSignal;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.Fixtures;
import dev.orquestra.testkit.ManualCancellation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Test objects for the simulated squad: cards, work orders, submissions and cancellation signals. */
final class SquadFixtures {

    static final Instant SOFT = Fixtures.SOFT_DEADLINE;
    static final Instant HARD = Fixtures.DEADLINE;

    /** Settings with no latency, so calls complete as soon as the scheduler runs them. */
    static final SquadSettings INSTANT = SquadSettings.builder().latency(SquadSettings.Latency.ofMillis(0, 0)).build();

    private SquadFixtures() {
    }

    /** A card of the role with a typical id for it (PROD-001, ARQ-001, FE-001…). */
    static CardSpec aCard(Role role) {
        return aCard(prefix(role) + "-001", role);
    }

    static CardSpec aCard(String id, Role role) {
        return CardSpec.builder(id, role).title("Payment initiation and settlement service")
                .description("Reserves funds, sends the payment order, posts to the ledger on settlement.")
                .priority(Priority.HIGH).build();
    }

    static String prefix(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> "PROD";
            case "ARCHITECTURE" -> "ARQ";
            case "FRONTEND" -> "FE";
            case "BACKEND" -> "BE";
            case "QA" -> "QA";
            default -> "INFRA";
        };
    }

    static WorkOrder anOrder(CardSpec card, int attempt, CorrectionRecord... corrections) {
        return anOrder(card, attempt, never(), corrections);
    }

    static WorkOrder anOrder(CardSpec card, int attempt, CancellationSignal signal, CorrectionRecord... corrections) {
        return new WorkOrder(card, attempt, card.id() + "/" + attempt + "/owner", SOFT, HARD, signal,
                List.of(corrections));
    }

    /** The correction that starts {@code attempt}, after a rejection with the given reasons. */
    static CorrectionRecord aCorrection(CardSpec card, int attempt, Diagnosis diagnosis, String context,
                                        String... reasons) {
        return new CorrectionRecord(card.id().correctionId(attempt), attempt,
                context == null ? CardStatus.REJECTED : CardStatus.AWAITING_HUMAN, List.of(reasons),
                Map.of("error-handling", "Specify timeouts and retries."), List.of(), diagnosis, context,
                Instant.parse("2030-01-01T00:00:00Z"));
    }

    static Diagnosis aDiagnosis() {
        return new Diagnosis("the owner's template has no error-handling section", List.of("Add the section first.",
                "Write it from the reviewer's advice."), Usage.ZERO);
    }

    static Submission aSubmission(CardSpec card, int attempt, String stage, List<Artifact> artifacts) {
        return aSubmission(card, attempt, stage, artifacts, never());
    }

    static Submission aSubmission(CardSpec card, int attempt, String stage, List<Artifact> artifacts,
                                  CancellationSignal signal) {
        return new Submission(card, attempt, stage, card.id() + "/" + attempt + "/" + stage, artifacts,
                List.<Verdict>of(), SOFT, HARD, signal);
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the call did not complete: " + e, e);
        }
    }

    static WorkResult perform(Squad squad, WorkOrder order) {
        return await(squad.agent(order.card().owner()).perform(order));
    }

    static CancellationSignal never() {
        return new ManualCancellation();
    }
}
