package dev.orquestra.benchmarks;

import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Validator;
import dev.orquestra.spi.WorkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a permanent rejection takes to cancel everything that waits on the rejected card.
 *
 * <p>A chain of N cards ({@code HEAD}, then each card depending on the one before it) runs until its
 * head, whose judge always fails and which has one attempt, awaits review; the rest wait on it (set-up,
 * not timed). The timed part is {@code review(HEAD).rejectPermanently(...)}: {@code review_ms} until
 * the call returns, by which time the orchestrator has written the whole cascade and {@code status()}
 * counts N − 1 cancelled cards (checked), and {@code records_ms} until every cancelled card has
 * written its own {@code Cancelled} record (counted by a listener). {@code us_per_card} is
 * {@code review_ms} per cancelled card, the figure that stays flat when the time grows linearly.
 *
 * <pre>
 * benchmarks/run --cascade
 * java -cp ... dev.orquestra.benchmarks.CascadeBenchmark --cards 2500,5000,10000,20000 --journal h2 --rounds 3
 * </pre>
 */
public final class CascadeBenchmark {

    static final String USAGE = """
            usage: CascadeBenchmark [options]
              --cards N[,N...]   cards in the chain, its head included (default 2500,5000,10000,20000)
              --journal J        h2 | memory | postgres (default h2)
              --rounds R         timed rejections per size, each on a chain set up afresh (default 3)
              --timeout-s S      give up on a phase after this long (default 600)
              --json FILE        also write the RESULT figures as JSON
            Ends with one RESULT line per size on stdout.""";

    private static final Set<String> OPTIONS = Set.of("--cards", "--journal", "--rounds", "--timeout-s", "--json");
    private static final Role ROLE = Role.BACKEND;
    private static final CardId HEAD = CardId.of("HEAD");

    private CascadeBenchmark() {
    }

    record Options(List<Integer> cards, Journal.Kind journal, int rounds, long timeoutSeconds, String json) {

        static Options parse(String... args) {
            Args a = Args.parse(args, OPTIONS, Set.of(), USAGE);
            if (a.help()) {
                throw new EndToEndBenchmark.HelpRequested(USAGE);
            }
            List<Integer> cards = a.integers("--cards", List.of(2_500, 5_000, 10_000, 20_000));
            for (int n : cards) {
                if (n < 2) {
                    throw new IllegalArgumentException("--cards: a chain needs at least 2 cards, was " + n);
                }
            }
            return new Options(cards, Journal.Kind.parse(a.string("--journal", "h2")), a.integer("--rounds", 3, 1),
                    a.integer("--timeout-s", 600, 1), a.string("--json", null));
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (EndToEndBenchmark.HelpRequested h) {
            System.out.println(h.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<ResultLine> results = new ArrayList<>();
        boolean ok = true;
        for (int n : o.cards()) {
            ResultLine r = run(o, n);
            System.out.println(r.line());
            results.add(r);
            ok &= r.get("status").equals("ok");
        }
        if (o.json() != null) {
            ResultLine.writeJson(results, java.nio.file.Path.of(o.json()));
        }
        System.exit(ok ? 0 : 1);
    }

    static List<CardSpec> chain(int n) {
        List<CardSpec> cards = new ArrayList<>(n);
        cards.add(CardSpec.builder(HEAD.value(), ROLE).title("Head of the chain").build());
        for (int i = 1; i < n; i++) {
            cards.add(CardSpec.builder(String.format(Locale.ROOT, "C-%06d", i), ROLE).title("Link " + i)
                    .dependsOn(i == 1 ? HEAD.value() : String.format(Locale.ROOT, "C-%06d", i - 1)).build());
        }
        return cards;
    }

    static ResultLine run(Options o, int n) throws Exception {
        ResultLine r = new ResultLine("cascade").text("journal", o.journal().label()).number("cards", n);
        if (o.journal() == Journal.Kind.POSTGRES) {
            var problem = Journal.postgresProblem();
            if (problem.isPresent()) {
                System.err.println("# SKIPPED: " + problem.get());
                return r.text("status", "skipped").text("reason", "postgres_unreachable");
            }
        }
        System.err.printf(Locale.ROOT, "# cascade: a chain of %d cards, journal %s, %d rounds; %s%n", n,
                o.journal().label(), o.rounds(), Machine.describe());
        List<ResultLine> rounds = new ArrayList<>();
        for (int round = 1; round <= o.rounds(); round++) {
            ResultLine line = round(o, n, round);
            System.err.println("# round " + round + ": " + line.line());
            if (!line.get("status").equals("ok")) {
                return line;
            }
            rounds.add(line);
        }
        return Summary.of(rounds, List.of("review_ms", "records_ms", "us_per_card"));
    }

    private static ResultLine round(Options o, int n, int round) throws Exception {
        ResultLine r = new ResultLine("cascade").text("journal", o.journal().label()).number("cards", n)
                .number("loadavg_1m_at_start", Machine.loadAverage(), 2);
        String engineName = "cascade-" + ProcessHandle.current().pid() + "-" + n + "-" + round;
        AtomicInteger cancelled = new AtomicInteger();
        CountDownLatch allRecorded = new CountDownLatch(1);
        Validator verification = s -> CompletableFuture.completedFuture(Verdict.pass("verification"));
        Validator judge = s -> CompletableFuture.completedFuture(Verdict.fail("llm-judge", "made to fail"));
        Validator qa = s -> CompletableFuture.completedFuture(Verdict.pass("qa"));
        Duration timeout = Duration.ofSeconds(o.timeoutSeconds());
        try (Journal journal = Journal.create(o.journal(), engineName);
             Orquestra engine = Orquestra.builder().name(engineName).store(journal.store())
                     .config(Machine.engineConfig(""))
                     .owners(ROLE, order -> CompletableFuture.completedFuture(WorkResult.succeeded()), 5)
                     .pipeline(Pipeline.defaults(verification, judge, qa))
                     .policy(Policy.defaults().maxAttempts(1).debugRepeatedFailures(false))
                     .checkpointEvery(0).askTimeout(timeout).shutdownTimeout(Duration.ofMinutes(2))
                     .listener(e -> {
                         if (e instanceof CardEvent.Cancelled && cancelled.incrementAndGet() == n - 1) {
                             allRecorded.countDown();
                         }
                     }).build()) {
            long setUp = System.nanoTime();
            engine.submit(Backlog.of("cascade " + n, chain(n)));
            if (!engine.awaitQuiescence(timeout)) {
                return r.text("status", "timeout").text("phase", "setup");
            }
            if (engine.cardState(HEAD).status() != CardStatus.AWAITING_HUMAN) {
                return r.text("status", "setup_failed").text("reason", "head_is_" + engine.cardState(HEAD).status());
            }
            double setUpS = (System.nanoTime() - setUp) / 1e9;

            long start = System.nanoTime();
            CardStatus head = engine.review(HEAD).rejectPermanently("bench", "descoped");
            long returned = System.nanoTime();
            int counted = engine.status().count(CardStatus.CANCELLED);
            if (head != CardStatus.ABORTED || counted != n - 1) {
                return r.text("status", "wrong").text("reason", "head_" + head + "_cancelled_" + counted);
            }
            if (!allRecorded.await(o.timeoutSeconds(), TimeUnit.SECONDS)) {
                return r.text("status", "timeout").text("phase", "records").number("records", cancelled.get());
            }
            long recorded = System.nanoTime();
            double reviewMs = (returned - start) / 1e6;
            return r.number("review_ms", reviewMs, 1).number("records_ms", (recorded - start) / 1e6, 1)
                    .number("us_per_card", reviewMs * 1000 / (n - 1), 1).number("setup_s", setUpS, 1)
                    .text("status", "ok");
        }
    }
}
