package dev.orquestra.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardReport;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.scale.ScaleRun;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default store at sizes that once stalled: 20,000 cards run to quiescence on H2 with the
 * builder's defaults (a checkpoint every 10 approvals included); a stall fails with the progress seen
 * and a thread dump. And the engine starts no thread per journal call: a 1,000-card run on H2 starts a
 * few dozen threads, where the journal plugin used before started one per write and replay.
 */
class H2ScaleTest {

    private Path dir;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = Files.createTempDirectory("orquestra-h2-scale-");
    }

    @AfterEach
    void deleteDirectory() {
        Databases.deleteRecursively(dir);
    }

    @Test
    void twentyThousandCardsRunToTheEndOnTheDefaultStore() throws Exception {
        BacklogStatus end;
        try (Orquestra o = ScaleRun.engine(Orquestra.builder().name("h2-scale").store(JdbcStore.h2(dir))).build()) {
            end = ScaleRun.runToQuiescence(o, ScaleRun.backlog(20_000), Duration.ofMinutes(15));
        }
        assertThat(end.count(CardStatus.DONE)).isEqualTo(20_000);
        // the checkpoint written on close holds every card's final state
        BacklogCheckpoint checkpoint = BacklogCheckpoint.read(dir.resolve("backlog_master.json"));
        assertThat(checkpoint.reports()).hasSize(20_000).extracting(CardReport::status).containsOnly(CardStatus.DONE);
    }

    @Test
    void aThousandCardRunStartsAFewDozenThreadsNotOnePerJournalCall() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();
        try (Orquestra o = ScaleRun.engine(Orquestra.builder().name("h2-threads").store(JdbcStore.h2(dir))).build()) {
            BacklogStatus end = ScaleRun.runToQuiescence(o, ScaleRun.backlog(1_000), Duration.ofMinutes(5));
            assertThat(end.count(CardStatus.DONE)).isEqualTo(1_000);
        }
        long started = threads.getTotalStartedThreadCount() - before;
        // about 6,000 journal calls: one thread each would be thousands; 31 were seen here
        assertThat(started).as("threads started by a 1,000-card run on H2").isLessThanOrEqualTo(48);
    }
}
