package dev.orquestra.benchmarks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the example app's {@code run} printed on stdout, read back into figures: the cards it was
 * given, the progress lines (plain ones: stdout is not a terminal here), whether it reached quiescence,
 * the final {@code Cards by status} and {@code Cost} lines, and how many cards wait on escalated ones.
 * A run that was stopped has no final lines; its last progress line says where it stood. The formats
 * are those of the app's {@code Progress} and {@code RunSummary}; {@code AppRunOutputTest} checks them
 * against a captured run.
 *
 * @param cards            the card count of the {@code Running ...} line, or -1 without one
 * @param byStatus         the final counts by status name, empty without the final line
 * @param quiescent        whether the app said it reached quiescence
 * @param costUsd          the final cost, NaN without the final line
 * @param tokens           the final token count, -1 without one
 * @param waitingOnReview  cards that wait (directly or not) on cards awaiting review, 0 when none is named
 * @param lastProgress     the last {@code progress:} line, if any
 */
record AppRunOutput(int cards, Map<String, Integer> byStatus, boolean quiescent, double costUsd, long tokens,
                    int waitingOnReview, Optional<Progress> lastProgress) {

    private static final Pattern RUNNING = Pattern.compile("^Running '.*' \\((.*), (\\d+) cards?\\) in (.*) with seed (-?\\d+)$");
    private static final Pattern PROGRESS = Pattern.compile("^progress: (\\d+)/(\\d+) done, (\\d+) in flight, "
            + "(\\d+) awaiting review(?:, (\\d+) aborted)?(?:, (\\d+) cancelled)?, \\$([0-9.]+), (\\d+) s$");
    private static final Pattern BY_STATUS = Pattern.compile("^Cards by status: (.*)$");
    private static final Pattern STATUS_COUNT = Pattern.compile("^([A-Z_]+) (\\d+)$");
    private static final Pattern COST = Pattern.compile("^Cost: \\$([0-9.]+) in total(?:, ([0-9,]+) tokens)?$");
    private static final Pattern WAITING = Pattern.compile(
            "^\\d+ cards? awaits? review(?:; (\\d+) more cards? waits? on (?:it|them))?:$");

    /** The statuses a card can end a run in: nothing more happens to it without a reviewer. */
    static final List<String> SETTLED = List.of("DONE", "AWAITING_HUMAN", "CANCELLED", "ABORTED");

    AppRunOutput {
        byStatus = Collections.unmodifiableMap(new LinkedHashMap<>(byStatus));
    }

    /**
     * One {@code progress:} line: {@code 57/120 done, 5 in flight, 1 awaiting review, $7.12, 3 s}, with
     * aborted and cancelled counts when there are any.
     *
     * @param seconds seconds since the app began following the run (after submitting it)
     */
    record Progress(String line, int done, int total, int inFlight, int awaitingReview, int aborted, int cancelled,
                    double costUsd, long seconds) {

        /** Cards that reached a state in which nothing more happens without a reviewer. */
        int settled() {
            return done + awaitingReview + aborted + cancelled;
        }

        /**
         * Cards neither settled nor in flight: blocked, or ready and not yet started. At least 0: the
         * app's in-flight count can exceed the cards not settled (seen: 189 done and 953 in flight of
         * 1,000), so this is an estimate while a run goes, exact only at its end.
         */
        int notStarted() {
            return Math.max(0, total - settled() - inFlight);
        }
    }

    /** Reads the app's stdout, line by line; lines it does not know are skipped. */
    static AppRunOutput parse(List<String> lines) {
        int cards = -1;
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        boolean quiescent = false;
        double cost = Double.NaN;
        long tokens = -1;
        int waiting = 0;
        Progress last = null;
        for (String raw : lines) {
            String line = raw.strip();
            Matcher m;
            if ((m = PROGRESS.matcher(line)).matches()) {
                last = new Progress(line, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), countOf(m.group(5)), countOf(m.group(6)),
                        Double.parseDouble(m.group(7)), Long.parseLong(m.group(8)));
            } else if ((m = RUNNING.matcher(line)).matches()) {
                cards = Integer.parseInt(m.group(2));
            } else if (line.startsWith("Quiescent:")) {
                quiescent = true;
            } else if ((m = BY_STATUS.matcher(line)).matches()) {
                byStatus.clear();
                if (!m.group(1).equals("none")) {
                    for (String part : m.group(1).split(",")) {
                        Matcher c = STATUS_COUNT.matcher(part.strip());
                        if (!c.matches()) {
                            throw new IllegalArgumentException("'" + part.strip() + "' is not 'STATUS count' in: " + line);
                        }
                        byStatus.put(c.group(1), Integer.parseInt(c.group(2)));
                    }
                }
            } else if ((m = COST.matcher(line)).matches()) {
                cost = Double.parseDouble(m.group(1));
                tokens = m.group(2) == null ? -1 : Long.parseLong(m.group(2).replace(",", ""));
            } else if ((m = WAITING.matcher(line)).matches()) {
                waiting = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
            }
        }
        return new AppRunOutput(cards, byStatus, quiescent, cost, tokens, waiting, Optional.ofNullable(last));
    }

    private static int countOf(String group) {
        return group == null ? 0 : Integer.parseInt(group);
    }

    /** Whether the final {@code Cards by status} line was printed. */
    boolean finished() {
        return !byStatus.isEmpty();
    }

    /** The final count of one status (its name, e.g. {@code DONE}); 0 when the line does not list it. */
    int count(String status) {
        return byStatus.getOrDefault(status, 0);
    }

    /** Cards counted in the final line. */
    int total() {
        return byStatus.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Cards of the final line in a state in which nothing more happens without a reviewer. */
    int settled() {
        return SETTLED.stream().mapToInt(this::count).sum();
    }
}
