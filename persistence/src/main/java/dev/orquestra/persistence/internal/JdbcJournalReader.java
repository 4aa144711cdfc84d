package dev.orquestra.persistence.internal;

import dev.orquestra.spi.JournalReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads the journal back for history queries, with plain SQL on the store's reader threads; the
 * futures complete there. Tag queries are a range scan of the primary key ({@code ordering}) filtered
 * by tag: there is no tag table, and no tag index to write on every commit. Orderings increase in
 * commit order (H2: the single writer numbers rows; PostgreSQL: an advisory lock around each write),
 * so a reader that has seen offset N never misses an event committed later with a smaller one.
 */
public final class JdbcJournalReader implements JournalReader {

    private final JdbcStorage storage;

    public JdbcJournalReader(JdbcStorage storage) {
        this.storage = storage;
    }

    @Override
    public CompletionStage<List<JournalEntry>> events(String persistenceId) {
        return storage.readers().query(session -> {
            PreparedStatement s = session.prepare("SELECT ordering, persistence_id, sequence_nr, ser_id, ser_manifest, "
                    + "payload FROM orquestra_journal WHERE persistence_id = ? AND deleted = FALSE ORDER BY sequence_nr");
            s.setString(1, persistenceId);
            return entries(s);
        });
    }

    @Override
    public CompletionStage<List<JournalEntry>> eventsByTag(String tag, long afterOffset, int limit) {
        if (limit <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return storage.readers().query(session -> {
            PreparedStatement s = session.prepare("SELECT ordering, persistence_id, sequence_nr, ser_id, ser_manifest, "
                    + "payload FROM orquestra_journal WHERE ordering > ? AND tag = ? AND deleted = FALSE "
                    + "ORDER BY ordering LIMIT ?");
            s.setLong(1, afterOffset);
            s.setString(2, tag);
            s.setInt(3, limit);
            return entries(s);
        });
    }

    @Override
    public CompletionStage<Map<String, Long>> highestSequenceNrs(String persistenceIdPrefix) {
        JournalIndex index = storage.index();
        if (index != null) {
            Map<String, Long> known = index.withPrefix(persistenceIdPrefix);
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
        }
        return storage.readers().query(session -> {
            PreparedStatement s = session.prepare("SELECT persistence_id, MAX(sequence_nr) FROM orquestra_journal "
                    + "WHERE persistence_id LIKE ? ESCAPE '\\' GROUP BY persistence_id");
            s.setString(1, escapeLike(persistenceIdPrefix) + "%");
            Map<String, Long> out = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Long> highestOffset() {
        return storage.readers().query(session -> {
            PreparedStatement s = session.prepare("SELECT COALESCE(MAX(ordering), 0) FROM orquestra_journal");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private List<JournalEntry> entries(PreparedStatement s) throws SQLException {
        List<JournalEntry> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(2);
                long seq = rs.getLong(3);
                Object event = storage.payloads().deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5),
                        "event " + seq + " of " + id + " in the journal of " + storage.description());
                out.add(new JournalEntry(rs.getLong(1), id, seq, event));
            }
        }
        return out;
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
