package dev.orquestra.internal.engine;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.BacklogReader;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.spi.JournalReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the backlog with every card's live state in the seed's {@code backlog_master.json} format
 * every N approvals and on close, atomically. The journal stays the source of truth: the writer folds
 * the backlog-wide event stream into card states, remembering where it stopped, so each checkpoint
 * reads only the events written since the previous one.
 *
 * <p>It never starves the run: it works on its own thread, requests that arrive while a checkpoint is
 * written are coalesced into one more, and after a checkpoint that took T the next one waits at least
 * {@code 9 T}, so writing checkpoints of a large backlog takes at most a tenth of one core however
 * often approvals ask for one. Memory stays small: a card that reached a terminal status (its state
 * can no longer change) is kept only as its checkpoint entry, compressed.
 */
public final class CheckpointWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final int PAGE = 10_000;
    /** The pause after a checkpoint, as a multiple of the time it took. */
    private static final int IDLE_FACTOR = 9;

    private final Path file;
    private final Path markFile;
    private final int every;
    private final String tag;
    private final int maxAttempts;
    private final JournalReader reader;
    private final Supplier<Orchestrator.BacklogView> view;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread;
    private final AtomicInteger approvals = new AtomicInteger();
    // the fields below belong to the writer's thread
    private final Map<CardId, CardState> running = new HashMap<>();
    private final Map<CardId, byte[]> settled = new HashMap<>();
    private long offset;
    private long nextAllowedNanos;
    private Future<?> scheduled;
    private volatile int written;

    /**
     * @param file     where to write, or null to only build checkpoints on demand ({@link #current})
     * @param every    approvals between two checkpoints; 0 for none
     * @param markFile where to keep the journal's {@link HighWaterMark} (after each checkpoint and on close),
     *                 or null
     * @param view     the orchestrator's current view of the backlog (asked on the writer's thread)
     */
    public CheckpointWriter(Path file, int every, Path markFile, String tag, int maxAttempts, JournalReader reader,
                            Supplier<Orchestrator.BacklogView> view, Clock clock) {
        this.file = file;
        this.markFile = markFile;
        this.every = every;
        this.tag = tag;
        this.maxAttempts = maxAttempts;
        this.reader = reader;
        this.view = view;
        this.clock = clock;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "orquestra-checkpoint");
            t.setDaemon(true);
            return t;
        });
        this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Counts persisted events; every {@code every}-th approval asks for a checkpoint. */
    public void onEvent(CardEvent event) {
        if (file != null && every > 0 && event instanceof CardEvent.Completed && approvals.incrementAndGet() % every == 0) {
            request();
        }
    }

    /** Asks for a checkpoint as soon as the pacing allows; coalesced with one already asked for. */
    public void request() {
        thread.execute(() -> {
            if (scheduled != null && !scheduled.isDone()) {
                return;
            }
            long delay = Math.max(0, nextAllowedNanos - System.nanoTime());
            scheduled = thread.schedule(this::writeLogged, delay, TimeUnit.NANOSECONDS);
        });
    }

    private void writeLogged() {
        try {
            write();
        } catch (RuntimeException | IOException e) {
            LOG.warn("Checkpoint {} could not be written: {}", file, e.toString());
        }
    }

    /** Writes one checkpoint and the high-water mark now, waiting at most {@code timeout}; used on close. */
    public void writeNow(Duration timeout) {
        if (file == null && markFile == null) {
            return;
        }
        try {
            thread.submit(() -> {
                if (file != null) {
                    write();
                } else {
                    mark(null);
                }
                return null;
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("The final checkpoint {} could not be written: {}", file != null ? file : markFile, e.toString());
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
        long start = System.nanoTime();
        BacklogCheckpoint checkpoint = build();
        if (checkpoint != null) {
            checkpoint.write(file);
            written++;
            mark(checkpoint);
        }
        long took = System.nanoTime() - start;
        nextAllowedNanos = System.nanoTime() + took * IDLE_FACTOR;
    }

    /**
     * Records how far the journal has got: its highest offset now (everything up to it is committed) and
     * the cards approved, from the checkpoint just written or, without one, from the orchestrator.
     */
    private void mark(BacklogCheckpoint checkpoint) throws IOException {
        if (markFile == null) {
            return;
        }
        long offset;
        try {
            offset = reader.highestOffset().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("reading the journal's highest offset failed: " + e, e);
        }
        int approved = 0;
        if (checkpoint != null) {
            for (CardReport r : checkpoint.reports()) {
                approved += r.status() == dev.orquestra.CardStatus.DONE ? 1 : 0;
            }
        } else {
            for (CardSummary s : view.get().settled().values()) {
                approved += s.status() == dev.orquestra.CardStatus.DONE ? 1 : 0;
            }
        }
        new HighWaterMark(offset, approved, clock.instant()).write(markFile);
    }

    private BacklogCheckpoint build() {
        Orchestrator.BacklogView v = view.get();
        if (v.project() == null) {
            return null;
        }
        fold();
        List<CardReport> reports = new ArrayList<>(v.cards().size());
        for (CardSpec spec : v.cards()) {
            byte[] entry = settled.get(spec.id());
            if (entry != null) {
                reports.add(unpack(spec, entry));
            } else {
                CardState state = running.getOrDefault(spec.id(), CardState.initial(spec.id(), maxAttempts));
                CardSummary summary = v.settled().get(spec.id());
                if (state.status() == dev.orquestra.CardStatus.TODO && summary != null
                        && summary.status() == dev.orquestra.CardStatus.CANCELLED) {
                    // cancelled by a cascade, recorded in the backlog before the card's own record
                    state = state.apply(new CardEvent.Cancelled(spec.id(), summary.finishedAt(), summary.cancelReason()));
                }
                reports.add(CardReport.of(spec, state, v.createdAt().get(spec.id())));
            }
        }
        @SuppressWarnings("unchecked")
        Backlog backlog = new Backlog(v.project(), v.cards(),
                (Map<String, Object>) v.backlogFields().getOrDefault("metadata", Map.of()),
                (Map<String, Object>) v.backlogFields().getOrDefault("extraFields", Map.of()));
        return BacklogCheckpoint.of(backlog, reports, clock.instant());
    }

    /** Applies the events written since the last checkpoint to the cards' states. */
    private void fold() {
        Orchestrator.BacklogView v = null;
        while (true) {
            List<JournalReader.JournalEntry> page;
            try {
                page = reader.eventsByTag(tag, offset, PAGE).toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("reading the journal failed: " + e, e);
            }
            for (JournalReader.JournalEntry entry : page) {
                CardEvent event = (CardEvent) entry.event();
                CardId id = event.cardId();
                offset = entry.offset();
                if (settled.containsKey(id)) {
                    continue;
                }
                CardState state = running.getOrDefault(id, null);
                state = (state == null ? CardState.initial(id, maxAttempts) : state).apply(event);
                if (state.status().isTerminal()) {
                    if (v == null) {
                        v = view.get();
                    }
                    running.remove(id);
                    settled.put(id, pack(state, v.createdAt().get(id)));
                } else {
                    running.put(id, state);
                }
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /**
     * A terminal card's checkpoint entry, compressed: the entry of a one-card checkpoint of a stand-in
     * spec (its real spec is the backlog's), which reads back to exactly the same report.
     */
    private static byte[] pack(CardState state, Instant createdAt) {
        CardSpec standIn = new CardSpec(state.cardId(), "", "", "", dev.orquestra.Role.BACKEND,
                dev.orquestra.Priority.MEDIUM, List.of(), Map.of());
        BacklogCheckpoint one = BacklogCheckpoint.of(Backlog.of("c", List.of(standIn)),
                List.of(CardReport.of(standIn, state, createdAt)), Instant.EPOCH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_SPEED))) {
            out.write(one.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("compressing in memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static CardReport unpack(CardSpec spec, byte[] entry) {
        String json;
        try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(entry))) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("decompressing in memory failed", e);
        }
        CardReport r = BacklogReader.standard().parseCheckpoint(json).reports().get(0);
        return new CardReport(spec, r.status(), r.attempt(), r.validationHistory(), r.artifacts(), r.usage(),
                r.createdAt(), r.startedAt(), r.completedAt(), r.decisions(), r.corrections(), r.escalation());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
