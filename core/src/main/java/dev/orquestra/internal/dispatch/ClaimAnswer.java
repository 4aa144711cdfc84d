package dev.orquestra.internal.dispatch;

import org.apache.pekko.actor.typed.ActorRef;

/** A card's answer to a worker that claims one of its work items. */
public sealed interface ClaimAnswer {

    /** The worker's number for the claim, so that a late answer to an abandoned claim is recognised. */
    long claim();

    /**
     * Run it.
     *
     * @param callId   the card's id for this call; every report carries it
     * @param call     what to call, for the dispatcher's {@link CallInvoker}
     * @param reportTo receives the {@link CallReport}s
     */
    record Run(long claim, long callId, Object call, ActorRef<CallReport> reportTo) implements ClaimAnswer {
    }

    /** The card no longer wants this work (it moved on, was cancelled, or already runs it). */
    record Decline(long claim, String reason) implements ClaimAnswer {
    }
}
