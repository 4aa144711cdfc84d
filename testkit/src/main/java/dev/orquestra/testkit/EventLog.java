package dev.orquestra.testkit;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Collects the events a subscription delivers. */
public final class EventLog implements Consumer<CardEvent> {

    private final List<CardEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void accept(CardEvent e) {
        events.add(e);
    }

    public List<CardEvent> all() {
        return List.copyOf(events);
    }

    public List<CardEvent> of(String cardId) {
        CardId id = CardId.of(cardId);
        return events.stream().filter(e -> e.cardId().equals(id)).toList();
    }

    public List<String> namesOf(String cardId) {
        return of(cardId).stream().map(CardEvent::name).toList();
    }

    public <T extends CardEvent> List<T> ofType(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
