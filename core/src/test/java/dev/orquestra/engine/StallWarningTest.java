package dev.orquestra.engine;

import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orquestra.Backlog;
import dev.orquestra.Orquestra;
import dev.orquestra.Role;
import dev.orquestra.internal.engine.Orchestrator;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A run whose cards stop moving says so once, naming what it waits on, instead of staying silent; when
 * cards move again the episode ends.
 */
class StallWarningTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger orchestratorLog = (Logger) LoggerFactory.getLogger(Orchestrator.class);

    @BeforeEach
    void capture() {
        log.start();
        orchestratorLog.addAppender(log);
    }

    @AfterEach
    void release() {
        orchestratorLog.detachAppender(log);
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("No card has progressed")).toList();
    }

    @Test
    void aStalledRunLogsOneWarningNamingTheQueueAndItsOldestItem() {
        CompletableFuture<WorkResult> stuck = new CompletableFuture<>();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> stuck);
        try (Orquestra o = Engines.engine().name("stall").owners(Role.BACKEND, agent, 1)
                .stallWarningAfter(Duration.ofMillis(500)).build()) {
            o.submit(Backlog.of("stall", List.of(aCard("ST-1"), aCard("ST-2"), aCard("ST-3"))));
            await().atMost(Engines.WAIT).until(() -> warnings().size() == 1);
            String warning = warnings().get(0);
            assertThat(warning).contains("3 cards started and not settled")
                    .contains("queue owner-BACKEND: 2 queued, 1 of 1 running")
                    .contains("oldest ST-2/1/owner waiting");
            // one warning per episode, however long it lasts
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> warnings().size() == 1);

            stuck.complete(WorkResult.succeeded());
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(log.list).anyMatch(e -> e.getFormattedMessage().equals("Cards progress again"));
        }
    }
}
