package dev.orquestra.internal.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What every queue of an engine shares: the clock, the aging of waiting work, the time limits of a
 * call, how long a worker waits for a card to answer its claim, and how claims and calls are made.
 *
 * @param claimTimeout how long a worker waits for a card's answer before it puts the item back in its
 *                     queue (a card whose journal is down answers late or not at all)
 */
public record DispatchSettings(Clock clock, Duration aging, Duration softLimit, Duration hardLimit,
                               Duration claimTimeout, ClaimRouter router, CallInvoker invoker) {

    public DispatchSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(aging, "aging");
        Objects.requireNonNull(softLimit, "softLimit");
        Objects.requireNonNull(hardLimit, "hardLimit");
        Objects.requireNonNull(claimTimeout, "claimTimeout");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(invoker, "invoker");
    }
}
