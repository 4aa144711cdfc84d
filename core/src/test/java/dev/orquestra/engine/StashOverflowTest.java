package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.card;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.testkit.ProbeAgent;
import dev.orquestra.testkit.Verdicts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Cards report to the orchestrator while it writes to the journal; those reports wait in its stash.
 * When more arrive than the stash holds, the engine must not lose them: with Pekko's default overflow
 * strategy (drop) the dropped updates left cards unsettled forever and the run never became quiescent.
 * Here the stash is made tiny so that it overflows again and again; the engine's own setting is a
 * million. An overflowing actor restarts, recovers, and the orchestrator wakes its cards, which may
 * call their agents again with the same idempotency key (at least once); nothing is approved twice.
 */
class StashOverflowTest {

    @Test
    void aRunWhoseStashesOverflowStillSettlesEveryCardExactlyOnce() {
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            cards.add(card("SO-" + i));
        }
        ProbeAgent agent = new ProbeAgent();
        InMemoryStore store = InMemoryStore.serializing();
        try (Orquestra o = Orquestra.builder().store(store).shutdownTimeout(Duration.ofSeconds(10)).name("stash-overflow")
                .config(ConfigFactory.parseString("pekko.persistence.typed.stash-capacity = 64"))
                .owners(Role.BACKEND, agent, 8)
                .pipeline(Pipeline.defaults(Verdicts.passing(), Verdicts.passing(), Verdicts.passing())).build()) {
            o.submit(Backlog.of("overflow", cards));

            assertThat(o.awaitQuiescence(Duration.ofSeconds(90))).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(300);
            // the orchestrator's stash did overflow: it restarted and recovered at least once
            assertThat(store.replayStarts("orchestrator|stash-overflow")).hasSizeGreaterThan(1);
            Set<String> approved = new HashSet<>();
            for (JournalReader.JournalEntry e : o.events(0, 100_000)) {
                if (e.event() instanceof CardEvent.Approved a) {
                    assertThat(approved.add(a.cardId().value())).as("approved twice: " + a.cardId()).isTrue();
                }
            }
            assertThat(approved).hasSize(300);
        }
    }
}
