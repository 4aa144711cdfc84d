package dev.orquestra.benchmarks;

import dev.orquestra.CardId;
import dev.orquestra.Check;
import dev.orquestra.Pipeline;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * No-op agents and validators for the harnesses: every call succeeds (judge score 9), at once or after
 * a fixed latency, and the owner records when it was first called for each card, which is the end of
 * a dispatch-latency sample. Optionally every call waits for a gate, to hold cards in flight.
 */
final class Squad implements AutoCloseable {

    /** The pipeline a harness runs. */
    enum PipelineKind {
        /** Orquestra's default: verification, then llm-judge (≥ 8.0) and qa in parallel. */
        DEFAULT,
        /** The Celery baseline's stages: verification, then llm-judge. */
        CELERY,
        /** No validation: the owner's work is approved as submitted. */
        NONE;

        static PipelineKind parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pipeline must be default, celery or none, was '" + text + "'");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Calls each card makes when everything passes: the owner and one per check. */
        int callsPerCard() {
            return switch (this) {
                case DEFAULT -> 4;
                case CELERY -> 3;
                case NONE -> 1;
            };
        }
    }

    private final Map<CardId, Integer> index;
    private final long taskMicros;
    private final ScheduledExecutorService timer;
    private final AtomicLongArray ownerFirstCall;
    private final AtomicLong calls = new AtomicLong();
    private volatile CompletableFuture<Void> gate;

    /**
     * @param index  each card's position in the backlog (read-only; shared by worker threads)
     * @param taskMs fixed latency of every call; 0 completes at once, on the calling thread
     */
    Squad(Map<CardId, Integer> index, double taskMs) {
        this.index = index;
        this.taskMicros = Math.round(taskMs * 1000);
        this.timer = taskMicros > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-task-latency");
            t.setDaemon(true);
            return t;
        }) : null;
        this.ownerFirstCall = new AtomicLongArray(index.size());
    }

    /** Holds every call until {@link #openGate()} (calls made meanwhile complete then). */
    void closeGate() {
        gate = new CompletableFuture<>();
    }

    void openGate() {
        CompletableFuture<Void> g = gate;
        gate = null;
        if (g != null) {
            g.complete(null);
        }
    }

    Agent owner() {
        return order -> {
            calls.incrementAndGet();
            if (order.attempt() == 1) {
                Integer i = index.get(order.card().id());
                if (i != null) {
                    ownerFirstCall.compareAndSet(i, 0, Machine.nowMicros());
                }
            }
            return complete(WorkResult.succeeded());
        };
    }

    Validator validator(String name, double score) {
        Verdict verdict = Verdict.pass(name).withScore(score);
        return submission -> {
            calls.incrementAndGet();
            return complete(verdict);
        };
    }

    Pipeline pipeline(PipelineKind kind, int concurrency) {
        Validator verification = validator("verification", 9.0);
        Validator judge = validator("llm-judge", 9.0);
        Validator qa = validator("qa", 9.0);
        return switch (kind) {
            case DEFAULT -> Pipeline.of(Pipeline.single(Pipeline.check("verification", verification).concurrency(concurrency)),
                    Pipeline.parallel(Pipeline.check("llm-judge", judge).passingScore(Pipeline.DEFAULT_JUDGE_SCORE)
                            .concurrency(concurrency), Pipeline.check("qa", qa).concurrency(concurrency)));
            case CELERY -> Pipeline.of(Pipeline.single(Pipeline.check("verification", verification).concurrency(concurrency)),
                    Pipeline.single(Pipeline.check("llm-judge", judge).passingScore(Pipeline.DEFAULT_JUDGE_SCORE)
                            .concurrency(concurrency)));
            case NONE -> Pipeline.none();
        };
    }

    /** The checks of a pipeline, for the header line. */
    static String describe(Pipeline p) {
        return p.checks().stream().map(Check::name).toList().toString();
    }

    private <T> CompletionStage<T> complete(T value) {
        CompletableFuture<Void> g = gate;
        if (g != null) {
            return g.thenCompose(v -> complete(value));
        }
        if (timer == null) {
            return CompletableFuture.completedFuture(value);
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        timer.schedule(() -> f.complete(value), taskMicros, TimeUnit.MICROSECONDS);
        return f;
    }

    /** When the owner was first called for the card at this index (µs since the epoch), or 0. */
    long ownerFirstCallMicros(int i) {
        return ownerFirstCall.get(i);
    }

    long calls() {
        return calls.get();
    }

    /** Cards whose owner has been called at least once. */
    int cardsCalled() {
        int n = 0;
        for (int i = 0; i < ownerFirstCall.length(); i++) {
            n += ownerFirstCall.get(i) != 0 ? 1 : 0;
        }
        return n;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
