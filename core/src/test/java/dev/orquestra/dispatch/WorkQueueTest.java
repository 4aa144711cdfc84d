package dev.orquestra.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.internal.dispatch.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Queue order: priority, then critical path, then first in first out; aging prevents starvation. */
class WorkQueueTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration AGING = Duration.ofMinutes(1);

    private static List<String> drain(WorkQueue<String> q, Instant now) {
        List<String> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.poll(now).orElseThrow().item());
        }
        return out;
    }

    @Test
    void priorityThenCriticalPathThenArrival() {
        WorkQueue<String> q = new WorkQueue<>(AGING);
        q.offer("low", 3, 9, T0, 0, "low");
        q.offer("med-short-early", 5, 0, T0, 1, "med-short-early");
        q.offer("med-long", 5, 4, T0.plusMillis(5), 2, "med-long");
        q.offer("crit", 10, 0, T0.plusMillis(9), 3, "crit");
        q.offer("med-short-late", 5, 0, T0.plusMillis(7), 4, "med-short-late");
        q.offer("high", 7, 1, T0.plusMillis(3), 5, "high");
        assertThat(drain(q, T0.plusMillis(10))).containsExactly("crit", "high", "med-long", "med-short-early",
                "med-short-late", "low");
    }

    @Test
    void equalTimesAreOrderedByOrdinal() {
        WorkQueue<String> q = new WorkQueue<>(AGING);
        q.offer("b", 5, 0, T0, 2, "second");
        q.offer("a", 5, 0, T0, 1, "first");
        q.offer("c", 5, 0, T0, 3, "third");
        assertThat(drain(q, T0)).containsExactly("first", "second", "third");
    }

    @Test
    void aKeyIsQueuedOnceTheNewestRequestWinsAndItCanBeRemoved() {
        WorkQueue<String> q = new WorkQueue<>(AGING);
        assertThat(q.offer("k", 5, 0, T0, 0, "one")).isTrue();
        assertThat(q.offer("k", 9, 0, T0, 0, "two")).isFalse();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.remove("k")).map(WorkQueue.Entry::item).hasValue("two");
        assertThat(q.remove("k")).isEmpty();
        assertThat(q.poll(T0)).isEmpty();
    }

    @Test
    void oldWorkOvertakesFreshHigherPriorityWork() {
        WorkQueue<String> q = new WorkQueue<>(AGING);
        q.offer("low", 3, 0, T0, 0, "low");
        // CRITICAL (10) is 7 levels above LOW (3): LOW wins once it waited 7 aging intervals longer
        q.offer("crit-1", 10, 0, T0.plus(Duration.ofSeconds(410)), 1, "crit-1");
        assertThat(q.poll(T0.plus(Duration.ofSeconds(410))).orElseThrow().item()).isEqualTo("crit-1");
        q.offer("crit-2", 10, 0, T0.plus(Duration.ofSeconds(430)), 2, "crit-2");
        assertThat(q.poll(T0.plus(Duration.ofSeconds(430))).orElseThrow().item()).isEqualTo("low");
    }

    @Test
    void withinALevelTheOldestGoesFirstOnceItWaitedAnInterval() {
        WorkQueue<String> q = new WorkQueue<>(AGING);
        q.offer("short", 5, 0, T0, 0, "short");
        q.offer("long", 5, 9, T0.plusSeconds(30), 1, "long");
        assertThat(q.poll(T0.plusSeconds(59)).orElseThrow().item()).isEqualTo("long");
        q.offer("long-2", 5, 9, T0.plusSeconds(60), 2, "long-2");
        assertThat(q.poll(T0.plusSeconds(60)).orElseThrow().item()).isEqualTo("short");
    }

    /**
     * However much higher-priority work keeps arriving, one item is taken per tick and arrivals never
     * exceed one per tick, every item is taken within a bounded wait.
     */
    @Property(tries = 200)
    void nothingStarves(@ForAll @Size(min = 50, max = 300) List<@IntRange(min = 0, max = 3) Integer> arrivals,
                        @ForAll @IntRange(min = 0, max = 5) int criticalPath) {
        int[] weights = {10, 7, 5, 3};
        WorkQueue<String> q = new WorkQueue<>(AGING);
        Map<String, Instant> enqueued = new HashMap<>();
        Duration tick = Duration.ofSeconds(10);
        Instant now = T0;
        long maxWaitTicks = 0;
        int n = 0;
        // a LOW item first, then a stream of arrivals of random priority, one per tick
        q.offer("first-low", 3, 0, now, n++, "first-low");
        enqueued.put("first-low", now);
        for (int arrival : arrivals) {
            String key = "k" + n;
            q.offer(key, weights[arrival], criticalPath, now, n++, key);
            enqueued.put(key, now);
            String taken = q.poll(now).orElseThrow().item();
            maxWaitTicks = Math.max(maxWaitTicks, Duration.between(enqueued.remove(taken), now).dividedBy(tick));
            now = now.plus(tick);
        }
        // with one arrival and one departure per tick, the queue never grows: waits stay within
        // the aging needed to climb from LOW (3) to CRITICAL (10), plus the items ahead
        long bound = (10 - 3 + 1) * AGING.dividedBy(tick) + 2;
        assertThat(maxWaitTicks).isLessThanOrEqualTo(bound);
        assertThat(enqueued).hasSize(1);
    }
}
