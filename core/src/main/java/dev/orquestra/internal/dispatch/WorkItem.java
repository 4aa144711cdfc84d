package dev.orquestra.internal.dispatch;

import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One call waiting for a worker.
 *
 * @param key          the idempotency key, {@code cardId/attempt/stage}; one queued item per key
 * @param callId       distinguishes this call from earlier calls with the same key (retries)
 * @param priority     the card's priority weight
 * @param criticalPath the card's critical-path length
 * @param enqueuedAt   when the work became due (persisted, so order survives a restart)
 * @param ordinal      the card's position in its backlog: breaks ties between items due at the same instant
 * @param call         invokes the agent, validator or debugger
 * @param replyTo      receives the {@link CallReport}s
 */
public record WorkItem(String key, long callId, int priority, int criticalPath, Instant enqueuedAt, long ordinal,
                       Function<CallContext, CompletionStage<?>> call, ActorRef<CallReport> replyTo) {
}
