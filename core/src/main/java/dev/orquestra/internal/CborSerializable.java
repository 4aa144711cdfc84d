package dev.orquestra.internal;

/**
 * Marker for internal messages, events and snapshots serialized with Jackson CBOR; bound in
 * {@code core}'s {@code reference.conf}. Persisted class names are schema: rename only with a
 * {@code JacksonMigration}.
 */
public interface CborSerializable {
}
