package dev.orquestra;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values a user prints, in a log line or a REPL, read as sentences rather than record dumps. */
class ReadableValuesTest {

    @Test
    void metricsPrintTheSeedFiguresWithUnits() {
        Metrics m = new Metrics(120, 0.083, 1.125, 0.0167, 0.892, Duration.ofMillis(3100), Duration.ofSeconds(12),
                Duration.ofMillis(850), Duration.ofSeconds(62), 6968.4, new BigDecimal("0.0410"), new BigDecimal("4.92"),
                651_000, 0, new BigDecimal("0.50"));

        assertThat(m.toString()).isEqualTo("120 cards ran: rejection 8.3 %, 1.13 attempts/card, escalation 1.7 %, "
                + "first time right 89.2 %, approval p50 3.1 s / p95 12.0 s, correction loop 850 ms, elapsed 1m 2.0s, "
                + "6968 cards/h, USD 0.041/card, USD 4.92 in all, 651000 tokens, 0 cards over USD 0.5");
        assertThat(Metrics.readable(Duration.ofMinutes(125))).isEqualTo("2h 5m");
        assertThat(Metrics.readable(null)).isEqualTo("-");
    }

    @Test
    void aStatusPrintsTheStatusesThatHoldCardsInLifecycleOrder() {
        Map<CardStatus, Integer> by = new EnumMap<>(CardStatus.class);
        for (CardStatus s : CardStatus.values()) {
            by.put(s, 0);
        }
        by.put(CardStatus.TODO, 20);
        by.put(CardStatus.DONE, 97);
        by.put(CardStatus.IN_PROGRESS, 2);
        by.put(CardStatus.AWAITING_HUMAN, 1);
        BacklogStatus status = new BacklogStatus("shop", 120, by, List.of(CardId.of("BE-7")), 2, new BigDecimal("4.10"),
                false, false, null);

        assertThat(status.toString()).startsWith("'shop': 120 cards, 20 TODO, 2 IN_PROGRESS, ")
                .contains("97 DONE").contains("; 2 active; 1 awaiting review (BE-7); USD 4.1 spent")
                .doesNotContain("quiescent").doesNotContain("0 QUEUED");
        assertThat(status.withJournalOutage("disk full").toString()).endsWith("; journal outage: disk full");
        assertThat(new BacklogStatus(null, 0, by, List.of(), 0, BigDecimal.ZERO, false, true, null).toString())
                .startsWith("no backlog: 0 cards").endsWith("; quiescent");
    }
}
