package dev.orquestra;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values of the seed format as plain Java values, read exactly and written back unchanged:
 * objects as {@link JsonObject} (insertion-ordered), arrays as lists, integers as {@code Integer},
 * {@code Long} or {@code BigInteger}, other numbers as {@code BigDecimal}. Also the typed field
 * reads that record a {@link BacklogProblem} instead of failing at the first bad field.
 */
final class SeedJson {

    /** Two-space indentation, {@code "key": value}, {@code []} and {@code {}} for empty containers, LF. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private SeedJson() {
    }

    /** A JSON object as read: a typed, insertion-ordered map. */
    static final class JsonObject extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** A fresh pretty printer in the seed's layout (printers keep state, so one per generator). */
    static DefaultPrettyPrinter prettyPrinter() {
        return PRETTY.createInstance();
    }

    /**
     * Reads JSON values at a parser's current token. Refuses a field name repeated within one object,
     * as malformed JSON. Short strings are shared: a backlog repeats the same phases, tags and types on
     * thousands of cards, and one copy of each is enough.
     */
    static final class ValueReader {
        private static final int SHARED_MAX_LENGTH = 32;
        private static final int SHARED_MAX_COUNT = 1 << 16;

        private final Map<String, String> shared = new HashMap<>();

        /** Reads the value at the parser's current token, leaving the parser on its last token. */
        Object value(JsonParser p) throws IOException {
            JsonToken token = p.currentToken();
            switch (token) {
                case START_OBJECT:
                    return object(p);
                case START_ARRAY: {
                    List<Object> list = new ArrayList<>(4);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(value(p));
                    }
                    return list;
                }
                case VALUE_STRING:
                    return text(p.getText());
                case VALUE_NUMBER_INT:
                    switch (p.getNumberType()) {
                        case INT:
                            return p.getIntValue();
                        case LONG:
                            return p.getLongValue();
                        default:
                            return p.getBigIntegerValue();
                    }
                case VALUE_NUMBER_FLOAT:
                    return p.getDecimalValue();
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NULL:
                    return null;
                default:
                    throw new IllegalStateException("unexpected token " + token + " at " + p.currentTokenLocation());
            }
        }

        /** Reads the object that starts at the parser's current {@code START_OBJECT}. */
        JsonObject object(JsonParser p) throws IOException {
            JsonObject object = new JsonObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (object.containsKey(name)) {
                    throw duplicate(p, name);
                }
                p.nextToken();
                object.put(name, value(p));
            }
            return object;
        }

        /** The malformed-JSON error for a repeated field name, located at the parser's current token. */
        static JsonParseException duplicate(JsonParser p, String name) {
            return new JsonParseException(p, "Duplicate field '" + name + "'", p.currentTokenLocation());
        }

        /** The string itself, or an equal one read before when it is short. */
        String text(String s) {
            if (s.length() > SHARED_MAX_LENGTH) {
                return s;
            }
            String known = shared.get(s);
            if (known != null) {
                return known;
            }
            if (shared.size() < SHARED_MAX_COUNT) {
                shared.put(s, s);
            }
            return s;
        }
    }

    /** Writes a JSON value as held in metadata. */
    static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof BigInteger big) {
            g.writeNumber(big);
        } else if (value instanceof BigDecimal decimal) {
            writeDecimal(g, decimal);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                writeValue(g, element);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    /**
     * Writes a decimal so that reading it back gives an equal {@code BigDecimal} (same scale): plain
     * digits when that is exact and short, scientific notation otherwise.
     */
    static void writeDecimal(JsonGenerator g, BigDecimal value) throws IOException {
        g.writeNumber(value.scale() >= 0 && value.scale() <= 100 ? value.toPlainString() : value.toString());
    }

    /** "a string", "an array"…: how a value is named in a problem. */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof List) {
            return "an array";
        }
        return "an object";
    }

    /**
     * Typed reads of one card's (or entry's) fields. A field of the wrong type or value becomes a
     * problem located at {@code where} and the read returns its fallback, so every problem of the
     * card is found in one pass.
     */
    static final class Fields {
        private final String where;
        private final List<BacklogProblem> problems;

        Fields(String where, List<BacklogProblem> problems) {
            this.where = where;
            this.problems = problems;
        }

        String where() {
            return where;
        }

        void problem(String field, String message) {
            problems.add(new BacklogProblem(where, field, message));
        }

        /** A string; {@code fallback} when absent or null. */
        String string(Map<String, Object> object, String key, String field, String fallback) {
            Object value = object.get(key);
            if (value == null) {
                return fallback;
            }
            if (value instanceof String s) {
                return s;
            }
            problem(field, "must be a string, was " + typeName(value));
            return fallback;
        }

        /** A string that must be present; null (with a problem) otherwise. */
        String requiredString(Map<String, Object> object, String key, String field) {
            if (object.get(key) == null) {
                problem(field, "missing");
                return null;
            }
            return string(object, key, field, null);
        }

        /** An int of at least {@code min}; {@code fallback} when absent, null when wrong (with a problem). */
        Integer integer(Map<String, Object> object, String key, String field, Integer fallback, int min) {
            Object value = object.get(key);
            if (value == null) {
                if (fallback == null) {
                    problem(field, "missing");
                }
                return fallback;
            }
            if (!(value instanceof Integer i)) {
                problem(field, "must be an integer, was " + (value instanceof Number ? value : typeName(value)));
                return null;
            }
            if (i < min) {
                problem(field, "must be at least " + min + ", was " + i);
                return null;
            }
            return i;
        }

        /** A non-negative long; 0 when absent. */
        long count(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return 0;
            }
            if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0) {
                return ((Number) value).longValue();
            }
            problem(field, "must be a non-negative integer, was " + (value instanceof Number ? value : typeName(value)));
            return 0;
        }

        /** An exact number; {@code fallback} when absent. */
        BigDecimal decimal(Map<String, Object> object, String key, String field, BigDecimal fallback) {
            Object value = object.get(key);
            if (value == null) {
                return fallback;
            }
            if (value instanceof BigDecimal d) {
                return d;
            }
            if (value instanceof Integer || value instanceof Long) {
                return BigDecimal.valueOf(((Number) value).longValue());
            }
            if (value instanceof BigInteger big) {
                return new BigDecimal(big);
            }
            problem(field, "must be a number, was " + typeName(value));
            return fallback;
        }

        /** A number as a double; null when absent. */
        Double score(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Number n) {
                // Through the text, so a double written by Double.toString reads back as the same double.
                return Double.valueOf(n instanceof BigDecimal d ? d.toString() : n.toString());
            }
            problem(field, "must be a number, was " + typeName(value));
            return null;
        }

        /**
         * An instant in ISO-8601: UTC ({@code 2025-12-27T10:30:00Z}), with an offset, or without a zone
         * (read as UTC, as Python's {@code datetime.utcnow().isoformat()} writes it). Null when absent.
         */
        Instant instant(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String text)) {
                problem(field, "must be an ISO-8601 timestamp, was " + typeName(value));
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeException notUtc) {
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeException noOffset) {
                    try {
                        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                    } catch (DateTimeException e) {
                        problem(field, "'" + text + "' is not an ISO-8601 timestamp");
                        return null;
                    }
                }
            }
        }

        /** An instant that must be present. */
        Instant requiredInstant(Map<String, Object> object, String key, String field) {
            if (object.get(key) == null) {
                problem(field, "missing");
                return null;
            }
            return instant(object, key, field);
        }

        /** A list of strings; empty when absent. */
        List<String> strings(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                problem(field, "must be an array of strings, was " + typeName(value));
                return List.of();
            }
            List<String> strings = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s) {
                    strings.add(s);
                } else {
                    problem(field + "[" + i + "]", "must be a string, was " + typeName(list.get(i)));
                }
            }
            return strings;
        }

        /** An object whose values are strings; empty when absent. */
        Map<String, String> stringMap(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof JsonObject map)) {
                problem(field, "must be an object of strings, was " + typeName(value));
                return Map.of();
            }
            Map<String, String> strings = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v instanceof String s) {
                    strings.put(k, s);
                } else {
                    problem(field + "." + k, "must be a string, was " + typeName(v));
                }
            });
            return strings;
        }

        /** An object; null when absent (or wrong, with a problem). */
        JsonObject object(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null || value instanceof JsonObject) {
                return (JsonObject) value;
            }
            problem(field, "must be an object, was " + typeName(value));
            return null;
        }

        /** A list of objects; empty when absent. Elements that are not objects become problems. */
        List<JsonObject> objects(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                problem(field, "must be an array of objects, was " + typeName(value));
                return List.of();
            }
            List<JsonObject> objects = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof JsonObject o) {
                    objects.add(o);
                } else {
                    problem(field + "[" + i + "]", "must be an object, was " + typeName(list.get(i)));
                    objects.add(null);
                }
            }
            return objects;
        }
    }
}
