package dev.orquestra.testkit;

import dev.orquestra.Artifact;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.ValidationRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a card, as {@code orquestra.card(id)} reports it. Start from
 * {@link OrquestraAssertions#assertThat(CardReport)}:
 *
 * <pre>{@code
 * assertThat(orquestra.card(CardId.of("BE-001"))).isDone().tookAttempts(2).wasRejectedFor("error handling");
 * }</pre>
 *
 * A failure message names the card and shows what it has instead.
 */
public final class CardAssert extends AbstractAssert<CardAssert, CardReport> {

    CardAssert(CardReport actual) {
        super(actual, CardAssert.class);
    }

    /** The card is in this status. */
    public CardAssert hasStatus(CardStatus expected) {
        isNotNull();
        Objects.requireNonNull(expected, "expected");
        if (actual.status() != expected) {
            failWithMessage("Expected card %s to be %s but it is %s (attempt %d)", actual.id(), expected,
                    actual.status(), actual.attempt());
        }
        return this;
    }

    /** The card is DONE: approved and released to its dependents. */
    public CardAssert isDone() {
        return hasStatus(CardStatus.DONE);
    }

    /** The card is CANCELLED. */
    public CardAssert isCancelled() {
        return hasStatus(CardStatus.CANCELLED);
    }

    /** The card is ABORTED: rejected for good by a reviewer. */
    public CardAssert isAborted() {
        return hasStatus(CardStatus.ABORTED);
    }

    /** The card waits for a human: ESCALATED or AWAITING_HUMAN. */
    public CardAssert awaitsHuman() {
        isNotNull();
        if (!actual.escalationNeeded()) {
            failWithMessage("Expected card %s to await a human (ESCALATED or AWAITING_HUMAN) but it is %s",
                    actual.id(), actual.status());
        }
        return this;
    }

    /** The card is on this attempt (1 for a card that passed at once; 0 for one never queued). */
    public CardAssert tookAttempts(int expected) {
        isNotNull();
        if (actual.attempt() != expected) {
            failWithMessage("Expected card %s to have taken %d attempt(s) but it took %d", actual.id(), expected,
                    actual.attempt());
        }
        return this;
    }

    /** Some verdict on the card failed it with a reason that contains this text. */
    public CardAssert wasRejectedFor(String reasonPart) {
        isNotNull();
        Objects.requireNonNull(reasonPart, "reasonPart");
        boolean found = actual.validationHistory().stream().map(ValidationRecord::verdict)
                .filter(v -> !v.passed()).flatMap(v -> v.reasons().stream()).anyMatch(r -> r.contains(reasonPart));
        if (!found) {
            failWithMessage("Expected card %s to have been rejected for \"%s\" but its rejections were %s", actual.id(),
                    reasonPart, rejections());
        }
        return this;
    }

    /** No verdict on the card failed it. */
    public CardAssert wasNeverRejected() {
        isNotNull();
        if (!rejections().isEmpty()) {
            failWithMessage("Expected card %s never to have been rejected but its rejections were %s", actual.id(),
                    rejections());
        }
        return this;
    }

    /** The card went through this many corrections. */
    public CardAssert hasCorrections(int expected) {
        isNotNull();
        if (actual.corrections().size() != expected) {
            failWithMessage("Expected card %s to have %d correction(s) but it has %d: %s", actual.id(), expected,
                    actual.corrections().size(), actual.corrections());
        }
        return this;
    }

    /** The card holds this many human decisions. */
    public CardAssert hasDecisions(int expected) {
        isNotNull();
        if (actual.decisions().size() != expected) {
            failWithMessage("Expected card %s to have %d human decision(s) but it has %d: %s", actual.id(), expected,
                    actual.decisions().size(), actual.decisions());
        }
        return this;
    }

    /** The latest submitted attempt produced an artifact at this location. */
    public CardAssert hasArtifactAt(String location) {
        isNotNull();
        Objects.requireNonNull(location, "location");
        List<String> locations = actual.artifacts().stream().map(Artifact::location).toList();
        if (!locations.contains(location)) {
            failWithMessage("Expected card %s to have an artifact at %s but its artifacts are at %s", actual.id(),
                    location, locations);
        }
        return this;
    }

    /** Everything the card consumed cost exactly this many US dollars (compared by value: "0.10" equals "0.1"). */
    public CardAssert cost(String usd) {
        isNotNull();
        BigDecimal expected = new BigDecimal(usd);
        if (actual.usage().costUsd().compareTo(expected) != 0) {
            failWithMessage("Expected card %s to have cost %s USD but it cost %s USD", actual.id(), expected.toPlainString(),
                    actual.usage().costUsd().toPlainString());
        }
        return this;
    }

    private List<String> rejections() {
        return actual.validationHistory().stream().filter(r -> !r.verdict().passed())
                .map(r -> "attempt " + r.attempt() + " " + r.verdict().validator() + ": " + r.verdict().reasons()).toList();
    }
}
