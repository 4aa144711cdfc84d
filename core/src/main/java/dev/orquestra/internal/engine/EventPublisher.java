package dev.orquestra.internal.engine;

import dev.orquestra.CardEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Hands persisted card events to subscribers. Each subscriber is an actor that calls the user's
 * listener, so a slow or failing listener never blocks a card, and events of one card arrive in the
 * order they were persisted.
 */
public final class EventPublisher {

    private final List<ActorRef<CardEvent>> subscribers = new CopyOnWriteArrayList<>();

    public void add(ActorRef<CardEvent> subscriber) {
        subscribers.add(subscriber);
    }

    public void remove(ActorRef<CardEvent> subscriber) {
        subscribers.remove(subscriber);
    }

    public void publish(List<? extends CardEvent> events) {
        for (ActorRef<CardEvent> s : subscribers) {
            for (CardEvent e : events) {
                s.tell(e);
            }
        }
    }
}
