package dev.orquestra.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/**
 * The plugins on an embedded H2 file store, and what only H2 does: highest sequence numbers and
 * "no snapshot" answered from memory, and a database closed underneath (as H2 closes itself after a
 * "No space left on device") that the store reopens by itself.
 */
class H2PluginTest extends JdbcPluginContract {

    @Override
    protected Dialect dialect() {
        return Dialect.H2;
    }

    @Test
    void aFreshEntityRecoversWithoutAQuery() {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "known", 1, 3, null);
        long queries = fixture.storage().readerStatements();
        long[] highest = new long[1];
        assertThat(replay(probe, "fresh", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest)).isEmpty();
        assertThat(highest[0]).isZero();
        assertThat(replay(probe, "known", 4, Long.MAX_VALUE, Long.MAX_VALUE, highest)).isEmpty();
        assertThat(highest[0]).isEqualTo(3);
        assertThat(load(probe, "fresh", SnapshotSelectionCriteria.latest())).isNull();
        assertThat(fixture.storage().readerStatements()).as("no SQL for what the store knows").isEqualTo(queries);
        assertThat(fixture.storage().snapshotStatements()).isZero();
    }

    @Test
    void theIndexIsLoadedWhenTheStoreOpens() throws Exception {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "a", 1, 5, "t");
        writeOk(probe, "b", 1, 2, "t");
        save(probe, "a", 5, 1, new Note("snap"));
        fixture = fixture.reopen();
        assertThat(fixture.storage().index().highest("a")).hasValue(5);
        assertThat(fixture.storage().index().highest("b")).hasValue(2);
        assertThat(fixture.storage().index().nextOrdering()).isEqualTo(8);
        TestKit again = new TestKit(fixture.system);
        assertThat(load(again, "a", SnapshotSelectionCriteria.latest()).snapshot()).isEqualTo(new Note("snap"));
        writeOk(again, "b", 3, 3, "t");
        assertThat(new JdbcJournalReader(fixture.storage()).eventsByTag("t", 0, 100).toCompletableFuture().join())
                .extracting(e -> e.offset()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void aDatabaseClosedUnderneathIsReopenedAndWritesResume() throws Exception {
        TestKit probe = new TestKit(fixture.system);
        writeOk(probe, "o", 1, 2, "t");
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN"); // closes the database under every connection, as H2 does after a full disk
        }
        JournalHealth health = JournalHealth.get(fixture.system);
        int[] failedAttempts = {0};
        await().atMost(PluginFixture.WAIT).until(() -> {
            List<Object> replies = write(probe, atomic(repr("o", 3, new Tagged(new Note("after"), Set.of("t")))));
            if (replies.get(0) == JournalProtocol.WriteMessagesSuccessful$.MODULE$) {
                return true;
            }
            failedAttempts[0]++;
            return false;
        });
        assertThat(failedAttempts[0]).as("the write that found the database closed failed").isEqualTo(1);
        assertThat(health.outages()).isEqualTo(1);
        assertThat(fixture.storage().index().valid()).isTrue();
        long[] highest = new long[1];
        await().atMost(PluginFixture.WAIT).untilAsserted(() -> {
            List<PersistentRepr> replayed = replay(probe, "o", 1, Long.MAX_VALUE, Long.MAX_VALUE, highest);
            assertThat(seqs(replayed)).containsExactly(1L, 2L, 3L);
        });
        assertThat(highest[0]).isEqualTo(3);
        // an outage ends with a write that started a quiet second after the last failure, not with one squeezed
        // in between failures
        await().pollDelay(Duration.ofMillis(1100)).atMost(PluginFixture.WAIT).until(() -> true);
        writeOk(probe, "o", 4, 4, "t");
        assertThat(health.inOutage()).isFalse();
        assertThat(new JdbcJournalReader(fixture.storage()).eventsByTag("t", 0, 100).toCompletableFuture().join())
                .extracting(e -> e.offset()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aSecondEngineOnTheSameStoreInThisJvmIsRefused() {
        org.apache.pekko.actor.ActorSystem other = org.apache.pekko.actor.ActorSystem.create("second",
                com.typesafe.config.ConfigFactory.load());
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.orquestra.persistence.JdbcStore
                            .h2(fixture.directory).open(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(other)))
                    .hasMessageContaining("is already open in this JVM");
        } finally {
            other.terminate();
        }
    }
}
