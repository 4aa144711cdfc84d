package dev.orquestra;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads backlogs (and checkpoints) in the seed's {@code backlog_master.json} format, checking every
 * card and refusing a bad input as a whole with one {@link BacklogException} that lists every
 * problem with where it is. Nothing partial is ever returned. Immutable and thread-safe.
 *
 * <pre>{@code
 * BacklogReader reader = BacklogReader.builder()
 *         .roles(List.of(Role.BACKEND, Role.QA, Role.of("DATA")))
 *         .prefix("ETL", Role.of("DATA"))
 *         .build();
 * Backlog backlog = reader.read(Path.of("backlog_master.json"));
 * }</pre>
 *
 * <h2>Format</h2>
 * Top level: {@code project} (string), {@code cards} (array, required), {@code metadata} (object);
 * every other top-level field is kept in {@link Backlog#extraFields()}. A card: {@code id} (required),
 * {@code type}, {@code title}, {@code description}, {@code owner}, {@code priority} (CRITICAL, HIGH,
 * MEDIUM or LOW in any case; MEDIUM when absent) and {@code dependencies} (array of ids). A
 * {@code null} optional field counts as absent. Every other card field is kept, in order, in
 * {@link CardSpec#metadata()}, except the live-state fields of {@link Backlog#STATE_FIELDS}, which a
 * backlog ignores (a fresh submit starts from TODO). Entries of {@code cards} that are the seed's
 * correction or escalation records ({@code type} CORRECTION or ESCALATION with a {@code parent_card})
 * are skipped by {@link #read(Path)} and folded into their card by {@link #readCheckpoint(Path)}.
 * Numbers are kept exact: {@code Integer}, {@code Long} or {@code BigInteger} for integers,
 * {@code BigDecimal} for the rest. A field name repeated within one object is malformed JSON.
 *
 * <h2>Owner</h2>
 * A card's owner role is its {@code owner} field when present: a known role's name (compared after
 * {@link Role#of(String)} normalization, so {@code "backend"} is BACKEND) or an id-prefix alias
 * ({@code "arch"} is ARCHITECTURE). Without an {@code owner} field, the role comes from the id prefix
 * ({@link CardId#prefix()}, case-insensitive). Anything else is an "unknown role" problem.
 */
public final class BacklogReader {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._]*");

    /** The seed's id prefixes. */
    private static final Map<String, Role> DEFAULT_PREFIXES = defaultPrefixes();

    private static final BacklogReader STANDARD = builder().build();

    private final Set<Role> roles;
    private final Map<String, Role> prefixes;
    private final JsonFactory json;

    private BacklogReader(Set<Role> roles, Map<String, Role> prefixes) {
        this.roles = roles;
        this.prefixes = prefixes;
        // Repeated field names are caught by the parser itself, more cheaply than Jackson's detector.
        this.json = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    }

    /** The reader with every default: the six standard roles and the seed's id prefixes. */
    public static BacklogReader standard() {
        return STANDARD;
    }

    /** A builder that starts from every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The roles a card may be owned by. */
    public Set<Role> roles() {
        return roles;
    }

    /** Id prefix (upper case) to owner role, used when a card has no {@code owner} field. */
    public Map<String, Role> prefixes() {
        return prefixes;
    }

    /**
     * Reads a backlog file.
     *
     * @throws BacklogException listing every problem when the file is not a valid backlog
     * @throws IOException      when the file cannot be read
     */
    public Backlog read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /**
     * Reads a backlog from a stream (UTF-8, UTF-16 or UTF-32, detected); the stream is not closed.
     *
     * @throws BacklogException listing every problem when the input is not a valid backlog
     * @throws IOException      when the stream cannot be read
     */
    public Backlog read(InputStream in) throws IOException {
        try (JsonParser parser = json.createParser(Objects.requireNonNull(in, "in"))) {
            return parser(false).run(parser).backlog();
        }
    }

    /**
     * Parses a backlog.
     *
     * @throws BacklogException listing every problem when the text is not a valid backlog
     */
    public Backlog parse(String text) {
        Objects.requireNonNull(text, "text");
        try (JsonParser parser = json.createParser(text)) {
            return parser(false).run(parser).backlog();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string failed", e);
        }
    }

    /**
     * Reads a checkpoint file: the backlog plus one {@link CardReport} per card.
     *
     * @throws BacklogException listing every problem when the file is not a valid checkpoint
     * @throws IOException      when the file cannot be read
     */
    public BacklogCheckpoint readCheckpoint(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readCheckpoint(in);
        }
    }

    /**
     * Reads a checkpoint from a stream; the stream is not closed.
     *
     * @throws BacklogException listing every problem when the input is not a valid checkpoint
     * @throws IOException      when the stream cannot be read
     */
    public BacklogCheckpoint readCheckpoint(InputStream in) throws IOException {
        try (JsonParser parser = json.createParser(Objects.requireNonNull(in, "in"))) {
            return parser(true).run(parser).checkpoint();
        }
    }

    /**
     * Parses a checkpoint.
     *
     * @throws BacklogException listing every problem when the text is not a valid checkpoint
     */
    public BacklogCheckpoint parseCheckpoint(String text) {
        Objects.requireNonNull(text, "text");
        try (JsonParser parser = json.createParser(text)) {
            return parser(true).run(parser).checkpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string failed", e);
        }
    }

    @Override
    public String toString() {
        return "BacklogReader[roles=" + roles + ", prefixes=" + prefixes + "]";
    }

    private BacklogParser parser(boolean checkpoint) {
        return new BacklogParser(roles, prefixes, checkpoint);
    }

    private static Map<String, Role> defaultPrefixes() {
        Map<String, Role> map = new LinkedHashMap<>();
        map.put("PROD", Role.PRODUCT);
        map.put("ARQ", Role.ARCHITECTURE);
        map.put("ARCH", Role.ARCHITECTURE);
        map.put("FE", Role.FRONTEND);
        map.put("FRONT", Role.FRONTEND);
        map.put("BE", Role.BACKEND);
        map.put("BACK", Role.BACKEND);
        map.put("QA", Role.QA);
        map.put("INFRA", Role.INFRA);
        map.put("OPS", Role.INFRA);
        return Collections.unmodifiableMap(map);
    }

    /**
     * Configures a {@link BacklogReader}. Every setter refuses a bad value at once, naming it;
     * {@link #build()} checks the settings against each other.
     */
    public static final class Builder {
        private Set<Role> roles = new LinkedHashSet<>(Role.standard());
        private final Map<String, Role> prefixes = new LinkedHashMap<>(DEFAULT_PREFIXES);
        private final Set<String> explicitPrefixes = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * The roles a card may be owned by. Default: {@link Role#standard()}. Default prefixes whose
         * role is not among these are dropped by {@link #build()}.
         *
         * @throws IllegalArgumentException when the collection is empty or holds null
         */
        public Builder roles(Collection<Role> value) {
            Objects.requireNonNull(value, "roles");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("roles must not be empty, was " + value);
            }
            List<Role> copy = new ArrayList<>(value.size());
            for (Role role : value) {
                if (role == null) {
                    throw new IllegalArgumentException("roles must not hold null, was " + value);
                }
                copy.add(role);
            }
            this.roles = new LinkedHashSet<>(copy);
            return this;
        }

        /**
         * Maps an id prefix (the part of an id before its first {@code -}, compared ignoring case) to
         * the role that owns cards without an {@code owner} field, adding to or replacing the defaults:
         * PROD→PRODUCT; ARQ, ARCH→ARCHITECTURE; FE, FRONT→FRONTEND; BE, BACK→BACKEND; QA→QA;
         * INFRA, OPS→INFRA. The prefix also works as an alias in {@code owner} fields.
         *
         * @throws IllegalArgumentException when the prefix is not letters, digits, {@code .} or
         *                                  {@code _} starting with a letter or digit
         */
        public Builder prefix(String idPrefix, Role role) {
            Objects.requireNonNull(idPrefix, "idPrefix");
            Objects.requireNonNull(role, () -> "role for prefix '" + idPrefix + "'");
            if (!PREFIX.matcher(idPrefix).matches() || idPrefix.length() > CardId.MAX_LENGTH) {
                throw new IllegalArgumentException("id prefix '" + idPrefix + "' must be letters, digits, '.' or '_',"
                        + " starting with a letter or digit (it is the part of an id before the first '-')");
            }
            String key = idPrefix.toUpperCase(Locale.ROOT);
            prefixes.put(key, role);
            explicitPrefixes.add(key);
            return this;
        }

        /** Removes every prefix mapping, the defaults included. */
        public Builder clearPrefixes() {
            prefixes.clear();
            explicitPrefixes.clear();
            return this;
        }

        /**
         * The reader.
         *
         * @throws IllegalStateException when a prefix set with {@link #prefix} maps to a role that is
         *                               not among {@link #roles}
         */
        public BacklogReader build() {
            Map<String, Role> kept = new LinkedHashMap<>();
            for (Map.Entry<String, Role> e : prefixes.entrySet()) {
                if (roles.contains(e.getValue())) {
                    kept.put(e.getKey(), e.getValue());
                } else if (explicitPrefixes.contains(e.getKey())) {
                    throw new IllegalStateException("prefix '" + e.getKey() + "' maps to role " + e.getValue()
                            + ", which is not among roles " + roles);
                }
            }
            return new BacklogReader(Collections.unmodifiableSet(new LinkedHashSet<>(roles)),
                    Collections.unmodifiableMap(kept));
        }
    }
}
