package dev.orquestra.engine;

import static org.awaitility.Awaitility.await;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Small helpers shared by the engine tests. */
final class Engines {

    static final Duration WAIT = Duration.ofSeconds(20);

    private Engines() {
    }

    /** A builder on a serializing in-memory store, so every event round-trips through CBOR. */
    static OrquestraBuilder engine() {
        return Orquestra.builder().store(InMemoryStore.serializing()).shutdownTimeout(Duration.ofSeconds(10));
    }

    static void awaitStatus(Orquestra o, String card, CardStatus status) {
        await().atMost(WAIT).until(() -> o.cardState(CardId.of(card)).status() == status);
    }

    static <T> void awaitTrue(Supplier<Boolean> condition) {
        await().atMost(WAIT).until(condition::get);
    }

    static List<String> eventNames(Orquestra o, String card) {
        return o.history(CardId.of(card)).stream().map(CardEvent::name).toList();
    }
}
