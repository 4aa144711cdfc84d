package dev.orquestra.internal.engine;

import dev.orquestra.CardEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Hands persisted card events to subscribers. Each subscriber is an actor that calls the user's
 * listener, so a slow or failing listener never blocks a card, and events of one card arrive in the
 * order they were persisted. The events of one journal write reach a subscriber as one message: a card
 * persists several events at a time, and a message per event cost the engine an eighth of its CPU in
 * mailbox scheduling on an otherwise idle listener.
 */
public final class EventPublisher {

    /** The dispatcher subscribers run on (see reference.conf). */
    public static final String DISPATCHER = "orquestra.listener-dispatcher";

    /** The events of one write, in the order they were persisted. */
    public record Batch(List<? extends CardEvent> events) {
    }

    private final List<ActorRef<Batch>> subscribers = new CopyOnWriteArrayList<>();

    public void add(ActorRef<Batch> subscriber) {
        subscribers.add(subscriber);
    }

    public void remove(ActorRef<Batch> subscriber) {
        subscribers.remove(subscriber);
    }

    public void publish(List<? extends CardEvent> events) {
        if (events.isEmpty() || subscribers.isEmpty()) {
            return;
        }
        Batch batch = new Batch(List.copyOf(events));
        for (ActorRef<Batch> s : subscribers) {
            s.tell(batch);
        }
    }
}
