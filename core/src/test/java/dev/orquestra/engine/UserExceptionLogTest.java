package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.WAIT;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.internal.dispatch.Worker;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An exception from the user's code is logged once, with its stack, and recorded with its message on the card. */
class UserExceptionLogTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger workerLog = (Logger) LoggerFactory.getLogger(Worker.class);

    @BeforeEach
    void capture() {
        log.start();
        workerLog.addAppender(log);
    }

    @AfterEach
    void release() {
        workerLog.detachAppender(log);
    }

    private List<ILoggingEvent> failures() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("failed:"))
                .toList();
    }

    @Test
    void aThrownAndAFailedStageAreEachLoggedOnceWithTheirStack() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedAgent agent = new ScriptedAgent().answering(order -> switch (calls.incrementAndGet()) {
            case 1 -> throw new IllegalStateException("thrown by the agent");
            case 2 -> CompletableFuture.failedFuture(new java.io.UncheckedIOException("failed stage",
                    new java.io.IOException("disk")));
            default -> CompletableFuture.completedFuture(WorkResult.succeeded());
        });
        Policy policy = Policy.defaults().jitter(0).retries(3, Duration.ofMillis(10), Duration.ofMillis(20));
        try (Orquestra o = Engines.engine().name("user-exceptions").policy(policy).owners(Role.BACKEND, agent, 1)
                .build()) {
            o.submit(Backlog.of("user-exceptions", List.of(aCard("UX-1"))));
            assertThat(o.awaitQuiescence(WAIT)).isTrue();
            assertThat(o.cardState(CardId.of("UX-1")).status()).isEqualTo(CardStatus.DONE);
            List<String> recorded = o.history(CardId.of("UX-1")).stream()
                    .filter(e -> e instanceof CardEvent.RetryScheduled).map(e -> ((CardEvent.RetryScheduled) e).error())
                    .toList();
            assertThat(recorded).containsExactly("IllegalStateException: thrown by the agent",
                    "UncheckedIOException: failed stage");
        }
        assertThat(failures()).hasSize(2);
        assertThat(failures().get(0).getFormattedMessage()).contains("UX-1/1/owner", "thrown by the agent");
        assertThat(failures().get(0).getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failures().get(0).getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        assertThat(failures().get(1).getThrowableProxy().getCause().getMessage()).isEqualTo("disk");
    }
}
