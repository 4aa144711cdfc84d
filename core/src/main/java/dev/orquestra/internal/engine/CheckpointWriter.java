package dev.orquestra.internal.engine;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.spi.JournalReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the backlog with every card's live state in the seed's {@code backlog_master.json} format
 * every N approvals and on close, atomically. The journal stays the source of truth: the writer folds
 * the backlog-wide event stream into card states, remembering where it stopped, so each checkpoint
 * reads only the events written since the previous one.
 *
 * <p>Requests never block the engine: writes run on the writer's own thread, and requests that
 * arrive during a write are coalesced into one more write.
 */
public final class CheckpointWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final int PAGE = 10_000;

    private final Path file;
    private final int every;
    private final String tag;
    private final int maxAttempts;
    private final JournalReader reader;
    private final Supplier<Orchestrator.BacklogView> view;
    private final Clock clock;
    private final ExecutorService thread;
    private final AtomicInteger approvals = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Map<CardId, CardState> states = new HashMap<>();
    private long offset;
    private int written;

    /**
     * @param file  where to write, or null to only build checkpoints on demand ({@link #current})
     * @param every approvals between two checkpoints; 0 for none
     * @param view  the orchestrator's current view of the backlog (asked on the writer's thread)
     */
    public CheckpointWriter(Path file, int every, String tag, int maxAttempts, JournalReader reader,
                            Supplier<Orchestrator.BacklogView> view, Clock clock) {
        this.file = file;
        this.every = every;
        this.tag = tag;
        this.maxAttempts = maxAttempts;
        this.reader = reader;
        this.view = view;
        this.clock = clock;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "orquestra-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    /** Counts persisted events; every {@code every}-th approval asks for a checkpoint. */
    public void onEvent(CardEvent event) {
        if (file != null && every > 0 && event instanceof CardEvent.Completed && approvals.incrementAndGet() % every == 0) {
            request();
        }
    }

    /** Asks for a checkpoint soon; coalesced with any that is pending. */
    public void request() {
        if (scheduled.compareAndSet(false, true)) {
            thread.execute(() -> {
                scheduled.set(false);
                try {
                    write();
                } catch (RuntimeException | IOException e) {
                    LOG.warn("Checkpoint {} could not be written: {}", file, e.toString());
                }
            });
        }
    }

    /** Writes one checkpoint now, waiting at most {@code timeout}; used on close. */
    public void writeNow(Duration timeout) {
        if (file == null) {
            return;
        }
        try {
            thread.submit(() -> {
                write();
                return null;
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("The final checkpoint {} could not be written: {}", file, e.toString());
        }
    }

    /** Checkpoints written so far. */
    public int written() {
        return written;
    }

    /**
     * The backlog with every card's state as of now, built on the writer's thread.
     *
     * @throws IllegalStateException when nothing was submitted yet or the journal cannot be read
     */
    public BacklogCheckpoint current(Duration timeout) {
        try {
            BacklogCheckpoint checkpoint = thread.submit(this::build).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (checkpoint == null) {
                throw new IllegalStateException("nothing was submitted yet");
            }
            return checkpoint;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the checkpoint was not ready within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the checkpoint", e);
        }
    }

    private void write() throws IOException {
        BacklogCheckpoint checkpoint = build();
        if (checkpoint != null) {
            checkpoint.write(file);
            written++;
        }
    }

    private BacklogCheckpoint build() {
        Orchestrator.BacklogView v = view.get();
        if (v.project() == null) {
            return null;
        }
        fold();
        List<CardReport> reports = new ArrayList<>(v.cards().size());
        for (CardSpec spec : v.cards()) {
            CardState state = states.getOrDefault(spec.id(), CardState.initial(spec.id(), maxAttempts));
            reports.add(CardReport.of(spec, state, v.createdAt().get(spec.id())));
        }
        @SuppressWarnings("unchecked")
        Backlog backlog = new Backlog(v.project(), v.cards(),
                (Map<String, Object>) v.backlogFields().getOrDefault("metadata", Map.of()),
                (Map<String, Object>) v.backlogFields().getOrDefault("extraFields", Map.of()));
        return BacklogCheckpoint.of(backlog, reports, clock.instant());
    }

    /** Applies the events written since the last checkpoint to the cached card states. */
    private void fold() {
        while (true) {
            List<JournalReader.JournalEntry> page;
            try {
                page = reader.eventsByTag(tag, offset, PAGE).toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("reading the journal failed: " + e, e);
            }
            for (JournalReader.JournalEntry entry : page) {
                CardEvent event = (CardEvent) entry.event();
                states.compute(event.cardId(), (id, s) -> (s == null ? CardState.initial(id, maxAttempts) : s).apply(event));
                offset = entry.offset();
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
