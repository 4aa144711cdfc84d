package dev.orquestra.internal.dispatch;

import dev.orquestra.spi.CancellationSignal;
import java.time.Instant;

/** What a worker gives a call: its deadlines and cancellation signal. */
public record CallContext(Instant softDeadline, Instant deadline, CancellationSignal cancellation) {
}
