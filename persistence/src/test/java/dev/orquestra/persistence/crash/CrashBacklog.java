package dev.orquestra.persistence.crash;

import dev.orquestra.Backlog;
import dev.orquestra.CardSpec;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.testkit.Dice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The crash test's backlog: a layered dependency graph generated from a seed. Layer 0 has no
 * dependencies; every card of a later layer depends on one card of the layer before it and
 * sometimes on one or two cards of any earlier layer. Dependencies are sparse on purpose: a card that
 * escalates holds back its dependents (they stay TODO), and denser graphs would hold back most of
 * the backlog. Owner roles and priorities are spread over the six standard roles and four levels.
 */
final class CrashBacklog {

    static final int LAYERS = 5;
    static final String PROJECT = "crash-recovery";

    private static final List<Role> ROLES = List.of(Role.PRODUCT, Role.ARCHITECTURE, Role.FRONTEND, Role.BACKEND,
            Role.QA, Role.INFRA);
    private static final List<Priority> PRIORITIES = List.of(Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM,
            Priority.MEDIUM, Priority.LOW);

    private CrashBacklog() {
    }

    static List<Role> roles() {
        return ROLES;
    }

    static String id(int index) {
        return String.format("CR-%04d", index + 1);
    }

    static Backlog generate(long seed, int cards) {
        if (cards < LAYERS) {
            throw new IllegalArgumentException("the crash backlog needs at least " + LAYERS + " cards, was " + cards);
        }
        int perLayer = (cards + LAYERS - 1) / LAYERS;
        List<CardSpec> specs = new ArrayList<>(cards);
        for (int i = 0; i < cards; i++) {
            String id = id(i);
            Dice dice = Dice.of(seed, id, 0, "backlog");
            int layer = i / perLayer;
            Set<String> deps = new LinkedHashSet<>();
            if (layer > 0) {
                int previousStart = (layer - 1) * perLayer;
                // the first card of layer 1 waits on the doomed first card, so some card always stays TODO
                deps.add(id(i == perLayer ? 0 : previousStart + dice.roll("dep-1").between(0, perLayer - 1)));
                if (dice.roll("has-dep-2").chance(0.25)) {
                    deps.add(id(dice.roll("dep-2").between(0, layer * perLayer - 1)));
                }
                if (dice.roll("has-dep-3").chance(0.08)) {
                    deps.add(id(dice.roll("dep-3").between(0, layer * perLayer - 1)));
                }
            }
            specs.add(CardSpec.builder(id, ROLES.get(dice.roll("role").between(0, ROLES.size() - 1)))
                    .type("TASK")
                    .title("crash card " + id + " (layer " + layer + ")")
                    .priority(PRIORITIES.get(dice.roll("priority").between(0, PRIORITIES.size() - 1)))
                    .dependsOn(deps.toArray(new String[0]))
                    .metadata("layer", layer)
                    .build());
        }
        return new Backlog(PROJECT, specs, Map.of("generator", "CrashBacklog", "seed", seed), Map.of());
    }
}
