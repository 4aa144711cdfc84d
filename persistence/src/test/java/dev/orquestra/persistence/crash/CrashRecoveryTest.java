package dev.orquestra.persistence.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.persistence.crash.ChildJvm.Line;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash recovery, for real: a backlog of 500 cards runs in a separate JVM ({@link CrashRunner}) on an
 * H2 file store, is killed with SIGKILL seven times at random moments — five times after a random
 * amount of progress, once during start-up and recovery, once just after the engine is up — and is
 * restarted on the same store each time, then runs to quiescence. The same backlog also runs
 * uninterrupted, in another JVM on a fresh store, with the same agent seed. Since the simulated
 * agents decide only from {@code (seed, cardId, attempt, stage)}, the crashes must not change any
 * outcome: the test demands every card's final status and attempt equal the uninterrupted run's, and
 * checks both journals for illegal transitions, double approvals and a run that did not finish.
 *
 * <p>The kill moments come from a seeded {@link Random}; the seed is printed, and
 * {@code -Dorquestra.crash.seed=N} replays the same plan and the same agent decisions (kill timing
 * still depends on the machine). Everything the children print, their call logs and the stores stay
 * under {@code target/crash-recovery/seed-N} when the test fails. A report — per kill the cards done,
 * how long the restart took to get ready and to finish its first card, and how many calls the
 * restarts made again — is printed and kept in {@code target/crash-recovery/report-seed-N.txt}.
 */
@Tag("crash")
class CrashRecoveryTest {

    private static final int CARDS = 500;
    private static final int PROGRESS_KILLS = 5;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final Duration STEP_LIMIT = Duration.ofSeconds(60);

    /** When a kill comes. */
    enum KillKind {
        /** After a random number of cards are done (as the child reports them; the journal holds at least as many). */
        AFTER_PROGRESS,
        /** A random delay after launch, before the engine is ready: JVM start-up, schema bootstrap, recovery. */
        DURING_STARTUP,
        /** Up to 400 ms after the engine is built: while cards recover and re-queue their work. */
        AFTER_READY
    }

    /** One planned kill. */
    record Kill(KillKind kind, long doneThreshold, long delayMillis) {
        String describe() {
            return switch (kind) {
                case AFTER_PROGRESS -> "after done>=" + doneThreshold + " +" + delayMillis + "ms";
                case DURING_STARTUP -> delayMillis + "ms after launch";
                case AFTER_READY -> delayMillis + "ms after READY";
            };
        }
    }

    /** What one process did before it was killed (or finished). */
    static final class Segment {
        final int number;
        final long pid;
        final Kill kill;
        Line ready;
        long readyMillis = -1;
        long firstDoneMillis = -1;
        int doneLines;
        long killedAfterMillis = -1;
        List<Line> recovery = List.of();

        Segment(int number, long pid, Kill kill) {
            this.number = number;
            this.pid = pid;
            this.kill = kill;
        }

        /** Done cards in the journal when this process started: where the previous kill left it. */
        long doneAtStart() {
            return ready == null ? -1 : ready.field("done");
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBacklogKilledAgainAndAgainEndsExactlyLikeAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("orquestra.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        long agentSeed = random.nextLong();
        Path root = Path.of("target", "crash-recovery", "seed-" + seed).toAbsolutePath();
        deleteRecursively(root);
        say("crash test seed " + seed + " (agent seed " + agentSeed + "); rerun with -Dorquestra.crash.seed=" + seed
                + "; files under " + root);
        say("child class path from " + (System.getProperty("surefire.test.class.path") != null
                ? "surefire.test.class.path" : "java.class.path") + " (" + ChildJvm.testClassPath().length() + " chars)");
        long testStarted = System.nanoTime();

        // 1. the uninterrupted run
        Path referenceData = root.resolve("reference");
        ChildJvm reference = ChildJvm.launch(referenceData, agentSeed, CARDS, root.resolve("logs/reference.out"));
        Segment referenceSegment = new Segment(0, reference.pid(), null);
        Line referenceEnd = finish(reference, referenceSegment);
        long referenceMillis = millisSince(reference.launchedAt());
        long expectedDone = referenceEnd.field("DONE", 0L);
        say("uninterrupted run: " + referenceEnd.text() + " in " + referenceMillis + " ms");
        assertThat(expectedDone).as("the uninterrupted run approves most cards").isGreaterThan(CARDS / 2);

        // 2. the run that is killed
        Path crashData = root.resolve("crashed");
        List<Kill> plan = plan(random, expectedDone, referenceSegment.readyMillis);
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            ChildJvm child = ChildJvm.launch(crashData, agentSeed, CARDS, root.resolve("logs/segment-" + (i + 1) + ".out"));
            Segment segment = new Segment(i + 1, child.pid(), plan.get(i));
            segments.add(segment);
            try {
                runUntilKill(child, segment);
            } finally {
                if (child.isAlive()) {
                    child.kill();
                }
            }
            segment.recovery = child.recoveryLines();
            say("kill " + segment.number + " (" + segment.kill.describe() + "): pid " + segment.pid + " killed "
                    + segment.killedAfterMillis + " ms after launch, " + segment.doneLines + " cards done in it");
        }
        ChildJvm last = ChildJvm.launch(crashData, agentSeed, CARDS, root.resolve("logs/final.out"));
        Segment finalSegment = new Segment(plan.size() + 1, last.pid(), null);
        Line crashedEnd = finish(last, finalSegment);
        finalSegment.recovery = last.recoveryLines();
        long crashedMillis = millisSince(last.launchedAt())
                + segments.stream().mapToLong(s -> s.killedAfterMillis).sum();
        say("final run: " + crashedEnd.text());

        // 3. both journals, read back and checked
        long auditStarted = System.nanoTime();
        JournalAudit expected = JournalAudit.of(referenceData);
        JournalAudit actual = JournalAudit.of(crashData);
        long auditMillis = millisSince(auditStarted);

        List<String> differences = new ArrayList<>();
        List<String> persistedTwice = new ArrayList<>();
        for (CardSpec spec : expected.backlog().cards()) {
            CardId id = spec.id();
            JournalAudit.Outcome want = expected.outcomes().get(id);
            JournalAudit.Outcome got = actual.outcomes().get(id);
            if (got == null) {
                differences.add(id + " is missing from the crashed run's backlog");
            } else if (got.status() != want.status() || got.attempt() != want.attempt()) {
                differences.add(id + ": " + got.status() + " on attempt " + got.attempt() + ", uninterrupted "
                        + want.status() + " on attempt " + want.attempt());
            } else if (got.costUsd().compareTo(want.costUsd()) != 0 || !got.events().equals(want.events())) {
                persistedTwice.add(id + ": USD " + got.costUsd() + " in " + got.events() + "; uninterrupted USD "
                        + want.costUsd() + " in " + want.events());
            }
        }

        // 4. what at-least-once delivery redid
        CallLog.Comparison calls = CallLog.compare(CallLog.read(crashData), CallLog.read(referenceData));

        // 5. the checkpoint a kill may have interrupted is still readable
        Path checkpoint = crashData.resolve("backlog_master.json");
        String checkpointState;
        if (Files.exists(checkpoint)) {
            BacklogCheckpoint read = BacklogCheckpoint.read(checkpoint);
            checkpointState = "readable, " + read.reports().size() + " cards";
        } else {
            checkpointState = "none written";
        }
        List<String> leftovers;
        try (Stream<Path> files = Files.list(crashData)) {
            leftovers = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("orquestra.") && !n.equals(CallLog.FILE) && !n.equals("backlog_master.json")
                            && !n.equals("audit-checkpoint.json"))
                    .sorted().toList();
        }

        report(root, seed, segments, finalSegment, referenceMillis, crashedMillis, expected, actual, auditMillis, calls,
                persistedTwice, checkpointState, leftovers, millisSince(testStarted));

        assertThat(expected.problems()).as("problems in the uninterrupted run's journal").isEmpty();
        assertThat(actual.problems()).as("problems in the crashed run's journal").isEmpty();
        assertThat(actual.backlog().cards()).as("the backlog was submitted once and survived intact")
                .isEqualTo(expected.backlog().cards());
        assertThat(differences).as("cards whose final status or attempt differ from the uninterrupted run").isEmpty();
        // stronger than the outcome: a crash loses only work in flight, so each card's journal holds the
        // same events, and the same cost, as in the uninterrupted run — nothing was recorded twice
        assertThat(persistedTwice).as("cards whose events or cost differ from the uninterrupted run").isEmpty();
        assertThat(actual.outcomes().values()).as("approvals per card").allMatch(o -> o.approvals() <= 1);
        assertThat(segments).as("kills").hasSizeGreaterThanOrEqualTo(5);
        assertThat(Stream.concat(segments.stream(), Stream.of(finalSegment)).filter(s -> s.ready != null)
                .map(Segment::doneAtStart).toList()).as("done cards in the journal at each start: none ever lost")
                .isSorted();
        assertThat(calls.fewer()).as("keys the crashed run called fewer times than the uninterrupted one").isEmpty();
        assertThat(calls.unexpected()).as("keys the crashed run called and the uninterrupted one never did").isEmpty();
        // the scenario covers what it claims to: escalation, held-back dependents, corrections, the debugger
        assertThat(expected.count(CardStatus.AWAITING_HUMAN)).as("escalated cards").isPositive();
        assertThat(expected.count(CardStatus.TODO)).as("cards held back by escalated ones").isPositive();
        assertThat(expected.cardsWith(o -> o.attempt() > 1 && o.status() == CardStatus.DONE ? 1 : 0))
                .as("cards done after a correction").isPositive();
        assertThat(expected.cardsWith(JournalAudit.Outcome::diagnoses)).as("cards the debugger diagnosed").isPositive();
        assertThat(expected.cardsWith(JournalAudit.Outcome::deadLetters)).as("cards with dead letters").isPositive();

        deleteRecursively(root);
    }

    /**
     * Five progress kills at increasing thresholds, one start-up kill and one just-after-ready kill,
     * shuffled after the first. The start-up kill comes before the engine is ready, judging by how long
     * the uninterrupted run took to get ready ({@code readyMillis}): a fast engine finishes 500 cards in
     * less than the time a JVM takes to start, so a fixed delay would often come after the end.
     */
    private static List<Kill> plan(Random random, long expectedDone, long readyMillis) {
        List<Kill> progress = new ArrayList<>();
        double low = 0.05;
        double span = 0.80 / PROGRESS_KILLS;
        for (int i = 0; i < PROGRESS_KILLS; i++) {
            long threshold = Math.max(1, Math.round(expectedDone * (low + span * (i + random.nextDouble()))));
            progress.add(new Kill(KillKind.AFTER_PROGRESS, threshold, random.nextInt(26)));
        }
        List<Kill> early = new ArrayList<>(List.of(
                new Kill(KillKind.DURING_STARTUP, 0, startupDelay(random, readyMillis)),
                new Kill(KillKind.AFTER_READY, 0, random.nextInt(401))));
        // the first segment must make progress (it submits the backlog); the early kills go anywhere after it
        List<Integer> slots = new ArrayList<>();
        for (int i = 1; i <= PROGRESS_KILLS + early.size() - 1; i++) {
            slots.add(i);
        }
        Collections.shuffle(slots, random);
        Set<Integer> earlySlots = new HashSet<>(slots.subList(0, early.size()));
        List<Kill> plan = new ArrayList<>();
        int p = 0;
        int e = 0;
        for (int i = 0; i < PROGRESS_KILLS + early.size(); i++) {
            plan.add(earlySlots.contains(i) ? early.get(e++) : progress.get(p++));
        }
        return plan;
    }

    /** A moment between a quarter of the way to ready and ready (or up to 3 s when ready was not seen). */
    private static long startupDelay(Random random, long readyMillis) {
        if (readyMillis <= 0) {
            return 300 + random.nextInt(2701);
        }
        long from = readyMillis / 4;
        return from + random.nextInt((int) Math.max(1, readyMillis - from));
    }

    private static void runUntilKill(ChildJvm child, Segment segment) throws InterruptedException {
        Kill kill = segment.kill;
        switch (kill.kind()) {
            case DURING_STARTUP -> observeUntil(child, segment, child.launchedAt() + millis(kill.delayMillis()));
            case AFTER_READY -> {
                awaitReady(child, segment);
                observeUntil(child, segment, segment.ready.at() + millis(kill.delayMillis()));
            }
            case AFTER_PROGRESS -> {
                awaitReady(child, segment);
                long done = segment.doneAtStart();
                while (done + segment.doneLines < kill.doneThreshold()) {
                    Line line = child.next(STEP_LIMIT).orElseThrow(() -> new AssertionError("segment " + segment.number
                            + " made no progress for " + STEP_LIMIT + "\n" + child.tail()));
                    observe(line, child, segment);
                }
                observeUntil(child, segment, System.nanoTime() + millis(kill.delayMillis()));
            }
            default -> throw new IllegalStateException("unknown kill " + kill);
        }
        child.kill();
        segment.killedAfterMillis = millisSince(child.launchedAt());
    }

    private static void awaitReady(ChildJvm child, Segment segment) throws InterruptedException {
        while (segment.ready == null) {
            Line line = child.next(STEP_LIMIT).orElseThrow(() -> new AssertionError("segment " + segment.number
                    + " did not get ready within " + STEP_LIMIT + "\n" + child.tail()));
            observe(line, child, segment);
        }
    }

    /** Reads the child's lines until the deadline ({@link System#nanoTime()}). */
    private static void observeUntil(ChildJvm child, Segment segment, long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Optional<Line> line = child.next(Duration.ofNanos(left));
            if (line.isPresent()) {
                observe(line.get(), child, segment);
            }
        }
    }

    private static void observe(Line line, ChildJvm child, Segment segment) {
        if (line.is("@READY")) {
            segment.ready = line;
            segment.readyMillis = TimeUnit.NANOSECONDS.toMillis(line.at() - child.launchedAt());
        } else if (line.is("@DONE")) {
            if (segment.doneLines++ == 0 && segment.ready != null) {
                segment.firstDoneMillis = TimeUnit.NANOSECONDS.toMillis(line.at() - segment.ready.at());
            }
        } else if (segment.kill != null && (line.is("@QUIESCENT") || line.is(ChildJvm.EOF) || line.is("@TIMEOUT"))) {
            throw new AssertionError("segment " + segment.number + " ended (" + line.text() + ") before its kill ("
                    + segment.kill.describe() + ")\n" + child.tail());
        }
    }

    private static Line finish(ChildJvm child) throws InterruptedException {
        return finish(child, new Segment(0, child.pid(), null));
    }

    /** Lets a child run to quiescence and exit; its {@code @QUIESCENT} line. */
    private static Line finish(ChildJvm child, Segment segment) throws InterruptedException {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        Line quiescent = null;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Line line = left <= 0 ? null : child.next(Duration.ofNanos(left)).orElse(null);
                if (line == null) {
                    throw new AssertionError("the run did not finish within " + RUN_LIMIT + "\n" + child.tail());
                }
                if (line.is(ChildJvm.EOF)) {
                    break;
                }
                if (line.is("@QUIESCENT")) {
                    quiescent = line;
                }
                observe(line, child, segment);
            }
            Optional<Integer> exit = child.awaitExit(Duration.ofSeconds(30));
            assertThat(exit).as("exit code of the run\n" + child.tail()).contains(0);
            assertThat(quiescent).as("the run reached quiescence\n" + child.tail()).isNotNull();
            return quiescent;
        } finally {
            if (child.isAlive()) {
                child.kill();
            }
        }
    }

    private static void report(Path root, long seed, List<Segment> segments, Segment finalSegment, long referenceMillis,
                               long crashedMillis, JournalAudit expected, JournalAudit actual, long auditMillis,
                               CallLog.Comparison calls, List<String> persistedTwice,
                               String checkpointState, List<String> leftovers, long totalMillis) {
        StringBuilder b = new StringBuilder("\n=== crash recovery report (seed ").append(seed).append(") ===\n");
        b.append(String.format(Locale.ROOT, "%-4s %-24s %7s %10s %8s %7s %11s %11s %10s %9s %9s%n", "kill", "moment", "pid",
                "done@start", "->READY", "build", "READY->recov", "READY->DONE", "done lines", "killed at", "done@kill"));
        List<Segment> all = new ArrayList<>(segments);
        all.add(finalSegment);
        for (int i = 0; i < all.size(); i++) {
            Segment s = all.get(i);
            // the journal's count when the next process that got ready started; "~" when a process
            // killed before it got ready came between (it may have finished a few cards itself)
            String doneAtKill = "-";
            for (int j = i + 1; j < all.size() && s.kill != null; j++) {
                if (all.get(j).ready != null) {
                    doneAtKill = (j > i + 1 ? "~" : "") + all.get(j).doneAtStart();
                    break;
                }
            }
            Line recovered = s.recovery.isEmpty() ? null : s.recovery.get(0);
            b.append(String.format(Locale.ROOT, "%-4s %-24s %7d %10s %8s %7s %11s %11s %10d %9s %9s%n",
                    s.kill == null ? "end" : Integer.toString(s.number),
                    s.kill == null ? "runs to quiescence" : s.kill.describe(), s.pid,
                    s.ready == null ? "-" : Long.toString(s.doneAtStart()),
                    s.readyMillis < 0 ? "-" : s.readyMillis + "ms",
                    s.ready == null ? "-" : s.ready.field("buildMs") + "ms",
                    recovered == null || s.ready == null ? "-"
                            : TimeUnit.NANOSECONDS.toMillis(recovered.at() - s.ready.at()) + "ms",
                    s.firstDoneMillis < 0 ? "-" : s.firstDoneMillis + "ms", s.doneLines,
                    s.killedAfterMillis < 0 ? "-" : s.killedAfterMillis + "ms", doneAtKill));
        }
        for (Segment s : all) {
            s.recovery.forEach(r -> b.append("  process ").append(s.number).append(": ").append(r.text()).append('\n'));
        }
        b.append(String.format(Locale.ROOT, "uninterrupted run %d ms; crashed run %d ms of wall time over %d processes%n",
                referenceMillis, crashedMillis, all.size()));
        b.append("outcome (uninterrupted = crashed): ")
                .append(Stream.of(CardStatus.values()).filter(st -> expected.count(st) + actual.count(st) > 0)
                        .map(st -> st + " " + expected.count(st) + "=" + actual.count(st)).collect(Collectors.joining(", ")))
                .append('\n');
        b.append(String.format(Locale.ROOT, "journal events: uninterrupted %d, crashed %d (stream read in %d ms / %d ms);"
                        + " audit %d ms%n", expected.streamEvents(), actual.streamEvents(), expected.streamMillis(),
                actual.streamMillis(), auditMillis));
        b.append(String.format(Locale.ROOT, "calls: %d keys; %d calls redone over %d keys beyond the uninterrupted run %s;"
                        + " keys re-called by each process %s%n", calls.keys(), calls.extraCalls(), calls.keysRedone(),
                calls.extraByStage(), calls.recalledPerProcess()));
        b.append("cards whose events or cost differ from the uninterrupted run: ").append(persistedTwice.size());
        persistedTwice.stream().limit(5).forEach(d -> b.append("\n  ").append(d));
        b.append('\n');
        b.append("checkpoint after the kills: ").append(checkpointState).append("; other files in the store directory: ")
                .append(new TreeSet<>(leftovers)).append('\n');
        b.append("test took ").append(totalMillis).append(" ms\n");
        say(b.toString());
        try {
            // next to the run's directory, which is deleted when the test passes
            Files.writeString(root.resolveSibling("report-seed-" + seed + ".txt"), b.toString());
        } catch (IOException e) {
            say("the report could not be written: " + e);
        }
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
