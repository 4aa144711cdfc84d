package dev.orquestra.examples.squad;

import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.testkit.Dice;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the simulated squad behaves: its seed, latencies, the odds of every kind of trouble, token
 * usage and the price table. Immutable; made with {@link #builder()} or {@link #defaults()}. Every
 * setter refuses a bad value at once, naming it.
 *
 * <h2>Defaults</h2>
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>seed</td><td>{@value #DEFAULT_SEED}</td></tr>
 *   <tr><td>owner latency</td><td>2..40 ms, log-normal</td></tr>
 *   <tr><td>validator latency</td><td>1..15 ms, log-normal</td></tr>
 *   <tr><td>debugger latency</td><td>2..40 ms, log-normal</td></tr>
 *   <tr><td>odds on attempt 1</td><td>per role, see {@link #defaultOdds(Role)}: about 13 % of first
 *       attempts of an ordinary card run into some trouble</td></tr>
 *   <tr><td>hard cards</td><td>10 % of cards; each has a weak spot, one kind of trouble that shows with
 *       odds 0.8 on attempt 1</td></tr>
 *   <tr><td>retry factor</td><td>0.45: each later attempt multiplies the odds of ordinary trouble by this</td></tr>
 *   <tr><td>hard-card retry factor</td><td>0.9: the same for a weak spot, which barely improves by itself</td></tr>
 *   <tr><td>diagnosis factor</td><td>0.6: the odds of work that carries the debugger's diagnosis</td></tr>
 *   <tr><td>clarification factor</td><td>0.3: the odds of work that carries a reviewer's clarification</td></tr>
 *   <tr><td>tokens and prices</td><td>see {@link #defaultTokens(String)} and {@link #defaultPrice(String)}:
 *       owners on a large model, verification, judge and QA on a small one</td></tr>
 * </table>
 *
 * <p>With these defaults, runs of the 120-card sample backlog (with a reviewer who answers every
 * escalation) over 90 seeds averaged: rejection rate 17.6 % (10th–90th percentile 12–23 %), 1.29
 * attempts per card (1.21–1.36), escalation rate 2.4 % (0.8–4.2 %), first-time-right 80 %
 * (76–85 %), USD 0.127 per card (0.116–0.138), USD 15.2 in total and 1.6 cards above USD 0.50.
 *
 * <h2>The odds</h2>
 * The chance of a kind of {@link Trouble} on an attempt is
 * {@code base × retry^(attempt − 1) × (diagnosed ? diagnosisFactor : 1) × (clarified ? clarificationFactor : 1)},
 * capped at {@value #MAX_ODDS}. For ordinary trouble {@code base} is the role's {@link RoleOdds} and
 * {@code retry} the retry factor. A hard card has one weak spot ({@link #weakSpot}), for which
 * {@code base} is the hard-card odds and {@code retry} the hard-card retry factor: it keeps failing
 * the same way, for the same reasons, which is what brings in the debugger and, failing that, a
 * human. Whether a card is hard, and where its weak spot is, is rolled once per card (attempt 0,
 * weighted by the role's odds), so it is the same on every attempt and every run.
 */
public final class SquadSettings {

    /**
     * The default seed. Any seed gives a plausible run; this one was picked because its run of the
     * 120-card sample backlog is typical of the defaults (see the class comment) and escalates cards
     * near the end of their epics, so a run without a reviewer still gets through most of the backlog.
     */
    public static final long DEFAULT_SEED = 77L;

    /** The highest chance any trouble can have: even a hopeless card sometimes gets through. */
    public static final double MAX_ODDS = 0.95;

    /** Key of the verification check in the token and price tables. */
    public static final String VERIFICATION = "verification";
    /** Key of the LLM judge in the token and price tables. */
    public static final String JUDGE = "llm-judge";
    /** Key of the QA check in the token and price tables. */
    public static final String QA_CHECK = "qa";
    /** Key of the debugger in the token and price tables. */
    public static final String DEBUGGER = "debugger";

    /** The non-owner keys of the token and price tables. */
    public static final List<String> STAGES = List.of(VERIFICATION, JUDGE, QA_CHECK, DEBUGGER);

    /** The large model the owners and the debugger use by default (list prices, USD per 1M tokens). */
    public static final ModelPrice LARGE_MODEL = ModelPrice.of("claude-sonnet-4-5", "3.00", "15.00");
    /** The small model verification, judge and QA use by default (list prices, USD per 1M tokens). */
    public static final ModelPrice SMALL_MODEL = ModelPrice.of("claude-haiku-4-5", "1.00", "5.00");

    private static final SquadSettings DEFAULTS = builder().build();

    /** The kinds of trouble an attempt can run into. */
    public enum Trouble {
        /** The owner's call fails outright (the build breaks, the model output is unusable). */
        OWNER_FAILURE,
        /** The owner leaves placeholder text that verification catches. */
        PLACEHOLDER,
        /** The LLM judge scores the work below 8.0. */
        LOW_SCORE,
        /** QA finds a functional failure or a security issue. */
        QA_FAILURE
    }

    private final long seed;
    private final Latency ownerLatency;
    private final Latency validatorLatency;
    private final Latency debuggerLatency;
    private final Map<Role, RoleOdds> odds;
    private final double hardCardShare;
    private final double hardCardOdds;
    private final double retryFactor;
    private final double hardCardRetryFactor;
    private final double diagnosisFactor;
    private final double clarificationFactor;
    private final Map<String, TokenRange> tokens;
    private final Map<String, ModelPrice> prices;

    private SquadSettings(Builder b) {
        this.seed = b.seed;
        this.ownerLatency = b.ownerLatency;
        this.validatorLatency = b.validatorLatency;
        this.debuggerLatency = b.debuggerLatency;
        this.odds = Collections.unmodifiableMap(new LinkedHashMap<>(b.odds));
        this.hardCardShare = b.hardCardShare;
        this.hardCardOdds = b.hardCardOdds;
        this.retryFactor = b.retryFactor;
        this.hardCardRetryFactor = b.hardCardRetryFactor;
        this.diagnosisFactor = b.diagnosisFactor;
        this.clarificationFactor = b.clarificationFactor;
        this.tokens = Collections.unmodifiableMap(new LinkedHashMap<>(b.tokens));
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(b.prices));
    }

    /** The settings with every default. */
    public static SquadSettings defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.ownerLatency = ownerLatency;
        b.validatorLatency = validatorLatency;
        b.debuggerLatency = debuggerLatency;
        b.odds.putAll(odds);
        b.hardCardShare = hardCardShare;
        b.hardCardOdds = hardCardOdds;
        b.retryFactor = retryFactor;
        b.hardCardRetryFactor = hardCardRetryFactor;
        b.diagnosisFactor = diagnosisFactor;
        b.clarificationFactor = clarificationFactor;
        b.tokens.putAll(tokens);
        b.prices.putAll(prices);
        return b;
    }

    public long seed() {
        return seed;
    }

    public Latency ownerLatency() {
        return ownerLatency;
    }

    public Latency validatorLatency() {
        return validatorLatency;
    }

    public Latency debuggerLatency() {
        return debuggerLatency;
    }

    /** The base odds of a standard role. */
    public RoleOdds odds(Role role) {
        return require(odds, role, "odds");
    }

    public double hardCardShare() {
        return hardCardShare;
    }

    public double hardCardOdds() {
        return hardCardOdds;
    }

    public double retryFactor() {
        return retryFactor;
    }

    public double hardCardRetryFactor() {
        return hardCardRetryFactor;
    }

    public double diagnosisFactor() {
        return diagnosisFactor;
    }

    public double clarificationFactor() {
        return clarificationFactor;
    }

    /** The token range of an owner role. */
    public TokenRange tokens(Role role) {
        return require(tokens, role.name(), "token range");
    }

    /** The token range of {@link #VERIFICATION}, {@link #JUDGE}, {@link #QA_CHECK} or {@link #DEBUGGER}. */
    public TokenRange tokens(String stage) {
        return require(tokens, stage, "token range");
    }

    /** The model and price of an owner role. */
    public ModelPrice price(Role role) {
        return require(prices, role.name(), "price");
    }

    /** The model and price of {@link #VERIFICATION}, {@link #JUDGE}, {@link #QA_CHECK} or {@link #DEBUGGER}. */
    public ModelPrice price(String stage) {
        return require(prices, stage, "price");
    }

    /** Whether a card is hard: rolled once per card from the seed, the same on every attempt and run. */
    public boolean isHardCard(String cardId) {
        return Dice.of(seed, cardId, 0, "card").roll("hard").chance(hardCardShare);
    }

    /**
     * The weak spot of a hard card, owned by the given role: the kind of trouble it keeps running
     * into, chosen once per card with the role's odds as weights. Empty for an ordinary card.
     */
    public Optional<Trouble> weakSpot(Role role, String cardId) {
        if (!isHardCard(cardId)) {
            return Optional.empty();
        }
        RoleOdds base = odds(role);
        double total = 0;
        for (Trouble t : Trouble.values()) {
            total += base.of(t);
        }
        if (total == 0) {
            return Optional.of(Trouble.LOW_SCORE);
        }
        double u = Dice.of(seed, cardId, 0, "card").roll("weak-spot").uniform() * total;
        for (Trouble t : Trouble.values()) {
            u -= base.of(t);
            if (u < 0) {
                return Optional.of(t);
            }
        }
        return Optional.of(Trouble.QA_FAILURE);
    }

    /**
     * The chance of a kind of trouble on an attempt, by the formula in the class comment.
     *
     * @param diagnosed whether the work carries the debugger's diagnosis
     * @param clarified whether the work carries a reviewer's clarification
     */
    public double odds(Trouble trouble, Role role, String cardId, int attempt, boolean diagnosed, boolean clarified) {
        Objects.requireNonNull(trouble, "trouble");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts start at 1, was " + attempt);
        }
        boolean weak = weakSpot(role, cardId).filter(trouble::equals).isPresent();
        double p = weak ? hardCardOdds : odds(role).of(trouble);
        p *= Math.pow(weak ? hardCardRetryFactor : retryFactor, attempt - 1);
        p *= diagnosed ? diagnosisFactor : 1.0;
        p *= clarified ? clarificationFactor : 1.0;
        return Math.min(MAX_ODDS, p);
    }

    private static <K, V> V require(Map<K, V> map, K key, String what) {
        V value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + what + " for '" + key + "'; known: " + map.keySet());
        }
        return value;
    }

    @Override
    public String toString() {
        return "SquadSettings[seed=" + seed + ", ownerLatency=" + ownerLatency + ", validatorLatency="
                + validatorLatency + ", debuggerLatency=" + debuggerLatency + ", hardCardShare=" + hardCardShare
                + ", hardCardOdds=" + hardCardOdds + ", retryFactor=" + retryFactor + ", hardCardRetryFactor="
                + hardCardRetryFactor + ", diagnosisFactor=" + diagnosisFactor + ", clarificationFactor="
                + clarificationFactor + ", odds=" + odds + ", tokens=" + tokens + ", prices=" + prices + "]";
    }

    // ------------------------------------------------------------------ defaults

    /**
     * The default base odds of a standard role on attempt 1 (owner failure, placeholder, judge below
     * 8.0, QA failure). Documents trip over open questions left as placeholders and over the judge;
     * code trips over builds and QA.
     *
     * <table>
     *   <caption>Default odds</caption>
     *   <tr><th>role</th><th>owner failure</th><th>placeholder</th><th>low score</th><th>QA failure</th></tr>
     *   <tr><td>PRODUCT</td><td>0.020</td><td>0.045</td><td>0.045</td><td>0.020</td></tr>
     *   <tr><td>ARCHITECTURE</td><td>0.020</td><td>0.040</td><td>0.050</td><td>0.020</td></tr>
     *   <tr><td>FRONTEND</td><td>0.035</td><td>0.030</td><td>0.035</td><td>0.040</td></tr>
     *   <tr><td>BACKEND</td><td>0.040</td><td>0.025</td><td>0.035</td><td>0.040</td></tr>
     *   <tr><td>QA</td><td>0.030</td><td>0.035</td><td>0.035</td><td>0.025</td></tr>
     *   <tr><td>INFRA</td><td>0.035</td><td>0.030</td><td>0.030</td><td>0.035</td></tr>
     * </table>
     *
     * @throws IllegalArgumentException for a role that is not standard
     */
    public static RoleOdds defaultOdds(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> new RoleOdds(0.020, 0.045, 0.045, 0.020);
            case "ARCHITECTURE" -> new RoleOdds(0.020, 0.040, 0.050, 0.020);
            case "FRONTEND" -> new RoleOdds(0.035, 0.030, 0.035, 0.040);
            case "BACKEND" -> new RoleOdds(0.040, 0.025, 0.035, 0.040);
            case "QA" -> new RoleOdds(0.030, 0.035, 0.035, 0.025);
            case "INFRA" -> new RoleOdds(0.035, 0.030, 0.030, 0.035);
            default -> throw new IllegalArgumentException("the simulated squad has no role " + role
                    + "; it has " + Role.standard());
        };
    }

    /**
     * The default token range of an owner role (by name) or a stage: per call, input then output.
     *
     * <table>
     *   <caption>Default tokens per call</caption>
     *   <tr><th>who</th><th>input</th><th>output</th></tr>
     *   <tr><td>PRODUCT</td><td>6,000–14,000</td><td>1,200–3,200</td></tr>
     *   <tr><td>ARCHITECTURE</td><td>8,000–18,000</td><td>1,500–4,000</td></tr>
     *   <tr><td>FRONTEND</td><td>8,000–18,000</td><td>1,200–3,500</td></tr>
     *   <tr><td>BACKEND</td><td>9,000–20,000</td><td>1,200–4,000</td></tr>
     *   <tr><td>QA</td><td>6,000–14,000</td><td>1,000–3,000</td></tr>
     *   <tr><td>INFRA</td><td>5,000–11,000</td><td>800–2,200</td></tr>
     *   <tr><td>verification</td><td>1,500–4,000</td><td>80–300</td></tr>
     *   <tr><td>llm-judge</td><td>4,000–10,000</td><td>300–900</td></tr>
     *   <tr><td>qa</td><td>3,000–8,000</td><td>300–1,000</td></tr>
     *   <tr><td>debugger</td><td>6,000–14,000</td><td>600–1,500</td></tr>
     * </table>
     * An owner's input grows by a quarter on each correction (the previous work and the reasons
     * travel with it).
     *
     * @throws IllegalArgumentException for any other key
     */
    public static TokenRange defaultTokens(String who) {
        return switch (who) {
            case "PRODUCT" -> new TokenRange(6_000, 14_000, 1_200, 3_200);
            case "ARCHITECTURE" -> new TokenRange(8_000, 18_000, 1_500, 4_000);
            case "FRONTEND" -> new TokenRange(8_000, 18_000, 1_200, 3_500);
            case "BACKEND" -> new TokenRange(9_000, 20_000, 1_200, 4_000);
            case "QA" -> new TokenRange(6_000, 14_000, 1_000, 3_000);
            case "INFRA" -> new TokenRange(5_000, 11_000, 800, 2_200);
            case VERIFICATION -> new TokenRange(1_500, 4_000, 80, 300);
            case JUDGE -> new TokenRange(4_000, 10_000, 300, 900);
            case QA_CHECK -> new TokenRange(3_000, 8_000, 300, 1_000);
            case DEBUGGER -> new TokenRange(6_000, 14_000, 600, 1_500);
            default -> throw new IllegalArgumentException("no default token range for '" + who + "'");
        };
    }

    /**
     * The default model of an owner role (by name) or a stage: owners and the debugger on
     * {@link #LARGE_MODEL}, verification, judge and QA on the cheaper {@link #SMALL_MODEL}.
     *
     * @throws IllegalArgumentException for any other key
     */
    public static ModelPrice defaultPrice(String who) {
        return switch (who) {
            case "PRODUCT", "ARCHITECTURE", "FRONTEND", "BACKEND", "QA", "INFRA", DEBUGGER -> LARGE_MODEL;
            case VERIFICATION, JUDGE, QA_CHECK -> SMALL_MODEL;
            default -> throw new IllegalArgumentException("no default price for '" + who + "'");
        };
    }

    // ------------------------------------------------------------------ value types

    /**
     * How long a simulated call takes: a log-normal spread between {@code min} and {@code max}
     * (median at their geometric mean, the range covering four standard deviations), clamped to
     * the range. {@code min == max} is a constant latency.
     */
    public record Latency(Duration min, Duration max) {

        private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,9})\\s*(?:\\.\\.\\s*(\\d{1,9})\\s*)?");
        private static final Duration LONGEST = Duration.ofMinutes(10);

        public Latency {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative()) {
                throw new IllegalArgumentException("latency min must not be negative, was " + min);
            }
            if (max.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("latency max must be at most " + LONGEST + ", was " + max);
            }
            if (min.compareTo(max) > 0) {
                throw new IllegalArgumentException("latency min (" + min + ") must not exceed max (" + max + ")");
            }
        }

        /** A latency between {@code min} and {@code max} milliseconds. */
        public static Latency ofMillis(long min, long max) {
            return new Latency(Duration.ofMillis(min), Duration.ofMillis(max));
        }

        /**
         * Parses {@code "min..max"} or {@code "n"} in milliseconds, as given on a command line
         * ({@code "2..40"}).
         *
         * @throws IllegalArgumentException naming the text when it is not such a range
         */
        public static Latency parse(String text) {
            Objects.requireNonNull(text, "text");
            Matcher m = RANGE.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("latency '" + text + "' must be 'min..max' or 'n' in milliseconds");
            }
            long min = Long.parseLong(m.group(1));
            long max = m.group(2) == null ? min : Long.parseLong(m.group(2));
            return ofMillis(min, max);
        }

        /** The latency of one call. */
        public Duration sample(Dice dice) {
            long lo = min.toMillis();
            long hi = max.toMillis();
            if (lo == hi) {
                return min;
            }
            double logLo = Math.log(lo + 1.0);
            double logHi = Math.log(hi + 1.0);
            double value = Math.exp((logLo + logHi) / 2 + (logHi - logLo) / 4 * dice.normal()) - 1.0;
            return Duration.ofMillis(Math.max(lo, Math.min(hi, Math.round(value))));
        }

        @Override
        public String toString() {
            return min.toMillis() + ".." + max.toMillis() + " ms";
        }
    }

    /**
     * The base chance of each kind of trouble for one role on attempt 1, each between 0 and 1.
     *
     * @param ownerFailure   the owner's call fails
     * @param placeholder    the owner leaves placeholder text ({@code TODO}, {@code TBD}…)
     * @param judgeBelowPass the LLM judge scores below 8.0
     * @param qaFailure      QA finds a failing test or a security issue
     */
    public record RoleOdds(double ownerFailure, double placeholder, double judgeBelowPass, double qaFailure) {

        public RoleOdds {
            probability(ownerFailure, "ownerFailure");
            probability(placeholder, "placeholder");
            probability(judgeBelowPass, "judgeBelowPass");
            probability(qaFailure, "qaFailure");
        }

        /** The base chance of the given trouble. */
        public double of(Trouble trouble) {
            return switch (trouble) {
                case OWNER_FAILURE -> ownerFailure;
                case PLACEHOLDER -> placeholder;
                case LOW_SCORE -> judgeBelowPass;
                case QA_FAILURE -> qaFailure;
            };
        }
    }

    /** Tokens of one call: input and output drawn uniformly from their ranges, both ends included. */
    public record TokenRange(long minInput, long maxInput, long minOutput, long maxOutput) {

        public TokenRange {
            if (minInput < 0 || minOutput < 0) {
                throw new IllegalArgumentException("token counts must not be negative, were " + minInput + " and "
                        + minOutput);
            }
            if (minInput > maxInput) {
                throw new IllegalArgumentException("minInput (" + minInput + ") must not exceed maxInput (" + maxInput
                        + ")");
            }
            if (minOutput > maxOutput) {
                throw new IllegalArgumentException("minOutput (" + minOutput + ") must not exceed maxOutput ("
                        + maxOutput + ")");
            }
        }

        /** Input tokens of one call. */
        public long input(Dice dice) {
            return dice.roll("input-tokens").between(minInput, maxInput);
        }

        /** Output tokens of one call. */
        public long output(Dice dice) {
            return dice.roll("output-tokens").between(minOutput, maxOutput);
        }
    }

    /**
     * A model and its price in US dollars per million input and output tokens.
     *
     * @param model                the model's name, for the record
     * @param inputUsdPerMillion   USD per 1,000,000 input tokens
     * @param outputUsdPerMillion  USD per 1,000,000 output tokens
     */
    public record ModelPrice(String model, BigDecimal inputUsdPerMillion, BigDecimal outputUsdPerMillion) {

        public ModelPrice {
            Objects.requireNonNull(model, "model");
            if (model.isBlank()) {
                throw new IllegalArgumentException("model name must not be blank");
            }
            Objects.requireNonNull(inputUsdPerMillion, "inputUsdPerMillion");
            Objects.requireNonNull(outputUsdPerMillion, "outputUsdPerMillion");
            if (inputUsdPerMillion.signum() < 0 || outputUsdPerMillion.signum() < 0) {
                throw new IllegalArgumentException("prices of " + model + " must not be negative, were "
                        + inputUsdPerMillion + " and " + outputUsdPerMillion);
            }
        }

        /** A model priced in USD per million tokens, such as {@code ModelPrice.of("m", "3.00", "15.00")}. */
        public static ModelPrice of(String model, String inputUsdPerMillion, String outputUsdPerMillion) {
            return new ModelPrice(model, new BigDecimal(inputUsdPerMillion), new BigDecimal(outputUsdPerMillion));
        }

        /** The exact cost of the given tokens, in US dollars. */
        public BigDecimal cost(long inputTokens, long outputTokens) {
            return BigDecimal.valueOf(inputTokens).multiply(inputUsdPerMillion)
                    .add(BigDecimal.valueOf(outputTokens).multiply(outputUsdPerMillion))
                    .movePointLeft(6);
        }

        /** The usage of the given tokens at this price. */
        public Usage usage(long inputTokens, long outputTokens) {
            return new Usage(inputTokens, outputTokens, cost(inputTokens, outputTokens));
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds {@link SquadSettings}; every setter returns the builder and refuses a bad value at once. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private Latency ownerLatency = Latency.ofMillis(2, 40);
        private Latency validatorLatency = Latency.ofMillis(1, 15);
        private Latency debuggerLatency = Latency.ofMillis(2, 40);
        private final Map<Role, RoleOdds> odds = new LinkedHashMap<>();
        private double hardCardShare = 0.10;
        private double hardCardOdds = 0.8;
        private double retryFactor = 0.45;
        private double hardCardRetryFactor = 0.9;
        private double diagnosisFactor = 0.6;
        private double clarificationFactor = 0.3;
        private final Map<String, TokenRange> tokens = new LinkedHashMap<>();
        private final Map<String, ModelPrice> prices = new LinkedHashMap<>();

        private Builder() {
            for (Role role : Role.standard()) {
                odds.put(role, defaultOdds(role));
                tokens.put(role.name(), defaultTokens(role.name()));
                prices.put(role.name(), defaultPrice(role.name()));
            }
            for (String stage : STAGES) {
                tokens.put(stage, defaultTokens(stage));
                prices.put(stage, defaultPrice(stage));
            }
        }

        /** The seed every decision derives from (default {@value SquadSettings#DEFAULT_SEED}). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Latency of an owner's call (default 2..40 ms). */
        public Builder ownerLatency(Latency value) {
            this.ownerLatency = Objects.requireNonNull(value, "ownerLatency");
            return this;
        }

        /** Latency of a verification, judge or QA call (default 1..15 ms). */
        public Builder validatorLatency(Latency value) {
            this.validatorLatency = Objects.requireNonNull(value, "validatorLatency");
            return this;
        }

        /** Latency of the debugger's call (default 2..40 ms). */
        public Builder debuggerLatency(Latency value) {
            this.debuggerLatency = Objects.requireNonNull(value, "debuggerLatency");
            return this;
        }

        /** One latency for every call: owners, validators and the debugger (a command line's {@code min..max}). */
        public Builder latency(Latency value) {
            Objects.requireNonNull(value, "latency");
            return ownerLatency(value).validatorLatency(value).debuggerLatency(value);
        }

        /** The base odds of a standard role (default {@link #defaultOdds(Role)}). */
        public Builder odds(Role role, RoleOdds value) {
            Objects.requireNonNull(value, "odds");
            odds.put(standard(role), value);
            return this;
        }

        /** The share of hard cards, 0 to 1 (default 0.10). */
        public Builder hardCardShare(double value) {
            this.hardCardShare = probability(value, "hardCardShare");
            return this;
        }

        /** The chance, 0 to 1, that a hard card's weak spot shows on attempt 1 (default 0.8). */
        public Builder hardCardOdds(double value) {
            this.hardCardOdds = probability(value, "hardCardOdds");
            return this;
        }

        /** What each later attempt multiplies the odds of ordinary trouble by, 0 to 1 (default 0.45). */
        public Builder retryFactor(double value) {
            this.retryFactor = probability(value, "retryFactor");
            return this;
        }

        /** What each later attempt multiplies the odds of a hard card's weak spot by, 0 to 1 (default 0.9). */
        public Builder hardCardRetryFactor(double value) {
            this.hardCardRetryFactor = probability(value, "hardCardRetryFactor");
            return this;
        }

        /** What the debugger's diagnosis multiplies the odds by, 0 to 1 (default 0.6). */
        public Builder diagnosisFactor(double value) {
            this.diagnosisFactor = probability(value, "diagnosisFactor");
            return this;
        }

        /** What a reviewer's clarification multiplies the odds by, 0 to 1 (default 0.3). */
        public Builder clarificationFactor(double value) {
            this.clarificationFactor = probability(value, "clarificationFactor");
            return this;
        }

        /** The token range of an owner role's calls (default {@link #defaultTokens(String)}). */
        public Builder tokens(Role role, TokenRange value) {
            tokens.put(standard(role).name(), Objects.requireNonNull(value, "tokens"));
            return this;
        }

        /** The token range of a stage's calls: one of {@link SquadSettings#STAGES}. */
        public Builder tokens(String stage, TokenRange value) {
            tokens.put(stage(stage), Objects.requireNonNull(value, "tokens"));
            return this;
        }

        /** The model and price of an owner role (default {@link #defaultPrice(String)}). */
        public Builder price(Role role, ModelPrice value) {
            prices.put(standard(role).name(), Objects.requireNonNull(value, "price"));
            return this;
        }

        /** The model and price of a stage: one of {@link SquadSettings#STAGES}. */
        public Builder price(String stage, ModelPrice value) {
            prices.put(stage(stage), Objects.requireNonNull(value, "price"));
            return this;
        }

        /** The settings. Every value was checked when it was set; nothing here can conflict. */
        public SquadSettings build() {
            return new SquadSettings(this);
        }

        private static Role standard(Role role) {
            Objects.requireNonNull(role, "role");
            if (!Role.standard().contains(role)) {
                throw new IllegalArgumentException("the simulated squad has no role " + role + "; it has "
                        + Role.standard());
            }
            return role;
        }

        private static String stage(String stage) {
            Objects.requireNonNull(stage, "stage");
            if (!STAGES.contains(stage)) {
                throw new IllegalArgumentException("stage '" + stage + "' is not one of " + STAGES);
            }
            return stage;
        }
    }

    private static double probability(double value, String name) {
        if (Double.isNaN(value) || value < 0 || value > 1) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
        return value;
    }
}
