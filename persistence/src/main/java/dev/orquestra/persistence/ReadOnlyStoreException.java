package dev.orquestra.persistence;

import java.io.IOException;
import java.nio.file.Path;

/** A store's directory or database file cannot be written: an engine cannot keep its journal there. */
public final class ReadOnlyStoreException extends IOException {

    private final Path path;

    public ReadOnlyStoreException(Path path) {
        super(path + " is read-only: an engine writes its journal and checkpoints there. Make it writable, or "
                + "copy the data directory somewhere writable to read it");
        this.path = path;
    }

    /** The directory or file that cannot be written. */
    public Path path() {
        return path;
    }
}
