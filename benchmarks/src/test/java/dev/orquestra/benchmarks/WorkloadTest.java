package dev.orquestra.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Backlog;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload rule of benchmarks/celery-baseline/README.md, with the README's reference figures. */
class WorkloadTest {

    @Test
    void layeredMatchesTheBaselinesReferenceCounts() {
        Workload w = new Workload(Workload.Shape.LAYERED, 1000, 50, 10);

        assertThat(w.cardsWithDependencies()).isEqualTo(950);
        assertThat(w.edges()).isEqualTo(1425);
        assertThat(w.dependenciesOf(49)).isEmpty();
        assertThat(w.dependenciesOf(50)).containsExactly(0);
        assertThat(w.dependenciesOf(51)).containsExactly(1, 2);
        assertThat(w.dependenciesOf(99)).containsExactly(49, 0);
    }

    @Test
    void chainsAndIndependent() {
        Workload chains = new Workload(Workload.Shape.CHAINS, 25, 50, 10);
        assertThat(chains.dependenciesOf(0)).isEmpty();
        assertThat(chains.dependenciesOf(9)).containsExactly(8);
        assertThat(chains.dependenciesOf(10)).isEmpty();
        assertThat(chains.cardsWithDependencies()).isEqualTo(25 - 3);
        assertThat(new Workload(Workload.Shape.INDEPENDENT, 25, 50, 10).edges()).isZero();
    }

    @Test
    void theBacklogAndTheFileHoldTheSameCards(@TempDir Path dir) throws Exception {
        Workload w = new Workload(Workload.Shape.LAYERED, 120, 7, 10);
        Path file = dir.resolve("b.json");
        w.write(file);

        Backlog built = w.backlog();
        Backlog read = Backlog.read(file);

        assertThat(read.project()).isEqualTo("celery-baseline layered 120").isEqualTo(built.project());
        assertThat(read.cards()).extracting(CardSpec::id).isEqualTo(built.cards().stream().map(CardSpec::id).toList());
        assertThat(read.cards()).extracting(CardSpec::dependencies)
                .isEqualTo(built.cards().stream().map(CardSpec::dependencies).toList());
        assertThat(read.cards()).extracting(CardSpec::owner).containsOnly(Role.BACKEND);
        assertThat(built.cards().get(8).dependencies()).isEqualTo(List.of(CardId.of("BE-000001"), CardId.of("BE-000002")));
        assertThat(built.cards().get(13).dependencies()).isEqualTo(List.of(CardId.of("BE-000006")));
    }
}
