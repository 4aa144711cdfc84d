package dev.orquestra.testkit;

import static dev.orquestra.testkit.Fixtures.aBacklogOf;
import static dev.orquestra.testkit.Fixtures.aCard;
import static dev.orquestra.testkit.Fixtures.aSubmission;
import static dev.orquestra.testkit.Fixtures.aWorkOrder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Artifact;
import dev.orquestra.Backlog;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import org.junit.jupiter.api.Test;

class FixturesTest {

    @Test
    void cardsAreTitledAfterTheirIdAndOwnedByBackendUnlessARoleIsGiven() {
        CardSpec card = aCard("BE-2", "BE-1");
        assertThat(card.title()).isEqualTo("Card BE-2");
        assertThat(card.owner()).isEqualTo(Role.BACKEND);
        assertThat(card.dependencies()).containsExactly(CardId.of("BE-1"));
        assertThat(aCard("QA-1", Role.QA).owner()).isEqualTo(Role.QA);
    }

    @Test
    void aBacklogOfCountsFromOne() {
        Backlog backlog = aBacklogOf("T", 3);
        assertThat(backlog.cards()).extracting(c -> c.id().value()).containsExactly("T-1", "T-2", "T-3");
    }

    @Test
    void workOrdersAndSubmissionsCarryTheEnginesIdempotencyKeyShape() {
        CardSpec card = aCard("BE-1");
        assertThat(aWorkOrder(card, 2).idempotencyKey()).isEqualTo("BE-1/2/owner");
        assertThat(aWorkOrder(card, 2).cancellation().isCancelled()).isFalse();
        var submission = aSubmission(card, 1, "qa", Artifact.of("code", "a.java"));
        assertThat(submission.idempotencyKey()).isEqualTo("BE-1/1/qa");
        assertThat(submission.artifacts()).extracting(Artifact::location).containsExactly("a.java");
    }
}
