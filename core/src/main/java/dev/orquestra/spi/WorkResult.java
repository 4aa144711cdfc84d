package dev.orquestra.spi;

import dev.orquestra.Artifact;
import dev.orquestra.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an owner agent returns: artifacts on success, or an error (a failed stage) that the library
 * retries with backoff like a thrown exception. Either may report usage.
 *
 * @param artifacts what was produced (empty on failure)
 * @param error     why it failed, or {@code null} on success
 * @param usage     what the work consumed
 */
public record WorkResult(List<Artifact> artifacts, String error, Usage usage) {

    public WorkResult {
        artifacts = List.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
        usage = usage == null ? Usage.ZERO : usage;
        if (error != null && error.isBlank()) {
            throw new IllegalArgumentException("a failed result needs an error message");
        }
    }

    /** Success with the given artifacts. */
    public static WorkResult succeeded(List<Artifact> artifacts, Usage usage) {
        return new WorkResult(artifacts, null, usage);
    }

    /** Success with the given artifacts and no reported usage. */
    public static WorkResult succeeded(Artifact... artifacts) {
        return new WorkResult(List.of(artifacts), null, Usage.ZERO);
    }

    /** A failed stage: retried with backoff, then counted as a failed attempt. */
    public static WorkResult failed(String error, Usage usage) {
        return new WorkResult(List.of(), Objects.requireNonNull(error, "error"), usage);
    }

    /** True when the work succeeded. */
    public boolean isSuccess() {
        return error == null;
    }

    /** The error of a failed result. */
    public Optional<String> failure() {
        return Optional.ofNullable(error);
    }
}
