package dev.orquestra.internal.dispatch;

import org.apache.pekko.actor.typed.ActorRef;

/** Delivers a worker's claim to the card that queued the item, wherever (and whether) it is in memory. */
@FunctionalInterface
public interface ClaimRouter {

    void claim(WorkItem item, long claim, ActorRef<ClaimAnswer> replyTo);
}
