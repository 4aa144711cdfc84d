package dev.orquestra.internal.engine;

import dev.orquestra.Role;
import java.util.Objects;

/**
 * Which call of a card a piece of work is: the owner's attempt, one check of the pipeline, or the
 * debugger's diagnosis. Its {@link #name()} is what work items, idempotency keys and events carry
 * ({@code owner}, the check's name, {@code debugger}); a check may not take either reserved name.
 */
public sealed interface StageRef {

    Owner OWNER = new Owner();
    Debugger DEBUGGER = new Debugger();

    /** The name events, keys and work items carry. */
    String name();

    /** The queue this call waits in. */
    String queue(Role owner);

    /** True for the names of the owner and debugger stages, which no check may take. */
    static boolean isReserved(String name) {
        return name.equals(OWNER.name()) || name.equals(DEBUGGER.name());
    }

    /** The stage a name stands for. */
    static StageRef of(String name) {
        Objects.requireNonNull(name, "name");
        if (name.equals(OWNER.name())) {
            return OWNER;
        }
        if (name.equals(DEBUGGER.name())) {
            return DEBUGGER;
        }
        return new Check(name);
    }

    /** The owner agent's work on an attempt. */
    record Owner() implements StageRef {
        @Override
        public String name() {
            return "owner";
        }

        @Override
        public String queue(Role owner) {
            return EngineContext.ownerQueue(owner);
        }
    }

    /** One check of the validation pipeline, by the name its verdicts are recorded with. */
    record Check(String name) implements StageRef {
        public Check {
            Objects.requireNonNull(name, "name");
            if (isReserved(name)) {
                throw new IllegalArgumentException("'" + name + "' names a stage of its own, not a check");
            }
        }

        @Override
        public String queue(Role owner) {
            return EngineContext.checkQueue(name);
        }
    }

    /** The debugger's investigation of a repeated failure. */
    record Debugger() implements StageRef {
        @Override
        public String name() {
            return "debugger";
        }

        @Override
        public String queue(Role owner) {
            return EngineContext.DEBUGGER_QUEUE;
        }
    }
}
