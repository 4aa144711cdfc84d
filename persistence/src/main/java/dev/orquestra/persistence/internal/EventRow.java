package dev.orquestra.persistence.internal;

/**
 * One event as a journal row, serialized and ready to insert: what the journal actor hands the writer.
 *
 * @param persistenceId   the entity
 * @param sequenceNr      its position in the entity's history
 * @param writtenAt       when the entity persisted it (epoch milliseconds)
 * @param writer          the writer UUID of the entity's incarnation (Pekko's replay filter reads it back)
 * @param adapterManifest the event adapter's manifest, empty when none
 * @param tag             the one tag of the event, or {@code null}
 * @param payload         the serialized event
 */
record EventRow(String persistenceId, long sequenceNr, long writtenAt, String writer, String adapterManifest, String tag,
                Payloads.Serialized payload) {

    /** Bytes this row adds to a transaction, roughly: what caps a group commit besides its row count. */
    long size() {
        return payload.bytes().length + persistenceId.length() + 64L;
    }
}
