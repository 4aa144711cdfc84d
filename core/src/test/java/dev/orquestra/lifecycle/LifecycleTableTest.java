package dev.orquestra.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.CardTransition;
import dev.orquestra.internal.lifecycle.CardRecording;
import dev.orquestra.IllegalTransitionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lifecycle table, transition by transition: every legal move is made by a real event, every
 * other pair is refused, and the class fails when a row of {@link CardTransition} is never exercised.
 */
class LifecycleTableTest {

    /** Transitions the scenarios below actually made; checked against the table after all tests. */
    private static final Set<CardTransition> EXERCISED = EnumSet.noneOf(CardTransition.class);

    /** The real-life moves: from a status, the event that makes the move. Written by hand, on purpose. */
    static Stream<Arguments> legalMoves() {
        return Stream.of(
                Arguments.of(CardStatus.TODO, EventKind.QUEUED),
                Arguments.of(CardStatus.TODO, EventKind.CANCELLED),
                Arguments.of(CardStatus.QUEUED, EventKind.WORK_STARTED),
                Arguments.of(CardStatus.QUEUED, EventKind.CANCELLED),
                Arguments.of(CardStatus.IN_PROGRESS, EventKind.WORK_SUBMITTED),
                Arguments.of(CardStatus.IN_PROGRESS, EventKind.FAILED),
                Arguments.of(CardStatus.VALIDATING, EventKind.APPROVED),
                Arguments.of(CardStatus.VALIDATING, EventKind.REJECTED),
                Arguments.of(CardStatus.FAILED, EventKind.CORRECTION_STARTED),
                Arguments.of(CardStatus.FAILED, EventKind.ESCALATED),
                Arguments.of(CardStatus.REJECTED, EventKind.CORRECTION_STARTED),
                Arguments.of(CardStatus.REJECTED, EventKind.ESCALATED),
                Arguments.of(CardStatus.CORRECTING, EventKind.QUEUED),
                Arguments.of(CardStatus.ESCALATED, EventKind.REVIEW_REQUESTED),
                Arguments.of(CardStatus.AWAITING_HUMAN, EventKind.APPROVE_OVERRIDE),
                Arguments.of(CardStatus.AWAITING_HUMAN, EventKind.REJECT_PERMANENTLY),
                Arguments.of(CardStatus.AWAITING_HUMAN, EventKind.REQUEST_CLARIFICATION),
                Arguments.of(CardStatus.APPROVED, EventKind.COMPLETED));
    }

    @ParameterizedTest(name = "{0} --{1}--> legal")
    @MethodSource("legalMoves")
    void legalMoveIsApplied(CardStatus from, EventKind kind) {
        CardState before = LifecyclePaths.stateIn(from);
        CardState after = before.apply(kind.make(before, LifecyclePaths.later(before)));

        CardStatus expected = kind.target().orElseThrow();
        assertThat(after.status()).isEqualTo(expected);
        CardTransition transition = CardTransition.between(from, expected).orElseThrow();
        EXERCISED.add(transition);
    }

    static Stream<Arguments> illegalPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (CardStatus from : CardStatus.values()) {
            for (EventKind kind : EventKind.values()) {
                kind.target().filter(to -> !from.canTransitionTo(to)).ifPresent(to -> pairs.add(Arguments.of(from, to, kind)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} by {2} is refused")
    @MethodSource("illegalPairs")
    void illegalPairIsRefused(CardStatus from, CardStatus to, EventKind kind) {
        CardState before = LifecyclePaths.stateIn(from);
        CardEvent event = kind.make(before, LifecyclePaths.later(before));

        assertThatThrownBy(() -> before.apply(event))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(from.name())
                .satisfies(e -> assertThat(((IllegalTransitionException) e).from()).isEqualTo(from));
    }

    @Test
    void everyIllegalPairHasAnEventThatWouldAttemptIt() {
        // Every status except TODO is the target of some event kind, so every illegal pair (from, to)
        // with to != TODO is attempted by illegalPairIsRefused. Nothing moves a card back to TODO.
        Set<CardStatus> targets = EnumSet.noneOf(CardStatus.class);
        Arrays.stream(EventKind.values()).forEach(k -> k.target().ifPresent(targets::add));
        assertThat(targets).containsExactlyInAnyOrderElementsOf(EnumSet.complementOf(EnumSet.of(CardStatus.TODO)));
    }

    static Stream<Arguments> recordingEventsInEveryStatus() {
        List<Arguments> all = new ArrayList<>();
        EventKind.recordingEventsAllowedIn().forEach((kind, allowed) -> {
            for (CardStatus s : CardStatus.values()) {
                all.add(Arguments.of(kind, s, allowed.contains(s)));
            }
        });
        return all.stream();
    }

    @Test
    void theRecordingRulesInCodeAreTheSpecsOnes() {
        Map<String, List<CardStatus>> code = new java.util.TreeMap<>();
        for (CardRecording r : CardRecording.values()) {
            code.put(r.eventName(), r.allowedIn());
        }
        Map<String, List<CardStatus>> spec = new java.util.TreeMap<>();
        EventKind.recordingEventsAllowedIn().forEach((kind, allowed) ->
                spec.put(kind.make(LifecyclePaths.stateIn(allowed.get(0)), LifecyclePaths.later(
                        LifecyclePaths.stateIn(allowed.get(0)))).name(), allowed));
        assertThat(code).isEqualTo(spec);
    }

    @ParameterizedTest(name = "{0} in {1}: allowed={2}")
    @MethodSource("recordingEventsInEveryStatus")
    void recordingEventsFitOnlyTheirStatuses(EventKind kind, CardStatus status, boolean allowed) {
        CardState before = LifecyclePaths.stateIn(status);
        CardEvent event = kind.make(before, LifecyclePaths.later(before));
        if (allowed) {
            assertThat(before.apply(event).status()).isEqualTo(status);
        } else {
            assertThatThrownBy(() -> before.apply(event)).isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining(event.name() + " is only allowed in");
        }
    }

    @Test
    void terminalStatusesHaveNoSuccessors() {
        for (CardStatus s : CardStatus.values()) {
            assertThat(s.successors().isEmpty()).as(s.name()).isEqualTo(s.isTerminal());
        }
    }

    @Test
    void correctionBeyondTheAttemptLimitIsRefused() {
        CardState state = LifecyclePaths.stateIn(CardStatus.REJECTED);
        Instant at = LifecyclePaths.later(state);
        for (int attempt = 2; attempt <= LifecyclePaths.MAX_ATTEMPTS; attempt++) {
            state = state.apply(EventKind.CORRECTION_STARTED.make(state, at));
            state = state.apply(EventKind.QUEUED.make(state, at));
            state = state.apply(EventKind.WORK_STARTED.make(state, at));
            state = state.apply(EventKind.WORK_SUBMITTED.make(state, at));
            state = state.apply(EventKind.REJECTED.make(state, at));
        }
        assertThat(state.attempt()).isEqualTo(3);
        assertThat(state.hasAttemptsLeft()).isFalse();

        CardState exhausted = state;
        assertThatThrownBy(() -> exhausted.apply(EventKind.CORRECTION_STARTED.make(exhausted, at)))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("attempts exhausted (3 of 3)");

        // A reviewer's clarification grants one more attempt.
        CardState escalated = exhausted.apply(EventKind.ESCALATED.make(exhausted, at));
        CardState awaiting = escalated.apply(EventKind.REVIEW_REQUESTED.make(escalated, at));
        CardState clarified = awaiting.apply(EventKind.REQUEST_CLARIFICATION.make(awaiting, at));
        assertThat(clarified.attempt()).isEqualTo(4);
        assertThat(clarified.attemptLimit()).isEqualTo(4);
        assertThat(clarified.corrections()).last().satisfies(c -> {
            assertThat(c.id()).isEqualTo("ARQ-001-CORR-4");
            assertThat(c.cause()).isEqualTo(CardStatus.AWAITING_HUMAN);
            assertThat(c.context()).isEqualTo("reviewed");
        });
    }

    @Test
    void workStartedMustMatchTheCurrentAttempt() {
        CardState queued = LifecyclePaths.stateIn(CardStatus.QUEUED);
        CardEvent wrong = new CardEvent.WorkStarted(queued.cardId(), LifecyclePaths.later(queued), 2);
        assertThatThrownBy(() -> queued.apply(wrong)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("attempt 2 but the card is on attempt 1");
    }

    @Test
    void correctionMustStartTheNextAttempt() {
        CardState rejected = LifecyclePaths.stateIn(CardStatus.REJECTED);
        CardEvent skip = new CardEvent.CorrectionStarted(rejected.cardId(), LifecyclePaths.later(rejected), 3,
                List.of(), java.util.Map.of(), null);
        assertThatThrownBy(() -> rejected.apply(skip)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("starts attempt 2, not 3");
    }

    @Test
    void eventOfAnotherCardIsRefused() {
        CardState todo = LifecyclePaths.stateIn(CardStatus.TODO);
        CardEvent other = new CardEvent.Queued(CardId.of("BE-009"), LifecyclePaths.later(todo));
        assertThatThrownBy(() -> todo.apply(other)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("belongs to card BE-009");
    }

    @Test
    void refusedEventLeavesTheStateUntouched() {
        CardState done = LifecyclePaths.stateIn(CardStatus.DONE);
        CardState copy = done;
        assertThatThrownBy(() -> done.apply(EventKind.QUEUED.make(done, LifecyclePaths.later(done))))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(done).isEqualTo(copy);
    }

    @AfterAll
    static void everyLegalTransitionWasExercised() {
        assertThat(EXERCISED)
                .as("rows of CardTransition that no scenario exercised; add a scenario to legalMoves()")
                .containsExactlyInAnyOrder(CardTransition.values());
    }
}
