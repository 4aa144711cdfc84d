package dev.orquestra.persistence.crash;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The dice of one simulated call: every number is a pure function of {@code (seed, cardId, attempt,
 * stage)} and the name of the decision, never of time, threads, call order, retries or crashes. That
 * is what lets the crash test demand that a killed-and-resumed run ends exactly like an
 * uninterrupted one.
 *
 * <p>Strings are hashed with 64-bit FNV-1a over UTF-8 (stable across JVMs, unlike
 * {@link String#hashCode()}) and mixed with the SplitMix64 finalizer. Attempt {@code 0} stands for
 * the card itself: traits that hold on every attempt (a cursed card, its weak spot, its place in the
 * backlog) are rolled with attempt 0.
 */
final class CallDice {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;
    private static final double UNIT = 0x1.0p-53;

    private final long key;

    private CallDice(long key) {
        this.key = key;
    }

    static CallDice of(long seed, String cardId, int attempt, String stage) {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(stage, "stage");
        long h = mix(seed);
        h = mix(h ^ fnv(cardId));
        h = mix(h ^ (attempt * GOLDEN_GAMMA));
        h = mix(h ^ fnv(stage));
        return new CallDice(h);
    }

    /** A number in [0, 1) for the named decision, independent of every other decision's. */
    double uniform(String decision) {
        return (mix(key ^ mix(fnv(decision) + GOLDEN_GAMMA)) >>> 11) * UNIT;
    }

    /** True with probability {@code p}. */
    boolean chance(String decision, double p) {
        return uniform(decision) < p;
    }

    /** An integer from {@code min} to {@code max}, both included. */
    int between(String decision, int min, int max) {
        return min + (int) Math.floor(uniform(decision) * (max - min + 1));
    }

    /** A 64-bit fingerprint of the decision, for content hashes. */
    long fingerprint(String decision) {
        return mix(key ^ fnv(decision));
    }

    private static long fnv(String text) {
        long h = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
