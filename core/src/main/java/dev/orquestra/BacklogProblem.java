package dev.orquestra;

import java.io.Serializable;
import java.util.Objects;

/**
 * One thing wrong with a backlog, and where it is.
 *
 * <p>{@code toString()} is one line that starts with {@code where}, such as
 * {@code ARQ-001: dependencies: unknown card 'X-9'} or
 * {@code 12:5: malformed JSON: Unexpected character ...}.
 *
 * @param where   the card id when it is known; otherwise the card's position and line:column in the
 *                input ({@code cards[7] at 12:5}), {@code line:column} for malformed JSON, or
 *                {@code backlog} for a problem with the document as a whole
 * @param field   the field at fault ({@code dependencies}, {@code owner}, {@code dependencies[2]}…), or
 *                {@code ""} when the problem is with the whole card or document
 * @param message what is wrong, in one line
 */
public record BacklogProblem(String where, String field, String message) implements Serializable {

    private static final long serialVersionUID = 1L;

    public BacklogProblem {
        Objects.requireNonNull(where, "where");
        field = field == null ? "" : field;
        Objects.requireNonNull(message, "message");
        message = oneLine(message);
    }

    /** {@code where: field: message}, or {@code where: message} when there is no field. */
    @Override
    public String toString() {
        return field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
    }

    private static String oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
