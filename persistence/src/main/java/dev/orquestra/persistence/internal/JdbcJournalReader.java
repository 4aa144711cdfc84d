package dev.orquestra.persistence.internal;

import dev.orquestra.spi.JournalReader;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;

/** Reads events back through pekko-persistence-jdbc's read journal (current queries only). */
public final class JdbcJournalReader implements JournalReader {

    private final ActorSystem<?> system;
    private final JdbcReadJournal journal;

    public JdbcJournalReader(ActorSystem<?> system) {
        this.system = system;
        this.journal = PersistenceQuery.get(Adapter.toClassic(system))
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }

    @Override
    public CompletionStage<List<JournalEntry>> events(String persistenceId) {
        return journal.currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
                .map(JdbcJournalReader::entry)
                .runWith(Sink.seq(), system);
    }

    @Override
    public CompletionStage<List<JournalEntry>> eventsByTag(String tag, long afterOffset, int limit) {
        return journal.currentEventsByTag(tag, Offset.sequence(afterOffset))
                .take(limit)
                .map(JdbcJournalReader::entry)
                .runWith(Sink.seq(), system);
    }

    private static JournalEntry entry(EventEnvelope e) {
        long offset = e.offset() instanceof Sequence s ? s.value() : 0;
        return new JournalEntry(offset, e.persistenceId(), e.sequenceNr(), e.event());
    }
}
