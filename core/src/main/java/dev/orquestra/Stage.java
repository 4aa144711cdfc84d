package dev.orquestra;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One step of the validation pipeline: a single check, or a group of checks run in parallel. All
 * checks of a stage must pass for the next stage to start. Immutable.
 */
public final class Stage {

    private final List<Check> checks;
    private final String name;

    Stage(List<Check> checks) {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("a stage needs at least one check");
        }
        Set<String> names = new HashSet<>();
        for (Check c : checks) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("check name '" + c.name() + "' appears twice in one stage");
            }
        }
        this.checks = List.copyOf(checks);
        this.name = this.checks.stream().map(Check::name).collect(Collectors.joining("+"));
    }

    public List<Check> checks() {
        return checks;
    }

    /** True when the stage runs more than one check at once. */
    public boolean isParallel() {
        return checks.size() > 1;
    }

    /** The stage's name: its checks' names joined with {@code +}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return checks.size() == 1 ? checks.get(0).toString()
                : checks.stream().map(Check::toString).collect(Collectors.joining(", ", "parallel(", ")"));
    }
}
