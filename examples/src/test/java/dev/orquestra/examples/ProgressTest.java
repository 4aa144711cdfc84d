package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The progress line against a scripted status source: a late answer is asked again (a 20,000-card run
 * once froze at its first late answer and printed nothing more), only a closed engine ends the line,
 * and a journal outage is said, not shown as live counts.
 */
class ProgressTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StringWriter text = new StringWriter();
    private final Progress progress = new Progress(new PrintWriter(text, true), false);
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicReference<Object> next = new AtomicReference<>();
    private final CompletableFuture<Void> followed = new CompletableFuture<>();
    private Thread follower;

    private static BacklogStatus status(int done, int total, String outage) {
        return new BacklogStatus("p", total, Map.of(CardStatus.DONE, done, CardStatus.TODO, total - done), List.of(),
                total - done, new BigDecimal("1.25"), false, done == total, outage);
    }

    /** What {@code Orquestra.status()} throws when the engine did not answer within its ask timeout. */
    private static IllegalStateException late() {
        return new IllegalStateException("the engine did not answer within PT10S", new TimeoutException("ask timed out"));
    }

    /** Follows the run on a thread of its own; each ask answers what {@link #next} holds at that moment. */
    private void follow() {
        Progress.StatusSource source = () -> {
            asked.incrementAndGet();
            Object answer = next.get();
            if (answer instanceof RuntimeException e) {
                throw e;
            }
            return (BacklogStatus) answer;
        };
        follower = new Thread(() -> {
            try {
                progress.follow(source, settled);
                followed.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                followed.completeExceptionally(e);
            }
        }, "progress-follower");
        follower.setDaemon(true);
        follower.start();
    }

    private static CardEvent anEvent() {
        return new CardEvent.Queued(CardId.of("BE-1"), Instant.parse("2026-01-05T09:00:00Z"));
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.interrupt();
        }
    }

    @Test
    void aLateAnswerIsAskedAgainAndTheLineGoesOnToTheEnd() {
        next.set(status(0, 4, null));
        follow();
        await().atMost(WAIT).until(() -> asked.get() >= 1);

        next.set(late());
        progress.accept(anEvent());
        // no event comes after the late answer: asking again is the progress line's own doing
        await().atMost(WAIT).until(() -> asked.get() >= 3);
        assertThat(followed).as("a late answer does not end the progress line").isNotDone();

        next.set(status(4, 4, null));
        settled.complete(null);
        await().atMost(WAIT).until(followed::isDone);
        assertThat(followed).isCompleted();
        assertThat(text.toString().lines()).first().asString().startsWith("progress: 0/4 done");
        assertThat(text.toString().lines()).last().asString().startsWith("progress: 4/4 done, 0 in flight");
    }

    @Test
    void aClosedEngineEndsTheLineAtOnce() {
        next.set(status(1, 4, null));
        follow();
        await().atMost(WAIT).until(() -> asked.get() >= 1);

        next.set(new IllegalStateException("this Orquestra engine is closed"));
        progress.accept(anEvent());
        await().atMost(WAIT).until(followed::isDone);

        assertThat(settled).as("the run never settled: Ctrl-C closed the engine").isNotDone();
        assertThat(asked).hasValue(2);
        assertThat(text.toString().lines()).containsExactly("progress: 1/4 done, 3 in flight, 0 awaiting review, "
                + "$1.25, 0 s");
    }

    @Test
    void aJournalOutageIsSaidOnceWithoutAnyEventAndItsEndToo() {
        next.set(status(2, 4, null));
        follow();
        await().atMost(WAIT).until(() -> asked.get() >= 1);

        // an outage stops the events: the line finds out by asking anyway
        next.set(status(2, 4, "journal calls failing since 2026-01-05T09:00:00Z (Connection refused)"));
        await().atMost(WAIT).until(() -> text.toString().contains("journal unavailable"));
        int askedInOutage = asked.get();
        await().atMost(WAIT).until(() -> asked.get() > askedInOutage);

        next.set(status(3, 4, null));
        progress.accept(anEvent());
        await().atMost(WAIT).until(() -> text.toString().contains("progress: 3/4"));
        settled.complete(null);
        await().atMost(WAIT).until(followed::isDone);

        assertThat(text.toString().lines()).filteredOn(l -> l.contains("journal unavailable")).singleElement()
                .asString().startsWith("progress: journal unavailable: journal calls failing since "
                        + "2026-01-05T09:00:00Z (Connection refused); last known 2/4 done, 2 in flight");
    }

    @Test
    void theStatusOfARunInAnOutageSaysItsFiguresAreNotLive() {
        assertThat(RunSummary.journalNotice(status(2, 4, null))).isEmpty();
        assertThat(RunSummary.journalNotice(status(2, 4, "journal calls failing since 2026-01-05T09:00:00Z (x)")))
                .contains("The journal is unavailable (journal calls failing since 2026-01-05T09:00:00Z (x)): the "
                        + "figures below are the last the engine knew, not live; they move again once the store "
                        + "answers.");
    }
}
