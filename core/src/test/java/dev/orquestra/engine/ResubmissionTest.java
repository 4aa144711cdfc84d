package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.WAIT;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Resubmission;
import dev.orquestra.Role;
import dev.orquestra.testkit.ScriptedAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A backlog submitted to a store that already holds one: the same resumes, a different one is refused or extends it. */
class ResubmissionTest {

    private static final List<CardSpec> CARDS = List.of(aCard("BE-1"), aCard("BE-2", "BE-1"), aCard("BE-3", "BE-2"));
    private static final Backlog BACKLOG = Backlog.of("resubmit", CARDS);

    private final InMemoryStore store = InMemoryStore.serializing();
    private final ScriptedAgent agent = new ScriptedAgent();

    private Orquestra engine() {
        return Orquestra.builder().name("resubmit").store(store).owners(Role.BACKEND, agent, 2)
                .shutdownTimeout(Duration.ofSeconds(10)).build();
    }

    private void firstRun() {
        try (Orquestra o = engine()) {
            assertThat(o.submit(BACKLOG)).isEqualTo(3);
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
        }
    }

    @Test
    void theStoredBacklogSubmittedAgainResumesTheRunAndAddsNothing() {
        firstRun();
        try (Orquestra o = engine()) {
            assertThat(o.submit(BACKLOG)).as("the README's pattern, run a second time").isZero();
            assertThat(o.submit(BACKLOG, Resubmission.ADD_NEW_CARDS)).isZero();
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(3);
            assertThat(o.backlog()).contains(BACKLOG);
        }
        assertThat(agent.cardsCalled()).as("no card ran twice").hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void aSecondSubmitToTheSameEngineIsTheSameAsToARestartedOne() {
        try (Orquestra o = engine()) {
            assertThat(o.submit(BACKLOG)).isEqualTo(3);
            assertThat(o.submit(BACKLOG)).isZero();
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(3);
        }
    }

    @Test
    void aDifferentBacklogIsRefusedWithEveryDifferenceAndNothingIsAdded() {
        firstRun();
        List<CardSpec> changed = new ArrayList<>(List.of(aCard("BE-1"),
                CardSpec.builder("BE-2", Role.BACKEND).title("another title").dependsOn("BE-1").build()));
        changed.add(aCard("BE-9", "BE-1"));
        changed.add(aCard("BE-10"));
        try (Orquestra o = engine()) {
            assertThatThrownBy(() -> o.submit(Backlog.of("renamed", changed)))
                    .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems()).hasSize(4)
                            .allSatisfy(p -> assertThat(p.where()).isEqualTo("backlog"))
                            .extracting(p -> p.message()).containsExactly(
                                    "not the backlog this store holds ('resubmit', 3 cards): project 'renamed' instead of 'resubmit'",
                                    "not the backlog this store holds ('resubmit', 3 cards): 1 of the stored backlog's card is not in it: BE-3",
                                    "not the backlog this store holds ('resubmit', 3 cards): 2 cards are not in the stored backlog: BE-9, BE-10",
                                    "not the backlog this store holds ('resubmit', 3 cards): 1 card is specified differently: BE-2 (title)"));
            assertThatThrownBy(() -> o.submit(Backlog.of("resubmit", changed), Resubmission.ADD_NEW_CARDS))
                    .as("adding new cards still refuses changed and missing ones, and does not list the new ones")
                    .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems())
                            .extracting(p -> p.message()).containsExactly(
                                    "not the backlog this store holds ('resubmit', 3 cards): 1 of the stored backlog's card is not in it: BE-3",
                                    "not the backlog this store holds ('resubmit', 3 cards): 1 card is specified differently: BE-2 (title)"));
            assertThat(o.backlog()).contains(BACKLOG);
            assertThat(o.status().totalCards()).isEqualTo(3);
        }
    }

    @Test
    void addNewCardsAddsWhatTheStoredBacklogLacksAndRunsIt() {
        firstRun();
        List<CardSpec> extended = new ArrayList<>(CARDS);
        extended.add(aCard("BE-4", "BE-3"));
        extended.add(aCard("BE-5"));
        Backlog bigger = Backlog.of("resubmit", extended);
        try (Orquestra o = engine()) {
            assertThatThrownBy(() -> o.submit(bigger)).as("the default refuses it")
                    .hasMessageContaining("2 cards are not in the stored backlog: BE-4, BE-5");
            assertThat(o.submit(bigger, Resubmission.ADD_NEW_CARDS)).isEqualTo(2);
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(5);
            assertThat(o.cardState(CardId.of("BE-4")).status()).isEqualTo(CardStatus.DONE);
            assertThat(o.submit(bigger)).as("now it is the stored backlog").isZero();
        }
    }
}
