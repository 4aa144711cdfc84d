package dev.orquestra.examples;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of every command that opens a run's store ({@code run}, {@code status}, {@code review},
 * {@code export}): the data directory, and where the journal is when it is not the directory's H2 file.
 */
final class StoreOptions {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = DataDir.DEFAULT, description = {
            "the run's data directory: its settings, lock, artifacts, checkpoint and, unless --postgres, its H2 "
                    + "journal (default: ${DEFAULT-VALUE})"})
    Path data;

    @Option(names = "--postgres", paramLabel = "JDBC-URL", description = {
            "keep the journal in PostgreSQL, e.g. jdbc:postgresql://127.0.0.1:5432/orquestra; the user and "
                    + "password from the URL's user= and password=, else from PGUSER (default postgres) and "
                    + "PGPASSWORD. A run started with it needs it on every command."})
    String postgres;

    /** The data directory the options name, with the journal where they say. */
    DataDir dataDir() {
        return new DataDir(data, postgres == null ? null : PostgresJournal.parse(postgres, System.getenv()));
    }
}
