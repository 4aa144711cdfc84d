package dev.orquestra.benchmarks;

import dev.orquestra.internal.backlog.BacklogGraphs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class CascadeBenchmarkTest {

    @Test
    void theChainHangsFromItsHeadCardByCard() {
        List<CardSpec> chain = CascadeBenchmark.chain(1_000);
        Backlog backlog = Backlog.of("chain", chain);
        assertThat(backlog.cards()).hasSize(1_000);
        assertThat(chain.get(0).dependencies()).isEmpty();
        assertThat(BacklogGraphs.of(backlog).criticalPath(chain.get(0).id())).isEqualTo(999);
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).dependencies()).containsExactly(chain.get(i - 1).id());
        }
    }

    @Test
    void aRejectionCancelsTheWholeChainAndEveryCardRecordsIt() throws Exception {
        CascadeBenchmark.Options o = CascadeBenchmark.Options.parse("--cards", "400", "--journal", "memory",
                "--rounds", "2");
        ResultLine r = CascadeBenchmark.run(o, 400);
        assertThat(r.get("status")).as(r.line()).isEqualTo("ok");
        assertThat(r.get("runs")).isEqualTo("2");
        assertThat(r.getDouble("review_ms")).isPositive().isLessThanOrEqualTo(r.getDouble("records_ms"));
        assertThat(r.getDouble("review_ms_min")).isLessThanOrEqualTo(r.getDouble("review_ms_max"));
        assertThat(r.getDouble("us_per_card")).isPositive();
    }

    @Test
    void aChainOfOneIsRefused() {
        assertThatThrownBy(() -> CascadeBenchmark.Options.parse("--cards", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 cards, was 1");
    }
}
