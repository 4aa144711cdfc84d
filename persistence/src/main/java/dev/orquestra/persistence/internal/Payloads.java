package dev.orquestra.persistence.internal;

import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.util.Try;

/**
 * Turns events and snapshots into what the tables hold (serializer id, manifest, bytes) and back,
 * with Pekko's serialization, so that a store is read with the bindings it was written with. Both
 * directions set Pekko's transport information themselves ({@link Serialization#serialize} and
 * {@link Serialization#deserialize(byte[], int, String)} do), so they work on the store's own threads.
 */
final class Payloads {

    /** A serialized value: what {@code ser_id}, {@code ser_manifest} and {@code payload} hold. */
    record Serialized(int serializerId, String manifest, byte[] bytes) {
    }

    private final Serialization serialization;

    Payloads(Serialization serialization) {
        this.serialization = serialization;
    }

    /**
     * Serializes a value.
     *
     * @throws IllegalArgumentException naming the value's class when no serializer takes it or it fails
     */
    Serialized serialize(Object value) {
        try {
            Serializer serializer = serialization.findSerializerFor(value);
            Try<byte[]> bytes = serialization.serialize(value);
            if (bytes.isFailure()) {
                Throwable e = bytes.failed().get();
                throw new IllegalArgumentException("cannot serialize " + value.getClass().getName() + ": " + e, e);
            }
            return new Serialized(serializer.identifier(), Serializers.manifestFor(serializer, value), bytes.get());
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) { // Scala code throws checked exceptions (NotSerializableException) undeclared
            throw new IllegalArgumentException("cannot serialize " + value.getClass().getName() + ": " + e, e);
        }
    }

    /**
     * Reads a value back.
     *
     * @param where names the row, for the error message
     * @throws IllegalStateException naming the row, serializer and manifest when it cannot be read
     */
    Object deserialize(byte[] bytes, int serializerId, String manifest, String where) {
        Throwable error;
        try {
            Try<Object> value = serialization.deserialize(bytes, serializerId, manifest);
            if (value.isSuccess()) {
                return value.get();
            }
            error = value.failed().get();
        } catch (Exception e) { // Scala code throws checked exceptions undeclared
            error = e;
        }
        throw new IllegalStateException("cannot deserialize " + where + " (serializer " + serializerId + ", manifest '"
                + manifest + "'): " + error, error);
    }
}
