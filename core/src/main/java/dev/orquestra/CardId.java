package dev.orquestra;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * The identifier of a card, such as {@code ARQ-001}.
 *
 * <p>An id starts with a letter or digit and continues with letters, digits, {@code .}, {@code _}
 * or {@code -}; it is at most {@value #MAX_LENGTH} characters long. The restriction keeps ids safe in
 * persistence ids, idempotency keys ({@code cardId/attempt/stage}), file names, URLs and terminals. A
 * refused id is named in the message with its control characters escaped (ESC as the six characters
 * <code>&#92;u001b</code>), so that printing the message cannot drive the terminal it is printed on.
 */
public final class CardId implements Comparable<CardId> {

    /** The longest id accepted. */
    public static final int MAX_LENGTH = 128;

    private final String value;

    private CardId(String value) {
        this.value = value;
    }

    /**
     * Returns the id with the given text.
     *
     * @throws IllegalArgumentException naming the value when it is not a valid id
     */
    @JsonCreator
    public static CardId of(String value) {
        Objects.requireNonNull(value, "card id");
        problemWith(value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return new CardId(value);
    }

    /**
     * Says what is wrong with a candidate id; empty when it is valid. Loaders use it to collect every
     * problem of an input instead of failing at the first.
     */
    public static Optional<String> problemWith(String value) {
        if (value.isBlank()) {
            return Optional.of("card id is blank");
        }
        if (value.length() > MAX_LENGTH) {
            return Optional.of("card id '" + escaped(value.substring(0, 20)) + "...' is longer than " + MAX_LENGTH
                    + " characters");
        }
        if (!valid(value)) {
            if (value.chars().anyMatch(CardId::isControl)) {
                return Optional.of("card id '" + escaped(value) + "' holds a control character; an id may hold only "
                        + "letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            return Optional.of("card id '" + escaped(value)
                    + "' may hold only letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return Optional.empty();
    }

    /**
     * Control characters (C0, DEL, C1) and the invisible characters that reorder or hide text (bidirectional
     * controls, line and paragraph separators, the byte-order mark): what a terminal or a reader must not
     * receive raw from an input.
     */
    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || (c >= 0x200b && c <= 0x200f)
                || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
    }

    /** The text with every {@linkplain #isControl control character} written as <code>&#92;uXXXX</code>. */
    private static String escaped(String text) {
        StringBuilder s = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    // [A-Za-z0-9][A-Za-z0-9._-]*, checked by hand: ids are checked on every load and recovery.
    private static boolean valid(String value) {
        if (!alphanumeric(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!alphanumeric(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The id as text. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The part before the first {@code -} ({@code PROD} for {@code PROD-001}), or the whole id. */
    public String prefix() {
        int dash = value.indexOf('-');
        return dash < 0 ? value : value.substring(0, dash);
    }

    /** The id of the n-th correction record of this card, as in the seed: {@code ARQ-001-CORR-2}. */
    public String correctionId(int attempt) {
        return value + "-CORR-" + attempt;
    }

    /** The id of this card's escalation record, as in the seed: {@code ARQ-001-ESC}. */
    public String escalationId() {
        return value + "-ESC";
    }

    @Override
    public int compareTo(CardId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CardId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
