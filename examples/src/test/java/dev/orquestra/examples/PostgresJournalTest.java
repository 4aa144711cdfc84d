package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --postgres}: user and password out of the URL (or from the environment), never in what is shown. */
class PostgresJournalTest {

    @Test
    void theUserAndPasswordAreTakenOutOfTheUrl() {
        PostgresJournal pg = PostgresJournal.parse(
                "jdbc:postgresql://db:5432/orq?user=ana&sslmode=require&password=s%3Dcret&currentSchema=x", Map.of());
        assertThat(pg.url()).isEqualTo("jdbc:postgresql://db:5432/orq?sslmode=require&currentSchema=x");
        assertThat(pg.user()).isEqualTo("ana");
        assertThat(pg.password()).isEqualTo("s=cret");
        assertThat(pg.toString()).isEqualTo("PostgreSQL jdbc:postgresql://db:5432/orq?sslmode=require&currentSchema=x "
                + "as ana").doesNotContain("cret");
    }

    @Test
    void withoutThemTheEnvironmentOrTheDefaultsApply() {
        PostgresJournal fromEnv = PostgresJournal.parse("jdbc:postgresql://db/orq",
                Map.of("PGUSER", "orquestra", "PGPASSWORD", "from-env"));
        assertThat(fromEnv.url()).isEqualTo("jdbc:postgresql://db/orq");
        assertThat(fromEnv.user()).isEqualTo("orquestra");
        assertThat(fromEnv.password()).isEqualTo("from-env");

        PostgresJournal defaults = PostgresJournal.parse("jdbc:postgresql://db/orq?password=", Map.of());
        assertThat(defaults.user()).isEqualTo("postgres");
        assertThat(defaults.password()).isEmpty();
        assertThat(defaults.url()).isEqualTo("jdbc:postgresql://db/orq");
    }

    @Test
    void anythingElseIsRefusedWithoutThePassword() {
        assertThatThrownBy(() -> PostgresJournal.parse("postgresql://db/orq?user=a&password=secret", Map.of()))
                .isInstanceOf(CommandFailure.class)
                .hasMessage("--postgres postgresql://db/orq?user=a&password=***: a PostgreSQL JDBC URL starts with "
                        + "jdbc:postgresql:, such as jdbc:postgresql://127.0.0.1:5432/orquestra");
        assertThatThrownBy(() -> PostgresJournal.parse("jdbc:postgresql:?password=secret", Map.of()))
                .hasMessageContaining("names no database").hasMessageNotContaining("secret");
    }
}
