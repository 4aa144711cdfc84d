package dev.orquestra.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.orquestra.persistence.Databases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.concurrent.Promise;
import scala.util.Try;

/**
 * The journal writer and readers on their own, on H2, with calls queued before their threads start,
 * so that what lands in one batch is known: group commit, the cap on rows per transaction, a
 * duplicate that fails only its own call, gap-free orderings, and replays answered by one query.
 */
class JournalWriterTest {

    private static ActorSystem system;
    private static Payloads payloads;

    @TempDir
    Path dir;

    private final AtomicLong failures = new AtomicLong();
    private JournalIndex index;
    private JournalWriter writer;

    @BeforeAll
    static void actorSystem() {
        system = ActorSystem.create("writer-test", ConfigFactory.load());
        payloads = new Payloads(SerializationExtension.get(system));
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private Session session() {
        return new Session(() -> DriverManager.getConnection(Databases.h2Url(dir), "sa", ""), false, failures);
    }

    @BeforeEach
    void writer() throws Exception {
        Session s = session();
        Connection c = s.connection();
        new SchemaBootstrap(Dialect.H2).apply(c);
        c.setAutoCommit(false);
        index = new JournalIndex();
        index.load(c);
        writer = new JournalWriter(Dialect.H2, s, index, JournalHealth.get(system), "test store");
    }

    @AfterEach
    void close() throws Exception {
        writer.close(10_000);
    }

    private static EventRow row(String pid, long seq) {
        return new EventRow(pid, seq, 1, "w", "", "tag", payloads.serialize(new Note(pid + "#" + seq)));
    }

    private Promise<Iterable<Optional<Exception>>> write(String pid, long seq) {
        Promise<Iterable<Optional<Exception>>> p = Futures.promise();
        writer.write(List.of(row(pid, seq)), List.of(Optional.empty()), p);
        return p;
    }

    private List<Long> orderings() throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(Databases.h2Url(dir), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ordering FROM orquestra_journal ORDER BY ordering")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    @Test
    void callsQueuedTogetherAreCommittedInOneTransaction() throws Exception {
        List<Promise<Iterable<Optional<Exception>>>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(write("g|" + i, 1));
        }
        writer.start();
        for (Promise<Iterable<Optional<Exception>>> p : calls) {
            assertThat(PluginFixture.await(p.future()).isSuccess()).isTrue();
        }
        assertThat(writer.transactions()).isEqualTo(1);
        assertThat(writer.rowsWritten()).isEqualTo(300);
        assertThat(orderings()).hasSize(300).first().isEqualTo(1L);
        assertThat(orderings().get(299)).isEqualTo(300L);
        assertThat(index.highest("g|42")).hasValue(1);
        assertThat(index.nextOrdering()).isEqualTo(301);
    }

    @Test
    void aTransactionHoldsAtMostTheCappedNumberOfRows() {
        List<Promise<Iterable<Optional<Exception>>>> calls = new ArrayList<>();
        for (int i = 0; i < JournalWriter.MAX_ROWS + 500; i++) {
            calls.add(write("cap|" + i, 1));
        }
        writer.start();
        calls.forEach(p -> assertThat(PluginFixture.await(p.future()).isSuccess()).isTrue());
        assertThat(writer.transactions()).isEqualTo(2);
    }

    @Test
    void aDuplicateInABatchFailsOnlyItsOwnCallAndLeavesNoGap() throws Exception {
        writer.start();
        assertThat(PluginFixture.await(write("a", 1).future()).isSuccess()).isTrue();
        writer.close(10_000);
        // the same database, a new writer with three calls queued before it starts: one batch
        Session s = session();
        index.load(s.connection());
        writer = new JournalWriter(Dialect.H2, s, index, JournalHealth.get(system), "test store");
        var b = write("b", 1);
        var dup = write("a", 1);
        var c = write("c", 1);
        writer.start();
        assertThat(PluginFixture.await(b.future()).isSuccess()).isTrue();
        assertThat(PluginFixture.await(c.future()).isSuccess()).isTrue();
        Try<Iterable<Optional<Exception>>> failed = PluginFixture.await(dup.future());
        assertThat(failed.isFailure()).isTrue();
        assertThat(failed.failed().get()).hasMessageContaining("could not write events 1..1 of a");
        assertThat(orderings()).containsExactly(1L, 2L, 3L);
        assertThat(index.valid()).as("a duplicate says nothing about the database").isTrue();
    }

    @Test
    void aPersistenceIdTooLongForItsColumnRejectsItsCallInsteadOfFailingIt() {
        String tooLong = "p".repeat(300);
        var ok = write("fine", 1);
        var rejected = write(tooLong, 1);
        writer.start();
        assertThat(PluginFixture.await(ok.future()).isSuccess()).isTrue();
        Try<Iterable<Optional<Exception>>> result = PluginFixture.await(rejected.future());
        assertThat(result.isSuccess()).isTrue();
        Optional<Exception> only = result.get().iterator().next();
        assertThat(only).get().asString().contains("refused the events of " + tooLong);
    }

    @Test
    void replaysQueuedTogetherAreAnsweredByOneQueryEachWithItsOwnRange() throws Exception {
        writer.start();
        for (int p = 0; p < 50; p++) {
            for (int seq = 1; seq <= 10; seq++) {
                assertThat(PluginFixture.await(write("r|" + p, seq).future()).isSuccess()).isTrue();
            }
        }
        JournalReaders readers = new JournalReaders(List.of(session()), payloads, JournalHealth.get(system), "test store");
        List<List<Long>> got = new ArrayList<>();
        List<Promise<Void>> done = new ArrayList<>();
        for (int p = 0; p < 50; p++) {
            List<Long> seqs = new ArrayList<>();
            got.add(seqs);
            Promise<Void> promise = Futures.promise();
            done.add(promise);
            Consumer<PersistentRepr> callback = r -> seqs.add(r.sequenceNr());
            // from p % 10 + 1, to 8, at most 5
            readers.replay("r|" + p, p % 10 + 1, 8, 5, callback, promise);
        }
        Promise<Void> none = Futures.promise();
        List<Long> nothing = new ArrayList<>();
        readers.replay("nobody", 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> nothing.add(r.sequenceNr()), none);
        readers.start();
        try {
            for (Promise<Void> p : done) {
                assertThat(PluginFixture.await(p.future()).isSuccess()).isTrue();
            }
            assertThat(PluginFixture.await(none.future()).isSuccess()).isTrue();
            assertThat(readers.replayQueries()).isEqualTo(1);
            for (int p = 0; p < 50; p++) {
                long from = p % 10 + 1;
                List<Long> want = new ArrayList<>();
                for (long seq = from; seq <= 8 && want.size() < 5; seq++) {
                    want.add(seq);
                }
                assertThat(got.get(p)).as("replay of r|" + p).isEqualTo(want);
            }
            assertThat(nothing).isEmpty();
        } finally {
            readers.close(10_000);
        }
    }

    @Test
    void anEventThatCannotBeReadFailsOnlyTheReplayThatWantsIt() throws Exception {
        writer.start();
        assertThat(PluginFixture.await(write("ok", 1).future()).isSuccess()).isTrue();
        assertThat(PluginFixture.await(write("broken", 1).future()).isSuccess()).isTrue();
        try (Connection c = DriverManager.getConnection(Databases.h2Url(dir), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("UPDATE orquestra_journal SET ser_manifest = 'no.such.Class' WHERE persistence_id = 'broken'");
        }
        JournalReaders readers = new JournalReaders(List.of(session()), payloads, JournalHealth.get(system), "test store");
        Promise<Void> ok = Futures.promise();
        Promise<Void> broken = Futures.promise();
        List<Long> seen = new ArrayList<>();
        readers.replay("ok", 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> seen.add(r.sequenceNr()), ok);
        readers.replay("broken", 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> seen.add(-r.sequenceNr()), broken);
        readers.start();
        try {
            assertThat(PluginFixture.await(ok.future()).isSuccess()).isTrue();
            Try<Void> failed = PluginFixture.await(broken.future());
            assertThat(failed.isFailure()).isTrue();
            assertThat(failed.failed().get()).hasMessageContaining("cannot deserialize event 1 of broken")
                    .hasMessageContaining("no.such.Class");
            assertThat(seen).containsExactly(1L);
        } finally {
            readers.close(10_000);
        }
    }
}
