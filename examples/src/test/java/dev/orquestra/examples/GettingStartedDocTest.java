package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.BacklogReader;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardStatus;
import dev.orquestra.EscalationRecord;
import dev.orquestra.InMemoryStore;
import dev.orquestra.Orquestra;
import dev.orquestra.Policy;
import dev.orquestra.Subscription;
import dev.orquestra.examples.squad.Squad;
import dev.orquestra.examples.squad.SquadSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/getting-started.md} shows only code that compiles: every Java and XML block is found,
 * line for line, in the embedding project, the library's SPI, or this test, which runs the part about
 * events and reviews on the sample backlog.
 */
class GettingStartedDocTest {

    private static final Path GUIDE = Path.of("..", "docs", "getting-started.md");

    @Test
    void everyCodeBlockOfTheGuideIsCodeThatCompiles() throws IOException {
        List<Path> sources = new ArrayList<>();
        sources.add(Path.of("embedding", "pom.xml"));
        sources.add(Path.of("embedding", "src", "main", "resources", "logback.xml"));
        sources.addAll(DocBlocks.javaFiles(Path.of("embedding", "src", "main", "java")));
        sources.addAll(DocBlocks.javaFiles(Path.of("..", "core", "src", "main", "java", "dev", "orquestra", "spi")));
        sources.add(Path.of("src", "test", "java", "dev", "orquestra", "examples", "GettingStartedDocTest.java"));
        DocBlocks.assertEveryBlockIsIn(GUIDE, sources, 9);
    }

    @Test
    void theEventsAndReviewPartRunsOnTheSampleBacklog(@TempDir Path dir) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        Squad squad = Squad.create(SquadSettings.builder().latency(SquadSettings.Latency.ofMillis(0, 2)).build(), dir,
                scheduler);
        AtomicInteger escalations = new AtomicInteger();
        try (Orquestra orquestra = squad.configure(Orquestra.builder().store(InMemoryStore.create())
                .policy(Policy.defaults().retries(3, Duration.ofMillis(2), Duration.ofMillis(10))), Map.of()).build()) {
            Subscription subscription = orquestra.subscribe(event -> {
                if (event instanceof CardEvent.Escalated e) {
                    System.out.println(e.cardId() + " needs a reviewer: " + e.reason());
                }
            });
            orquestra.subscribe(event -> escalations.addAndGet(event instanceof CardEvent.Escalated ? 1 : 0));
            orquestra.submit(BacklogReader.standard().read(Path.of("backlogs", "squad-120.json")));
            assertThat(orquestra.awaitQuiescence(Duration.ofMinutes(1))).isTrue();
            assertThat(orquestra.status().awaitingReview()).extracting(CardId::value)
                    .containsExactly("BE-006", "FE-012", "FE-017", "QA-004");

            for (CardId id : orquestra.status().awaitingReview()) {
                EscalationRecord escalation = orquestra.cardState(id).escalation();
                System.out.println(id + " escalated: " + escalation.reason() + " " + escalation.lastReasons());
            }
            orquestra.review(CardId.of("BE-006")).approveOverride("tech-lead", "Good enough for the MVP");
            orquestra.review(CardId.of("FE-012")).requestClarification("tech-lead", "Use skeleton loaders while loading");
            orquestra.review(CardId.of("FE-017")).rejectPermanently("tech-lead", "Out of scope for 1.0");
            orquestra.awaitQuiescence(Duration.ofMinutes(10));

            subscription.close();
            assertThat(escalations.get()).isGreaterThanOrEqualTo(4);
            assertThat(orquestra.cardState(CardId.of("BE-006")).status()).isEqualTo(CardStatus.DONE);
            assertThat(orquestra.cardState(CardId.of("FE-012")).attempt()).isEqualTo(4);
            assertThat(orquestra.cardState(CardId.of("FE-017")).status()).isEqualTo(CardStatus.ABORTED);
            assertThat(orquestra.cardState(CardId.of("QA-017")).status()).isEqualTo(CardStatus.CANCELLED);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
