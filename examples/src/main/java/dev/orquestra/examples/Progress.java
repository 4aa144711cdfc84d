package dev.orquestra.examples;

import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Shows a run's progress while it runs: done/total, cards in flight, cards awaiting review and the
 * cost so far. On a terminal, one progress bar redrawn in place; otherwise (a pipe, a log, a test)
 * plain lines, one per {@value #STEP_PERCENT} % of the backlog done and one whenever the number of
 * cards awaiting review changes, so that a log stays short.
 *
 * <p>It listens to the engine's events, which only mark the display stale; the thread that follows
 * the run asks the engine for its status when something changed, at most every {@link #interval}, so
 * a burst of events costs one refresh. A busy engine can answer late: a status that times out is asked
 * again after the interval, and only a closed engine ends the progress line. While the journal cannot
 * be written ({@link BacklogStatus#journalOutage()}) the line says so before the counts, which stand
 * still until it can, instead of showing them as if live.
 */
final class Progress implements Consumer<CardEvent> {

    static final int STEP_PERCENT = 5;
    private static final int BAR_WIDTH = 20;

    /** How long the line goes without asking for the status when no event arrives. */
    private static final Duration IDLE_REFRESH = Duration.ofSeconds(5);

    private final PrintWriter out;
    private final boolean terminal;
    private final Duration interval;
    private final Object signal = new Object();
    private boolean stale = true; // guarded by signal
    private long startedAt;
    private int lastWidth;
    private int lastDone = -1;
    private int lastAwaiting = -1;
    private boolean lastInOutage;

    /**
     * Where the status comes from: {@code orquestra::status} in a run. It fails as
     * {@link Orquestra#status()} does: with an {@link IllegalStateException} caused by a
     * {@link TimeoutException} when the engine did not answer in time, and with one without that cause
     * when the engine is closed.
     */
    @FunctionalInterface
    interface StatusSource {
        BacklogStatus status();
    }

    /**
     * @param terminal true to redraw one line in place, false for plain lines
     */
    Progress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.interval = Duration.ofMillis(terminal ? 100 : 200);
    }

    @Override
    public void accept(CardEvent event) {
        wake();
    }

    private void wake() {
        synchronized (signal) {
            stale = true;
            signal.notifyAll();
        }
    }

    /**
     * Shows progress until {@code settled} completes; the last line shows where the run ended. Returns
     * early, without a last line, when the engine is closed under it (Ctrl-C).
     */
    void follow(StatusSource source, CompletableFuture<?> settled) throws InterruptedException {
        startedAt = System.nanoTime();
        settled.whenComplete((v, e) -> wake());
        while (!settled.isDone()) {
            synchronized (signal) {
                // no event for a while can mean a journal outage, which no event announces: ask anyway
                long idleUntil = System.nanoTime() + IDLE_REFRESH.toNanos();
                long left;
                while (!stale && !settled.isDone() && (left = idleUntil - System.nanoTime()) > 0) {
                    signal.wait(Math.max(1, left / 1_000_000));
                }
                stale = false;
            }
            if (settled.isDone() || !show(source, false)) {
                break;
            }
            Thread.sleep(interval.toMillis());
        }
        if (settled.isDone()) {
            show(source, true);
        }
        if (terminal && lastWidth > 0) {
            out.println();
        }
        out.flush();
    }

    private boolean show(StatusSource source, boolean last) {
        BacklogStatus status;
        try {
            status = source.status();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TimeoutException) {
                wake(); // a busy engine answered late: ask again after the interval, events or not
                return true;
            }
            return false; // the engine is closed: only then does the progress line end
        }
        int done = status.count(CardStatus.DONE);
        int awaiting = status.awaitingReview().size();
        boolean inOutage = status.journalOutage() != null;
        String text = describe(status) + ", " + Duration.ofNanos(System.nanoTime() - startedAt).toSeconds() + " s";
        if (terminal) {
            String line = bar(done, status.totalCards()) + " " + text;
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            out.flush();
            lastWidth = line.length();
        } else {
            int step = Math.max(1, (int) Math.ceil(status.totalCards() * STEP_PERCENT / 100.0));
            boolean due = lastDone < 0 || done >= lastDone + step || awaiting != lastAwaiting
                    || inOutage != lastInOutage || last && done != lastDone;
            if (due) {
                out.println("progress: " + text);
                out.flush();
                lastDone = done;
                lastAwaiting = awaiting;
                lastInOutage = inOutage;
            }
        }
        return true;
    }

    /**
     * {@code 57/120 done, 5 in flight, 1 awaiting review, $7.12}, with aborted and cancelled cards when
     * there are any; during a journal outage it starts {@code journal unavailable: journal calls failing
     * since …; last known 57/120 done, …}.
     */
    static String describe(BacklogStatus status) {
        StringBuilder s = new StringBuilder();
        if (status.journalOutage() != null) {
            s.append("journal unavailable: ").append(TerminalText.escape(status.journalOutage()))
                    .append("; last known ");
        }
        s.append(status.count(CardStatus.DONE)).append('/').append(status.totalCards()).append(" done, ")
                .append(status.active()).append(" in flight, ")
                .append(status.awaitingReview().size()).append(" awaiting review");
        if (status.count(CardStatus.ABORTED) > 0) {
            s.append(", ").append(status.count(CardStatus.ABORTED)).append(" aborted");
        }
        if (status.count(CardStatus.CANCELLED) > 0) {
            s.append(", ").append(status.count(CardStatus.CANCELLED)).append(" cancelled");
        }
        s.append(", ").append(usd(status.costUsd(), 2));
        return s.toString();
    }

    static String bar(int done, int total) {
        int filled = total == 0 ? BAR_WIDTH : (int) ((long) done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    /** {@code $7.12}: US dollars at the given scale. */
    static String usd(BigDecimal amount, int scale) {
        return "$" + amount.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }
}
