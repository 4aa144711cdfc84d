package dev.orquestra.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.internal.dispatch.CallReport;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.dispatch.WorkItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The dispatcher hands work to free workers only, in queue order, and holds it when told. */
class DispatcherTest {

    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static WorkItem item(String key, int priority, CompletionStage<?> result, ActorRef<CallReport> replyTo,
                                 long callId) {
        return new WorkItem(key, callId, priority, 0, Instant.parse("2026-01-01T00:00:00Z"), callId, ctx -> result,
                replyTo);
    }

    @Test
    void runsAtMostItsPoolSizeAndPullsTheNextWhenAWorkerFrees() {
        TestProbe<CallReport> card = KIT.createTestProbe();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("owner-test", 2, Clock.systemUTC(),
                Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), false));
        List<CompletableFuture<String>> gates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<String> gate = new CompletableFuture<>();
            gates.add(gate);
            d.tell(new Dispatcher.Enqueue(item("c/" + i, 5, gate, card.getRef(), i)));
        }
        assertThat(card.receiveSeveralMessages(2)).allMatch(m -> m instanceof CallReport.Started);
        card.expectNoMessage(Duration.ofMillis(200));
        TestProbe<Dispatcher.Stats> stats = KIT.createTestProbe();
        d.tell(new Dispatcher.GetStats(stats.getRef()));
        assertThat(stats.receiveMessage()).isEqualTo(new Dispatcher.Stats("owner-test", 3, 2, 2));

        gates.get(0).complete("done-0");
        assertThat(card.receiveMessage()).isEqualTo(new CallReport.Succeeded(0, "done-0"));
        assertThat(card.receiveMessage()).isEqualTo(new CallReport.Started(2));
        card.expectNoMessage(Duration.ofMillis(100));
        for (int i = 1; i < 5; i++) {
            gates.get(i).complete("done-" + i);
        }
        List<CallReport> rest = card.receiveSeveralMessages(6);
        assertThat(rest.stream().filter(m -> m instanceof CallReport.Succeeded).count()).isEqualTo(4);
    }

    @Test
    void heldDispatcherQueuesButHandsOutNothingUntilReleased() {
        TestProbe<CallReport> card = KIT.createTestProbe();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("held-test", 1, Clock.systemUTC(),
                Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), true));
        d.tell(new Dispatcher.Enqueue(item("low", 3, CompletableFuture.completedFuture("l"), card.getRef(), 1)));
        d.tell(new Dispatcher.Enqueue(item("high", 7, CompletableFuture.completedFuture("h"), card.getRef(), 2)));
        // the same work asked again (a restarted card): the newest request replaces the queued one
        d.tell(new Dispatcher.Enqueue(item("high", 7, CompletableFuture.completedFuture("again"), card.getRef(), 3)));
        card.expectNoMessage(Duration.ofMillis(200));
        d.tell(new Dispatcher.Release());
        assertThat(card.receiveSeveralMessages(4)).containsExactly(new CallReport.Started(3),
                new CallReport.Succeeded(3, "again"), new CallReport.Started(1), new CallReport.Succeeded(1, "l"));
        card.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void anAgentThatThrowsOrReturnsNullIsAFailedCallNotACrash() {
        TestProbe<CallReport> card = KIT.createTestProbe();
        ActorRef<Dispatcher.Command> d = KIT.spawn(Dispatcher.create("broken-test", 1, Clock.systemUTC(),
                Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), false));
        d.tell(new Dispatcher.Enqueue(new WorkItem("t", 1, 5, 0, Instant.EPOCH, 0, ctx -> {
            throw new IllegalArgumentException("bad prompt");
        }, card.getRef())));
        d.tell(new Dispatcher.Enqueue(new WorkItem("n", 2, 5, 0, Instant.EPOCH, 1, ctx -> null, card.getRef())));
        d.tell(new Dispatcher.Enqueue(new WorkItem("f", 3, 5, 0, Instant.EPOCH, 2,
                ctx -> CompletableFuture.failedFuture(new IllegalStateException("quota")), card.getRef())));
        List<CallReport> reports = card.receiveSeveralMessages(6);
        assertThat(reports).filteredOn(r -> r instanceof CallReport.Failed).extracting(r -> ((CallReport.Failed) r).error())
                .containsExactly("IllegalArgumentException: bad prompt",
                        "IllegalStateException: the agent returned null instead of a CompletionStage",
                        "IllegalStateException: quota");
    }
}
