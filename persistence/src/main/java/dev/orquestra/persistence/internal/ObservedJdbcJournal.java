package dev.orquestra.persistence.internal;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * pekko-persistence-jdbc's journal, with every write and replay reported to {@link JournalHealth} so
 * that an outage is logged once for the whole engine.
 */
public final class ObservedJdbcJournal extends JdbcAsyncWriteJournal {

    private final JournalHealth health;

    public ObservedJdbcJournal(Config config) {
        super(config);
        this.health = JournalHealth.get(context().system());
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        long started = System.nanoTime();
        return observe(super.asyncWriteMessages(messages), started);
    }

    @Override
    public Future<BoxedUnit> asyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                                 Function1<PersistentRepr, BoxedUnit> recoveryCallback) {
        long started = System.nanoTime();
        return observe(super.asyncReplayMessages(persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback),
                started);
    }

    private <T> Future<T> observe(Future<T> call, long started) {
        FutureConverters.asJava(call).whenComplete((ok, error) -> {
            if (error != null) {
                health.failed(error);
            } else {
                health.succeeded(started);
            }
        });
        return call;
    }
}
