package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Orquestra;
import dev.orquestra.persistence.internal.H2DefaultStore;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** With this module on the class path, an engine without a store uses H2 under ./orquestra-data. */
class DefaultStoreTest {

    @Test
    void theDefaultStoreIsH2UnderOrquestraData() {
        var providers = ServiceLoader.load(Orquestra.DefaultStoreProvider.class).stream().toList();
        assertThat(providers).extracting(p -> p.type().getName()).containsExactly(H2DefaultStore.class.getName());
        var store = providers.get(0).get().defaultStore();
        assertThat(store.describe()).isEqualTo("H2 file " + Path.of("orquestra-data").toAbsolutePath().normalize());
        assertThat(store.directory()).hasValue(Path.of("orquestra-data").toAbsolutePath().normalize());
        assertThat(((JdbcStore) store).jdbcUrl())
                .contains(";WRITE_DELAY=0").contains(";DATABASE_TO_UPPER=false").contains(";DB_CLOSE_ON_EXIT=FALSE");
        var config = store.pekkoConfig().withFallback(com.typesafe.config.ConfigFactory.load());
        assertThat(config.getString(config.getString("pekko.persistence.journal.plugin") + ".class"))
                .isEqualTo("dev.orquestra.persistence.internal.JdbcJournal");
        assertThat(config.getString(config.getString("pekko.persistence.snapshot-store.plugin") + ".class"))
                .isEqualTo("dev.orquestra.persistence.internal.JdbcSnapshotStore");
    }

    @Test
    void badStoreSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> JdbcStore.postgres("jdbc:mysql://x/y", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:mysql://x/y");
        assertThatThrownBy(() -> JdbcStore.h2(Path.of("/tmp/a;b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/tmp/a;b");
        assertThatThrownBy(() -> JdbcStore.h2(Path.of("x")).withConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    }

    @Test
    void withoutThePostgresDriverAPostgresStoreNamesTheArtifactToAddAndNeverThePassword() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:5432/test?password=s3cret";
        java.sql.Driver driver = java.sql.DriverManager.getDriver(url);
        java.sql.DriverManager.deregisterDriver(driver);
        try {
            assertThatThrownBy(() -> JdbcStore.postgres(url, "u", "p")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("jdbc:postgresql://127.0.0.1:5432/test")
                    .hasMessageContaining("org.postgresql:postgresql").hasMessageNotContaining("s3cret");
            assertThat(JdbcStore.h2(Path.of("x")).describe()).as("H2 needs no PostgreSQL driver").startsWith("H2 file");
        } finally {
            java.sql.DriverManager.registerDriver(driver);
        }
        assertThat(JdbcStore.postgres(url, "u", "p").describe()).doesNotContain("s3cret");
    }
}
