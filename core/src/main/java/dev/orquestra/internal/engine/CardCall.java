package dev.orquestra.internal.engine;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.Role;
import dev.orquestra.ValidationRecord;
import dev.orquestra.Verdict;
import java.util.List;

/**
 * What a card asks a worker to call, as data: the work order, submission or failure report without
 * the parts only the worker knows (deadlines, cancellation signal). {@link CardCalls} turns it into
 * the user's call.
 */
sealed interface CardCall {

    /** The owner's work on an attempt. */
    record Work(Role role, CardSpec spec, int attempt, String key, List<CorrectionRecord> corrections)
            implements CardCall {
    }

    /** One check of the validation pipeline. */
    record Check(String check, CardSpec spec, int attempt, String key, List<Artifact> artifacts, List<Verdict> earlier)
            implements CardCall {
    }

    /** The debugger's investigation of a repeated failure. */
    record Diagnose(CardSpec spec, int attempt, String key, List<String> reasons, List<ValidationRecord> history,
                    List<CorrectionRecord> corrections, List<Artifact> artifacts) implements CardCall {
    }
}
