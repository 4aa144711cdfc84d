package dev.orquestra.internal.backlog;

import dev.orquestra.Backlog;
import java.util.Objects;
import java.util.function.Function;

/**
 * The dependency graph a {@link Backlog} built when it was checked, for the engine, without a public
 * method that would make {@link DependencyGraph} part of the API. {@code Backlog} registers its accessor
 * when its class initializes, which has happened before anyone holds a backlog to ask about.
 */
public final class BacklogGraphs {

    private static volatile Function<Backlog, DependencyGraph> access;

    private BacklogGraphs() {
    }

    /** Called once, by {@code Backlog}'s static initializer. */
    public static void register(Function<Backlog, DependencyGraph> accessor) {
        if (access != null) {
            throw new IllegalStateException("the backlog graph accessor is registered already");
        }
        access = Objects.requireNonNull(accessor, "accessor");
    }

    /** The graph of the backlog's cards, built once when the backlog was checked. */
    public static DependencyGraph of(Backlog backlog) {
        return access.apply(Objects.requireNonNull(backlog, "backlog"));
    }
}
