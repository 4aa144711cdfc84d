package dev.orquestra.benchmarks.jmh;

import dev.orquestra.internal.dispatch.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dispatcher's queue ({@link WorkQueue}, internal): one offer and one poll at a steady queue length,
 * as a dispatcher does for every call it hands out, and the keyed removal a cancelled card makes. Items
 * carry the four priority weights and varied critical paths, so the queue keeps several levels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WorkQueueBenchmark {

    @Param({"10", "1000", "100000"})
    public int queued;

    private WorkQueue<String> queue;
    private String[] keys;
    private Instant now;
    private long ordinal;

    @Setup
    public void setUp() {
        queue = new WorkQueue<>(Duration.ofMinutes(1));
        now = Instant.parse("2026-01-05T09:00:00Z");
        keys = new String[1 << 20];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format(Locale.ROOT, "BE-%07d/1/owner", i);
        }
        for (int i = 0; i < queued; i++) {
            offer();
        }
    }

    private void offer() {
        long n = ordinal++;
        String key = keys[(int) (n & (keys.length - 1))];
        queue.offer(key, 1 + (int) (n % 4), (int) (n % 20), now.plusNanos(n * 1000), n, key);
    }

    @Benchmark
    public Object offerThenPoll() {
        offer();
        return queue.poll(now).orElseThrow().item();
    }

    @Benchmark
    public Object offerThenRemove() {
        long n = ordinal;
        offer();
        return queue.remove(keys[(int) (n & (keys.length - 1))]);
    }
}
