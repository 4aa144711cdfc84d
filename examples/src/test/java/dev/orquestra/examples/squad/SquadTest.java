package dev.orquestra.examples.squad;

import static dev.orquestra.examples.squad.SquadFixtures.INSTANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Backlog;
import dev.orquestra.CardStatus;
import dev.orquestra.Check;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Pipeline;
import dev.orquestra.Policy;
import dev.orquestra.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The squad wires six owners, the seed's pipeline and the debugger. */
class SquadTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void itHasAnOwnerPerStandardRoleAndTheSeedsPipeline() {
        Squad squad = Squad.create(INSTANT, dir, scheduler);
        for (Role role : Role.standard()) {
            assertThat(squad.agent(role)).isInstanceOf(SimulatedOwner.class)
                    .extracting(a -> ((SimulatedOwner) a).role()).isEqualTo(role);
        }
        assertThatThrownBy(() -> squad.agent(Role.of("DATA"))).hasMessageContaining("DATA");
        Pipeline p = squad.pipeline();
        assertThat(p.checks()).extracting(Check::name).containsExactly("verification", "llm-judge", "qa");
        assertThat(p.stages().get(1).isParallel()).isTrue();
        assertThat(p.checks().get(1).passingScore().getAsDouble()).isEqualTo(8.0);
        assertThat(p.checks().get(0).validator()).isSameAs(squad.verification());
        assertThat(squad.artifactsDir()).isEqualTo(dir.toAbsolutePath().normalize().resolve("app-artefacts"));
    }

    @Test
    void configureRegistersEverythingOnABuilder() throws IOException {
        Squad squad = Squad.create(INSTANT, dir, scheduler);
        try (Orquestra o = squad.configure(Orquestra.builder().store(InMemoryStore.create())
                .policy(Policy.defaults().retries(3, Duration.ofMillis(5), Duration.ofMillis(20))), Map.of(Role.BACKEND, 8)).build()) {
            // one queue per owner role, per check and for the debugger; BACKEND with the pool asked for
            assertThat(o.queues()).hasSize(6 + 3 + 1)
                    .anySatisfy(q -> assertThat(q.queue()).contains("BACKEND").isNotNull())
                    .allSatisfy(q -> assertThat(q.workers()).isEqualTo(
                            q.queue().contains("BACKEND") ? 8 : q.queue().contains("debugger") ? 2 : 5));
            o.submit(Backlog.read(Path.of("backlogs/hello.json")));
            assertThat(o.awaitQuiescence(Duration.ofSeconds(30))).isTrue();
            assertThat(o.status().count(CardStatus.DONE) + o.status().awaitingReview().size()).isPositive();
        }
        assertThatThrownBy(() -> squad.configure(Orquestra.builder(), Map.of(Role.of("DATA"), 2)))
                .hasMessageContaining("DATA");
        assertThatThrownBy(() -> squad.configure(Orquestra.builder(), Map.of(Role.QA, 0)))
                .hasMessageContaining("QA").hasMessageContaining("0");
    }
}
