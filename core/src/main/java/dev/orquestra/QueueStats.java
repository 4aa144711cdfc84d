package dev.orquestra;

/**
 * The figures of one queue: an owner role ({@code owner-BACKEND}), a check ({@code check-qa}) or the
 * debugger.
 *
 * @param queue   the queue's name
 * @param queued  calls waiting for a worker
 * @param running calls in progress
 * @param workers the queue's concurrency limit
 */
public record QueueStats(String queue, int queued, int running, int workers) {
}
