package dev.orquestra.examples;

import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.ReviewRefusedException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code review}: records a reviewer's decision on a card awaiting review, through a paused engine
 * (nothing runs); the next {@code run} carries on from it. The decision is kept in the card's audit
 * history with who, when and why; it is written to the journal only (a paused engine writes no
 * checkpoint and no high-water mark).
 */
@Command(name = "review", mixinStandardHelpOptions = true, description = {
        "Records a reviewer's decision on a card awaiting review; the next run carries on from it.",
        "approve: accept the work as it is; reject: give up on the card (its dependents are cancelled); "
                + "clarify: run one more attempt with the reason as added context."})
final class ReviewCommand implements Callable<Integer> {

    /** What a reviewer can decide. */
    enum Decision {
        APPROVE("approved"), REJECT("rejected permanently"), CLARIFY("sent back with added context");

        private final String done;

        Decision(String done) {
            this.done = done;
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Parameters(index = "0", paramLabel = "CARD", description = "the card awaiting review, e.g. BE-021")
    private String card;

    @Parameters(index = "1", paramLabel = "DECISION", description = "approve, reject or clarify")
    private Decision decision;

    @Option(names = "--by", required = true, paramLabel = "NAME", description = "who decides (kept in the audit record)")
    private String reviewer;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "why; with clarify, the context the next attempt receives")
    private String reason;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (reviewer.isBlank()) {
            throw CommandFailure.badInput("--by must name the reviewer");
        }
        if (reason.isBlank()) {
            throw CommandFailure.badInput("--reason must say why" + (decision == Decision.CLARIFY
                    ? " (with clarify, it is the context the next attempt receives)" : ""));
        }
        CardId id;
        try {
            id = CardId.of(card);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput("card '" + TerminalText.escape(card) + "': " + e.getMessage());
        }
        DataDir dir = store.dataDir();
        dir.requireStore();
        try (DataDir.Lease lease = dir.lock(true)) {
            try (DataDir.Engine engine = lease.openPaused(false)) {
                Orquestra orquestra = engine.orquestra();
                dir.requireBacklog(orquestra);
                Orquestra.Review review = orquestra.review(id);
                CardStatus now;
                try {
                    now = switch (decision) {
                        case APPROVE -> review.approveOverride(reviewer, reason);
                        case REJECT -> review.rejectPermanently(reviewer, reason);
                        case CLARIFY -> review.requestClarification(reviewer, reason);
                    };
                } catch (ReviewRefusedException e) {
                    throw CommandFailure.badInput(TerminalText.escape(e.getMessage()));
                }
                if (decision != Decision.CLARIFY) {
                    // Let the engine record what the decision sets off (the card's release, or the
                    // cancellation of its dependents, card by card) before it closes: a clarified card
                    // simply waits, queued, for the next run.
                    orquestra.awaitQuiescence(SETTLE);
                }
                out.printf("%s %s by %s; the card is now %s.%n", id, decision.done, TerminalText.escape(reviewer), now);
                out.println("Carry on with: ./orquestra-example run " + dir.options());
            }
        }
        out.flush();
        return OrquestraExample.OK;
    }
}
