package dev.orquestra.examples.squad;

import dev.orquestra.Orquestra;
import dev.orquestra.OrquestraBuilder;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.Validator;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The whole simulated squad wired for an engine: an owner per standard role, the seed's validation
 * pipeline (verification, then LLM judge and QA in parallel) and the debugger, all sharing one
 * seed, one data directory and one scheduler.
 *
 * <pre>{@code
 * ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
 * Squad squad = Squad.create(SquadSettings.defaults(), Path.of("data"), scheduler);
 * try (Orquestra orquestra = squad.configure(Orquestra.builder().store(store), Map.of()).build()) {
 *     orquestra.submit(Backlog.read(Path.of("backlogs/squad-120.json")));
 *     orquestra.awaitQuiescence(Duration.ofMinutes(10));
 * }
 * scheduler.shutdown();
 * }</pre>
 *
 * <p>The squad owns nothing that needs closing: the caller owns the scheduler and shuts it down
 * after the engine is closed.
 */
public final class Squad {

    /** Owner calls a role may run at once unless told otherwise: the seed's five workers. */
    public static final int DEFAULT_POOL_SIZE = 5;

    /** The directory under the data directory that the owners write their artifacts into. */
    public static final String ARTIFACTS_DIR = Drafts.ROOT;

    private final SquadSettings settings;
    private final Path dataDir;
    private final Map<Role, SimulatedOwner> owners;
    private final SimulatedVerification verification;
    private final SimulatedJudge judge;
    private final SimulatedQa qa;
    private final SimulatedDebugger debugger;

    private Squad(SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.dataDir = dataDir;
        Map<Role, SimulatedOwner> byRole = new LinkedHashMap<>();
        for (Role role : Role.standard()) {
            byRole.put(role, new SimulatedOwner(role, settings, dataDir, scheduler));
        }
        this.owners = Collections.unmodifiableMap(byRole);
        this.verification = new SimulatedVerification(settings, dataDir, scheduler);
        this.judge = new SimulatedJudge(settings, dataDir, scheduler);
        this.qa = new SimulatedQa(settings, dataDir, scheduler);
        this.debugger = new SimulatedDebugger(settings, scheduler);
    }

    /**
     * A squad that writes its artifacts under {@code <dataDir>/app-artefacts/} and runs every
     * simulated call on the scheduler, which the caller owns.
     */
    public static Squad create(SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(scheduler, "scheduler");
        return new Squad(settings, dataDir.toAbsolutePath().normalize(), scheduler);
    }

    public SquadSettings settings() {
        return settings;
    }

    /** The data directory; the artifacts are under its {@code app-artefacts/}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Where the artifacts are written: {@code <dataDir>/app-artefacts}. */
    public Path artifactsDir() {
        return dataDir.resolve(Drafts.ROOT);
    }

    /**
     * The owner agent of a standard role.
     *
     * @throws IllegalArgumentException for any other role
     */
    public Agent agent(Role role) {
        Objects.requireNonNull(role, "role");
        SimulatedOwner owner = owners.get(role);
        if (owner == null) {
            throw new IllegalArgumentException("the simulated squad has no role " + role + "; it has "
                    + owners.keySet());
        }
        return owner;
    }

    public Validator verification() {
        return verification;
    }

    public Validator judge() {
        return judge;
    }

    public Validator qa() {
        return qa;
    }

    public Debugger debugger() {
        return debugger;
    }

    /** The seed's pipeline over this squad's validators: {@code Pipeline.defaults(verification, judge, qa)}. */
    public Pipeline pipeline() {
        return Pipeline.defaults(verification, judge, qa);
    }

    /**
     * Registers the six owners, the pipeline and the debugger on an engine builder.
     *
     * @param concurrency owner calls each role may run at once; a role left out gets
     *                    {@value #DEFAULT_POOL_SIZE}
     * @return the builder
     * @throws IllegalArgumentException when {@code concurrency} names a role the squad does not have
     *                                  or a pool size the builder refuses
     */
    public OrquestraBuilder configure(OrquestraBuilder builder, Map<Role, Integer> concurrency) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(concurrency, "concurrency");
        for (Role role : concurrency.keySet()) {
            if (!owners.containsKey(role)) {
                throw new IllegalArgumentException("concurrency names role " + role + ", which the simulated squad "
                        + "does not have; it has " + owners.keySet());
            }
        }
        for (Map.Entry<Role, SimulatedOwner> e : owners.entrySet()) {
            Integer size = concurrency.get(e.getKey());
            builder.owners(e.getKey(), e.getValue(), size == null ? DEFAULT_POOL_SIZE : size);
        }
        return builder.pipeline(pipeline()).debugger(debugger);
    }

    @Override
    public String toString() {
        return "Squad[" + dataDir + ", seed " + settings.seed() + "]";
    }
}
