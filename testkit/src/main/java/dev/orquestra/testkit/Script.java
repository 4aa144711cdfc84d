package dev.orquestra.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What a scripted agent or validator answers, in this order: a held call for the card, then a failure
 * still owed to the card, then the answer for the card's attempt, then the default answer. Records every
 * call and how many ran at once. Thread-safe.
 */
final class Script<C, R> {

    private final Function<C, String> cardOf;
    private final ToIntFunction<C> attemptOf;
    private final Map<String, Deque<Hold<C, R>>> holds = new HashMap<>(); // guarded by this
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, Function<C, CompletionStage<R>>> byAttempt = new ConcurrentHashMap<>();
    private final List<C> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile Function<C, CompletionStage<R>> otherwise;

    Script(Function<C, String> cardOf, ToIntFunction<C> attemptOf, Function<C, CompletionStage<R>> otherwise) {
        this.cardOf = cardOf;
        this.attemptOf = attemptOf;
        this.otherwise = otherwise;
    }

    void otherwise(Function<C, CompletionStage<R>> answer) {
        this.otherwise = Objects.requireNonNull(answer, "answer");
    }

    void on(String cardId, int attempt, Function<C, CompletionStage<R>> answer) {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(answer, "answer");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, was " + attempt + " for card " + cardId);
        }
        byAttempt.put(cardId + "#" + attempt, answer);
    }

    void failing(String cardId, int times) {
        Objects.requireNonNull(cardId, "cardId");
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative, was " + times + " for card " + cardId);
        }
        failures.put(cardId, new AtomicInteger(times));
    }

    Hold<C, R> hold(String cardId) {
        Objects.requireNonNull(cardId, "cardId");
        Hold<C, R> hold = new Hold<>(cardId);
        synchronized (this) {
            holds.computeIfAbsent(cardId, k -> new ArrayDeque<>()).addLast(hold);
        }
        return hold;
    }

    CompletionStage<R> call(C received) {
        calls.add(received);
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        CompletionStage<R> result;
        try {
            result = answer(received);
        } catch (RuntimeException | Error e) {
            running.decrementAndGet();
            throw e;
        }
        return result.whenComplete((r, e) -> running.decrementAndGet());
    }

    private CompletionStage<R> answer(C received) {
        String card = cardOf.apply(received);
        Hold<C, R> hold;
        synchronized (this) {
            Deque<Hold<C, R>> waiting = holds.get(card);
            hold = waiting == null ? null : waiting.pollFirst();
        }
        if (hold != null) {
            return hold.take(received);
        }
        AtomicInteger owed = failures.get(card);
        if (owed != null) {
            int left = owed.getAndUpdate(n -> Math.max(0, n - 1));
            if (left > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("scripted failure of card " + card
                        + " (" + (left - 1) + " more to come)"));
            }
        }
        Function<C, CompletionStage<R>> scripted = byAttempt.get(card + "#" + attemptOf.applyAsInt(received));
        return (scripted != null ? scripted : otherwise).apply(received);
    }

    List<C> calls() {
        return List.copyOf(calls);
    }

    List<C> callsFor(String cardId) {
        return calls.stream().filter(c -> cardOf.apply(c).equals(cardId)).toList();
    }

    int running() {
        return running.get();
    }

    int maxRunning() {
        return maxRunning.get();
    }
}
