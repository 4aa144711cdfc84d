package dev.orquestra.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the RESULT lines of repeated runs of one benchmark into one: every numeric figure becomes the
 * median over the runs, the headline figures also get {@code _min} and {@code _max}, text figures keep
 * the first run's value (or {@code mixed}), and {@code runs} counts the runs.
 */
final class Summary {

    private Summary() {
    }

    static ResultLine of(List<ResultLine> runs, List<String> headline) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to summarize");
        }
        Map<String, Object> first = runs.get(0).values();
        ResultLine out = new ResultLine((String) first.get("bench"));
        Map<String, double[]> spread = new LinkedHashMap<>();
        for (String key : first.keySet()) {
            if (key.equals("bench")) {
                continue;
            }
            boolean numeric = runs.stream().allMatch(r -> r.get(key).equals("NA") || !Double.isNaN(r.getDouble(key)));
            if (numeric && !isParameter(key)) {
                double[] values = runs.stream().mapToDouble(r -> r.getDouble(key)).filter(d -> !Double.isNaN(d)).toArray();
                out.number(key, Stats.median(values), decimals(runs.get(0).get(key)));
                if (headline.contains(key)) {
                    spread.put(key, values);
                }
            } else {
                String v = runs.get(0).get(key);
                boolean same = runs.stream().allMatch(r -> r.get(key).equals(v));
                if (v.equals("NA")) {
                    out.na(key);
                } else {
                    out.text(key, same ? v : "mixed");
                }
            }
        }
        for (Map.Entry<String, double[]> e : spread.entrySet()) {
            int d = decimals(runs.get(0).get(e.getKey()));
            out.number(e.getKey() + "_min", Stats.min(e.getValue()), d);
            out.number(e.getKey() + "_max", Stats.max(e.getValue()), d);
        }
        out.number("runs", runs.size());
        return out;
    }

    /** Settings of the run rather than measurements: kept as text from the first run. */
    private static boolean isParameter(String key) {
        return switch (key) {
            case "cards", "width", "chain_length", "concurrency", "task_ms", "checkpoint_every", "cpus", "max_heap_mb",
                 "poll_ms", "warmup", "seed", "layer_size", "dependent_percent", "timeout_s" -> true;
            default -> false;
        };
    }

    private static int decimals(String value) {
        int dot = value.indexOf('.');
        return dot < 0 ? 0 : value.length() - dot - 1;
    }
}
