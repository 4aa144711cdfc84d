package dev.orquestra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.orquestra.internal.dispatch.BlockingCalls;
import dev.orquestra.internal.dispatch.Dispatcher;
import dev.orquestra.internal.engine.CardEntity;
import dev.orquestra.internal.engine.CardRegion;
import dev.orquestra.internal.engine.CardSummary;
import dev.orquestra.internal.engine.CheckpointWriter;
import dev.orquestra.internal.engine.EngineContext;
import dev.orquestra.internal.engine.EngineGuardian;
import dev.orquestra.internal.engine.EngineSettings;
import dev.orquestra.internal.engine.EventPublisher;
import dev.orquestra.internal.engine.HighWaterMark;
import dev.orquestra.internal.engine.Orchestrator;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine that runs a backlog of cards through pools of agents: dependency-aware scheduling, a
 * validation pipeline, corrections, escalation to human review, cost tracking and crash recovery.
 *
 * <pre>{@code
 * try (Orquestra orquestra = Orquestra.builder()
 *         .owners(Role.BACKEND, backendAgent, 5)
 *         .pipeline(Pipeline.defaults(verifier, judge, qa))
 *         .build()) {
 *     orquestra.submit(Backlog.read(Path.of("backlog_master.json")));
 *     orquestra.awaitQuiescence(Duration.ofHours(2));
 *     System.out.println(orquestra.metrics());
 * }
 * }</pre>
 *
 * <p>Each engine owns its actor system; nothing is static, so several engines can run in one JVM.
 * Each method that asks the engine blocks the caller for at most the builder's {@code askTimeout} in all,
 * however many steps it takes, and its javadoc says so; the exceptions name their own bound:
 * {@link #awaitQuiescence(Duration)} waits as long as it is told, {@link #checkpoint()} and
 * {@link #export(Path)} four times {@code askTimeout}, {@link #close()} the {@code shutdownTimeout}.
 * None runs on an actor thread.
 */
public final class Orquestra implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Orquestra.class);

    private final ActorSystem<EngineGuardian.Command> system;
    private final EngineContext engine;
    private final ActorRef<Orchestrator.Command> orchestrator;
    private final ActorRef<CardRegion.Command> region;
    private final Store store;
    private final Duration askTimeout;
    private final Duration shutdownTimeout;
    private final ExecutorService ownedExecutor;
    private final CheckpointWriter checkpoints;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The orchestrator's last answer to {@link #status()}: what an outage answers with. */
    private volatile BacklogStatus lastStatus;
    private final AtomicInteger subscriptions = new AtomicInteger();

    Orquestra(ActorSystem<EngineGuardian.Command> system, EngineGuardian.Started started, Store store,
                      Duration askTimeout, Duration shutdownTimeout, ExecutorService ownedExecutor, Path checkpointFile,
                      int checkpointEvery, Path markFile) {
        this.system = system;
        this.engine = started.engine();
        this.orchestrator = started.orchestrator();
        this.region = started.region();
        this.store = store;
        this.askTimeout = askTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.ownedExecutor = ownedExecutor;
        this.checkpoints = new CheckpointWriter(checkpointFile, checkpointEvery, markFile, engine.cardTag(),
                engine.policy().maxAttempts(), store.reader(system), this::askView, engine.clock());
        if (checkpointFile != null && checkpointEvery > 0) {
            attach(system, engine.publisher(), checkpoints::onEvent, "checkpoints");
        }
    }

    /** A builder with every default; see each setter. */
    public static OrquestraBuilder builder() {
        return new OrquestraBuilder();
    }

    // ------------------------------------------------------------------ backlog

    /**
     * Submits the backlog of this engine's store: on an empty store, adds its cards and starts every card
     * whose dependencies are met; on a store that already holds this backlog (a second run over the same
     * store), adds nothing — the stored run has resumed when the engine was built — and returns 0. A
     * different backlog is refused with every difference; {@link #submit(Backlog, Resubmission)} with
     * {@link Resubmission#ADD_NEW_CARDS} adds the cards it adds instead. Waits at most {@code askTimeout}.
     *
     * @return the number of cards added
     * @throws BacklogException listing every problem (duplicate ids, unknown dependencies, cycles, owner
     *                          roles without agents, differences from the stored backlog); nothing is added
     */
    public int submit(Backlog backlog) {
        return submit(backlog, Resubmission.SAME_ONLY);
    }

    /**
     * Submits a backlog; when the store already holds one, {@code mode} says what a different backlog does
     * (the same one always resumes). Waits at most {@code askTimeout}.
     *
     * @return the number of cards added: all of them on an empty store, 0 for the stored backlog, the new
     *         ones with {@link Resubmission#ADD_NEW_CARDS}
     * @throws BacklogException listing every problem, as {@link #submit(Backlog)}; nothing is added
     */
    public int submit(Backlog backlog, Resubmission mode) {
        Objects.requireNonNull(backlog, "backlog");
        Objects.requireNonNull(mode, "mode");
        requireOpen();
        requireAgentsFor(backlog.cards());
        return awaitStatus(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<Integer>> r) -> new Orchestrator.Submit(backlog, mode, r), askTimeout,
                system.scheduler()));
    }

    /**
     * Adds cards to the backlog already submitted; they may depend on its cards and on each other,
     * and are checked against the live graph like a submitted backlog. Waits at most {@code askTimeout}.
     *
     * @return the number of cards added
     * @throws BacklogException listing every problem; nothing is added
     * @throws IllegalArgumentException when no backlog was submitted yet
     */
    public int addCards(List<CardSpec> cards) {
        Objects.requireNonNull(cards, "cards");
        requireOpen();
        requireAgentsFor(cards);
        return awaitStatus(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<Integer>> r) -> new Orchestrator.AddCards(List.copyOf(cards), r), askTimeout,
                system.scheduler()));
    }

    private void requireAgentsFor(List<CardSpec> cards) {
        List<BacklogProblem> problems = new ArrayList<>();
        for (CardSpec card : cards) {
            if (!engine.agents().containsKey(card.owner())) {
                problems.add(new BacklogProblem(card.id().value(), "owner", "no agent is registered for role "
                        + card.owner() + " (registered: " + new TreeMap<>(engine.agents()).keySet() + ")"));
            }
        }
        if (!problems.isEmpty()) {
            throw new BacklogException(problems);
        }
    }

    /**
     * Waits until nothing can progress without a human decision: every card is terminal, awaiting
     * review, or waits (directly or through other cards) on a card awaiting review — or the backlog
     * budget is spent.
     *
     * @param timeout how long to wait: the only bound of this call ({@code askTimeout} does not apply)
     * @return true when quiescent, false when the timeout passed first
     */
    public boolean awaitQuiescence(Duration timeout) {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        // The orchestrator answers as soon as it is quiescent. The request is renewed now and then only
        // because a restart of the orchestrator (after a journal failure) forgets who was waiting.
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Duration wait = Duration.ofNanos(Math.min(left, QUIESCENCE_RENEWAL.toNanos()));
            CompletionStage<Boolean> reply = AskPattern.ask(orchestrator,
                    (ActorRef<Boolean> r) -> new Orchestrator.AwaitQuiescence(r), wait, system.scheduler());
            try {
                if (reply.toCompletableFuture().get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not quiescent yet, or the request was lost: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static final Duration QUIESCENCE_RENEWAL = Duration.ofSeconds(5);

    /**
     * Where the backlog stands: cards per status, reviews waiting, cost, and whether the store can be
     * written right now ({@link BacklogStatus#journalOutage()}). Waits at most {@code askTimeout}; during a
     * journal outage it answers within a second with the last figures, marked as not live.
     */
    public BacklogStatus status() {
        requireOpen();
        CompletableFuture<BacklogStatus> asked = AskPattern.ask(orchestrator,
                (ActorRef<BacklogStatus> r) -> new Orchestrator.GetStatus(r), askTimeout, system.scheduler())
                .toCompletableFuture();
        // During an outage the orchestrator may be restarting, with its journal out of reach, and unable to
        // answer for as long as the outage lasts: then the last figures it gave are the answer, marked as
        // not live, instead of an ask that times out.
        long deadline = System.nanoTime() + askTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            try {
                BacklogStatus status = asked.get(OUTAGE_STATUS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                lastStatus = status;
                return status.withJournalOutage(store.outage().orElse(null));
            } catch (TimeoutException slow) {
                Optional<String> outage = store.outage();
                BacklogStatus known = lastStatus;
                if (outage.isPresent() && known != null) {
                    return known.withJournalOutage(outage.get());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the engine did not answer within " + askTimeout, slow);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(cause.getMessage(), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the engine", e);
            }
        }
    }

    /** How long {@link #status()} waits for the orchestrator during an outage before it answers with the last figures. */
    private static final Duration OUTAGE_STATUS_WAIT = Duration.ofSeconds(1);

    /** The seed's success metrics over the cards that ran. Waits at most {@code askTimeout}. */
    public Metrics metrics() {
        requireOpen();
        return await(AskPattern.ask(orchestrator, (ActorRef<Metrics> r) -> new Orchestrator.GetMetrics(r),
                askTimeout, system.scheduler()));
    }

    /**
     * The backlog as submitted (project, metadata, cards in order); empty before anything was submitted.
     * Waits at most {@code askTimeout}.
     */
    public Optional<Backlog> backlog() {
        Orchestrator.BacklogView view = view();
        if (view.project() == null) {
            return Optional.empty();
        }
        return Optional.of(backlogOf(view));
    }

    /**
     * One card's full state and report, from its live actor or its journal. Waits at most {@code
     * askTimeout} in all (asking the orchestrator, then the card or its journal).
     */
    public CardReport card(CardId id) {
        requireOpen();
        Deadline deadline = new Deadline();
        Orchestrator.CardHandle handle = handleOf(id, deadline);
        return CardReport.of(handle.spec(), stateOf(id, handle, deadline), handle.createdAt());
    }

    /** A card's full state, from its live actor or its journal. Waits at most {@code askTimeout} in all. */
    public CardState cardState(CardId id) {
        requireOpen();
        return cardState(id, new Deadline());
    }

    private CardState cardState(CardId id, Deadline deadline) {
        return stateOf(id, handleOf(id, deadline), deadline);
    }

    private Orchestrator.CardHandle handleOf(CardId id, Deadline deadline) {
        return awaitStatus(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<Orchestrator.CardHandle>> r) -> new Orchestrator.GetCard(id, r), deadline.left(),
                system.scheduler()), deadline);
    }

    private CardState stateOf(CardId id, Orchestrator.CardHandle handle, Deadline deadline) {
        if (handle.live()) {
            // the card may hold what its journal does not show yet (a call running): ask it
            CardState state = await(AskPattern.ask(region, (ActorRef<CardState> r) -> new CardRegion.Deliver(id,
                    new CardEntity.GetState(r)), deadline.left(), system.scheduler()), deadline);
            if (state.status() == CardStatus.TODO && handle.knownStatus() == CardStatus.QUEUED) {
                // started, its first owner call waiting for a worker: queued, though nothing says so yet
                return state.apply(new CardEvent.Queued(id, handle.readyAt()));
            }
            return state;
        }
        CardState state = CardState.replay(id, engine.policy().maxAttempts(), history(id, deadline));
        CardSummary summary = handle.summary();
        if (state.status() == CardStatus.TODO && summary != null && summary.status() == CardStatus.CANCELLED) {
            // cancelled by a cascade, recorded in the backlog; the card's own record may not be written yet
            return state.apply(new CardEvent.Cancelled(id, summary.finishedAt(), summary.cancelReason()));
        }
        return state;
    }

    /**
     * How many cards are in memory now: those with work running or between steps, and those that
     * finished or went idle and have not left yet (an idle card leaves after
     * {@code orquestra.engine.passivate-after}, a terminal one at once). Bounded by
     * {@link Policy#maxActiveCards()} plus the cards a caller asked about, not by the backlog's size.
     * Waits at most {@code askTimeout}.
     */
    public int cardsInMemory() {
        requireOpen();
        return await(AskPattern.ask(region, CardRegion.CountLive::new, askTimeout, system.scheduler()));
    }

    /** Every persisted event of a card, oldest first: its audit history. Waits at most {@code askTimeout}. */
    public List<CardEvent> history(CardId id) {
        requireOpen();
        return history(id, new Deadline());
    }

    private List<CardEvent> history(CardId id, Deadline deadline) {
        List<JournalReader.JournalEntry> entries = await(store.reader(system).events(engine.cardPersistenceId(id)),
                deadline);
        List<CardEvent> events = new ArrayList<>(entries.size());
        for (JournalReader.JournalEntry e : entries) {
            events.add((CardEvent) e.event());
        }
        return events;
    }

    /**
     * Card events of the whole backlog in journal order, after an offset (0 for all), at most
     * {@code limit}: for replaying a live stream from where a client left off. Waits at most {@code
     * askTimeout}.
     */
    public List<JournalReader.JournalEntry> events(long afterOffset, int limit) {
        requireOpen();
        return await(store.reader(system).eventsByTag(engine.cardTag(), afterOffset, limit));
    }

    /**
     * Every dead-letter record: calls whose retries ran out. Reads the journal; waits at most {@code
     * askTimeout} in all.
     */
    public List<DeadLetter> deadLetters() {
        requireOpen();
        Deadline deadline = new Deadline();
        Set<CardId> cards = new LinkedHashSet<>();
        long offset = 0;
        while (true) {
            List<JournalReader.JournalEntry> page = await(store.reader(system).eventsByTag(engine.cardTag(), offset,
                    10_000), deadline);
            for (JournalReader.JournalEntry e : page) {
                if (e.event() instanceof CardEvent.DeadLettered d) {
                    cards.add(d.cardId());
                }
                offset = e.offset();
            }
            if (page.size() < 10_000) {
                break;
            }
        }
        List<DeadLetter> all = new ArrayList<>();
        for (CardId id : cards) {
            all.addAll(CardState.replay(id, engine.policy().maxAttempts(), history(id, deadline)).deadLetters());
        }
        return all;
    }

    /**
     * Runs a card's dead-lettered work again: for a card that is awaiting review because its calls
     * ran out of retries, records the reviewer's decision to try once more (a clarification) and
     * queues a new attempt. Waits at most {@code askTimeout} in all.
     *
     * @throws ReviewRefusedException when the card is not awaiting review or has no dead letter
     */
    public CardStatus redrive(CardId id, String reviewer) {
        requireOpen();
        Deadline deadline = new Deadline();
        CardState state = cardState(id, deadline);
        if (state.deadLetters().isEmpty()) {
            throw new ReviewRefusedException("card " + id + " has no dead-lettered work to re-drive");
        }
        DeadLetter last = state.deadLetters().get(state.deadLetters().size() - 1);
        return review(id).decide(HumanDecision.Kind.REQUEST_CLARIFICATION, reviewer, "re-drive of dead-lettered "
                + last.idempotencyKey() + " (" + last.error() + ")", deadline);
    }

    /** The review actions for a card awaiting a human decision. */
    public Review review(CardId id) {
        Objects.requireNonNull(id, "card id");
        return new Review(id);
    }

    /**
     * Cancels a card that has not started running (TODO or QUEUED); its dependents are cancelled too.
     * Waits at most {@code askTimeout}.
     *
     * @throws ReviewRefusedException when the card is further along
     */
    public CardStatus cancel(CardId id, String reason) {
        requireOpen();
        Artifact.requireText(reason, "reason");
        CardSummary summary = awaitRefusable(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<CardSummary>> r) -> new Orchestrator.CancelCard(id, reason, r), askTimeout,
                system.scheduler()));
        return summary.status();
    }

    /**
     * Writes the backlog with every card's live state in the seed's {@code backlog_master.json}
     * format, atomically (temporary file, then rename). Waits at most four times {@code askTimeout}, as
     * {@link #checkpoint()} does, then writes.
     */
    public BacklogCheckpoint export(Path file) throws IOException {
        BacklogCheckpoint checkpoint = checkpoint();
        checkpoint.write(file);
        return checkpoint;
    }

    /** Seed-format checkpoints written to the checkpoint file so far (for tests of their pacing). */
    int checkpointsWritten() {
        return checkpoints.written();
    }

    /**
     * The backlog with every card's live state, as a seed-format checkpoint. Waits at most four times
     * {@code askTimeout}: it may first read every event written since the last checkpoint.
     */
    public BacklogCheckpoint checkpoint() {
        requireOpen();
        return checkpoints.current(askTimeout.multipliedBy(4));
    }

    private Orchestrator.BacklogView view() {
        requireOpen();
        return askView();
    }

    /** The orchestrator's view, also while closing (the final checkpoint needs it). */
    private Orchestrator.BacklogView askView() {
        return await(AskPattern.ask(orchestrator, (ActorRef<Orchestrator.BacklogView> r) -> new Orchestrator.GetBacklog(r),
                askTimeout, system.scheduler()));
    }

    @SuppressWarnings("unchecked")
    private static Backlog backlogOf(Orchestrator.BacklogView view) {
        Object metadata = view.backlogFields().getOrDefault("metadata", Map.of());
        Object extra = view.backlogFields().getOrDefault("extraFields", Map.of());
        return new Backlog(view.project(), view.cards(), (Map<String, Object>) metadata, (Map<String, Object>) extra);
    }

    // ------------------------------------------------------------------ events

    /**
     * Delivers every card event to the listener right after it is persisted, in order per card. The
     * listener runs on its own actor (on the engine's listener dispatcher, {@code
     * orquestra.listener-dispatcher}, whose threads may block), one event at a time; an exception it
     * throws is logged and the next event still arrives.
     */
    public Subscription subscribe(Consumer<? super CardEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        return attach(system, engine.publisher(), listener, "subscriber-" + subscriptions.incrementAndGet());
    }

    static Subscription attach(ActorSystem<?> system, EventPublisher publisher,
                                       Consumer<? super CardEvent> listener, String name) {
        ActorRef<EventPublisher.Batch> subscriber = system.systemActorOf(Behaviors.receive(EventPublisher.Batch.class)
                .onAnyMessage(batch -> {
                    for (CardEvent event : batch.events()) {
                        try {
                            listener.accept(event);
                        } catch (RuntimeException e) {
                            LOG.warn("An event listener threw on {} of {}; it keeps receiving events",
                                    event.name(), event.cardId(), e);
                        }
                    }
                    return Behaviors.same();
                }).build(), name, DispatcherSelector.fromConfig(EventPublisher.DISPATCHER));
        publisher.add(subscriber);
        AtomicBoolean cancelled = new AtomicBoolean();
        return () -> {
            if (cancelled.compareAndSet(false, true)) {
                publisher.remove(subscriber);
            }
        };
    }

    /** The engine's actor system, for tests and integrations (such as a portal) that need it. */
    public ActorSystem<?> actorSystem() {
        return system;
    }

    /** The engine's name (part of every persistence id). */
    public String name() {
        return engine.name();
    }

    /** The figures of every queue: queued, running, workers. Waits at most {@code askTimeout} in all. */
    public List<QueueStats> queues() {
        requireOpen();
        Deadline deadline = new Deadline();
        List<QueueStats> stats = new ArrayList<>();
        for (ActorRef<Dispatcher.Command> q : engine.queues().values()) {
            Dispatcher.Stats s = await(AskPattern.ask(q, (ActorRef<Dispatcher.Stats> r) -> new Dispatcher.GetStats(r),
                    deadline.left(), system.scheduler()), deadline);
            stats.add(new QueueStats(s.queue(), s.queued(), s.running(), s.workers()));
        }
        return stats;
    }

    // ------------------------------------------------------------------ close

    /**
     * Stops gracefully within the builder's shutdown timeout: no new card starts, no queued call is
     * handed out, running calls get their cancellation signal, then the actor system stops. Work
     * that was in flight is dispatched again when an engine next opens the same store.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        try {
            AskPattern.ask(orchestrator, (ActorRef<org.apache.pekko.Done> r) -> new Orchestrator.StopStarting(r),
                    shutdownTimeout, system.scheduler()).toCompletableFuture().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The orchestrator did not acknowledge the shutdown in time: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletionStage<org.apache.pekko.Done>> cancelled = new ArrayList<>();
        for (ActorRef<Dispatcher.Command> q : engine.queues().values()) {
            q.tell(new Dispatcher.Hold());
            cancelled.add(AskPattern.ask(q, (ActorRef<org.apache.pekko.Done> r) -> new Dispatcher.CancelRunning(
                    "the engine is closing", r), shutdownTimeout, system.scheduler()));
        }
        for (CompletionStage<org.apache.pekko.Done> c : cancelled) {
            try {
                c.toCompletableFuture().get(Math.max(1, remaining(deadline)), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("A queue did not confirm that its running calls were told to stop: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        checkpoints.writeNow(Duration.ofNanos(Math.max(1, remaining(deadline))));
        checkpoints.close();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(Math.max(1, remaining(deadline)), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The engine's actor system did not stop within {}", shutdownTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownedExecutor != null) {
                ownedExecutor.shutdownNow();
            }
            store.close();
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Orquestra engine is closed");
        }
    }

    /**
     * The deadline of one public call: every ask and read the call makes shares it, so the call as a whole
     * waits at most {@code askTimeout}.
     */
    private final class Deadline {
        private final long at = System.nanoTime() + askTimeout.toNanos();

        /** The time left, at least a millisecond (an ask needs a positive timeout; it then fails at once). */
        Duration left() {
            return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), at - System.nanoTime()));
        }
    }

    private <T> T await(CompletionStage<T> stage) {
        return await(stage, new Deadline());
    }

    private <T> T await(CompletionStage<T> stage, Deadline deadline) {
        try {
            // an ask fails by itself at the deadline; the grace lets its own error, which names what timed out, win
            return stage.toCompletableFuture().get(deadline.left().toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the engine did not answer within " + askTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        }
    }

    /** Awaits a reply whose error is an exception to rethrow as is, or a message for an IllegalArgumentException. */
    private <T> T awaitStatus(CompletionStage<T> stage) {
        return awaitStatus(stage, new Deadline());
    }

    private <T> T awaitStatus(CompletionStage<T> stage, Deadline deadline) {
        try {
            return await(stage, deadline);
        } catch (StatusReply.ErrorMessage e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private <T> T awaitRefusable(CompletionStage<T> stage) {
        return awaitRefusable(stage, new Deadline());
    }

    private <T> T awaitRefusable(CompletionStage<T> stage, Deadline deadline) {
        try {
            return await(stage, deadline);
        } catch (StatusReply.ErrorMessage e) {
            throw new ReviewRefusedException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ review

    /**
     * The decisions a reviewer can make on a card awaiting review; each is recorded with who, when and why,
     * and waits at most {@code askTimeout}.
     */
    public final class Review {
        private final CardId id;

        private Review(CardId id) {
            this.id = id;
        }

        /** Accepts the work as it is: the card is approved and its dependents proceed. */
        public CardStatus approveOverride(String reviewer, String reason) {
            return decide(HumanDecision.Kind.APPROVE_OVERRIDE, reviewer, reason);
        }

        /** Gives up on the card: it is aborted and its dependents are cancelled. */
        public CardStatus rejectPermanently(String reviewer, String reason) {
            return decide(HumanDecision.Kind.REJECT_PERMANENTLY, reviewer, reason);
        }

        /** Adds context and runs one more attempt, which receives the context in its work order. */
        public CardStatus requestClarification(String reviewer, String context) {
            return decide(HumanDecision.Kind.REQUEST_CLARIFICATION, reviewer, context);
        }

        private CardStatus decide(HumanDecision.Kind kind, String reviewer, String reason) {
            requireOpen();
            return decide(kind, reviewer, reason, new Deadline());
        }

        private CardStatus decide(HumanDecision.Kind kind, String reviewer, String reason, Deadline deadline) {
            HumanDecision decision = new HumanDecision(reviewer, kind, reason, engine.clock().instant());
            CardSummary summary = awaitRefusable(AskPattern.askWithStatus(orchestrator,
                    (ActorRef<StatusReply<CardSummary>> r) -> new Orchestrator.Decide(id, decision, r), deadline.left(),
                    system.scheduler()), deadline);
            return summary.status();
        }
    }

    /**
     * Supplies the store used when the builder names none; {@code orquestra-persistence} registers one
     * through {@link ServiceLoader}.
     */
    public interface DefaultStoreProvider {
        Store defaultStore();
    }
}
