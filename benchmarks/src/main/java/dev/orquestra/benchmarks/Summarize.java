package dev.orquestra.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Folds the RESULT lines that {@code benchmarks/run} collected from repeated runs (Orquestra's and the
 * Celery baseline's alike) into one line per configuration: medians, with {@code _min}/{@code _max} for
 * the headline figures, and {@code runs}. With {@code --compare} it also puts Orquestra next to both
 * Celery variants for every workload they share and prints
 * {@code RESULT bench=compare ... ratio_vs_celery_tuned=R ratio_vs_celery_seed=S}, the headline workload
 * last. Scale runs ({@code bench=scale}, one per backlog size) also get one
 * {@code RESULT bench=scale_curve ...} line per configuration: the sizes in order with their cards/s,
 * seconds per 1,000 cards and peak RSS, and how the wall time grows with the card count
 * ({@link #scaleCurves}).
 *
 * <pre>
 * java -cp ... dev.orquestra.benchmarks.Summarize results.txt [--json FILE] [--markdown FILE] [--compare] [--headline LABEL]
 * </pre>
 *
 * <p>{@code --markdown FILE} also writes one table per benchmark, each figure as "median (min–max)",
 * ready for {@code docs/benchmarks.md}.
 */
public final class Summarize {

    /** The keys that say what was run (a configuration), rather than what was measured. */
    static final List<String> CONFIG_KEYS = List.of("bench", "variant", "journal", "shape", "cards", "width",
            "chain_length", "pipeline", "concurrency", "task_ms", "checkpoint_every", "listener", "engine_config",
            "tracking", "source", "benchmark", "param", "latency_ms", "layer_size", "dependent_percent");

    static final List<String> HEADLINE = List.of("cards_per_s", "dispatch_p50_ms", "dispatch_p99_ms", "cpu_ms_per_card",
            "heap_per_terminal_card_bytes", "heap_per_live_card_bytes", "resume_ms", "first_call_ms",
            "orchestrator_ready_ms", "median_ms", "score");

    /** Headline figures of one benchmark beyond {@link #HEADLINE}. */
    static final Map<String, List<String>> BENCH_HEADLINE = Map.of("scale", List.of("wall_s", "peak_rss_mb", "cpu_s"));

    private Summarize() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Summarize RESULTS_FILE [--json FILE] [--compare] [--headline LABEL]");
            System.exit(2);
        }
        String usage = "usage: Summarize RESULTS_FILE [--json FILE] [--markdown FILE] [--compare] [--headline LABEL]";
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length), Set.of("--json", "--markdown", "--headline"),
                Set.of("--compare"), usage);
        List<ResultLine> lines = read(Path.of(args[0]));
        List<ResultLine> summaries = summarize(lines);
        List<ResultLine> out = new ArrayList<>(summaries);
        for (ResultLine s : summaries) {
            System.out.println(s.line());
        }
        List<ResultLine> curves = scaleCurves(summaries);
        curves.forEach(c -> System.out.println(c.line()));
        out.addAll(curves);
        if (a.flag("--compare")) {
            List<ResultLine> compare = compare(summaries, a.string("--headline", null));
            compare.forEach(c -> System.out.println(c.line()));
            out.addAll(compare);
        }
        if (a.string("--json", null) != null) {
            ResultLine.writeJson(out, Path.of(a.string("--json", null)));
        }
        if (a.string("--markdown", null) != null) {
            Files.writeString(Path.of(a.string("--markdown", null)), markdown(out), StandardCharsets.UTF_8);
        }
    }

    /** Columns of the markdown table of each benchmark: key, then heading. */
    private static final Map<String, String[][]> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("e2e", new String[][] {{"journal", "journal"}, {"shape", "shape"}, {"cards", "cards"},
            {"pipeline", "pipeline"}, {"task_ms", "task ms"}, {"cards_per_s", "cards/s"},
            {"dispatch_p50_ms", "dispatch p50 ms"}, {"dispatch_p99_ms", "dispatch p99 ms"},
            {"cpu_ms_per_card", "CPU ms/card"}, {"heap_per_terminal_card_bytes", "heap B/terminal card"},
            {"events_per_card", "events/card"}, {"cpu_jit_pct", "JIT % CPU"}, {"threads_started", "threads started"},
            {"runs", "runs"}, {"loadavg_1m_at_start", "load"}});
        TABLES.put("celery", new String[][] {{"variant", "variant"}, {"shape", "shape"}, {"cards", "cards"},
            {"task_ms", "task ms"}, {"cards_per_s", "cards/s"}, {"dispatch_p50_ms", "dispatch p50 ms"},
            {"dispatch_p99_ms", "dispatch p99 ms"}, {"runs", "runs"}, {"loadavg_1m_at_start", "load"}});
        TABLES.put("compare", new String[][] {{"workload", "workload"}, {"journal", "Orquestra journal"},
            {"orquestra_cards_per_s", "Orquestra cards/s"}, {"celery_seed_cards_per_s", "Celery seed"},
            {"celery_tuned_cards_per_s", "Celery tuned"}, {"ratio_vs_celery_seed", "× seed"},
            {"ratio_vs_celery_tuned", "× tuned"}, {"orquestra_dispatch_p50_ms", "Orquestra dispatch p50 ms"},
            {"celery_tuned_dispatch_p50_ms", "tuned dispatch p50 ms"}});
        TABLES.put("recovery", new String[][] {{"journal", "journal"}, {"cards", "cards"}, {"in_flight", "in flight"},
            {"resume_ms", "resume ms"}, {"first_call_ms", "first call ms"}, {"orchestrator_ready_ms", "orchestrator ready ms"},
            {"build_ms", "build() ms"}, {"cpu_s", "CPU s"}, {"setup_s", "set-up s"}, {"runs", "runs"},
            {"loadavg_1m_at_start", "load"}});
        TABLES.put("cascade", new String[][] {{"journal", "journal"}, {"cards", "cards in the chain"},
            {"review_ms", "rejectPermanently ms"}, {"us_per_card", "µs per cancelled card"},
            {"records_ms", "every card's own record ms"}, {"setup_s", "set-up s"}, {"runs", "runs"},
            {"loadavg_1m_at_start", "load"}});
        TABLES.put("load", new String[][] {{"cards", "cards"}, {"median_ms", "load + validate ms"},
            {"cards_per_s", "cards/s"}, {"bytes", "bytes"}, {"runs", "runs"}, {"loadavg_1m_at_start", "load"}});
        TABLES.put("heap", new String[][] {{"journal", "journal"}, {"cards", "cards"},
            {"heap_per_live_card_bytes", "heap B/live card"}, {"heap_per_terminal_card_bytes", "heap B/terminal card"},
            {"heap_per_card_at_quiescence_bytes", "heap B/card at quiescence"}, {"settle_s", "settle s"},
            {"engine_config", "engine config"}, {"runs", "runs"}, {"loadavg_1m_at_start", "load"}});
        TABLES.put("scale", new String[][] {{"cards", "cards"}, {"status", "status"}, {"wall_s", "wall s"},
            {"cards_per_s", "cards/s"}, {"done", "done"}, {"awaiting_review", "awaiting review"}, {"todo", "blocked (TODO)"},
            {"peak_rss_mb", "peak RSS MB"}, {"cpu_s", "CPU s"}, {"h2_file_mb", "H2 file MB"},
            {"backlog_bytes", "backlog bytes"}, {"with_dependencies", "cards with dependencies"},
            {"latency_ms", "latency ms"}, {"runs", "runs"}, {"loadavg_1m_at_start", "load"}});
        TABLES.put("scale_curve", new String[][] {{"journal", "journal"}, {"latency_ms", "latency ms"}, {"sizes", "cards"},
            {"cards_per_s", "cards/s"}, {"s_per_1k_cards", "s per 1,000 cards"}, {"peak_rss_mb", "peak RSS MB"},
            {"wall_growth_exponents", "growth exponent, step by step"}, {"wall_growth_exponent", "growth exponent"},
            {"not_ok", "not ok"}, {"status", "status"}});
        TABLES.put("jmh", new String[][] {{"benchmark", "benchmark"}, {"param", "parameters"}, {"score", "score"},
            {"error", "± (99.9 %)"}, {"unit", "unit"}});
    }

    /** One markdown table per benchmark; a headline figure reads "median (min–max)". */
    static String markdown(List<ResultLine> lines) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String[][]> t : TABLES.entrySet()) {
            List<ResultLine> rows = lines.stream().filter(l -> l.get("bench").equals(t.getKey())).toList();
            if (rows.isEmpty()) {
                continue;
            }
            b.append("#### ").append(t.getKey()).append("\n\n|");
            for (String[] c : t.getValue()) {
                b.append(' ').append(c[1]).append(" |");
            }
            b.append("\n|");
            for (int i = 0; i < t.getValue().length; i++) {
                b.append("---|");
            }
            b.append('\n');
            for (ResultLine r : rows) {
                b.append('|');
                for (String[] c : t.getValue()) {
                    String v = r.get(c[0]);
                    if (r.has(c[0] + "_min") && r.has(c[0] + "_max") && !r.get(c[0] + "_min").equals(r.get(c[0] + "_max"))) {
                        v += " (" + r.get(c[0] + "_min") + "–" + r.get(c[0] + "_max") + ")";
                    }
                    b.append(' ').append(v).append(" |");
                }
                b.append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The RESULT lines of a file; other lines are skipped. */
    static List<ResultLine> read(Path file) throws IOException {
        List<ResultLine> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(ResultLine.PREFIX)) {
                lines.add(ResultLine.parse(line));
            }
        }
        return lines;
    }

    /** One summary per configuration, in the order configurations first appear. */
    static List<ResultLine> summarize(List<ResultLine> lines) {
        Map<String, List<ResultLine>> groups = new LinkedHashMap<>();
        for (ResultLine l : lines) {
            groups.computeIfAbsent(configuration(l), k -> new ArrayList<>()).add(l);
        }
        List<ResultLine> out = new ArrayList<>();
        for (List<ResultLine> runs : groups.values()) {
            List<ResultLine> ok = runs.stream().filter(r -> !r.has("status") || r.get("status").equals("ok")).toList();
            if (ok.isEmpty()) {
                out.add(runs.get(runs.size() - 1));   // every run failed or was skipped: show why
                continue;
            }
            List<String> headline = new ArrayList<>(HEADLINE);
            headline.addAll(BENCH_HEADLINE.getOrDefault(ok.get(0).get("bench"), List.of()));
            ResultLine s = Summary.of(ok, headline);
            if (ok.size() < runs.size()) {
                s.number("failed_runs", runs.size() - ok.size());
            }
            out.add(s);
        }
        return out;
    }

    static String configuration(ResultLine l) {
        StringBuilder b = new StringBuilder();
        for (String k : CONFIG_KEYS) {
            if (l.has(k)) {
                b.append(k).append('=').append(l.get(k)).append(' ');
            }
        }
        return b.toString();
    }

    /** The workload a line ran: shape, size and task latency, the same for both sides. */
    static String workload(ResultLine l) {
        String shape = l.get("shape");
        String label = shape + "-" + l.get("cards");
        if (shape.equals("layered")) {
            label += "-w" + l.get("width");
        } else if (shape.equals("chains")) {
            label += "-l" + l.get("chain_length");
        }
        double task = l.getDouble("task_ms");
        if (!Double.isNaN(task) && task > 0) {
            label += "-task" + (task == Math.rint(task) ? String.valueOf((long) task) : String.valueOf(task)) + "ms";
        }
        return label;
    }

    /**
     * Orquestra's e2e summaries against the Celery summaries of the same workload; the line for the
     * headline workload (or the first one) and the H2 journal comes last.
     */
    static List<ResultLine> compare(List<ResultLine> summaries, String headline) {
        Map<String, ResultLine> seed = new LinkedHashMap<>();
        Map<String, ResultLine> tuned = new LinkedHashMap<>();
        for (ResultLine s : summaries) {
            if (s.get("bench").equals("celery")) {
                (s.get("variant").equals("tuned") ? tuned : seed).put(workload(s), s);
            }
        }
        List<ResultLine> lines = new ArrayList<>();
        for (ResultLine o : summaries) {
            if (!o.get("bench").equals("e2e") || o.has("status") && !o.get("status").equals("ok")) {
                continue;
            }
            String w = workload(o);
            ResultLine s = seed.get(w);
            ResultLine t = tuned.get(w);
            double ocps = o.getDouble("cards_per_s");
            lines.add(new ResultLine("compare").text("workload", w).text("journal", o.get("journal"))
                    .text("pipeline", o.get("pipeline")).text("concurrency", o.get("concurrency"))
                    .number("orquestra_cards_per_s", ocps, 1)
                    .number("celery_seed_cards_per_s", figure(s, "cards_per_s"), 1)
                    .number("celery_tuned_cards_per_s", figure(t, "cards_per_s"), 1)
                    .number("orquestra_dispatch_p50_ms", o.getDouble("dispatch_p50_ms"), 2)
                    .number("orquestra_dispatch_p99_ms", o.getDouble("dispatch_p99_ms"), 2)
                    .number("celery_seed_dispatch_p50_ms", figure(s, "dispatch_p50_ms"), 2)
                    .number("celery_tuned_dispatch_p50_ms", figure(t, "dispatch_p50_ms"), 2)
                    .number("ratio_vs_celery_tuned", ocps / figure(t, "cards_per_s"), 2)
                    .number("ratio_vs_celery_seed", ocps / figure(s, "cards_per_s"), 2)
                    .number("orquestra_runs", (long) figureOr(o, "runs", 1))
                    .number("celery_runs", (long) Math.min(figureOr(s, "runs", 0), figureOr(t, "runs", 0)))
                    .text("status", s == null && t == null ? "celery_unavailable" : "ok"));
        }
        String wanted = headline != null ? headline : lines.isEmpty() ? null : lines.get(0).get("workload");
        for (int i = 0; i < lines.size(); i++) {
            ResultLine c = lines.get(i);
            if (c.get("workload").equals(wanted) && c.get("journal").equals("h2")) {
                lines.remove(i);
                lines.add(c);
                break;
            }
        }
        return lines;
    }

    /**
     * One line per scale configuration (journal, latency, DAG): the sizes in order of card count, and
     * for each its cards/s, wall time, seconds per 1,000 cards and peak RSS, as comma-separated lists.
     * How the wall time grows is the exponent k of {@code wall ∝ cards^k}: between each size and the
     * next ok one ({@code wall_growth_exponents}), and between the smallest and the largest
     * ({@code wall_growth_exponent}); 1 is linear, and a fixed cost (the JVM's start) pulls it below 1 at
     * small sizes. Sizes that did not end ok are named in {@code not_ok} (with their status) and
     * left out of the lists; {@code status} is then {@code incomplete}.
     */
    static List<ResultLine> scaleCurves(List<ResultLine> summaries) {
        Map<String, List<ResultLine>> groups = new LinkedHashMap<>();
        for (ResultLine s : summaries) {
            if (s.get("bench").equals("scale")) {
                String key = s.get("journal") + " " + s.get("latency_ms") + " " + s.get("layer_size") + " "
                        + s.get("dependent_percent");
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        }
        List<ResultLine> curves = new ArrayList<>();
        for (List<ResultLine> sizes : groups.values()) {
            List<ResultLine> sorted = new ArrayList<>(sizes);
            sorted.sort(Comparator.comparingDouble(l -> l.getDouble("cards")));
            List<ResultLine> ok = sorted.stream().filter(l -> l.get("status").equals("ok")).toList();
            List<String> notOk = sorted.stream().filter(l -> !l.get("status").equals("ok"))
                    .map(l -> l.get("cards") + ":" + l.get("status")).toList();
            ResultLine first = sorted.get(0);
            ResultLine c = new ResultLine("scale_curve").text("journal", first.get("journal"))
                    .text("latency_ms", first.get("latency_ms")).text("layer_size", first.get("layer_size"))
                    .text("dependent_percent", first.get("dependent_percent"))
                    .text("sizes", list(ok, l -> l.get("cards")))
                    .text("cards_per_s", list(ok, l -> l.get("cards_per_s")))
                    .text("wall_s", list(ok, l -> l.get("wall_s")))
                    .text("s_per_1k_cards", list(ok, l -> String.format(Locale.ROOT, "%.3f",
                            l.getDouble("wall_s") / l.getDouble("cards") * 1000)))
                    .text("peak_rss_mb", list(ok, l -> l.get("peak_rss_mb")));
            List<String> steps = new ArrayList<>();
            for (int i = 1; i < ok.size(); i++) {
                steps.add(String.format(Locale.ROOT, "%.2f", growthExponent(ok.get(i - 1), ok.get(i))));
            }
            c.text("wall_growth_exponents", steps.isEmpty() ? null : String.join(",", steps))
                    .number("wall_growth_exponent", ok.size() < 2 ? Double.NaN
                            : growthExponent(ok.get(0), ok.get(ok.size() - 1)), 2)
                    .text("not_ok", notOk.isEmpty() ? null : String.join(",", notOk))
                    .text("status", notOk.isEmpty() ? "ok" : "incomplete");
            curves.add(c);
        }
        return curves;
    }

    /** k in {@code wall ∝ cards^k} between two sizes. */
    static double growthExponent(ResultLine smaller, ResultLine larger) {
        return Math.log(larger.getDouble("wall_s") / smaller.getDouble("wall_s"))
                / Math.log(larger.getDouble("cards") / smaller.getDouble("cards"));
    }

    /** Comma-separated values, one word; null (NA) when there are none. */
    private static String list(List<ResultLine> lines, Function<ResultLine, String> value) {
        return lines.isEmpty() ? null : String.join(",", lines.stream().map(value).toList());
    }

    private static double figure(ResultLine line, String key) {
        return line == null ? Double.NaN : line.getDouble(key);
    }

    private static double figureOr(ResultLine line, String key, double fallback) {
        double d = figure(line, key);
        return Double.isNaN(d) ? fallback : d;
    }

}
