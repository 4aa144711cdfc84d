package dev.orquestra;

import java.util.Objects;
import java.util.Optional;

/**
 * Something an owner produced: a design document, source file, test report…
 *
 * @param type        what kind of artifact it is ({@code design}, {@code code}, {@code test-report}…)
 * @param location    a file path or a URI, as the agent wrote it
 * @param contentHash a hash of the content (for example {@code sha256:…}), or {@code null} when the
 *                    agent gave none; see {@link #hash()}
 */
public record Artifact(String type, String location, String contentHash) {

    public Artifact {
        requireText(type, "type");
        requireText(location, "location");
        if (contentHash != null && contentHash.isBlank()) {
            throw new IllegalArgumentException("contentHash must not be blank; leave it null when there is none");
        }
    }

    /** An artifact without a content hash. */
    public static Artifact of(String type, String location) {
        return new Artifact(type, location, null);
    }

    /** This artifact with the given content hash. */
    public Artifact withContentHash(String hash) {
        return new Artifact(type, location, hash);
    }

    /** The content hash, when the agent gave one. */
    public Optional<String> hash() {
        return Optional.ofNullable(contentHash);
    }

    static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
