package dev.orquestra.testkit;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static dev.orquestra.testkit.OrquestraAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The card assertions against cards a real engine ran, and what their failures say. */
class CardAssertTest {

    private Orquestra orquestra;

    @BeforeEach
    void run() {
        ScriptedValidator judge = ScriptedValidator.passing().rejecting("BE-2", 1, "missing error handling");
        orquestra = Orquestra.builder().store(InMemoryStore.create()).owners(Role.BACKEND, new ScriptedAgent(), 2)
                .pipeline(Pipeline.defaults(ScriptedValidator.passing(), judge, ScriptedValidator.passing())).build();
        orquestra.submit(aBacklog(aCard("BE-1"), aCard("BE-2", "BE-1")));
        org.assertj.core.api.Assertions.assertThat(orquestra.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
    }

    @AfterEach
    void close() {
        orquestra.close();
    }

    private CardReport card(String id) {
        return orquestra.card(CardId.of(id));
    }

    @Test
    void aCardThatPassedAtOnceAndOneThatWasCorrected() {
        assertThat(card("BE-1")).isDone().tookAttempts(1).wasNeverRejected().hasCorrections(0).hasDecisions(0)
                .hasArtifactAt("engenharia/backend/BE-1.java").cost("0");
        assertThat(card("BE-2")).isDone().tookAttempts(2).wasRejectedFor("error handling").hasCorrections(1);
    }

    @Test
    void aFailedAssertionNamesTheCardAndWhatItHas() {
        assertThatThrownBy(() -> assertThat(card("BE-2")).tookAttempts(1)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("card BE-2").hasMessageContaining("took 2");
        assertThatThrownBy(() -> assertThat(card("BE-1")).isCancelled()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("card BE-1 to be CANCELLED but it is DONE");
        assertThatThrownBy(() -> assertThat(card("BE-1")).wasRejectedFor("anything")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("its rejections were []");
        assertThatThrownBy(() -> assertThat(card("BE-2")).wasNeverRejected()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing error handling");
        assertThatThrownBy(() -> assertThat(card("BE-1")).awaitsHuman()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("but it is DONE");
        assertThatThrownBy(() -> assertThat(card("BE-1")).cost("0.10")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("cost 0.10 USD but it cost 0 USD");
    }
}
