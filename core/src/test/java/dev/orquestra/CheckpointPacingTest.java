package dev.orquestra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.testkit.ScriptedAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints never hold the run back: asking for one on every approval of a busy run merges the asks
 * that arrive while one is written or paced, instead of writing the whole backlog once per approval.
 */
class CheckpointPacingTest {

    @TempDir
    Path dir;

    @Test
    void approvalsFasterThanCheckpointsAreCoalesced() throws Exception {
        Path file = dir.resolve("coalesced.json");
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            cards.add(CardSpec.builder("CO-" + i, Role.BACKEND).title("card " + i).build());
        }
        Orquestra o = Orquestra.builder().store(InMemoryStore.create()).owners(Role.BACKEND, new ScriptedAgent(), 8)
                .checkpointEvery(1).checkpointFile(file).build();
        try {
            o.submit(Backlog.of("coalesced", cards));
            assertThat(o.awaitQuiescence(Duration.ofSeconds(30))).isTrue();
        } finally {
            o.close();
        }
        assertThat(BacklogCheckpoint.read(file).reports()).extracting(CardReport::status).containsOnly(CardStatus.DONE);
        assertThat(o.checkpointsWritten()).as("checkpoints for 300 approvals, each asking for one").isBetween(1, 150);
    }
}
