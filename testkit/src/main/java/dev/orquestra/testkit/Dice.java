package dev.orquestra.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Deterministic randomness for simulated agents and validators: every number a {@code Dice} gives is
 * a pure function of {@code (seed, cardId, attempt, stage)} and of the names of the decisions asked
 * for, never of time, thread, call order or retry count. That is what makes a simulated run
 * reproducible, and a run that was killed and resumed end exactly like one that was not (the example
 * app's simulated squad and Orquestra's crash tests roll these dice).
 *
 * <pre>{@code
 * Dice dice = Dice.of(seed, "BE-001", 2, "owner");
 * boolean fails = dice.roll("failure").chance(0.04);
 * long tokens = dice.roll("tokens").between(8_000L, 20_000L);
 * }</pre>
 *
 * <p>The four inputs are hashed with a stable string hash (64-bit FNV-1a over UTF-8, not
 * {@link String#hashCode()}) and mixed with the SplitMix64 finalizer; the numbers come from a
 * SplitMix64 sequence started from that hash. {@link #roll(String)} gives the independent dice of a
 * named decision, so adding a draw to one decision never shifts another. By convention attempt
 * {@code 0} stands for the card itself: traits that stay the same on every attempt (a hard card, the
 * weak spot a reviewer keeps finding) are rolled with attempt 0.
 *
 * <p>A {@code Dice} is a small mutable sequence: not thread-safe, meant to be made, used and
 * dropped within one decision.
 */
public final class Dice {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;
    /** 2^-53: turns the top 53 bits of a long into a double in [0, 1). */
    private static final double UNIT = 0x1.0p-53;

    private final long key;
    private long state;

    private Dice(long key) {
        this.key = key;
        this.state = key;
    }

    /**
     * The dice of one call: the given seed, card, attempt and stage ({@code owner}, a check's name,
     * {@code debugger}…).
     */
    public static Dice of(long seed, String cardId, int attempt, String stage) {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(stage, "stage");
        long h = mix(seed);
        h = mix(h ^ stableHash(cardId));
        h = mix(h ^ (attempt * GOLDEN_GAMMA));
        h = mix(h ^ stableHash(stage));
        return new Dice(h);
    }

    /**
     * The independent dice of a named decision of this call, such as {@code "latency"} or
     * {@code "failure"}. It depends only on this call's four inputs and the name: neither on draws
     * already made from this dice nor on other decisions.
     */
    public Dice roll(String decision) {
        Objects.requireNonNull(decision, "decision");
        return new Dice(mix(key ^ mix(stableHash(decision) + GOLDEN_GAMMA)));
    }

    /** The next number of the sequence, uniform in [0, 1). */
    public double uniform() {
        state += GOLDEN_GAMMA;
        return (mix(state) >>> 11) * UNIT;
    }

    /** The next 64 raw bits of the sequence, for fingerprints and content hashes. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** True with probability {@code p} (0 never, 1 always). */
    public boolean chance(double p) {
        if (Double.isNaN(p) || p < 0 || p > 1) {
            throw new IllegalArgumentException("a probability must be between 0 and 1, was " + p);
        }
        return uniform() < p;
    }

    /** A uniform integer from {@code min} to {@code max}, both included. */
    public int between(int min, int max) {
        return (int) between((long) min, (long) max);
    }

    /** A uniform long from {@code min} to {@code max}, both included. */
    public long between(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " must not exceed max " + max);
        }
        long span = max - min + 1;
        if (span > 0) {
            return min + (long) Math.floor(uniform() * span);
        }
        // the span does not fit in a long: draw raw 64-bit numbers until one is in range (at most a
        // few draws, since the range covers more than half of all longs)
        while (true) {
            state += GOLDEN_GAMMA;
            long raw = mix(state);
            if (raw >= min && raw <= max) {
                return raw;
            }
        }
    }

    /** One of the options, each equally likely. */
    public <T> T pick(List<T> options) {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        return options.get(between(0, options.size() - 1));
    }

    /** A standard normal number (mean 0, standard deviation 1), by the Box-Muller transform. */
    public double normal() {
        double u1 = 1.0 - uniform(); // (0, 1]: the logarithm stays finite
        double u2 = uniform();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** 64-bit FNV-1a of the string's UTF-8 bytes: the same on every JVM, unlike {@link String#hashCode()}. */
    static long stableHash(String text) {
        long h = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** The SplitMix64 finalizer: a bijective scramble of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Dice[" + Long.toHexString(key) + "]";
    }
}
