package dev.orquestra.spi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reads a store's journal back: one entity's events, and every event of a tag from an offset. Stores
 * implement it; the engine uses it for card history, audit and replayable event streams.
 */
public interface JournalReader {

    /** Every event of one persistence id, oldest first. */
    CompletionStage<List<JournalEntry>> events(String persistenceId);

    /**
     * Events carrying the tag, in the journal's global order, after {@code afterOffset} (0 for
     * all), at most {@code limit} of them.
     */
    CompletionStage<List<JournalEntry>> eventsByTag(String tag, long afterOffset, int limit);

    /**
     * The highest sequence number of every persistence id that starts with {@code prefix} and has
     * events; ids without events are absent. The engine asks once when it recovers a backlog, to know
     * which cards never wrote anything (they need no replay to wait in a queue).
     */
    CompletionStage<Map<String, Long>> highestSequenceNrs(String persistenceIdPrefix);

    /**
     * The highest offset in the journal's global order (0 for an empty journal): how far the journal has
     * got, which the engine compares with the high-water mark it keeps beside the store to detect a
     * journal that lost events (truncated, or restored from an older copy).
     */
    CompletionStage<Long> highestOffset();

    /**
     * One persisted event.
     *
     * @param offset        its position in the journal's global order (meaningful in tag queries)
     * @param persistenceId the entity it belongs to
     * @param sequenceNr    its position in that entity's history, from 1
     * @param event         the event
     */
    record JournalEntry(long offset, String persistenceId, long sequenceNr, Object event) {
    }
}
