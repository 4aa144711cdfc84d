package dev.orquestra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.scale.ScaleRun;
import dev.orquestra.spi.JournalReader;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A backlog of 20,000 cards on the in-memory journal runs to quiescence, every card approved exactly
 * once, and every card has left memory once it is over. A stall fails the test with the progress it saw and a thread dump (the bound is generous: this
 * is not a speed test).
 */
class ScaleTest {

    @Test
    void twentyThousandCardsRunToTheEnd() {
        InMemoryStore store = InMemoryStore.create();
        try (Orquestra o = ScaleRun.engine(Orquestra.builder().name("scale").store(store)).checkpointEvery(0).build()) {
            BacklogStatus end = ScaleRun.runToQuiescence(o, ScaleRun.backlog(20_000), Duration.ofMinutes(10));
            assertThat(end.count(CardStatus.DONE)).isEqualTo(20_000);
            Set<String> approved = new HashSet<>();
            long offset = 0;
            while (true) {
                List<JournalReader.JournalEntry> page = o.events(offset, 50_000);
                for (JournalReader.JournalEntry e : page) {
                    if (e.event() instanceof CardEvent.Approved a) {
                        assertThat(approved.add(a.cardId().value())).as("approved twice: " + a.cardId()).isTrue();
                    }
                    offset = e.offset();
                }
                if (page.size() < 50_000) {
                    break;
                }
            }
            assertThat(approved).hasSize(20_000);
            // finished cards leave memory: what a run leaves behind is bounded, not a card actor per card
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(o.cardsInMemory()).isZero());
        }
    }
}
