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
import java.util.function.Consumer;

/**
 * Shows a run's progress while it runs: done/total, cards in flight, cards awaiting review and the
 * cost so far. On a terminal, one progress bar redrawn in place; otherwise (a pipe, a log, a test)
 * plain lines, one per {@value #STEP_PERCENT} % of the backlog done and one whenever the number of
 * cards awaiting review changes, so that a log stays short.
 *
 * <p>It listens to the engine's events, which only mark the display stale; the thread that follows
 * the run asks the engine for its status when something changed, at most every {@link #interval}, so
 * a burst of events costs one refresh.
 */
final class Progress implements Consumer<CardEvent> {

    static final int STEP_PERCENT = 5;
    private static final int BAR_WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private final Duration interval;
    private final Object signal = new Object();
    private boolean stale = true; // guarded by signal
    private long startedAt;
    private int lastWidth;
    private int lastDone = -1;
    private int lastAwaiting = -1;

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
    void follow(Orquestra orquestra, CompletableFuture<?> settled) throws InterruptedException {
        startedAt = System.nanoTime();
        settled.whenComplete((v, e) -> wake());
        while (!settled.isDone()) {
            synchronized (signal) {
                while (!stale && !settled.isDone()) {
                    signal.wait(1000);
                }
                stale = false;
            }
            if (settled.isDone() || !show(orquestra, false)) {
                break;
            }
            Thread.sleep(interval.toMillis());
        }
        if (settled.isDone()) {
            show(orquestra, true);
        }
        if (terminal && lastWidth > 0) {
            out.println();
        }
        out.flush();
    }

    private boolean show(Orquestra orquestra, boolean last) {
        BacklogStatus status;
        try {
            status = orquestra.status();
        } catch (IllegalStateException e) {
            // a busy engine can answer late: keep following; only a closed engine ends the progress line
            return e.getCause() instanceof java.util.concurrent.TimeoutException;
        }
        int done = status.count(CardStatus.DONE);
        int awaiting = status.awaitingReview().size();
        String text = describe(status) + ", " + Duration.ofNanos(System.nanoTime() - startedAt).toSeconds() + " s";
        if (terminal) {
            String line = bar(done, status.totalCards()) + " " + text;
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            out.flush();
            lastWidth = line.length();
        } else {
            int step = Math.max(1, (int) Math.ceil(status.totalCards() * STEP_PERCENT / 100.0));
            boolean due = lastDone < 0 || done >= lastDone + step || awaiting != lastAwaiting
                    || last && done != lastDone;
            if (due) {
                out.println("progress: " + text);
                out.flush();
                lastDone = done;
                lastAwaiting = awaiting;
            }
        }
        return true;
    }

    /** {@code 57/120 done, 5 in flight, 1 awaiting review, $7.12}, with aborted and cancelled cards when there are any. */
    static String describe(BacklogStatus status) {
        StringBuilder s = new StringBuilder();
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
