package dev.orquestra.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The machine-readable outcome of one benchmark: {@code RESULT key=value ...}, keys in insertion
 * order, {@code NA} for a figure that does not apply (JSON {@code null}). The same format as the
 * Celery baseline's, so lines of both can be read by one parser ({@link #parse}).
 */
final class ResultLine {

    static final String PREFIX = "RESULT ";
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("\\S+");

    /** Values are {@link String} (written as text) or {@link BigDecimal} (written as a JSON number); null is NA. */
    private final Map<String, Object> values = new LinkedHashMap<>();

    ResultLine(String bench) {
        text("bench", bench);
    }

    private ResultLine() {
    }

    ResultLine text(String key, String value) {
        if (value != null && !VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("value of " + key + " must be one word, was '" + value + "'");
        }
        return put(key, value);
    }

    ResultLine number(String key, long value) {
        return put(key, BigDecimal.valueOf(value));
    }

    /** A figure rounded to {@code decimals} places; NaN or infinite is NA. */
    ResultLine number(String key, double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return put(key, null);
        }
        return put(key, BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP));
    }

    ResultLine na(String key) {
        return put(key, null);
    }

    private ResultLine put(String key, Object value) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("bad key '" + key + "'");
        }
        values.put(key, value);
        return this;
    }

    /** The value as written in the line ({@code NA} when absent or not applicable). */
    String get(String key) {
        Object v = values.get(key);
        return v == null ? "NA" : v instanceof BigDecimal b ? b.toPlainString() : (String) v;
    }

    /** A numeric value, or NaN when it is NA or not a number. */
    double getDouble(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Map<String, Object> values() {
        return values;
    }

    /** {@code RESULT key=value ...}. */
    String line() {
        StringBuilder b = new StringBuilder("RESULT");
        for (String key : values.keySet()) {
            b.append(' ').append(key).append('=').append(get(key));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return line();
    }

    /**
     * Reads a line written by this class or by the Celery baseline. Numbers become numbers, {@code NA}
     * and {@code None} become NA, anything else stays text.
     *
     * @throws IllegalArgumentException when the line is not a RESULT line
     */
    static ResultLine parse(String line) {
        String text = line.strip();
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a RESULT line: " + line);
        }
        ResultLine r = new ResultLine();
        for (String pair : text.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not key=value in: " + line);
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (value.equals("NA") || value.equals("None") || value.isEmpty()) {
                r.put(key, null);
            } else {
                try {
                    r.put(key, new BigDecimal(value));
                } catch (NumberFormatException e) {
                    r.put(key, value);
                }
            }
        }
        return r;
    }

    /** Writes the lines as a JSON array of objects (numbers as numbers, NA as null). */
    static void writeJson(Collection<ResultLine> lines, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartArray();
            for (ResultLine r : lines) {
                r.writeTo(g);
            }
            g.writeEndArray();
            g.writeRaw('\n');
        }
    }

    void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                g.writeNullField(e.getKey());
            } else if (v instanceof BigDecimal b) {
                g.writeFieldName(e.getKey());
                g.writeNumber(b);
            } else {
                g.writeStringField(e.getKey(), (String) v);
            }
        }
        g.writeEndObject();
    }

    /** Formats a number for '#' progress lines. */
    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
