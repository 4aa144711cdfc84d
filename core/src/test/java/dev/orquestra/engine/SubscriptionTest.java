package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.awaitTrue;
import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Role;
import dev.orquestra.testkit.ScriptedAgent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Listeners: every persisted event, in order per card, and a slow or failing listener never holds a card. */
class SubscriptionTest {

    private static CardSpec[] cards(int n) {
        CardSpec[] cards = new CardSpec[n];
        for (int i = 0; i < n; i++) {
            cards[i] = aCard("S-" + i);
        }
        return cards;
    }

    @Test
    void aBlockedListenerHoldsNoCardAndThenSeesEveryEventInOrder() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<CardEvent> seen = new CopyOnWriteArrayList<>();
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 3).build()) {
            o.subscribe(event -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(event);
            });
            o.submit(aBacklog(cards(200)));
            // every card finishes while the listener is stuck in its first event
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(200);
            assertThat(seen).isEmpty();

            release.countDown();
            Map<CardId, List<CardEvent>> journal = new LinkedHashMap<>();
            int total = 0;
            for (int i = 0; i < 200; i++) {
                CardId id = CardId.of("S-" + i);
                journal.put(id, o.history(id));
                total += journal.get(id).size();
            }
            int expected = total;
            awaitTrue(() -> seen.size() == expected);
            for (Map.Entry<CardId, List<CardEvent>> e : journal.entrySet()) {
                List<CardEvent> ofCard = new ArrayList<>();
                for (CardEvent event : seen) {
                    if (event.cardId().equals(e.getKey())) {
                        ofCard.add(event);
                    }
                }
                assertThat(ofCard).as("events of %s as the listener saw them", e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aListenerThatThrowsKeepsReceivingTheRestOfAWrite() {
        AtomicInteger calls = new AtomicInteger();
        List<CardEvent> seen = new CopyOnWriteArrayList<>();
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 1).build()) {
            o.subscribe(event -> {
                if (calls.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("listener bug");
                }
                seen.add(event);
            });
            o.submit(aBacklog(cards(5)));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            int total = 0;
            for (int i = 0; i < 5; i++) {
                total += o.history(CardId.of("S-" + i)).size();
            }
            int expected = total;
            awaitTrue(() -> calls.get() == expected);
            assertThat(seen).hasSize(expected / 2);
        }
    }
}
