package dev.orquestra.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.spi.JournalReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What Orquestra's journal and snapshot plugins do, through Pekko's own journal and snapshot
 * protocols (what a persistent actor sends): writes with their tag, writer and timestamp, rejections
 * that leave the rest of a call written, replays with from, to and max, deletes that keep the highest
 * sequence number, snapshots by criteria, large values, group commit, and no thread per call.
 * Subclasses run it on H2 and PostgreSQL.
 */
abstract class JdbcPluginContract {

    private static final java.time.Duration WAIT = PluginFixture.WAIT;

    protected abstract Dialect dialect();

    PluginFixture fixture;
    private final String writer = UUID.randomUUID().toString();

    @BeforeEach
    void open() throws Exception {
        fixture = PluginFixture.of(dialect());
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    // ------------------------------------------------------------------ helpers

    PersistentRepr repr(String pid, long seq, Object payload) {
        return PersistentRepr.apply(payload, seq, pid, "", false, ActorRef.noSender(), writer);
    }

    static AtomicWrite atomic(PersistentRepr... reprs) {
        return AtomicWrite.apply(CollectionConverters.asScala(List.of(reprs)).toList());
    }

    /** Sends one WriteMessages call and returns every reply: the batch's result, then one per event. */
    List<Object> write(TestKit probe, AtomicWrite... writes) {
        List<PersistentEnvelope> envelopes = List.of(writes);
        fixture.journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(envelopes).toList(),
                probe.getRef(), 1), probe.getRef());
        int events = 0;
        for (AtomicWrite w : writes) {
            events += w.size();
        }
        List<Object> replies = new ArrayList<>();
        replies.add(probe.expectMsgAnyClassOf(WAIT, JournalProtocol.WriteMessagesSuccessful$.class,
                JournalProtocol.WriteMessagesFailed.class));
        for (int i = 0; i < events; i++) {
            replies.add(probe.expectMsgAnyClassOf(WAIT, JournalProtocol.WriteMessageSuccess.class,
                    JournalProtocol.WriteMessageRejected.class, JournalProtocol.WriteMessageFailure.class));
        }
        return replies;
    }

    void writeOk(TestKit probe, String pid, long from, long to, String tag) {
        List<AtomicWrite> writes = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            Object payload = new Note(pid + "#" + seq);
            writes.add(atomic(repr(pid, seq, tag == null ? payload : new Tagged(payload, Set.of(tag)))));
        }
        List<Object> replies = write(probe, writes.toArray(AtomicWrite[]::new));
        assertThat(replies).allMatch(r -> r instanceof JournalProtocol.WriteMessageSuccess
                || r == JournalProtocol.WriteMessagesSuccessful$.MODULE$, "every write succeeded: " + replies);
    }

    /** Replays and returns the replayed events, then the highest sequence number (last element). */
    List<PersistentRepr> replay(TestKit probe, String pid, long from, long to, long max, long[] highest) {
        fixture.journal().tell(new JournalProtocol.ReplayMessages(from, to, max, pid, probe.getRef()), probe.getRef());
        List<PersistentRepr> out = new ArrayList<>();
        while (true) {
            Object m = probe.expectMsgAnyClassOf(WAIT, JournalProtocol.ReplayedMessage.class,
                    JournalProtocol.RecoverySuccess.class, JournalProtocol.ReplayMessagesFailure.class);
            if (m instanceof JournalProtocol.ReplayedMessage r) {
                out.add(r.persistent());
            } else if (m instanceof JournalProtocol.RecoverySuccess s) {
                highest[0] = s.highestSequenceNr();
                return out;
            } else {
                throw new AssertionError("replay failed: " + m);
            }
        }
    }

    static List<Long> seqs(List<PersistentRepr> reprs) {
        return reprs.stream().map(PersistentRepr::sequenceNr).toList();
    }

    // ------------------------------------------------------------------ journal

    @Test
    void eventsAreWrittenAndReplayedWithTheirWriterTimestampAndOrder() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "card|e|A", 1, 3, "cards-e");
        long[] highest = new long[1];
        List<PersistentRepr> replayed = replay(probe, "card|e|A", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest);
        assertThat(seqs(replayed)).containsExactly(1L, 2L, 3L);
        assertThat(replayed).extracting(PersistentRepr::payload)
                .containsExactly(new Note("card|e|A#1"), new Note("card|e|A#2"), new Note("card|e|A#3"));
        assertThat(replayed).allSatisfy(r -> {
            assertThat(r.writerUuid()).isEqualTo(writer);
            assertThat(r.persistenceId()).isEqualTo("card|e|A");
            assertThat(r.timestamp()).isPositive();
        });
        assertThat(highest[0]).isEqualTo(3);
    }

    @Test
    void replaysApplyFromToAndMax() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "p", 1, 10, null);
        long[] highest = new long[1];
        assertThat(seqs(replay(probe, "p", 3, 7, Long.MAX_VALUE, highest))).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(seqs(replay(probe, "p", 2, Long.MAX_VALUE, 3, highest))).containsExactly(2L, 3L, 4L);
        assertThat(seqs(replay(probe, "p", 11, Long.MAX_VALUE, Long.MAX_VALUE, highest))).isEmpty();
        assertThat(highest[0]).isEqualTo(10);
        assertThat(seqs(replay(probe, "nobody", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest))).isEmpty();
        assertThat(highest[0]).isZero();
    }

    @Test
    void anUnserializableEventIsRejectedAndTheRestOfTheCallIsWritten() {
        TestKit probe = new TestKit(fixture.system);
        List<Object> replies = write(probe, atomic(repr("u", 1, new Note("fine"))),
                atomic(repr("u", 2, new Object())), atomic(repr("u", 3, new Note("fine too"))));
        assertThat(replies.get(0)).isEqualTo(JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        assertThat(replies.get(1)).isInstanceOf(JournalProtocol.WriteMessageSuccess.class);
        assertThat(replies.get(2)).isInstanceOfSatisfying(JournalProtocol.WriteMessageRejected.class, r ->
                assertThat(r.cause()).hasMessageContaining("event 2 of u was not written")
                        .hasMessageContaining("java.lang.Object"));
        assertThat(replies.get(3)).isInstanceOf(JournalProtocol.WriteMessageSuccess.class);
        long[] highest = new long[1];
        assertThat(seqs(replay(probe, "u", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest))).containsExactly(1L, 3L);
    }

    @Test
    void anEventWithTwoTagsIsRejectedNamingTheLimit() {
        TestKit probe = new TestKit(fixture.system);
        List<Object> replies = write(probe, atomic(repr("t", 1, new Tagged(new Note("x"), Set.of("a", "b")))));
        assertThat(replies.get(1)).isInstanceOfSatisfying(JournalProtocol.WriteMessageRejected.class, r ->
                assertThat(r.cause()).hasMessageContaining("event 1 of t has 2 tags")
                        .hasMessageContaining("at most one tag per event"));
    }

    @Test
    void aDuplicateSequenceNumberFailsItsCallButNotTheOthers() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "dup", 1, 2, null);
        List<Object> replies = write(probe, atomic(repr("dup", 2, new Note("again"))));
        assertThat(replies.get(0)).isInstanceOfSatisfying(JournalProtocol.WriteMessagesFailed.class, f ->
                assertThat(f.cause()).hasMessageContaining("could not write events 2..2 of dup"));
        writeOk(probe, "other", 1, 1, null);
        writeOk(probe, "dup", 3, 3, null);
    }

    @Test
    void deletingEventsKeepsTheHighestSequenceNumberAcrossARestart() throws Exception {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "d", 1, 4, "tag-d");
        fixture.journal().tell(new JournalProtocol.DeleteMessagesTo("d", 4, probe.getRef()), probe.getRef());
        probe.expectMsgClass(WAIT, org.apache.pekko.persistence.DeleteMessagesSuccess.class);
        long[] highest = new long[1];
        assertThat(replay(probe, "d", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest)).isEmpty();
        assertThat(highest[0]).isEqualTo(4);
        fixture = fixture.reopen();
        TestKit again = new TestKit(fixture.system);
        assertThat(replay(again, "d", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest)).isEmpty();
        assertThat(highest[0]).isEqualTo(4);
        writeOk(again, "d", 5, 5, "tag-d");
        assertThat(seqs(replay(again, "d", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest))).containsExactly(5L);
    }

    @Test
    void largeEventsRoundTrip() {
        TestKit probe = new TestKit(fixture.system);
        int[] sizes = {4 * 1024 * 1024 + 17, 16 * 1024 * 1024};
        for (int i = 0; i < sizes.length; i++) {
            List<Object> replies = write(probe, atomic(repr("big", i + 1, Note.ofSize(sizes[i]))));
            assertThat(replies.get(1)).isInstanceOf(JournalProtocol.WriteMessageSuccess.class);
        }
        long[] highest = new long[1];
        List<PersistentRepr> replayed = replay(probe, "big", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest);
        assertThat(replayed).extracting(r -> ((Note) r.payload()).text().length())
                .containsExactly(sizes[0], sizes[1]);
    }

    @Test
    void anEventAboveTheLimitIsRejectedNamingTheLimit() {
        TestKit probe = new TestKit(fixture.system);
        List<Object> replies = write(probe, atomic(repr("huge", 1, Note.Bulk.ofSize(SchemaBootstrap.MAX_EVENT_BYTES + 1))));
        assertThat(replies.get(1)).isInstanceOfSatisfying(JournalProtocol.WriteMessageRejected.class, r ->
                assertThat(r.cause()).hasMessageContaining("event 1 of huge").hasMessageContaining("takes at most "
                        + SchemaBootstrap.MAX_EVENT_BYTES));
    }

    @Test
    void manyConcurrentWritesShareFewTransactions() {
        TestKit probe = new TestKit(fixture.system);
        int calls = 1_000;
        long before = fixture.storage().journalTransactions();
        for (int i = 0; i < calls; i++) {
            List<PersistentEnvelope> one = List.of(atomic(repr("g|" + i, 1, new Tagged(new Note("n" + i), Set.of("g")))));
            fixture.journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(one).toList(),
                    probe.getRef(), 1), probe.getRef());
        }
        for (int i = 0; i < 2 * calls; i++) {
            probe.expectMsgAnyClassOf(WAIT, JournalProtocol.WriteMessagesSuccessful$.class,
                    JournalProtocol.WriteMessageSuccess.class);
        }
        long transactions = fixture.storage().journalTransactions() - before;
        assertThat(transactions).as("1,000 calls in %d transactions", transactions).isLessThan(calls / 4);
        JournalReader reader = new JdbcJournalReader(fixture.storage());
        List<JournalReader.JournalEntry> tagged = reader.eventsByTag("g", 0, 5_000).toCompletableFuture().join();
        assertThat(tagged).hasSize(calls);
        for (int i = 1; i < tagged.size(); i++) {
            assertThat(tagged.get(i).offset()).isGreaterThan(tagged.get(i - 1).offset());
        }
    }

    @Test
    void noThreadIsStartedPerCall() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "warm", 1, 50, "w"); // the dispatcher's threads are up before counting
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        long started = threads.getTotalStartedThreadCount();
        for (int i = 1; i <= 2_000; i++) {
            writeOk(probe, "threads", i, i, "w");
        }
        long[] highest = new long[1];
        assertThat(replay(probe, "threads", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest)).hasSize(2_000);
        long more = threads.getTotalStartedThreadCount() - started;
        List<String> newThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .map(Thread::getName).toList();
        // a handful: the dispatcher's fork-join pool may replace a worker or two; a thread per call would be 2,000
        assertThat(more).as("threads started during 2,000 writes (alive: %s)", newThreads).isLessThanOrEqualTo(10);
    }

    // ------------------------------------------------------------------ reader

    @Test
    void theReaderAnswersHistoryTagAndHighestQueries() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "card|r|A", 1, 3, "cards-r");
        writeOk(probe, "card|r|B", 1, 2, "cards-r");
        writeOk(probe, "orchestrator|r", 1, 2, null);
        writeOk(probe, "card|r_x|C", 1, 1, "cards-r_x"); // '_' must not match as a LIKE wildcard
        JournalReader reader = new JdbcJournalReader(fixture.storage());
        assertThat(reader.events("card|r|A").toCompletableFuture().join())
                .extracting(JournalReader.JournalEntry::sequenceNr).containsExactly(1L, 2L, 3L);
        List<JournalReader.JournalEntry> page1 = reader.eventsByTag("cards-r", 0, 4).toCompletableFuture().join();
        assertThat(page1).hasSize(4);
        List<JournalReader.JournalEntry> page2 = reader.eventsByTag("cards-r", page1.get(3).offset(), 4)
                .toCompletableFuture().join();
        assertThat(page2).singleElement().extracting(JournalReader.JournalEntry::persistenceId).isEqualTo("card|r|B");
        assertThat(reader.highestSequenceNrs("card|r|").toCompletableFuture().join())
                .isEqualTo(Map.of("card|r|A", 3L, "card|r|B", 2L));
    }

    // ------------------------------------------------------------------ snapshots

    SelectedSnapshot load(TestKit probe, String pid, SnapshotSelectionCriteria criteria) {
        fixture.snapshotStore().tell(new SnapshotProtocol.LoadSnapshot(pid, criteria, Long.MAX_VALUE), probe.getRef());
        SnapshotProtocol.LoadSnapshotResult r = probe.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class);
        return r.snapshot().isDefined() ? r.snapshot().get() : null;
    }

    void save(TestKit probe, String pid, long seq, long timestamp, Object snapshot) {
        fixture.snapshotStore().tell(new SnapshotProtocol.SaveSnapshot(new SnapshotMetadata(pid, seq, timestamp), snapshot),
                probe.getRef());
        probe.expectMsgClass(WAIT, org.apache.pekko.persistence.SaveSnapshotSuccess.class);
    }

    @Test
    void snapshotsAreSavedLoadedAndDeletedByCriteria() {
        TestKit probe = new TestKit(fixture.system);
        assertThat(load(probe, "s", SnapshotSelectionCriteria.latest())).isNull();
        save(probe, "s", 10, 1_000, new Note("at 10"));
        save(probe, "s", 20, 2_000, new Note("at 20"));
        save(probe, "s", 30, 3_000, new Note("at 30"));
        save(probe, "other", 5, 500, new Note("other"));
        SelectedSnapshot latest = load(probe, "s", SnapshotSelectionCriteria.latest());
        assertThat(latest.snapshot()).isEqualTo(new Note("at 30"));
        assertThat(latest.metadata().timestamp()).as("Pekko stamps a snapshot when it is saved").isPositive();
        SelectedSnapshot upTo25 = load(probe, "s", SnapshotSelectionCriteria.create(25, Long.MAX_VALUE));
        assertThat(upTo25.metadata().sequenceNr()).isEqualTo(20);
        assertThat(load(probe, "s", SnapshotSelectionCriteria.create(Long.MAX_VALUE, 0))).as("none that old").isNull();
        assertThat(load(probe, "s", SnapshotSelectionCriteria.create(15, latest.metadata().timestamp())).snapshot())
                .isEqualTo(new Note("at 10"));
        assertThat(load(probe, "s", SnapshotSelectionCriteria.create(25, Long.MAX_VALUE, 21, 0))).isNull();

        fixture.snapshotStore().tell(new SnapshotProtocol.DeleteSnapshots("s", SnapshotSelectionCriteria.create(20,
                Long.MAX_VALUE)), probe.getRef());
        probe.expectMsgClass(WAIT, org.apache.pekko.persistence.DeleteSnapshotsSuccess.class);
        assertThat(load(probe, "s", SnapshotSelectionCriteria.create(25, Long.MAX_VALUE))).isNull();
        fixture.snapshotStore().tell(new SnapshotProtocol.DeleteSnapshot(new SnapshotMetadata("s", 30, 0)), probe.getRef());
        probe.expectMsgClass(WAIT, org.apache.pekko.persistence.DeleteSnapshotSuccess.class);
        assertThat(load(probe, "s", SnapshotSelectionCriteria.latest())).isNull();
        assertThat(load(probe, "other", SnapshotSelectionCriteria.latest()).snapshot()).isEqualTo(new Note("other"));
        save(probe, "s", 40, 4_000, new Note("at 40"));
        assertThat(load(probe, "s", SnapshotSelectionCriteria.latest()).snapshot()).isEqualTo(new Note("at 40"));
    }

    @Test
    void savingAtTheSameSequenceNumberReplacesTheSnapshot() {
        TestKit probe = new TestKit(fixture.system);
        save(probe, "r", 7, 1, new Note("first"));
        save(probe, "r", 7, 2, new Note("second"));
        assertThat(load(probe, "r", SnapshotSelectionCriteria.latest()).snapshot()).isEqualTo(new Note("second"));
    }

    @Test
    void aSnapshotOfTensOfMegabytesRoundTrips() throws Exception {
        TestKit probe = new TestKit(fixture.system);
        save(probe, "orchestrator|big", 500, 1, Note.Bulk.ofSize(40 * 1024 * 1024));
        fixture = fixture.reopen();
        TestKit again = new TestKit(fixture.system);
        SelectedSnapshot s = load(again, "orchestrator|big", SnapshotSelectionCriteria.latest());
        assertThat(((Note.Bulk) s.snapshot()).size()).isEqualTo(40 * 1024 * 1024);
    }

    @Test
    void anUnserializableSnapshotFailsItsSaveOnly() {
        TestKit probe = new TestKit(fixture.system);
        fixture.snapshotStore().tell(new SnapshotProtocol.SaveSnapshot(new SnapshotMetadata("x", 1, 1), new Object()),
                probe.getRef());
        org.apache.pekko.persistence.SaveSnapshotFailure failure = probe.expectMsgClass(WAIT,
                org.apache.pekko.persistence.SaveSnapshotFailure.class);
        assertThat(failure.cause()).hasMessageContaining("the snapshot of x at 1 cannot be stored");
        save(probe, "x", 2, 2, new Note("fine"));
    }
}
