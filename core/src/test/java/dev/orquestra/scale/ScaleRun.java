package dev.orquestra.scale;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogStatus;
import dev.orquestra.CardSpec;
import dev.orquestra.CardStatus;
import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.ScriptedValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a large backlog to quiescence and, should it not get there within a generous bound, fails with
 * what it saw: the progress over time and a dump of every thread. It asserts nothing about speed; it
 * only turns a stall into a failure that explains itself.
 *
 * <p>The backlog has six roles and a dependency structure like the one that once stalled the engine:
 * a third of the cards depend on the card six places before them.
 */
public final class ScaleRun {

    /** The six owner roles of the backlog, each with a pool of five. */
    public static final List<Role> ROLES = List.of(Role.PRODUCT, Role.ARCHITECTURE, Role.BACKEND, Role.FRONTEND, Role.QA,
            Role.INFRA);

    private ScaleRun() {
    }

    /** {@code cards} cards over six roles; every third card depends on the card six before it. */
    public static Backlog backlog(int cards) {
        List<CardSpec> specs = new ArrayList<>(cards);
        for (int i = 0; i < cards; i++) {
            Role role = ROLES.get(i % ROLES.size());
            CardSpec.Builder b = CardSpec.builder(id(i), role).title("Implement ledger storage part " + i)
                    .description("The service must handle errors and retries with clear contracts for every client, "
                            + "including timeouts and pagination (" + i + ").");
            if (i >= 6 && i % 3 == 0) {
                b.dependsOn(id(i - 6));
            }
            specs.add(b.build());
        }
        return Backlog.of("scale-" + cards, specs);
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "S-%06d", i);
    }

    /** An owner that succeeds at once. */
    public static Agent instantOwner() {
        return order -> CompletableFuture.completedFuture(WorkResult.succeeded());
    }

    /** A builder with the six roles (pools of five) and the default pipeline of passing checks. */
    public static OrquestraBuilder engine(OrquestraBuilder builder) {
        for (Role role : ROLES) {
            builder.owners(role, instantOwner(), 5);
        }
        return builder.pipeline(Pipeline.defaults(ScriptedValidator.passing(), ScriptedValidator.passing(), ScriptedValidator.passing()));
    }

    /**
     * Submits the backlog and waits for quiescence, sampling the status every few seconds.
     *
     * @return the final status
     * @throws AssertionError after {@code bound}, with the progress seen and a thread dump
     */
    public static BacklogStatus runToQuiescence(Orquestra o, Backlog backlog, Duration bound) {
        long start = System.nanoTime();
        o.submit(backlog);
        List<String> progress = new ArrayList<>();
        long deadline = start + bound.toNanos();
        while (System.nanoTime() < deadline) {
            long left = deadline - System.nanoTime();
            if (o.awaitQuiescence(Duration.ofNanos(Math.min(left, Duration.ofSeconds(5).toNanos())))) {
                return o.status();
            }
            try {
                BacklogStatus s = o.status();
                progress.add(String.format(Locale.ROOT, "%5.1f s: %d/%d done, %d in flight", (System.nanoTime() - start) / 1e9,
                        s.count(CardStatus.DONE), s.totalCards(), s.active()));
            } catch (RuntimeException slow) {
                progress.add(String.format(Locale.ROOT, "%5.1f s: status not answered (%s)",
                        (System.nanoTime() - start) / 1e9, slow.getMessage()));
            }
        }
        throw new AssertionError("no quiescence within " + bound + " for " + backlog.cards().size()
                + " cards; progress seen:\n  " + String.join("\n  ", progress) + "\nthreads:\n" + threadDump());
    }

    /** Every live thread's stack. */
    public static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState()).append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                dump.append("    at ").append(e).append('\n');
            }
        }
        return dump.toString();
    }
}
