package dev.orquestra.examples.squad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orquestra.Role;
import dev.orquestra.examples.squad.SquadSettings.Latency;
import dev.orquestra.examples.squad.SquadSettings.ModelPrice;
import dev.orquestra.examples.squad.SquadSettings.RoleOdds;
import dev.orquestra.examples.squad.SquadSettings.TokenRange;
import dev.orquestra.examples.squad.SquadSettings.Trouble;
import dev.orquestra.testkit.Dice;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Defaults as documented, bad values refused at the setter, and odds that fall with help. */
class SquadSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SquadSettings d = SquadSettings.defaults();
        assertThat(d.seed()).isEqualTo(SquadSettings.DEFAULT_SEED);
        assertThat(d.ownerLatency()).isEqualTo(Latency.ofMillis(2, 40));
        assertThat(d.validatorLatency()).isEqualTo(Latency.ofMillis(1, 15));
        assertThat(d.hardCardShare()).isEqualTo(0.10);
        assertThat(d.hardCardOdds()).isEqualTo(0.8);
        assertThat(d.retryFactor()).isEqualTo(0.45);
        assertThat(d.diagnosisFactor()).isEqualTo(0.6);
        assertThat(d.clarificationFactor()).isEqualTo(0.3);
        for (Role role : Role.standard()) {
            assertThat(d.price(role)).isEqualTo(SquadSettings.LARGE_MODEL);
            assertThat(d.tokens(role)).isEqualTo(SquadSettings.defaultTokens(role.name()));
            assertThat(d.odds(role)).isEqualTo(SquadSettings.defaultOdds(role));
        }
        // verification, judge and QA run on the cheaper model
        assertThat(d.price(SquadSettings.VERIFICATION)).isEqualTo(SquadSettings.SMALL_MODEL);
        assertThat(d.price(SquadSettings.JUDGE)).isEqualTo(SquadSettings.SMALL_MODEL);
        assertThat(d.price(SquadSettings.QA_CHECK)).isEqualTo(SquadSettings.SMALL_MODEL);
        assertThat(d.price(SquadSettings.DEBUGGER)).isEqualTo(SquadSettings.LARGE_MODEL);
    }

    @Test
    void aBadValueIsRefusedAtItsSetterWithTheValue() {
        SquadSettings.Builder b = SquadSettings.builder();
        assertThatThrownBy(() -> b.hardCardShare(1.5)).hasMessage("hardCardShare must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> b.retryFactor(-0.1)).hasMessageContaining("retryFactor").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> b.diagnosisFactor(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> b.odds(Role.of("DATA"), new RoleOdds(0, 0, 0, 0))).hasMessageContaining("DATA");
        assertThatThrownBy(() -> b.tokens("judge", new TokenRange(1, 2, 1, 2))).hasMessageContaining("'judge'");
        assertThatThrownBy(() -> new RoleOdds(0.1, 2, 0, 0)).hasMessageContaining("placeholder").hasMessageContaining("2");
        assertThatThrownBy(() -> new TokenRange(10, 5, 1, 2)).hasMessageContaining("10").hasMessageContaining("5");
        assertThatThrownBy(() -> ModelPrice.of("m", "-1", "2")).hasMessageContaining("-1");
        assertThatThrownBy(() -> Latency.ofMillis(40, 2)).hasMessageContaining("PT0.04S").hasMessageContaining("PT0.002S");
    }

    @Test
    void latencyParsesTheCommandLineForm() {
        assertThat(Latency.parse("2..40")).isEqualTo(Latency.ofMillis(2, 40));
        assertThat(Latency.parse(" 5 .. 9 ")).isEqualTo(Latency.ofMillis(5, 9));
        assertThat(Latency.parse("7")).isEqualTo(Latency.ofMillis(7, 7));
        assertThatThrownBy(() -> Latency.parse("fast")).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> Latency.parse("40..2")).hasMessageContaining("must not exceed");
        assertThat(SquadSettings.builder().latency(Latency.parse("0..3")).build().validatorLatency())
                .isEqualTo(Latency.ofMillis(0, 3));
    }

    @Test
    void latencyIsSpreadOverItsRangeAndStaysInIt() {
        Latency l = Latency.ofMillis(2, 40);
        Set<Duration> seen = new HashSet<>();
        long sum = 0;
        for (int i = 0; i < 2_000; i++) {
            Duration d = l.sample(Dice.of(1, "C-" + i, 1, "owner").roll("latency"));
            assertThat(d).isBetween(Duration.ofMillis(2), Duration.ofMillis(40));
            seen.add(d);
            sum += d.toMillis();
        }
        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(sum / 2_000.0).isBetween(8.0, 16.0); // log-normal: the median is near sqrt(3 * 41) - 1 ≈ 10
        assertThat(Latency.ofMillis(5, 5).sample(Dice.of(1, "C", 1, "owner"))).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void oddsFallOnLaterAttemptsAndFurtherWithADiagnosisOrAClarification() {
        SquadSettings s = SquadSettings.builder().hardCardShare(0).build();
        double first = s.odds(Trouble.LOW_SCORE, Role.ARCHITECTURE, "ARQ-001", 1, false, false);
        double second = s.odds(Trouble.LOW_SCORE, Role.ARCHITECTURE, "ARQ-001", 2, false, false);
        double diagnosed = s.odds(Trouble.LOW_SCORE, Role.ARCHITECTURE, "ARQ-001", 2, true, false);
        double clarified = s.odds(Trouble.LOW_SCORE, Role.ARCHITECTURE, "ARQ-001", 2, false, true);
        assertThat(first).isEqualTo(0.05);
        assertThat(second).isEqualTo(0.05 * 0.45);
        assertThat(diagnosed).isEqualTo(0.05 * 0.45 * 0.6);
        assertThat(clarified).isEqualTo(0.05 * 0.45 * 0.3);
        assertThat(s.weakSpot(Role.ARCHITECTURE, "ARQ-001")).isEmpty();
    }

    @Test
    void aHardCardKeepsRunningIntoItsWeakSpot() {
        SquadSettings s = SquadSettings.builder().hardCardShare(1).build();
        Trouble weak = s.weakSpot(Role.BACKEND, "BE-007").orElseThrow();
        assertThat(s.weakSpot(Role.BACKEND, "BE-007")).contains(weak); // the card's own, every time
        assertThat(s.odds(weak, Role.BACKEND, "BE-007", 1, false, false)).isEqualTo(0.8);
        assertThat(s.odds(weak, Role.BACKEND, "BE-007", 2, false, false)).isEqualTo(0.8 * 0.9);
        for (Trouble other : Trouble.values()) {
            if (other != weak) {
                assertThat(s.odds(other, Role.BACKEND, "BE-007", 1, false, false))
                        .isEqualTo(SquadSettings.defaultOdds(Role.BACKEND).of(other));
            }
        }
        int hard = 0;
        for (int i = 0; i < 1_000; i++) {
            hard += SquadSettings.defaults().isHardCard("C-" + i) ? 1 : 0;
        }
        assertThat(hard).isBetween(70, 130);
    }

    @Test
    void aPriceIsExact() {
        ModelPrice large = SquadSettings.LARGE_MODEL;
        assertThat(large.cost(10_000, 2_000)).isEqualByComparingTo("0.06");
        assertThat(large.cost(1, 1)).isEqualByComparingTo("0.000018");
        assertThat(large.usage(1_234, 567).costUsd()).isEqualByComparingTo(new BigDecimal("0.012207"));
    }

    @Test
    void toBuilderKeepsEverySetting() {
        SquadSettings s = SquadSettings.builder().seed(9).hardCardOdds(0.5)
                .price(Role.QA, ModelPrice.of("tiny", "0.10", "0.40")).build();
        SquadSettings copy = s.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(s.toString());
        assertThat(copy.price(Role.QA).model()).isEqualTo("tiny");
    }
}
