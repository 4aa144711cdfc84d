package dev.orquestra.examples;

import dev.orquestra.persistence.JdbcStore;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code --postgres JDBC-URL}: a run's journal in PostgreSQL instead of the data directory's H2 file.
 * The user and password come from the URL's {@code user=} and {@code password=} parameters, else from
 * {@code PGUSER} (default {@value #DEFAULT_USER}) and {@code PGPASSWORD}, as {@code psql} takes them.
 * They are taken out of the URL, so that {@link #url()} (what messages, logs and {@code run.properties}
 * show) never holds the password; {@link #toString()} leaves it out as well.
 *
 * @param url      the URL without its user and password parameters
 * @param user     who connects
 * @param password the password, possibly empty; never printed
 */
record PostgresJournal(String url, String user, String password) {

    static final String DEFAULT_USER = "postgres";
    private static final String PREFIX = "jdbc:postgresql:";

    PostgresJournal {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Reads the option's value.
     *
     * @param env the environment, for {@code PGUSER} and {@code PGPASSWORD}
     * @throws CommandFailure bad input when it is not a PostgreSQL JDBC URL (named without its password)
     */
    static PostgresJournal parse(String given, Map<String, String> env) {
        if (!given.startsWith(PREFIX)) {
            throw CommandFailure.badInput("--postgres " + redacted(given) + ": a PostgreSQL JDBC URL starts with "
                    + PREFIX + ", such as jdbc:postgresql://127.0.0.1:5432/orquestra");
        }
        int query = given.indexOf('?');
        String base = query < 0 ? given : given.substring(0, query);
        String user = null;
        String password = null;
        List<String> kept = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : given.substring(query + 1).split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int eq = parameter.indexOf('=');
                String key = eq < 0 ? parameter : parameter.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(parameter.substring(eq + 1), StandardCharsets.UTF_8);
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> kept.add(parameter);
                }
            }
        }
        if (base.length() == PREFIX.length()) {
            throw CommandFailure.badInput("--postgres " + redacted(given) + ": names no database, such as "
                    + "jdbc:postgresql://127.0.0.1:5432/orquestra");
        }
        if (user == null) {
            user = env.getOrDefault("PGUSER", DEFAULT_USER);
        }
        if (password == null) {
            password = env.getOrDefault("PGPASSWORD", "");
        }
        String url = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        return new PostgresJournal(url, user.isEmpty() ? DEFAULT_USER : user, password);
    }

    /** The store: the journal in PostgreSQL, checkpoints (and the high-water mark) in the data directory. */
    JdbcStore store(Path dataDir) {
        return JdbcStore.postgres(url, user, password).withDirectory(dataDir);
    }

    /** A URL as given, with the value of any {@code password=} parameter replaced by {@code ***}. */
    static String redacted(String url) {
        return url.replaceAll("([?&]password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return "PostgreSQL " + url + " as " + user;
    }
}
