package dev.orquestra.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value}, {@code --name=value} or a bare
 * {@code --flag}; anything unknown is refused with the usage text.
 */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final String usage;

    private Args(String usage) {
        this.usage = usage;
    }

    /**
     * @param options the options that take a value
     * @param flags   the options that take none
     */
    static Args parse(String[] args, Set<String> options, Set<String> flags, String usage) {
        Args a = new Args(usage);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                a.values.put("--help", "true");
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (flags.contains(name)) {
                a.values.put(name, eq > 0 ? arg.substring(eq + 1) : "true");
            } else if (options.contains(name)) {
                if (eq > 0) {
                    a.values.put(name, arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    a.values.put(name, args[++i]);
                } else {
                    throw a.bad(name + " needs a value");
                }
            } else {
                throw a.bad("unknown option '" + arg + "'");
            }
        }
        return a;
    }

    boolean help() {
        return values.containsKey("--help");
    }

    boolean flag(String name) {
        String v = values.get(name);
        return v != null && !v.equals("false");
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name + " must be an integer of at least " + min + ", was '" + v + "'");
    }

    double decimal(String name, double fallback, double min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (d >= min) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name + " must be a number of at least " + min + ", was '" + v + "'");
    }

    /** A comma-separated list of positive integers. */
    List<Integer> integers(String name, List<Integer> fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : Arrays.asList(v.split(","))) {
            try {
                int n = Integer.parseInt(part.trim().replace("_", ""));
                if (n > 0) {
                    out.add(n);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(name + " must be positive integers separated by commas; '" + part.trim() + "' is not one");
        }
        return out;
    }

    IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message + "\n" + usage);
    }
}
