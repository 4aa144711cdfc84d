package dev.orquestra.persistence.crash;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.CardTransition;
import dev.orquestra.IllegalTransitionException;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Role;
import dev.orquestra.persistence.JdbcStore;
import dev.orquestra.spi.JournalReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Reads a crash-test store back through the public API of a paused engine (which starts and calls
 * nothing) and checks it: every card's history folds through {@link CardState#replay} and moves
 * only along {@link CardTransition}s, no card is approved or completed twice — neither in its own
 * history nor in the backlog-wide journal stream — the stream holds exactly the events of the
 * histories, each card's sequence numbers run 1..n without a gap, and the run ended quiescent: every
 * card is DONE, awaiting review, or TODO behind a card that waits for review.
 *
 * <p>Every violation found is listed in {@link #problems()}, with its card.
 */
final class JournalAudit {

    /** What a card ended with. */
    record Outcome(CardStatus status, int attempt, int approvals, List<String> events, BigDecimal costUsd,
                   int diagnoses, int deadLetters) {
    }

    private final Backlog backlog;
    private final Map<CardId, Outcome> outcomes;
    private final List<String> problems;
    private final int streamEvents;
    private final long streamMillis;
    private final Map<CardStatus, Integer> counts;

    private JournalAudit(Backlog backlog, Map<CardId, Outcome> outcomes, List<String> problems,
                         int streamEvents, long streamMillis) {
        this.backlog = backlog;
        this.outcomes = outcomes;
        this.problems = problems;
        this.streamEvents = streamEvents;
        this.streamMillis = streamMillis;
        this.counts = new EnumMap<>(CardStatus.class);
        outcomes.values().forEach(o -> counts.merge(o.status(), 1, Integer::sum));
    }

    static JournalAudit of(Path data) {
        OrquestraBuilder builder = Orquestra.builder()
                .name(CrashRunner.ENGINE)
                .store(JdbcStore.h2(data))
                .policy(CrashRunner.POLICY)
                .paused(true)
                // the audit reads every history and the whole journal stream of a killed-and-resumed run
                .askTimeout(Duration.ofSeconds(60));
        for (Role role : CrashBacklog.roles()) {
            builder.owners(role, order -> CompletableFuture.failedFuture(
                    new AssertionError("a paused engine called an owner: " + order.idempotencyKey())), 1);
        }
        try (Orquestra o = builder.build()) {
            Backlog backlog = o.backlog().orElseThrow(() -> new AssertionError("no backlog in " + data));
            List<String> problems = new ArrayList<>();
            Map<CardId, Outcome> outcomes = new LinkedHashMap<>();
            Map<CardId, Integer> historySizes = new HashMap<>();
            for (CardSpec spec : backlog.cards()) {
                List<CardEvent> history = o.history(spec.id());
                historySizes.put(spec.id(), history.size());
                outcomes.put(spec.id(), fold(spec.id(), history, problems));
            }
            checkQuiescent(backlog, outcomes, problems);

            long started = System.nanoTime();
            int streamed = checkStream(o, historySizes, problems);
            long streamMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            BacklogStatus status = o.status();
            Map<CardStatus, Integer> folded = new EnumMap<>(CardStatus.class);
            outcomes.values().forEach(out -> folded.merge(out.status(), 1, Integer::sum));
            for (CardStatus s : CardStatus.values()) {
                if (status.count(s) != folded.getOrDefault(s, 0)) {
                    problems.add("the orchestrator counts " + status.count(s) + " cards " + s + " but the card journals "
                            + folded.getOrDefault(s, 0));
                }
            }
            return new JournalAudit(backlog, outcomes, problems, streamed, streamMillis);
        }
    }

    /** Folds one history event by event, checking every step and every status change. */
    static Outcome fold(CardId id, List<CardEvent> history, List<String> problems) {
        CardState state = CardState.initial(id, CrashRunner.POLICY.maxAttempts());
        int approvals = 0;
        int diagnoses = 0;
        int completions = 0;
        for (int i = 0; i < history.size(); i++) {
            CardEvent event = history.get(i);
            CardState next;
            try {
                next = state.apply(event);
            } catch (IllegalTransitionException e) {
                problems.add(id + ": event " + (i + 1) + " of " + history.size() + " (" + event.name()
                        + ") is refused by the lifecycle: " + e.getMessage());
                break;
            }
            if (next.status() != state.status() && CardTransition.between(state.status(), next.status()).isEmpty()) {
                problems.add(id + ": " + state.status() + " -> " + next.status() + " (" + event.name()
                        + ") is not in the lifecycle table");
            }
            if (event instanceof CardEvent.Approved) {
                approvals++;
            } else if (event instanceof CardEvent.Completed) {
                completions++;
            } else if (event instanceof CardEvent.Diagnosed) {
                diagnoses++;
            }
            state = next;
        }
        if (approvals > 1) {
            problems.add(id + " was approved " + approvals + " times");
        }
        if (completions > 1) {
            problems.add(id + " was completed " + completions + " times");
        }
        // the replay the engine itself uses must agree with the step-by-step fold
        try {
            CardState replayed = CardState.replay(id, CrashRunner.POLICY.maxAttempts(), history);
            if (replayed.status() != state.status() || replayed.attempt() != state.attempt()) {
                problems.add(id + ": replay ends " + replayed.status() + "/" + replayed.attempt() + " but the fold "
                        + state.status() + "/" + state.attempt());
            }
        } catch (IllegalTransitionException e) {
            // already reported by the fold
        }
        return new Outcome(state.status(), state.attempt(), approvals, history.stream().map(CardEvent::name).toList(),
                state.usage().costUsd(), diagnoses, state.deadLetters().size());
    }

    /**
     * Every card is DONE, awaiting review, or TODO with a dependency that is awaiting review or itself
     * held back so: nothing is left that could still progress.
     */
    static void checkQuiescent(Backlog backlog, Map<CardId, Outcome> outcomes, List<String> problems) {
        Map<CardId, Boolean> heldBack = new HashMap<>();
        for (CardSpec spec : backlog.cards()) { // backlog order is layer order: dependencies come first
            CardStatus status = outcomes.get(spec.id()).status();
            boolean waitsOnReview = spec.dependencies().stream().anyMatch(d ->
                    outcomes.get(d).status() == CardStatus.AWAITING_HUMAN || heldBack.getOrDefault(d, false));
            heldBack.put(spec.id(), status == CardStatus.TODO && waitsOnReview);
            if (status == CardStatus.TODO && !waitsOnReview) {
                problems.add(spec.id() + " is TODO although none of its dependencies " + spec.dependencies()
                        + " waits for review");
            } else if (!status.isTerminal() && status != CardStatus.AWAITING_HUMAN && status != CardStatus.TODO) {
                problems.add(spec.id() + " ended " + status + ": neither terminal nor awaiting review");
            }
        }
    }

    /**
     * Pages through the backlog-wide stream ({@link Orquestra#events}): counts approvals per card and
     * checks each card's sequence numbers and that the stream holds exactly the histories' events.
     */
    private static int checkStream(Orquestra o, Map<CardId, Integer> historySizes, List<String> problems) {
        Map<String, Long> lastSequenceNr = new HashMap<>();
        Map<CardId, Integer> approvals = new HashMap<>();
        Map<CardId, Integer> streamed = new HashMap<>();
        long offset = 0;
        int total = 0;
        while (true) {
            List<JournalReader.JournalEntry> page = o.events(offset, 1000);
            for (JournalReader.JournalEntry e : page) {
                CardEvent event = (CardEvent) e.event();
                long expected = lastSequenceNr.getOrDefault(e.persistenceId(), 0L) + 1;
                if (e.sequenceNr() != expected) {
                    problems.add(e.persistenceId() + ": sequence number " + e.sequenceNr() + " follows "
                            + (expected - 1) + " in the journal stream");
                }
                lastSequenceNr.put(e.persistenceId(), e.sequenceNr());
                streamed.merge(event.cardId(), 1, Integer::sum);
                if (event instanceof CardEvent.Approved) {
                    if (approvals.merge(event.cardId(), 1, Integer::sum) == 2) {
                        problems.add(event.cardId() + " is approved twice in the journal stream (second at offset "
                                + e.offset() + ")");
                    }
                }
                if (e.offset() <= offset) {
                    problems.add("the journal stream went back from offset " + offset + " to " + e.offset());
                }
                offset = e.offset();
                total++;
            }
            if (page.size() < 1000) {
                break;
            }
        }
        for (Map.Entry<CardId, Integer> h : historySizes.entrySet()) {
            int inStream = streamed.getOrDefault(h.getKey(), 0);
            if (inStream != h.getValue()) {
                problems.add(h.getKey() + " has " + h.getValue() + " events in its history but " + inStream
                        + " in the journal stream");
            }
        }
        return total;
    }

    Backlog backlog() {
        return backlog;
    }

    Map<CardId, Outcome> outcomes() {
        return outcomes;
    }

    List<String> problems() {
        return problems;
    }

    int streamEvents() {
        return streamEvents;
    }

    long streamMillis() {
        return streamMillis;
    }

    int count(CardStatus status) {
        return counts.getOrDefault(status, 0);
    }

    /** Cards whose history holds at least one event matching the predicate's figure. */
    long cardsWith(ToIntFunction<Outcome> figure) {
        return outcomes.values().stream().filter(o -> figure.applyAsInt(o) > 0).count();
    }
}
