package dev.orquestra.persistence.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Artifact;
import dev.orquestra.Backlog;
import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The crash test's journal checks find what they are meant to find. */
class JournalAuditTest {

    private static final CardId ID = CardId.of("CR-0001");
    private static final Instant AT = Instant.parse("2026-11-24T00:00:00Z");

    private static List<CardEvent> approvedOnAttempt1() {
        return new ArrayList<>(List.of(
                new CardEvent.Queued(ID, AT),
                new CardEvent.WorkStarted(ID, AT, 1),
                new CardEvent.WorkSubmitted(ID, AT, List.of(Artifact.of("code", "a.java")), Usage.ZERO),
                new CardEvent.StagePassed(ID, AT, "verification", List.of(Verdict.pass("verification"))),
                new CardEvent.Approved(ID, AT, "llm-judge+qa", List.of(Verdict.pass("qa"))),
                new CardEvent.Completed(ID, AT)));
    }

    @Test
    void aLegalHistoryFoldsToItsOutcomeWithoutProblems() {
        List<String> problems = new ArrayList<>();
        JournalAudit.Outcome outcome = JournalAudit.fold(ID, approvedOnAttempt1(), problems);
        assertThat(problems).isEmpty();
        assertThat(outcome.status()).isEqualTo(CardStatus.DONE);
        assertThat(outcome.attempt()).isEqualTo(1);
        assertThat(outcome.approvals()).isEqualTo(1);
        assertThat(outcome.events()).hasSize(6);
    }

    @Test
    void aSecondApprovalIsReportedWithItsCard() {
        List<CardEvent> history = approvedOnAttempt1();
        history.add(4, new CardEvent.Approved(ID, AT, "llm-judge+qa", List.of()));
        List<String> problems = new ArrayList<>();
        JournalAudit.fold(ID, history, problems);
        assertThat(problems).singleElement().asString().contains("CR-0001").contains("event 6 of 7 (Approved)")
                .contains("refused by the lifecycle");
    }

    @Test
    void aStepTheLifecycleForbidsIsReported() {
        List<CardEvent> history = List.of(new CardEvent.Queued(ID, AT),
                new CardEvent.Approved(ID, AT, "qa", List.of()));
        List<String> problems = new ArrayList<>();
        JournalAudit.Outcome outcome = JournalAudit.fold(ID, history, problems);
        assertThat(problems).singleElement().asString().contains("CR-0001").contains("QUEUED -> APPROVED");
        assertThat(outcome.status()).isEqualTo(CardStatus.QUEUED);
    }

    @Test
    void aTodoCardIsQuiescentOnlyBehindACardAwaitingReview() {
        Backlog backlog = Backlog.of("audit", List.of(
                CardSpec.builder("A", Role.BACKEND).build(),
                CardSpec.builder("B", Role.BACKEND).dependsOn("A").build(),
                CardSpec.builder("C", Role.BACKEND).dependsOn("B").build(),
                CardSpec.builder("D", Role.BACKEND).build(),
                CardSpec.builder("E", Role.BACKEND).dependsOn("D").build(),
                CardSpec.builder("F", Role.BACKEND).build()));
        Map<CardId, JournalAudit.Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put(CardId.of("A"), outcome(CardStatus.AWAITING_HUMAN));
        outcomes.put(CardId.of("B"), outcome(CardStatus.TODO)); // behind A: fine
        outcomes.put(CardId.of("C"), outcome(CardStatus.TODO)); // behind B, behind A: fine
        outcomes.put(CardId.of("D"), outcome(CardStatus.DONE));
        outcomes.put(CardId.of("E"), outcome(CardStatus.TODO)); // D is done: E should have run
        outcomes.put(CardId.of("F"), outcome(CardStatus.VALIDATING)); // still running
        List<String> problems = new ArrayList<>();
        JournalAudit.checkQuiescent(backlog, outcomes, problems);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("E is TODO");
        assertThat(problems.get(1)).startsWith("F ended VALIDATING");
    }

    private static JournalAudit.Outcome outcome(CardStatus status) {
        return new JournalAudit.Outcome(status, 1, 0, List.of(), BigDecimal.ZERO, 0, 0);
    }
}
