package dev.orquestra.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.Check;
import dev.orquestra.Pipeline;
import dev.orquestra.Verdict;
import dev.orquestra.testkit.ScriptedValidator;
import org.junit.jupiter.api.Test;

/** A check's passing score, applied to the verdicts its validator gives. */
class JudgingTest {

    private final Check judge = Pipeline.check("llm-judge", ScriptedValidator.passing()).passingScore(8.0);
    private final Check plain = Pipeline.check("qa", ScriptedValidator.passing());

    @Test
    void aVerdictIsRecordedUnderTheChecksName() {
        assertThat(Judging.judge(plain, Verdict.pass("whatever")).validator()).isEqualTo("qa");
        assertThat(Judging.judge(plain, Verdict.pass("qa").withScore(2)).passed()).isTrue();
    }

    @Test
    void aPassBelowOrWithoutTheScoreFailsWithAReason() {
        Verdict low = Judging.judge(judge, Verdict.pass("llm-judge").withScore(7.5));
        assertThat(low.passed()).isFalse();
        assertThat(low.reasons()).containsExactly("llm-judge scored 7.5, below the passing score 8.0");
        Verdict none = Judging.judge(judge, Verdict.pass("llm-judge"));
        assertThat(none.passed()).isFalse();
        assertThat(none.reasons()).containsExactly("llm-judge gave no score; 8.0 is required");
        assertThat(Judging.judge(judge, Verdict.pass("llm-judge").withScore(8.0)).passed()).isTrue();
    }

    @Test
    void aFailureStaysAsTheValidatorGaveIt() {
        Verdict fail = Verdict.fail("llm-judge", "unclear scope").withScore(9);
        assertThat(Judging.judge(judge, fail)).isEqualTo(fail);
    }
}
