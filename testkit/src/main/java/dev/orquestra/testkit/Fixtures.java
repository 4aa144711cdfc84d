package dev.orquestra.testkit;

import dev.orquestra.Artifact;
import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.WorkOrder;
import java.time.Instant;
import java.util.List;

/**
 * Test objects: cards, backlogs, and the work orders and submissions the engine hands to agents and
 * validators, for testing one of yours without an engine. A card made here is titled after its id and
 * owned by {@link Role#BACKEND} unless the call names a role.
 *
 * <pre>{@code
 * Backlog backlog = aBacklog(aCard("BE-001"), aCard("BE-002", "BE-001"));
 * WorkResult result = myAgent.perform(aWorkOrder(aCard("BE-001"), 1)).toCompletableFuture().join();
 * }</pre>
 */
public final class Fixtures {

    /** The soft deadline of the work orders and submissions made here. */
    public static final Instant SOFT_DEADLINE = Instant.parse("2030-01-01T00:50:00Z");
    /** The deadline of the work orders and submissions made here. */
    public static final Instant DEADLINE = Instant.parse("2030-01-01T01:00:00Z");

    private Fixtures() {
    }

    /** A BACKEND card that depends on the given cards. */
    public static CardSpec aCard(String id, String... dependencies) {
        return aCard(id, Role.BACKEND, dependencies);
    }

    /** A card of the role that depends on the given cards. */
    public static CardSpec aCard(String id, Role role, String... dependencies) {
        return CardSpec.builder(id, role).title("Card " + id).dependsOn(dependencies).build();
    }

    /** A backlog of project {@code test} holding the given cards, in order. */
    public static Backlog aBacklog(CardSpec... cards) {
        return Backlog.of("test", List.of(cards));
    }

    /** {@code count} independent BACKEND cards, {@code <prefix>-1} to {@code <prefix>-<count>}, in a backlog of project {@code test}. */
    public static Backlog aBacklogOf(String prefix, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        CardSpec[] cards = new CardSpec[count];
        for (int i = 0; i < count; i++) {
            cards[i] = aCard(prefix + "-" + (i + 1));
        }
        return aBacklog(cards);
    }

    /** The owner's work order for the given attempt of the card, with no correction and a signal never cancelled. */
    public static WorkOrder aWorkOrder(CardSpec card, int attempt) {
        return new WorkOrder(card, attempt, card.id() + "/" + attempt + "/owner", SOFT_DEADLINE, DEADLINE,
                new ManualCancellation(), List.of());
    }

    /** A submission of the given attempt's artifacts to the named stage, with no earlier verdicts. */
    public static Submission aSubmission(CardSpec card, int attempt, String stage, Artifact... artifacts) {
        return new Submission(card, attempt, stage, card.id() + "/" + attempt + "/" + stage, List.of(artifacts),
                List.<Verdict>of(), SOFT_DEADLINE, DEADLINE, new ManualCancellation());
    }
}
