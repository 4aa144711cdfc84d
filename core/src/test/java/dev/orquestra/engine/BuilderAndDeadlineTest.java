package dev.orquestra.engine;

import static dev.orquestra.testkit.Fixtures.aBacklog;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import dev.orquestra.CardId;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.JournalReader;
import dev.orquestra.spi.Store;
import dev.orquestra.testkit.ScriptedAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;

/** {@code build()} refuses settings that contradict each other, naming both; a call's deadline covers all its steps. */
class BuilderAndDeadlineTest {

    private static OrquestraBuilder engine() {
        return Orquestra.builder().store(InMemoryStore.create()).owners(Role.BACKEND, new ScriptedAgent(), 1);
    }

    @Test
    void blockingThreadsAndABlockingExecutorOfYourOwnAreRefusedTogether() {
        ExecutorService mine = Executors.newFixedThreadPool(1);
        try {
            assertThatThrownBy(() -> engine().blockingThreads(4).blockingExecutor(mine).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blockingThreads(4)").hasMessageContaining("blockingExecutor(...)");
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void aCheckpointFileIsRefusedWhenNoCheckpointWouldBeWritten() {
        Path file = Path.of("target", "never-written.json").toAbsolutePath();
        assertThatThrownBy(() -> engine().checkpointFile(file).checkpointEvery(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointFile(" + file + ")").hasMessageContaining("checkpointEvery(0)");
        assertThatThrownBy(() -> engine().checkpointFile(file).paused(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointFile(" + file + ")").hasMessageContaining("paused(true)");
    }

    @Test
    void aDebuggerIsRefusedWithAPolicyThatNeverDebugs() {
        Debugger debugger = request -> CompletableFuture.failedFuture(new IllegalStateException("never called"));
        assertThatThrownBy(() -> engine().debugger(debugger).policy(Policy.defaults().debugRepeatedFailures(false)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("debugger(...)").hasMessageContaining("debugRepeatedFailures is false");
    }

    @Test
    void aPolicyWhoseSoftLimitExceedsItsHardOneIsRefusedNamingBoth() {
        Policy policy = Policy.defaults().softTimeLimit(Duration.ofHours(2));
        assertThatThrownBy(() -> engine().policy(policy).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softTimeLimit").hasMessageContaining("hardTimeLimit");
    }

    @Test
    void deadLettersWaitsAtMostAskTimeoutInAllHoweverManyCardsItReads() throws InterruptedException {
        SlowReads store = new SlowReads(InMemoryStore.create());
        Policy policy = Policy.defaults().maxAttempts(1).retries(0, Duration.ofMillis(10), Duration.ofMillis(10));
        ScriptedAgent down = new ScriptedAgent().answering(order ->
                CompletableFuture.failedFuture(new IllegalStateException("provider down")));
        try (Orquestra o = Orquestra.builder().store(store).owners(Role.BACKEND, down, 3).policy(policy)
                .askTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(10)).build()) {
            o.submit(aBacklog(aCard("D-1"), aCard("D-2"), aCard("D-3")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            assertThat(o.deadLetters()).hasSize(3);

            store.delayReadsOfOneCard(Duration.ofMillis(600));
            // one card's history fits in askTimeout; three of them do not, and the call as a whole is bounded
            assertThat(o.history(CardId.of("D-1"))).isNotEmpty();
            assertThatThrownBy(o::deadLetters).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not answer within PT1S");
        } finally {
            store.stop();
        }
    }

    /** An in-memory store whose reads of one card's history can be made slow. */
    private static final class SlowReads implements Store {
        private final InMemoryStore delegate;
        private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private volatile Duration delay = Duration.ZERO;

        SlowReads(InMemoryStore delegate) {
            this.delegate = delegate;
        }

        void delayReadsOfOneCard(Duration value) {
            this.delay = value;
        }

        void stop() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }

        @Override
        public Config pekkoConfig() {
            return delegate.pekkoConfig();
        }

        @Override
        public void open(ActorSystem<?> system) throws Exception {
            delegate.open(system);
        }

        @Override
        public JournalReader reader(ActorSystem<?> system) {
            JournalReader reader = delegate.reader(system);
            return new JournalReader() {
                @Override
                public CompletionStage<List<JournalEntry>> events(String persistenceId) {
                    Duration d = delay;
                    if (d.isZero()) {
                        return reader.events(persistenceId);
                    }
                    CompletableFuture<List<JournalEntry>> late = new CompletableFuture<>();
                    reader.events(persistenceId).whenComplete((v, e) -> timer.schedule(() -> {
                        if (e != null) {
                            late.completeExceptionally(e);
                        } else {
                            late.complete(v);
                        }
                    }, d.toMillis(), TimeUnit.MILLISECONDS));
                    return late;
                }

                @Override
                public CompletionStage<List<JournalEntry>> eventsByTag(String tag, long afterOffset, int limit) {
                    return reader.eventsByTag(tag, afterOffset, limit);
                }

                @Override
                public CompletionStage<Map<String, Long>> highestSequenceNrs(String persistenceIdPrefix) {
                    return reader.highestSequenceNrs(persistenceIdPrefix);
                }

                @Override
                public CompletionStage<Long> highestOffset() {
                    return reader.highestOffset();
                }
            };
        }

        @Override
        public Optional<Path> directory() {
            return delegate.directory();
        }

        @Override
        public String describe() {
            return "slow " + delegate.describe();
        }
    }
}
