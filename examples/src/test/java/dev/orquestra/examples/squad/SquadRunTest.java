package dev.orquestra.examples.squad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Metrics;
import dev.orquestra.Orquestra;
import dev.orquestra.Policy;
import dev.orquestra.examples.squad.SquadSettings.Latency;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 120-card sample backlog through a real engine with the default seed: the run settles, its
 * metrics are those the defaults promise, and the same seed gives the same ending card by card,
 * whether the run is repeated or killed and resumed. Nothing here depends on timing.
 */
class SquadRunTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Small latencies keep the suite fast; they change no decision. */
    private static final SquadSettings SETTINGS = SquadSettings.builder().latency(Latency.ofMillis(0, 2)).build();
    /** Short backoff: a failing owner call fails on every retry of its attempt, so waiting buys nothing. */
    private static final Policy POLICY = Policy.defaults().retries(3, Duration.ofMillis(2), Duration.ofMillis(10));

    private static ScheduledExecutorService scheduler;
    private static Backlog backlog;
    private static Run uninterrupted;

    /** How one run ended. */
    private record Run(Map<String, String> endings, Metrics metrics, List<CardId> firstEscalations,
                       int diagnosedCards, int done) {
    }

    @BeforeAll
    static void runOnce(@TempDir Path dir) throws IOException {
        scheduler = Executors.newScheduledThreadPool(2);
        backlog = BacklogReader.standard().read(Path.of("backlogs", SampleBacklogs.SQUAD_120));
        try (Orquestra o = engine(dir, InMemoryStore.create())) {
            o.submit(backlog);
            uninterrupted = settle(o);
        }
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
    }

    private static Orquestra engine(Path dataDir, InMemoryStore store) {
        Squad squad = Squad.create(SETTINGS, dataDir, scheduler);
        return squad.configure(Orquestra.builder().store(store).policy(POLICY).shutdownTimeout(Duration.ofSeconds(10)),
                Map.of()).build();
    }

    /**
     * Waits for quiescence and plays the tech lead: a card awaiting review first gets a
     * clarification (one more attempt), and is approved as it is if it comes back.
     */
    private static Run settle(Orquestra o) {
        Map<CardId, Integer> reviews = new HashMap<>();
        List<CardId> first = null;
        for (int round = 0; round < 10; round++) {
            assertThat(o.awaitQuiescence(WAIT)).as("quiescent after review round " + round).isTrue();
            List<CardId> waiting = o.status().awaitingReview();
            if (first == null) {
                first = waiting;
            }
            if (waiting.isEmpty()) {
                Map<String, String> endings = new TreeMap<>();
                int diagnosed = 0;
                int done = 0;
                for (CardReport r : o.checkpoint().reports()) {
                    endings.put(r.id().value(), r.status() + " after " + r.attempt());
                    diagnosed += r.corrections().stream().anyMatch(c -> c.diagnosis() != null) ? 1 : 0;
                    done += r.status() == CardStatus.DONE ? 1 : 0;
                }
                return new Run(endings, o.metrics(), first, diagnosed, done);
            }
            for (CardId id : waiting) {
                if (reviews.merge(id, 1, Integer::sum) == 1) {
                    o.review(id).requestClarification("tech-lead", "Keep it to the MVP: BRL accounts only, as "
                            + "agreed with the epic's architect.");
                } else {
                    o.review(id).approveOverride("tech-lead", "Good enough for the MVP; a follow-up card is opened.");
                }
            }
        }
        return fail("ten review rounds did not settle the backlog");
    }

    @Test
    void aDefaultRunSettlesWithTheMetricsTheDefaultsPromise() {
        Metrics m = uninterrupted.metrics();
        assertThat(uninterrupted.done()).isEqualTo(120);
        assertThat(m.cardsRan()).isEqualTo(120);
        assertThat(m.rejectionRate()).isBetween(0.10, 0.20);
        assertThat(m.averageAttempts()).isBetween(1.2, 1.4);
        assertThat(m.escalationRate()).isBetween(0.01, 0.05);
        assertThat(m.firstTimeRightRate()).isBetween(0.75, 0.85);
        assertThat(m.costPerCardUsd()).isLessThan(new BigDecimal("0.15"));
        assertThat(m.totalCostUsd()).isLessThan(new BigDecimal("18"));
        assertThat(m.highCostCards()).isLessThan(5);
        // a handful of cards needed a human, and the debugger was called in on repeated failures
        assertThat(uninterrupted.firstEscalations()).hasSizeBetween(1, 6);
        assertThat(uninterrupted.diagnosedCards()).isPositive();
    }

    @Test
    void theSameSeedEndsTheSameWayCardByCard(@TempDir Path dir) {
        try (Orquestra o = engine(dir, InMemoryStore.create())) {
            o.submit(backlog);
            Run again = settle(o);
            assertThat(again.endings()).hasSize(120).isEqualTo(uninterrupted.endings());
            assertThat(again.firstEscalations()).isEqualTo(uninterrupted.firstEscalations());
            assertThat(again.metrics().rejectionRate()).isEqualTo(uninterrupted.metrics().rejectionRate());
            assertThat(again.metrics().firstTimeRightRate()).isEqualTo(uninterrupted.metrics().firstTimeRightRate());
        }
    }

    @Test
    void aRunKilledAndResumedEndsLikeAnUninterruptedOne(@TempDir Path dir) throws InterruptedException {
        InMemoryStore store = InMemoryStore.create();
        CountDownLatch someDone = new CountDownLatch(30);
        try (Orquestra first = engine(dir, store)) {
            first.subscribe(e -> {
                if (e instanceof CardEvent.Completed) {
                    someDone.countDown();
                }
            });
            first.submit(backlog);
            assertThat(someDone.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } // closed mid-run: calls in flight are cancelled and dispatched again by the next engine
        try (Orquestra resumed = engine(dir, store)) {
            Run run = settle(resumed);
            assertThat(run.endings()).hasSize(120).isEqualTo(uninterrupted.endings());
        }
    }
}
