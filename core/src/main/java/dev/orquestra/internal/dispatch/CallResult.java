package dev.orquestra.internal.dispatch;

import dev.orquestra.Diagnosis;
import dev.orquestra.Verdict;
import dev.orquestra.spi.WorkResult;

/**
 * What a user's call completed with, by kind: an owner's work, a validator's verdict or the debugger's
 * diagnosis. The worker sorts a call's value into one of these (anything else is a failed call), so the
 * card matches a result against the stage it asked for instead of casting.
 */
public sealed interface CallResult {

    /** What a card records of a result it did not expect, such as {@code a Verdict}. */
    String describe();

    /** The value of a completed call, by kind; null when it is none of them. */
    static CallResult of(Object value) {
        if (value instanceof WorkResult r) {
            return new Work(r);
        }
        if (value instanceof Verdict v) {
            return new Judged(v);
        }
        if (value instanceof Diagnosis d) {
            return new Diagnosed(d);
        }
        return null;
    }

    /** An owner agent's successful work. */
    record Work(WorkResult result) implements CallResult {
        @Override
        public String describe() {
            return "a WorkResult";
        }
    }

    /** A validator's verdict. */
    record Judged(Verdict verdict) implements CallResult {
        @Override
        public String describe() {
            return "a Verdict";
        }
    }

    /** The debugger's diagnosis. */
    record Diagnosed(Diagnosis diagnosis) implements CallResult {
        @Override
        public String describe() {
            return "a Diagnosis";
        }
    }
}
