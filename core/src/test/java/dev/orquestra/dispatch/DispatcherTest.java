package dev.orquestra.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardId;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.CallResult;
import dev.orquestra.internal.dispatch.ClaimAnswer;
import dev.orquestra.internal.dispatch.DispatchSettings;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import dev.orquestra.spi.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher hands work to free workers only, in queue order, and holds it when told; a worker
 * claims each item from its card and runs what the card answers.
 */
class DispatcherTest {

    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** Stands in for the cards: answers every claim with a Run of the item's key, reporting to one probe. */
    private static final class Cards {
        final List<String> claimed = new CopyOnWriteArrayList<>();
        final Map<String, Long> ids = new ConcurrentHashMap<>();
        volatile boolean declining;
        volatile boolean silent;
        private long next = 1;

        DispatchSettings settings(ActorRef<CallReport> reports, Function<String, CompletionStage<?>> calls,
                                  Duration claimTimeout) {
            return new DispatchSettings(Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(5),
                    Duration.ofMinutes(10), claimTimeout, (item, claim, replyTo) -> {
                        claimed.add(item.key());
                        if (silent) {
                            return;
                        }
                        if (declining) {
                            replyTo.tell(new ClaimAnswer.Decline(claim, "moved on"));
                            return;
                        }
                        long id;
                        synchronized (this) {
                            id = next++;
                        }
                        ids.put(item.key(), id);
                        replyTo.tell(new ClaimAnswer.Run(claim, id, item.key(), reports));
                    }, (call, ctx) -> calls.apply((String) call));
        }
    }

    private static WorkItem item(String key, int priority) {
        return new WorkItem(key, CardId.of("C-1"), "owner", 1, priority, 0, Instant.parse("2026-01-01T00:00:00Z"), 0);
    }

    @Test
    void runsAtMostItsPoolSizeAndPullsTheNextWhenAWorkerFrees() {
        TestProbe<CallReport> reports = KIT.createTestProbe();
        Cards cards = new Cards();
        Map<String, CompletableFuture<Verdict>> gates = new ConcurrentHashMap<>();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("owner-test", 2,
                cards.settings(reports.getRef(), key -> gates.computeIfAbsent(key, k -> new CompletableFuture<>()),
                        Duration.ofSeconds(10)), false));
        for (int i = 0; i < 5; i++) {
            d.tell(new Dispatcher.Enqueue(item("c/" + i, 5)));
        }
        org.awaitility.Awaitility.await().until(() -> gates.size() == 2);
        reports.expectNoMessage(Duration.ofMillis(200));
        assertThat(gates).hasSize(2);
        TestProbe<Dispatcher.Stats> stats = KIT.createTestProbe();
        d.tell(new Dispatcher.GetStats(stats.getRef()));
        Dispatcher.Stats s = stats.receiveMessage();
        assertThat(List.of(s.queued(), s.running(), s.workers())).containsExactly(3, 2, 2);
        assertThat(s.oldest()).isNotNull();

        gates.get("c/0").complete(Verdict.pass("done-0"));
        assertThat(reports.receiveMessage()).isEqualTo(new CallReport.Succeeded(cards.ids.get("c/0"), new CallResult.Judged(Verdict.pass("done-0"))));
        org.awaitility.Awaitility.await().until(() -> gates.size() == 3);
        for (int i = 1; i < 5; i++) {
            String key = "c/" + i;
            org.awaitility.Awaitility.await().until(() -> gates.containsKey(key));
            gates.get(key).complete(Verdict.pass("done-" + i));
        }
        List<CallReport> rest = reports.receiveSeveralMessages(4);
        assertThat(rest).allMatch(m -> m instanceof CallReport.Succeeded);
        assertThat(cards.claimed).hasSize(5);
    }

    @Test
    void heldDispatcherQueuesButHandsOutNothingUntilReleased() {
        TestProbe<CallReport> reports = KIT.createTestProbe();
        Cards cards = new Cards();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("held-test", 1,
                cards.settings(reports.getRef(), key -> CompletableFuture.completedFuture(Verdict.pass(key)), Duration.ofSeconds(10)),
                true));
        d.tell(new Dispatcher.Enqueue(item("low", 3)));
        d.tell(new Dispatcher.Enqueue(item("high", 7)));
        // the same work asked again (a restarted card): the newest request replaces the queued one
        d.tell(new Dispatcher.Enqueue(new WorkItem("high", CardId.of("C-2"), "owner", 1, 7, 0,
                Instant.parse("2026-01-01T00:00:00Z"), 0)));
        reports.expectNoMessage(Duration.ofMillis(200));
        assertThat(cards.claimed).isEmpty();
        d.tell(new Dispatcher.Release());
        assertThat(reports.receiveSeveralMessages(2)).extracting(r -> ((CallResult.Judged) ((CallReport.Succeeded) r).result()).verdict().validator())
                .containsExactly("high", "low");
        assertThat(cards.claimed).containsExactly("high", "low");
    }

    @Test
    void aDeclinedItemIsDroppedAndAnUnansweredClaimGoesBackToTheQueue() {
        TestProbe<CallReport> reports = KIT.createTestProbe();
        Cards cards = new Cards();
        cards.declining = true;
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("claims-test", 1,
                cards.settings(reports.getRef(), key -> CompletableFuture.completedFuture(Verdict.pass(key)), Duration.ofMillis(200)),
                false));
        d.tell(new Dispatcher.Enqueue(item("declined", 5)));
        org.awaitility.Awaitility.await().until(() -> cards.claimed.size() == 1);
        TestProbe<Dispatcher.Stats> stats = KIT.createTestProbe();
        org.awaitility.Awaitility.await().until(() -> {
            d.tell(new Dispatcher.GetStats(stats.getRef()));
            Dispatcher.Stats s = stats.receiveMessage();
            return s.queued() == 0 && s.running() == 0;
        });

        cards.declining = false;
        cards.silent = true;
        d.tell(new Dispatcher.Enqueue(item("unanswered", 5)));
        // claimed, not answered within the timeout, queued again and claimed again
        org.awaitility.Awaitility.await().until(() -> cards.claimed.stream().filter("unanswered"::equals).count() >= 2);
        cards.silent = false;
        assertThat(reports.receiveMessage(Duration.ofSeconds(5))).isInstanceOf(CallReport.Succeeded.class);
    }

    @Test
    void anAgentThatThrowsOrReturnsNullIsAFailedCallNotACrash() {
        TestProbe<CallReport> reports = KIT.createTestProbe();
        Cards cards = new Cards();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("broken-test", 1, cards.settings(reports.getRef(),
                key -> switch (key) {
                    case "t" -> throw new IllegalArgumentException("bad prompt");
                    case "n" -> null;
                    case "s" -> CompletableFuture.completedFuture("a string");
                    case "w" -> CompletableFuture.completedFuture(WorkResult.failed("no model answer", Usage.of(5, 0, "0.001")));
                    default -> CompletableFuture.failedFuture(new IllegalStateException("quota"));
                }, Duration.ofSeconds(10)), false));
        d.tell(new Dispatcher.Enqueue(item("t", 9)));
        d.tell(new Dispatcher.Enqueue(item("n", 8)));
        d.tell(new Dispatcher.Enqueue(item("f", 7)));
        d.tell(new Dispatcher.Enqueue(item("s", 6)));
        d.tell(new Dispatcher.Enqueue(item("w", 5)));
        List<CallReport> got = reports.receiveSeveralMessages(5);
        assertThat(got).extracting(r -> ((CallReport.Failed) r).error())
                .containsExactly("IllegalArgumentException: bad prompt",
                        "IllegalStateException: the agent returned null instead of a CompletionStage",
                        "IllegalStateException: quota",
                        "the call completed with java.lang.String, which is not a WorkResult, a Verdict or a Diagnosis",
                        "no model answer");
        assertThat(((CallReport.Failed) got.get(4)).usage()).isEqualTo(Usage.of(5, 0, "0.001"));
    }
}
