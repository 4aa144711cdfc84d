package dev.orquestra.engine;

import static dev.orquestra.engine.Engines.engine;
import static dev.orquestra.testkit.Fixtures.aCard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogCheckpoint;
import dev.orquestra.CardId;
import dev.orquestra.CardReport;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.Verdict;
import dev.orquestra.testkit.ScriptedAgent;
import dev.orquestra.testkit.ScriptedValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed-format checkpoints: every N approvals and on close, read back with their live state. */
class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void checkpointsAreWrittenEveryNApprovalsAndOnClose() throws Exception {
        Path file = dir.resolve("backlog_master.json");
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            cards.add(aCard("CK-" + i));
        }
        Pipeline pipeline = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> s.card().id().value().equals("CK-3")
                && s.attempt() == 1 ? Verdict.fail("llm-judge", "thin tests").withScore(6) : Verdict.pass("llm-judge").withScore(9)),
                ScriptedValidator.passing());
        Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 2).pipeline(pipeline)
                .checkpointEvery(3).checkpointFile(file).build();
        try {
            o.submit(new Backlog("checkpoints", cards, Map.of("phase", "Fase 1"), Map.of("owner_team", "squad-a")));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            await().atMost(Engines.WAIT).until(() -> Files.exists(file));
        } finally {
            o.close();
        }
        BacklogCheckpoint written = BacklogCheckpoint.read(file);
        assertThat(written.backlog().project()).isEqualTo("checkpoints");
        assertThat(written.backlog().metadata()).containsEntry("phase", "Fase 1").containsEntry("total_cards", 7);
        assertThat(written.backlog().extraFields()).containsEntry("owner_team", "squad-a");
        assertThat(written.reports()).extracting(CardReport::status).containsOnly(CardStatus.DONE);
        CardReport ck3 = written.report(CardId.of("CK-3"));
        assertThat(ck3.attempt()).isEqualTo(2);
        assertThat(ck3.corrections()).extracting(c -> c.id()).containsExactly("CK-3-CORR-2");
        assertThat(ck3.completedAt()).isNotNull();
        assertThat(ck3.validationHistory()).hasSize(6);
        assertThat(Files.list(dir)).as("no temporary file is left behind").containsExactly(file);
    }

    @Test
    void closeWritesTheFinalCheckpointEvenBeforeTheFirstPeriodicOne() throws Exception {
        Path file = dir.resolve("final.json");
        Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 2).checkpointEvery(10).checkpointFile(file).build();
        o.submit(Backlog.of("final", List.of(aCard("F-1"), aCard("F-2", "F-1"))));
        assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
        assertThat(file).doesNotExist(); // 2 approvals: no periodic checkpoint yet
        o.close();
        assertThat(BacklogCheckpoint.read(file).reports()).extracting(CardReport::status).containsOnly(CardStatus.DONE);
    }

    @Test
    void checkpointOnDemandHasTheSameContentAsTheExport() throws Exception {
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 2).build()) {
            o.submit(Backlog.of("demand", List.of(aCard("DM-1"), aCard("DM-2", "DM-1"))));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            BacklogCheckpoint now = o.checkpoint();
            assertThat(now.reports()).extracting(CardReport::status).containsOnly(CardStatus.DONE);
            Path out = dir.resolve("export.json");
            o.export(out);
            assertThat(BacklogCheckpoint.read(out).reports()).isEqualTo(o.checkpoint().reports());
        }
    }

    @Test
    void aCheckpointShowsExactlyWhatTheJournalSaysOfEveryCard() {
        List<CardSpec> cards = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            cards.add(i <= 10 ? aCard("EX-" + i) : aCard("EX-" + i, "EX-" + (i - 10)));
        }
        Pipeline pipeline = Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.by(s -> s.attempt() == 1
                && s.card().id().value().endsWith("7") ? Verdict.fail("llm-judge", "thin tests").withScore(6)
                : Verdict.pass("llm-judge").withScore(9)), ScriptedValidator.passing());
        try (Orquestra o = engine().owners(Role.BACKEND, new ScriptedAgent(), 3).pipeline(pipeline).build()) {
            o.submit(Backlog.of("exact", cards));
            assertThat(o.awaitQuiescence(Engines.WAIT)).isTrue();
            BacklogCheckpoint checkpoint = o.checkpoint();
            for (CardSpec spec : cards) {
                CardReport expected = CardReport.of(spec, dev.orquestra.CardState.replay(spec.id(), 3,
                        o.history(spec.id())), checkpoint.report(spec.id()).createdAt());
                assertThat(checkpoint.report(spec.id())).isEqualTo(expected);
            }
            assertThat(checkpoint.report(CardId.of("EX-17")).corrections()).hasSize(1);
        }
    }
}
