package dev.orquestra.persistence.internal;

import dev.orquestra.internal.CborSerializable;

/** A test event or snapshot, serialized with Jackson CBOR like the engine's. */
public record Note(String text) implements CborSerializable {

    /** A note of about {@code bytes} bytes once serialized. */
    static Note ofSize(int bytes) {
        return new Note("n".repeat(bytes));
    }

    /** A large value in parts (Jackson reads strings of at most 20 million characters). */
    public record Bulk(java.util.List<String> parts) implements CborSerializable {
        static Bulk ofSize(int bytes) {
            int part = 1024 * 1024;
            java.util.List<String> parts = new java.util.ArrayList<>();
            for (int left = bytes; left > 0; left -= part) {
                parts.add("b".repeat(Math.min(part, left)));
            }
            return new Bulk(parts);
        }

        int size() {
            return parts.stream().mapToInt(String::length).sum();
        }
    }
}
