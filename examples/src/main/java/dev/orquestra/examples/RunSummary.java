package dev.orquestra.examples;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.EscalationRecord;
import dev.orquestra.Metrics;
import dev.orquestra.Orquestra;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a run ended: the seed plan's success metrics against its targets, cards by status, cost per
 * card and the cards that wait for a reviewer; printed as a table or written as JSON ({@code --report}).
 * Also what {@code status} shows, minus the metrics.
 */
final class RunSummary {

    /** The seed plan's backlog size, which its throughput and total-cost targets are stated for. */
    static final int SEED_CARDS = 120;

    /**
     * One success metric against its target.
     *
     * @param key        its name in the JSON report
     * @param label      its name in the table
     * @param value      the measured value in {@code unit}
     * @param unit       {@code ratio}, {@code attempts}, {@code seconds}, {@code cards_per_hour}, {@code usd}
     *                   or {@code cards}
     * @param comparison {@code <} or {@code >}: how the value must compare with the limit
     * @param limit      the target's limit, in {@code unit}
     * @param shown      the value as the table shows it
     * @param target     the target as the table shows it
     * @param pass       whether the target is met; null when no card ran, so there is nothing to judge
     */
    record Row(String key, String label, double value, String unit, String comparison, double limit, String shown,
               String target, Boolean pass) {

        String result() {
            return pass == null ? "n/a" : pass ? "PASS" : "MISS";
        }
    }

    /**
     * A card waiting for a reviewer.
     *
     * @param escalation why it was escalated, or null when the engine has not recorded it
     */
    record Waiting(CardId id, String title, int attempt, EscalationRecord escalation) {
    }

    private final String project;
    private final long seed;
    private final String options;
    private final Path dataPath;
    private final BacklogStatus status;
    private final Metrics metrics;
    private final List<Row> rows;
    private final List<CardReport> cards;
    private final List<Waiting> waiting;
    private final int waitingOnReview;

    private RunSummary(String project, long seed, DataDir dir, BacklogStatus status, Metrics metrics,
                       List<CardReport> cards, List<Waiting> waiting, int waitingOnReview) {
        this.project = project;
        this.seed = seed;
        this.options = dir.options();
        this.dataPath = dir.path();
        this.waitingOnReview = waitingOnReview;
        this.status = status;
        this.metrics = metrics;
        this.rows = metrics == null ? List.of() : rows(metrics, status.totalCards());
        this.cards = cards;
        this.waiting = waiting;
    }

    /** Everything about the run in an engine's store; {@code withMetrics} false leaves the metrics out. */
    static RunSummary of(Orquestra orquestra, long seed, DataDir dir, boolean withMetrics) {
        BacklogStatus status = orquestra.status();
        Metrics metrics = withMetrics ? orquestra.metrics() : null;
        List<CardReport> cards = orquestra.checkpoint().reports();
        Map<CardId, String> titles = new LinkedHashMap<>();
        for (CardReport r : cards) {
            titles.put(r.id(), r.spec().title());
        }
        List<Waiting> waiting = new ArrayList<>();
        Set<CardId> behind = new HashSet<>();
        Backlog backlog = dir.requireBacklog(orquestra);
        for (CardId id : status.awaitingReview()) {
            CardState state = orquestra.cardState(id);
            waiting.add(new Waiting(id, titles.getOrDefault(id, ""), state.attempt(), state.escalation()));
            behind.addAll(backlog.transitiveDependents(id));
        }
        int waitingOnReview = (int) cards.stream()
                .filter(r -> r.status() == CardStatus.TODO && behind.contains(r.id())).count();
        return new RunSummary(status.project(), seed, dir, status, metrics, cards, waiting, waitingOnReview);
    }

    List<Row> rows() {
        return rows;
    }

    BacklogStatus status() {
        return status;
    }

    static List<Row> rows(Metrics m, int totalCards) {
        boolean ran = m.cardsRan() > 0;
        List<Row> rows = new ArrayList<>();
        rows.add(below("rejection_rate", "Rejection rate", m.rejectionRate(), "ratio", 0.10, percent(m.rejectionRate()),
                "< 10 %", ran));
        rows.add(below("average_attempts", "Attempts per card", m.averageAttempts(), "attempts", 1.5,
                String.format(Locale.ROOT, "%.2f", m.averageAttempts()), "< 1.5", ran));
        rows.add(below("escalation_rate", "Escalation rate", m.escalationRate(), "ratio", 0.05,
                percent(m.escalationRate()), "< 5 %", ran));
        rows.add(above("first_time_right", "First-time-right", m.firstTimeRightRate(), "ratio", 0.80,
                percent(m.firstTimeRightRate()), "> 80 %", ran));
        rows.add(below("time_to_approval_p95", "Time to approval, p95", seconds(m.timeToApprovalP95()), "seconds", 600,
                duration(m.timeToApprovalP95()), "< 10 min", ran));
        rows.add(below("correction_loop", "Correction loop, mean", seconds(m.correctionLoopMean()), "seconds", 300,
                duration(m.correctionLoopMean()), "< 5 min", ran));
        // 120 cards in under 2 h is at least 60 approved cards an hour, whatever the backlog's size
        double perHour = SEED_CARDS / 2.0;
        rows.add(new Row("throughput", "Throughput", m.throughputPerHour(), "cards_per_hour", ">=", perHour,
                String.format(Locale.ROOT, "%,.0f cards/h", m.throughputPerHour()), ">= 60 cards/h (120 in < 2 h)",
                ran ? m.throughputPerHour() >= perHour : null));
        rows.add(below("cost_per_card", "Cost per card", m.costPerCardUsd().doubleValue(), "usd", 0.15,
                Progress.usd(m.costPerCardUsd(), 3), "< $0.15", ran));
        // the seed's $18 is for its 120 cards: the same budget per card for a backlog of another size
        double totalLimit = 18.0 * totalCards / SEED_CARDS;
        rows.add(below("total_cost", "Total cost", m.totalCostUsd().doubleValue(), "usd", totalLimit,
                Progress.usd(m.totalCostUsd(), 2), String.format(Locale.ROOT, "< $%.2f", totalLimit)
                        + (totalCards == SEED_CARDS ? " (120 cards)" : " ($18 per 120 cards)"), ran));
        rows.add(below("high_cost_cards", "Cards above " + Progress.usd(m.highCostThresholdUsd(), 2),
                m.highCostCards(), "cards", 5, Integer.toString(m.highCostCards()), "< 5", ran));
        return rows;
    }

    private static Row below(String key, String label, double value, String unit, double limit, String shown,
                             String target, boolean ran) {
        return new Row(key, label, value, unit, "<", limit, shown, target, ran ? value < limit : null);
    }

    private static Row above(String key, String label, double value, String unit, double limit, String shown,
                             String target, boolean ran) {
        return new Row(key, label, value, unit, ">", limit, shown, target, ran ? value > limit : null);
    }

    // ------------------------------------------------------------------ text

    /** The end of a run: metrics table, cards by status, cost, and what waits for a reviewer. */
    void printRun(PrintWriter out) {
        out.println();
        out.printf("Success metrics of the seed plan, over the %d card%s that ran%n", metrics.cardsRan(),
                metrics.cardsRan() == 1 ? "" : "s");
        out.printf("  %-24s %16s   %-30s %s%n", "metric", "value", "target", "result");
        for (Row r : rows) {
            out.printf("  %-24s %16s   %-30s %s%n", r.label(), r.shown(), r.target(), r.result());
        }
        long met = rows.stream().filter(r -> Boolean.TRUE.equals(r.pass())).count();
        out.printf("  %d of %d targets met%n", met, rows.size());
        out.println();
        printStatus(out);
    }

    /** Cards by status, cost, and the cards awaiting review with the commands that decide them. */
    void printStatus(PrintWriter out) {
        journalNotice(status).ifPresent(out::println);
        out.println("Cards by status: " + byStatus());
        out.println("Cost: " + Progress.usd(status.costUsd(), 2) + " in total"
                + (metrics == null ? "" : String.format(Locale.ROOT, ", %,d tokens", metrics.totalTokens())));
        if (status.budgetExhausted()) {
            out.println("The backlog budget is spent: no new card starts.");
        }
        if (waiting.isEmpty()) {
            int open = status.totalCards() - finished();
            out.println(open == 0 ? "Every card is finished."
                    : open + (open == 1 ? " card is" : " cards are") + " not finished, and none awaits review.");
            return;
        }
        out.println();
        out.printf("%d card%s await%s review%s:%n", waiting.size(), waiting.size() == 1 ? "" : "s",
                waiting.size() == 1 ? "s" : "", waitingOnReview == 0 ? ""
                        : "; " + waitingOnReview + " more card" + (waitingOnReview == 1 ? " waits" : "s wait") + " on "
                        + (waiting.size() == 1 ? "it" : "them"));
        for (Waiting w : waiting) {
            out.printf("  %-10s %s%n", w.id(), TerminalText.escape(w.title()));
            if (w.escalation() != null) {
                out.printf("  %-10s escalated after %d attempt%s: %s%n", "", w.escalation().attempts(),
                        w.escalation().attempts() == 1 ? "" : "s", TerminalText.escape(w.escalation().reason()));
                for (String reason : w.escalation().lastReasons()) {
                    out.printf("  %-10s - %s%n", "", TerminalText.escape(reason));
                }
            }
        }
        int notStarted = status.count(CardStatus.TODO) - waitingOnReview;
        if (notStarted > 0) {
            out.println(notStarted + " other card" + (notStarted == 1 ? " has" : "s have") + " not started.");
        }
        out.println("Decide each one with");
        out.println("  ./orquestra-example review " + options + " CARD approve|reject|clarify --by NAME --reason TEXT");
        out.println("then carry on with");
        out.println("  ./orquestra-example run " + options);
    }

    /**
     * While the journal cannot be written, what the figures are: the last the engine knew, standing still
     * until the store answers, not live ones.
     */
    static Optional<String> journalNotice(BacklogStatus status) {
        return Optional.ofNullable(status.journalOutage()).map(outage -> "The journal is unavailable ("
                + TerminalText.escape(outage) + "): the figures below are the last the engine knew, not live; "
                + "they move again once the store answers.");
    }

    private int finished() {
        return status.count(CardStatus.DONE) + status.count(CardStatus.ABORTED) + status.count(CardStatus.CANCELLED);
    }

    private String byStatus() {
        List<String> parts = new ArrayList<>();
        for (CardStatus s : CardStatus.values()) {
            if (status.count(s) > 0) {
                parts.add(s + " " + status.count(s));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    // ------------------------------------------------------------------ JSON

    /** The same as JSON, for {@code --report}. */
    ObjectNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("project", project);
        root.put("seed", seed);
        root.put("data_dir", dataPath.toString());
        root.put("quiescent", status.quiescent());
        root.put("budget_exhausted", status.budgetExhausted());
        root.put("total_cards", status.totalCards());
        ObjectNode byStatus = root.putObject("by_status");
        for (CardStatus s : CardStatus.values()) {
            byStatus.put(s.name(), status.count(s));
        }
        if (metrics != null) {
            root.put("cards_ran", metrics.cardsRan());
            ObjectNode ms = root.putObject("metrics");
            for (Row r : rows) {
                ObjectNode m = ms.putObject(r.key());
                m.put("label", r.label());
                m.put("value", r.value());
                m.put("unit", r.unit());
                m.put("comparison", r.comparison());
                m.put("limit", r.limit());
                m.put("target", r.target());
                if (r.pass() == null) {
                    m.putNull("pass");
                } else {
                    m.put("pass", r.pass());
                }
            }
            root.put("targets_met", rows.stream().filter(r -> Boolean.TRUE.equals(r.pass())).count());
            root.put("time_to_approval_p50_seconds", seconds(metrics.timeToApprovalP50()));
            root.put("elapsed_seconds", seconds(metrics.elapsed()));
            root.put("total_tokens", metrics.totalTokens());
        }
        ObjectNode cost = root.putObject("cost");
        cost.put("total_usd", status.costUsd());
        ObjectNode perCard = cost.putObject("per_card_usd");
        cards.forEach(r -> perCard.put(r.id().value(), r.usage().costUsd()));
        ObjectNode byCard = root.putObject("cards");
        for (CardReport r : cards) {
            ObjectNode c = byCard.putObject(r.id().value());
            c.put("status", r.status().name());
            c.put("attempt", r.attempt());
            c.put("cost_usd", r.usage().costUsd());
        }
        ArrayNode awaiting = root.putArray("awaiting_review");
        for (Waiting w : waiting) {
            ObjectNode a = awaiting.addObject();
            a.put("card", w.id().value());
            a.put("title", w.title());
            a.put("attempt", w.attempt());
            if (w.escalation() != null) {
                a.put("reason", w.escalation().reason());
                ArrayNode reasons = a.putArray("last_reasons");
                w.escalation().lastReasons().forEach(reasons::add);
            }
            a.put("review", "./orquestra-example review " + options + " " + w.id()
                    + " approve|reject|clarify --by NAME --reason TEXT");
        }
        return root;
    }

    /** Writes {@link #toJson()} to a file atomically (creating its directory). */
    void writeJson(Path file) {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            json.getFactory().setCharacterEscapes(new ControlEscapes());
            json.writeValue(temporary.toFile(), toJson());
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw CommandFailure.failure("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * JSON escapes the C0 controls itself; this adds DEL, C1 and the characters that reorder or hide
     * text ({@link TerminalText#isControl}), so that a report shown in a terminal ({@code cat}) cannot
     * drive it either.
     */
    private static final class ControlEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        ControlEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= 0xffff && TerminalText.isControl((char) ch)
                    ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }

    // ------------------------------------------------------------------ formatting

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** {@code 850 ms}, {@code 12.4 s}, {@code 3 min 5 s}, {@code 2 h 10 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
