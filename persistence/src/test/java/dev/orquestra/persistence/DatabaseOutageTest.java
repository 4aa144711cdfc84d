package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardState;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Role;
import dev.orquestra.persistence.internal.JournalHealth;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * The database goes away in the middle of a run and comes back: cards back off and retry, nothing
 * acknowledged is lost, the run finishes by itself, and the outage is logged once.
 */
class DatabaseOutageTest {

    @BeforeAll
    static void server() {
        Databases.requirePostgres();
    }

    /** A data source the test can switch off, like a database that stops answering. */
    static final class Switchable implements DataSource {
        final AtomicBoolean down = new AtomicBoolean();
        final PGSimpleDataSource delegate = new PGSimpleDataSource();

        Switchable() {
            delegate.setURL(Databases.PG_URL);
            delegate.setUser(Databases.PG_USER);
            delegate.setPassword(Databases.PG_PASSWORD);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLTransientConnectionException("connection refused (the test took the database down)");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    @Test
    void aRunSurvivesADatabaseOutageAndLogsItOnce() throws Exception {
        Switchable db = new Switchable();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> {
            CompletableFuture<WorkResult> r = new CompletableFuture<>();
            timer.schedule(() -> r.complete(WorkResult.succeeded()), 20, TimeUnit.MILLISECONDS);
            return r;
        });
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger health = (Logger) LoggerFactory.getLogger(JournalHealth.class);
        health.addAppender(logs);
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cards.add(CardSpec.builder("OUT-" + i, Role.BACKEND).dependsOn(i >= 10 ? new String[] {"OUT-" + (i - 10)}
                    : new String[0]).build());
        }
        String name = "outage" + System.nanoTime();
        try (Orquestra o = Orquestra.builder().name(name).store(JdbcStore.postgres(db)).owners(Role.BACKEND, agent, 4)
                .shutdownTimeout(Duration.ofSeconds(20)).build()) {
            o.submit(Backlog.of("outage", cards));
            await().atMost(Duration.ofSeconds(30)).until(() -> o.status().count(CardStatus.DONE) >= 8);

            db.down.set(true);
            JournalHealth journal = JournalHealth.get(Adapter.toClassic(o.actorSystem()));
            await().atMost(Duration.ofSeconds(30)).until(journal::inOutage);
            Thread.sleep(3_000); // the outage itself: the database stays away for a while
            db.down.set(false);

            assertThat(o.awaitQuiescence(Duration.ofSeconds(90))).isTrue();
            assertThat(o.status().count(CardStatus.DONE)).isEqualTo(60);
            assertThat(journal.inOutage()).isFalse();
            assertThat(journal.outages()).isEqualTo(1);

            Set<String> approved = new HashSet<>();
            for (JournalReader.JournalEntry e : o.events(0, 100_000)) {
                if (e.event() instanceof CardEvent.Approved a) {
                    assertThat(approved.add(a.cardId().value())).as("approved twice: " + a.cardId()).isTrue();
                }
            }
            assertThat(approved).hasSize(60);
            for (CardSpec c : cards) {
                CardState s = CardState.replay(c.id(), 3, o.history(c.id()));
                assertThat(s.status()).isEqualTo(CardStatus.DONE);
            }
            assertThat(o.cardState(CardId.of("OUT-59")).status()).isEqualTo(CardStatus.DONE);
        } finally {
            health.detachAppender(logs);
            timer.shutdownNow();
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).filteredOn(l -> l.startsWith("Journal calls are failing")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.startsWith("Journal calls work again")).hasSize(1);
    }
}
