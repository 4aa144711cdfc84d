package dev.orquestra.benchmarks.jmh;

import dev.orquestra.Artifact;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The lifecycle transition: {@link CardState#apply}, the fold every persisted card event goes through —
 * twice on the write path (the entity folds before persisting to check the transition, and Pekko
 * applies the event again after) and once per event on recovery.
 *
 * <ul>
 *   <li>{@code transition}: one event (WorkStarted on a QUEUED card);</li>
 *   <li>{@code happyPath}: the six events of a card that passes the default pipeline first time;</li>
 *   <li>{@code correctedCard}: the 20 events of a card rejected twice and approved on its third attempt
 *       (its state carries a growing validation history and corrections).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CardStateBenchmark {

    private CardState queued;
    private CardEvent started;
    private List<CardEvent> happyPath;
    private List<CardEvent> corrected;
    private final CardId id = CardId.of("BE-000042");

    @Setup
    public void setUp() {
        Instant t = Instant.parse("2026-01-05T09:00:00Z");
        List<Artifact> artifacts = List.of(Artifact.of("code", "src/Main.java"));
        Usage usage = Usage.of(1200, 300, "0.01");
        Verdict verification = Verdict.pass("verification").withUsage(usage);
        Verdict judge = Verdict.pass("llm-judge").withScore(9.0);
        Verdict qa = Verdict.pass("qa");
        queued = CardState.initial(id, 3).apply(new CardEvent.Queued(id, t));
        started = new CardEvent.WorkStarted(id, t.plusMillis(1), 1);
        happyPath = List.of(new CardEvent.Queued(id, t), new CardEvent.WorkStarted(id, t.plusMillis(1), 1),
                new CardEvent.WorkSubmitted(id, t.plusMillis(2), artifacts, usage),
                new CardEvent.StagePassed(id, t.plusMillis(3), "verification", List.of(verification)),
                new CardEvent.Approved(id, t.plusMillis(4), "llm-judge+qa", List.of(judge, qa)),
                new CardEvent.Completed(id, t.plusMillis(4)));
        corrected = new ArrayList<>();
        corrected.add(new CardEvent.Queued(id, t));
        for (int attempt = 1; attempt <= 3; attempt++) {
            corrected.add(new CardEvent.WorkStarted(id, t.plusMillis(attempt * 10L), attempt));
            corrected.add(new CardEvent.WorkSubmitted(id, t.plusMillis(attempt * 10L + 1), artifacts, usage));
            corrected.add(new CardEvent.StagePassed(id, t.plusMillis(attempt * 10L + 2), "verification", List.of(verification)));
            if (attempt < 3) {
                Verdict low = new Verdict("llm-judge", false, 6.0, List.of("edge cases untested"),
                        Map.of("tests", "cover the empty input"), usage);
                corrected.add(new CardEvent.Rejected(id, t.plusMillis(attempt * 10L + 3), "llm-judge+qa", List.of(low, qa),
                        List.of("edge cases untested")));
                corrected.add(new CardEvent.CorrectionStarted(id, t.plusMillis(attempt * 10L + 4), attempt + 1,
                        List.of("edge cases untested"), Map.of("tests", "cover the empty input"), null));
                corrected.add(new CardEvent.Queued(id, t.plusMillis(attempt * 10L + 4)));
            } else {
                corrected.add(new CardEvent.Approved(id, t.plusMillis(attempt * 10L + 3), "llm-judge+qa", List.of(judge, qa)));
                corrected.add(new CardEvent.Completed(id, t.plusMillis(attempt * 10L + 3)));
            }
        }
    }

    @Benchmark
    public CardState transition() {
        return queued.apply(started);
    }

    @Benchmark
    public CardState happyPath() {
        return CardState.replay(id, 3, happyPath);
    }

    @Benchmark
    public CardState correctedCard() {
        return CardState.replay(id, 3, corrected);
    }
}
