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
 * Methods block the caller for at most the builder's {@code askTimeout}; none runs on an actor thread.
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

    private Orquestra(ActorSystem<EngineGuardian.Command> system, EngineGuardian.Started started, Store store,
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
    public static Builder builder() {
        return new Builder();
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
     * and are checked against the live graph like a submitted backlog.
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
     * written right now ({@link BacklogStatus#journalOutage()}).
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

    /** The seed's success metrics over the cards that ran. */
    public Metrics metrics() {
        requireOpen();
        return await(AskPattern.ask(orchestrator, (ActorRef<Metrics> r) -> new Orchestrator.GetMetrics(r),
                askTimeout, system.scheduler()));
    }

    /** The backlog as submitted (project, metadata, cards in order); empty before anything was submitted. */
    public Optional<Backlog> backlog() {
        Orchestrator.BacklogView view = view();
        if (view.project() == null) {
            return Optional.empty();
        }
        return Optional.of(backlogOf(view));
    }

    /** One card's full state and report, from its live actor or its journal. */
    public CardReport card(CardId id) {
        requireOpen();
        Orchestrator.CardHandle handle = awaitStatus(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<Orchestrator.CardHandle>> r) -> new Orchestrator.GetCard(id, r), askTimeout,
                system.scheduler()));
        return CardReport.of(handle.spec(), stateOf(id, handle), handle.createdAt());
    }

    /** A card's full state, from its live actor or its journal. */
    public CardState cardState(CardId id) {
        requireOpen();
        Orchestrator.CardHandle handle = awaitStatus(AskPattern.askWithStatus(orchestrator,
                (ActorRef<StatusReply<Orchestrator.CardHandle>> r) -> new Orchestrator.GetCard(id, r), askTimeout,
                system.scheduler()));
        return stateOf(id, handle);
    }

    private CardState stateOf(CardId id, Orchestrator.CardHandle handle) {
        if (handle.live()) {
            // the card may hold what its journal does not show yet (a call running): ask it
            CardState state = await(AskPattern.ask(region, (ActorRef<CardState> r) -> new CardRegion.Deliver(id,
                    new CardEntity.GetState(r)), askTimeout, system.scheduler()));
            if (state.status() == CardStatus.TODO && handle.knownStatus() == CardStatus.QUEUED) {
                // started, its first owner call waiting for a worker: queued, though nothing says so yet
                return state.apply(new CardEvent.Queued(id, handle.readyAt()));
            }
            return state;
        }
        CardState state = CardState.replay(id, engine.policy().maxAttempts(), history(id));
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
     */
    public int cardsInMemory() {
        requireOpen();
        return await(AskPattern.ask(region, CardRegion.CountLive::new, askTimeout, system.scheduler()));
    }

    /** Every persisted event of a card, oldest first: its audit history. */
    public List<CardEvent> history(CardId id) {
        requireOpen();
        List<JournalReader.JournalEntry> entries = await(store.reader(system).events(engine.cardPersistenceId(id)));
        List<CardEvent> events = new ArrayList<>(entries.size());
        for (JournalReader.JournalEntry e : entries) {
            events.add((CardEvent) e.event());
        }
        return events;
    }

    /**
     * Card events of the whole backlog in journal order, after an offset (0 for all), at most
     * {@code limit}: for replaying a live stream from where a client left off.
     */
    public List<JournalReader.JournalEntry> events(long afterOffset, int limit) {
        requireOpen();
        return await(store.reader(system).eventsByTag(engine.cardTag(), afterOffset, limit));
    }

    /** Every dead-letter record: calls whose retries ran out. */
    public List<DeadLetter> deadLetters() {
        requireOpen();
        Set<CardId> cards = new LinkedHashSet<>();
        long offset = 0;
        while (true) {
            List<JournalReader.JournalEntry> page = events(offset, 10_000);
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
            all.addAll(CardState.replay(id, engine.policy().maxAttempts(), history(id)).deadLetters());
        }
        return all;
    }

    /**
     * Runs a card's dead-lettered work again: for a card that is awaiting review because its calls
     * ran out of retries, records the reviewer's decision to try once more (a clarification) and
     * queues a new attempt.
     *
     * @throws ReviewRefusedException when the card is not awaiting review or has no dead letter
     */
    public CardStatus redrive(CardId id, String reviewer) {
        CardState state = cardState(id);
        if (state.deadLetters().isEmpty()) {
            throw new ReviewRefusedException("card " + id + " has no dead-lettered work to re-drive");
        }
        DeadLetter last = state.deadLetters().get(state.deadLetters().size() - 1);
        return review(id).requestClarification(reviewer, "re-drive of dead-lettered " + last.idempotencyKey()
                + " (" + last.error() + ")");
    }

    /** The review actions for a card awaiting a human decision. */
    public Review review(CardId id) {
        Objects.requireNonNull(id, "card id");
        return new Review(id);
    }

    /**
     * Cancels a card that has not started running (TODO or QUEUED); its dependents are cancelled too.
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
     * format, atomically (temporary file, then rename).
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

    /** The backlog with every card's live state, as a seed-format checkpoint. */
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

    private static Subscription attach(ActorSystem<?> system, EventPublisher publisher,
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

    /** The figures of every queue: queued, running, workers. */
    public List<QueueStats> queues() {
        requireOpen();
        List<QueueStats> stats = new ArrayList<>();
        for (ActorRef<Dispatcher.Command> q : engine.queues().values()) {
            Dispatcher.Stats s = await(AskPattern.ask(q, (ActorRef<Dispatcher.Stats> r) -> new Dispatcher.GetStats(r),
                    askTimeout, system.scheduler()));
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

    private <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
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
        try {
            return await(stage);
        } catch (StatusReply.ErrorMessage e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private <T> T awaitRefusable(CompletionStage<T> stage) {
        try {
            return await(stage);
        } catch (StatusReply.ErrorMessage e) {
            throw new ReviewRefusedException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ review

    /** The decisions a reviewer can make on a card awaiting review; each is recorded with who, when and why. */
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
            HumanDecision decision = new HumanDecision(reviewer, kind, reason, engine.clock().instant());
            CardSummary summary = awaitRefusable(AskPattern.askWithStatus(orchestrator,
                    (ActorRef<StatusReply<CardSummary>> r) -> new Orchestrator.Decide(id, decision, r), askTimeout,
                    system.scheduler()));
            return summary.status();
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Builds an {@link Orquestra}. Every setter refuses a bad value at once, naming it; {@link #build()}
     * checks the settings against each other.
     */
    public static final class Builder {

        private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

        private String name = "orquestra";
        private Store store;
        private final Map<Role, Agent> agents = new LinkedHashMap<>();
        private final Map<Role, Integer> pools = new LinkedHashMap<>();
        private Pipeline pipeline = Pipeline.none();
        private Debugger debugger;
        private int debuggerPool = 2;
        private Policy policy = Policy.defaults();
        private Clock clock = Clock.systemUTC();
        private int blockingThreads = 16;
        private ExecutorService blockingExecutor;
        private Config config = ConfigFactory.empty();
        private boolean paused;
        private Duration askTimeout = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private final List<Consumer<? super CardEvent>> listeners = new ArrayList<>();
        private int checkpointEvery = 10;
        private Path checkpointFile;
        private Duration stallWarningAfter = EngineSettings.DEFAULTS.stallWarningAfter();
        private boolean acceptJournalLoss;

        private Builder() {
        }

        /**
         * Write a seed-format checkpoint ({@code backlog_master.json}) every {@code approvals} approvals
         * and on close (default 10, as in the seed; 0 writes none). The journal stays the source of
         * truth; a checkpoint is for tools built for the seed. Each checkpoint reads only the events
         * written since the previous one, but keeps every started card's state in memory.
         */
        public Builder checkpointEvery(int approvals) {
            if (approvals < 0) {
                throw new IllegalArgumentException("checkpointEvery must not be negative, was " + approvals);
            }
            this.checkpointEvery = approvals;
            return this;
        }

        /**
         * Where checkpoints are written (default {@code backlog_master.json} in the store's directory;
         * a store without a directory, such as the in-memory one, writes none unless this is set).
         */
        public Builder checkpointFile(Path value) {
            this.checkpointFile = Objects.requireNonNull(value, "checkpointFile").toAbsolutePath();
            return this;
        }

        /**
         * A listener attached before the engine starts, so it receives every event from the first one
         * after recovery (see {@link Orquestra#subscribe} for how listeners are called).
         */
        public Builder listener(Consumer<? super CardEvent> value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * The engine's name (default {@code orquestra}): lower case letters, digits, {@code -} and
         * {@code _}. It is part of every persistence id, so engines with different names can share
         * a store, and reopening a store resumes the engine of the same name.
         */
        public Builder name(String value) {
            Objects.requireNonNull(value, "name");
            if (!NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("name '" + value
                        + "' must be 1-63 lower case letters, digits, '-' or '_', starting with a letter or digit");
            }
            this.name = value;
            return this;
        }

        /**
         * Where the journal lives. Default: the store that {@code orquestra-persistence} provides
         * when it is on the class path (an H2 file database under {@code ./orquestra-data}), else
         * none, and {@link #build()} asks for one.
         */
        public Builder store(Store value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /**
         * The owner agent of a role and how many calls it may run at once (the seed's default is 5).
         * Wrap blocking code with {@link Agent#blocking}.
         */
        public Builder owners(Role role, Agent agent, int poolSize) {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(agent, () -> "agent of role " + role);
            if (poolSize < 1 || poolSize > 10_000) {
                throw new IllegalArgumentException("pool size of role " + role + " must be between 1 and 10000, was "
                        + poolSize);
            }
            agents.put(role, agent);
            pools.put(role, poolSize);
            return this;
        }

        /** The validation pipeline (default {@link Pipeline#none()}: work is approved as submitted). */
        public Builder pipeline(Pipeline value) {
            this.pipeline = Objects.requireNonNull(value, "pipeline");
            return this;
        }

        /** The debugger that investigates failures repeating on attempt 2 or later (default: none). */
        public Builder debugger(Debugger value) {
            return debugger(value, 2);
        }

        /** The debugger and how many investigations may run at once (default 2). */
        public Builder debugger(Debugger value, int poolSize) {
            Objects.requireNonNull(value, "debugger");
            if (poolSize < 1) {
                throw new IllegalArgumentException("debugger pool size must be at least 1, was " + poolSize);
            }
            this.debugger = value;
            this.debuggerPool = poolSize;
            return this;
        }

        /** Attempts, retries, time limits, budgets and scheduling (default {@link Policy#defaults()}). */
        public Builder policy(Policy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** The clock for every timestamp (default the system UTC clock); tests inject their own. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Threads of the bounded executor that runs blocking agents, validators and debuggers (default 16). */
        public Builder blockingThreads(int value) {
            if (value < 1 || value > 1024) {
                throw new IllegalArgumentException("blockingThreads must be between 1 and 1024, was " + value);
            }
            this.blockingThreads = value;
            return this;
        }

        /** Run blocking code on this executor instead; the caller keeps ownership and shuts it down. */
        public Builder blockingExecutor(ExecutorService value) {
            this.blockingExecutor = Objects.requireNonNull(value, "blockingExecutor");
            return this;
        }

        /**
         * Extra Pekko settings for the engine's actor system, taking precedence over the store's and
         * the defaults (for example {@code ManualTime.config()} in tests).
         */
        public Builder config(Config value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /**
         * Open the store without running anything (default false): the backlog is recovered, status,
         * history, export and review work, but no card starts and no call is made. A review recorded
         * this way takes effect when an engine next runs on the store.
         */
        public Builder paused(boolean value) {
            this.paused = value;
            return this;
        }

        /** How long an API call waits for the engine (default 30 s). */
        public Builder askTimeout(Duration value) {
            this.askTimeout = positive(value, "askTimeout");
            return this;
        }

        /**
         * How long cards may be in flight without any of them moving before the engine logs one warning
         * naming what it waits on: which queues hold how many items, how many run, and the item that has
         * waited longest (default 5 min). Long agent calls are normal; set this above the longest you
         * expect.
         */
        public Builder stallWarningAfter(Duration value) {
            this.stallWarningAfter = positive(value, "stallWarningAfter");
            return this;
        }

        /**
         * Start on a store whose journal holds less than its high-water mark says (default false: the
         * engine refuses with a {@link JournalLossException} naming both figures). The engine keeps the
         * mark in the store's directory, updated with every checkpoint and on close; a journal that ends
         * before it lost acknowledged events, and running on it calls the agents of cards whose approval
         * was lost again. Accepting logs the loss and sets the mark to what the store holds now.
         */
        public Builder acceptJournalLoss(boolean value) {
            this.acceptJournalLoss = value;
            return this;
        }

        /** How long {@link Orquestra#close()} may take (default 30 s). */
        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = positive(value, "shutdownTimeout");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        /**
         * Starts the engine: opens the store, recovers any backlog it holds and resumes the cards
         * that were running.
         *
         * @throws IllegalStateException when no owner role is registered or no store is available
         * @throws IllegalArgumentException when settings conflict
         */
        public Orquestra build() {
            if (agents.isEmpty()) {
                throw new IllegalStateException("register at least one owner role with owners(role, agent, poolSize)");
            }
            policy.validate();
            Store chosen = store != null ? store : defaultStore();
            ExecutorService owned = null;
            ExecutorService executor = blockingExecutor;
            // Always there (its threads start only when blocking code runs): a blocking agent the user wrapped
            // again is not recognisable here, and must still not run on an actor's thread.
            if (executor == null) {
                owned = boundedExecutor(name, blockingThreads);
                executor = owned;
            }
            ExecutorService finalExecutor = executor;
            Map<Role, Agent> bound = new LinkedHashMap<>();
            for (Map.Entry<Role, Agent> e : agents.entrySet()) {
                bound.put(e.getKey(), BlockingCalls.bindAgent(e.getValue(), executor));
            }
            Pipeline boundPipeline = pipeline;
            for (Check c : pipeline.checks()) {
                if (BlockingCalls.isBlocking(c.validator())) {
                    Check b = new Check(c.name(), BlockingCalls.bindValidator(c.validator(), executor),
                            c.passingScore().isPresent() ? c.passingScore().getAsDouble() : null, c.concurrency());
                    boundPipeline = boundPipeline.withCheck(b);
                }
            }
            Debugger boundDebugger = debugger == null ? null : BlockingCalls.bindDebugger(debugger, executor);

            Config defaults = ConfigFactory.load();
            Config systemConfig = config.withFallback(chosen.pekkoConfig())
                    .withFallback(defaults.getConfig("orquestra.engine-system")).withFallback(defaults);
            ActorSystem<EngineGuardian.Command> system = ActorSystem.create(EngineGuardian.create(),
                    "orquestra-" + name, systemConfig);
            try {
                chosen.open(system);
                EventPublisher publisher = new EventPublisher();
                for (int i = 0; i < listeners.size(); i++) {
                    attach(system, publisher, listeners.get(i), "listener-" + i);
                }
                JournalReader reader = chosen.reader(system);
                Path markFile = chosen.directory().map(d -> d.resolve(HighWaterMark.FILE_NAME)).orElse(null);
                if (markFile != null) {
                    guardAgainstLoss(reader, markFile, EngineContext.cardTagOf(name));
                }
                // Which cards have written anything: those that have not need no replay to wait in a queue.
                Map<String, Long> written = paused ? null : reader.highestSequenceNrs(EngineContext.cardPersistenceIdPrefix(name))
                        .toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
                EngineContext settings = new EngineContext(name, clock, policy, boundPipeline, Map.copyOf(bound),
                        boundDebugger, publisher, reader, EngineSettings.from(systemConfig, stallWarningAfter), written);
                CompletionStage<EngineGuardian.Started> started = AskPattern.ask(system,
                        (ActorRef<EngineGuardian.Started> r) -> new EngineGuardian.StartEngine(settings, Map.copyOf(pools),
                                debuggerPool, paused, finalExecutor, r), askTimeout, system.scheduler());
                EngineGuardian.Started s = started.toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Orquestra '{}' started on {} with roles {}, pipeline {}", name, chosen.describe(),
                        pools, boundPipeline);
                Path checkpoint = checkpointFile != null ? checkpointFile
                        : chosen.directory().map(d -> d.resolve("backlog_master.json")).orElse(null);
                return new Orquestra(system, s, chosen, askTimeout, shutdownTimeout, owned, paused ? null : checkpoint,
                        checkpointEvery, paused ? null : markFile);
            } catch (Exception e) {
                system.terminate();
                if (owned != null) {
                    owned.shutdownNow();
                }
                chosen.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof JournalLossException loss) {
                    throw loss;
                }
                throw new IllegalStateException("the engine could not start on " + chosen.describe() + ": " + e, e);
            }
        }

        /** Refuses a store whose journal ends before its high-water mark, unless the loss is accepted. */
        private void guardAgainstLoss(JournalReader reader, Path markFile, String tag) throws Exception {
            Optional<HighWaterMark> mark = HighWaterMark.read(markFile);
            if (mark.isEmpty()) {
                return;
            }
            long offset = reader.highestOffset().toCompletableFuture().get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (offset >= mark.get().offset()) {
                return;
            }
            int approved = approvedIn(reader, tag);
            JournalLossException loss = new JournalLossException(markFile, offset, approved, mark.get().offset(),
                    mark.get().approved(), mark.get().at());
            if (!acceptJournalLoss) {
                throw loss;
            }
            LOG.warn("Accepting a journal loss, as asked: {}", loss.getMessage());
            if (!paused) {
                new HighWaterMark(offset, approved, clock.instant()).write(markFile);
            }
        }

        /** Cards whose journal holds their completion (only when a loss is found, so a scan is fine). */
        private int approvedIn(JournalReader reader, String tag) throws Exception {
            int approved = 0;
            long after = 0;
            while (true) {
                List<JournalReader.JournalEntry> page = reader.eventsByTag(tag, after, 10_000).toCompletableFuture()
                        .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
                for (JournalReader.JournalEntry e : page) {
                    if (e.event() instanceof CardEvent.Completed) {
                        approved++;
                    }
                    after = e.offset();
                }
                if (page.size() < 10_000) {
                    return approved;
                }
            }
        }

        private static Store defaultStore() {
            Iterator<DefaultStoreProvider> providers = ServiceLoader.load(DefaultStoreProvider.class).iterator();
            if (providers.hasNext()) {
                return providers.next().defaultStore();
            }
            throw new IllegalStateException("no store configured: call store(...) (InMemoryStore.create() for tests) "
                    + "or add dev.orquestra:orquestra-persistence for the default H2 store under ./orquestra-data");
        }

        private static ExecutorService boundedExecutor(String name, int threads) {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "orquestra-" + name + "-blocking-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
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
