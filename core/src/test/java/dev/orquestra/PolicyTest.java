package dev.orquestra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Policy is a value: built or changed setting by setting, equal when every setting is, printed in full. */
class PolicyTest {

    /** One change per setting, each away from its default. */
    private static final List<UnaryOperator<Policy.Builder>> CHANGES = List.of(
            b -> b.maxAttempts(5),
            b -> b.retries(4, Duration.ofSeconds(1), Duration.ofMinutes(1)),
            b -> b.retries(3, Duration.ofSeconds(2), Duration.ofMinutes(1)),
            b -> b.retries(3, Duration.ofSeconds(1), Duration.ofMinutes(2)),
            b -> b.jitter(0.1),
            b -> b.softTimeLimit(Duration.ofMinutes(40)),
            b -> b.hardTimeLimit(Duration.ofHours(2)),
            b -> b.cardBudgetUsd(new BigDecimal("1")),
            b -> b.backlogBudgetUsd(new BigDecimal("10")),
            b -> b.agingInterval(Duration.ofMinutes(2)),
            b -> b.debugRepeatedFailures(false),
            b -> b.highCostThresholdUsd(new BigDecimal("0.75")),
            b -> b.snapshotEvery(51, 20_000),
            b -> b.snapshotEvery(50, 20_001),
            b -> b.maxActiveCards(9_999));

    @Test
    void theBuilderStartsFromTheDefaultsAndToBuilderKeepsEverySetting() {
        assertThat(Policy.builder().build()).isEqualTo(Policy.defaults()).hasSameHashCodeAs(Policy.defaults());
        for (UnaryOperator<Policy.Builder> change : CHANGES) {
            Policy changed = change.apply(Policy.builder()).build();
            assertThat(changed).as("every setting takes part in equals: %s", changed).isNotEqualTo(Policy.defaults());
            assertThat(changed.toBuilder().build()).isEqualTo(changed).hasSameHashCodeAs(changed);
            assertThat(changed.toString()).as("toString shows every setting").isNotEqualTo(Policy.defaults().toString());
        }
    }

    @Test
    void theMethodsNamedAfterSettingsChangeOnlyTheirSetting() {
        Policy p = Policy.defaults().maxAttempts(4).cardBudgetUsd(new BigDecimal("2")).maxActiveCards(500);
        assertThat(p).isEqualTo(Policy.builder().maxAttempts(4).cardBudgetUsd(new BigDecimal("2")).maxActiveCards(500)
                .build());
        assertThat(p.maxActiveCards()).as("no setting is lost along the way").isEqualTo(500);
        assertThat(p.snapshotEvery(10, 100).maxActiveCards()).isEqualTo(500);
        assertThat(Policy.defaults().maxAttempts()).as("defaults are untouched").isEqualTo(3);
    }

    @Test
    void amountsCompareByValue() {
        Policy a = Policy.builder().highCostThresholdUsd(new BigDecimal("0.5")).build();
        assertThat(a).isEqualTo(Policy.defaults()).hasSameHashCodeAs(Policy.defaults());
    }

    @Test
    void toStringNamesEverySetting() {
        assertThat(Policy.defaults().toString()).isEqualTo("Policy[maxAttempts=3, maxRetries=3, initialBackoff=PT1S, "
                + "maxBackoff=PT1M, jitter=0.2, softTimeLimit=PT50M, hardTimeLimit=PT1H, cardBudgetUsd=none, "
                + "backlogBudgetUsd=none, agingInterval=PT1M, debugRepeatedFailures=true, highCostThresholdUsd=0.50, "
                + "cardSnapshotEvery=50, orchestratorSnapshotEvery=20000, maxActiveCards=10000]");
    }

    @Test
    void badValuesAreRefusedAtOnceAndConflictsWhenBuilt() {
        assertThatThrownBy(() -> Policy.builder().maxAttempts(0)).hasMessage("maxAttempts must be between 1 and 100, was 0");
        assertThatThrownBy(() -> Policy.builder().jitter(1.5)).hasMessageContaining("was 1.5");
        assertThatThrownBy(() -> Policy.builder().cardBudgetUsd(BigDecimal.ZERO)).hasMessageContaining("cardBudgetUsd");
        Policy.Builder conflicting = Policy.builder().softTimeLimit(Duration.ofHours(2));
        assertThatThrownBy(conflicting::build).hasMessage("softTimeLimit (PT2H) must not exceed hardTimeLimit (PT1H)");
        assertThat(conflicting.hardTimeLimit(Duration.ofHours(3)).build().softTimeLimit()).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Policy.builder().retries(1, Duration.ofMinutes(2), Duration.ofMinutes(1)).build())
                .hasMessageContaining("initialBackoff (PT2M)").hasMessageContaining("maxBackoff (PT1M)");
        assertThat(Policy.defaults().softTimeLimit(Duration.ofHours(2)).hardTimeLimit(Duration.ofHours(3)).validate())
                .as("changing one setting at a time checks the rules between them only when validated").isNotNull();
    }
}
