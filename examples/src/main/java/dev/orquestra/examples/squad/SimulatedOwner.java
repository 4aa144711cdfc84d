package dev.orquestra.examples.squad;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Role;
import dev.orquestra.Usage;
import dev.orquestra.examples.squad.Drafts.Draft;
import dev.orquestra.examples.squad.Placeholders.Flag;
import dev.orquestra.examples.squad.SquadSettings.Trouble;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import dev.orquestra.testkit.Dice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A simulated owner agent of one standard role: after a simulated latency it writes real artifact
 * files under {@code <dataDir>/app-artefacts/} in the seed's layout, or fails the way that role's
 * tools fail, and reports usage priced from the settings' price table.
 *
 * <p>Every decision comes from {@link Dice} with {@code (seed, card, attempt, "owner")}: whether the
 * call fails, whether it leaves a placeholder that verification will catch, how long it takes, how
 * many tokens it uses. So a call made again with the same idempotency key (a retry, or a re-dispatch
 * after a crash) does exactly the same again: it fails again, or rewrites the same bytes. Files are
 * replaced atomically (a temporary file, then a move), so a reader never sees half a file.
 *
 * <p>Never blocks the caller: the work runs on the given scheduler when the latency has passed, and
 * the call completes early with a failure when its cancellation signal fires.
 */
public final class SimulatedOwner implements Agent {

    /** The stage name in the dice of an owner's call, as in the engine's idempotency keys. */
    public static final String STAGE = "owner";

    /** The share of its output a failing call consumes before it fails. */
    private static final double FAILED_OUTPUT_SHARE = 0.2;
    /** How much an owner's input grows on each correction: the earlier work and the reasons travel with it. */
    private static final double CORRECTION_INPUT_GROWTH = 0.25;

    private final Role role;
    private final SquadSettings settings;
    private final Path dataDir;
    private final ScheduledExecutorService scheduler;

    /**
     * @param role      one of {@link Role#standard()}
     * @param dataDir   where {@code app-artefacts/} is written
     * @param scheduler runs the simulated work when its latency has passed; the caller owns it
     */
    public SimulatedOwner(Role role, SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        Objects.requireNonNull(role, "role");
        if (!Role.standard().contains(role)) {
            throw new IllegalArgumentException("the simulated squad has no role " + role + "; it has "
                    + Role.standard());
        }
        this.role = role;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    public Role role() {
        return role;
    }

    @Override
    public CompletionStage<WorkResult> perform(WorkOrder order) {
        Objects.requireNonNull(order, "order");
        Plan plan = plan(order);
        return SimulatedCall.after(scheduler, plan.latency(), order.cancellation(), () -> execute(plan),
                reason -> WorkResult.failed(role + " owner stopped: " + reason, plan.failedUsage()));
    }

    /**
     * What this owner will do for a work order, decided without side effects: a pure function of
     * the settings and the order.
     */
    Plan plan(WorkOrder order) {
        CardSpec card = order.card();
        if (!card.owner().equals(role)) {
            throw new IllegalArgumentException("card " + card.id() + " is owned by " + card.owner() + ", not by "
                    + role);
        }
        String id = card.id().value();
        int attempt = order.attempt();
        Guidance guidance = Guidance.of(order);
        Dice dice = Dice.of(settings.seed(), id, attempt, STAGE);
        Dice cardDice = Dice.of(settings.seed(), id, 0, STAGE);

        Duration latency = settings.ownerLatency().sample(dice.roll("latency"));
        SquadSettings.TokenRange range = settings.tokens(role);
        long input = Math.round(range.input(dice) * (1 + CORRECTION_INPUT_GROWTH * (attempt - 1)));
        long output = range.output(dice);
        SquadSettings.ModelPrice price = settings.price(role);
        Usage usage = price.usage(input, output);
        Usage failedUsage = price.usage(input, Math.round(output * FAILED_OUTPUT_SHARE));

        double failureOdds = settings.odds(Trouble.OWNER_FAILURE, role, id, attempt, guidance.diagnosed(),
                guidance.clarified());
        if (dice.roll("failure").chance(failureOdds)) {
            // The same error on every attempt of the card: a weak spot, as real builds have.
            String error = cardDice.roll("error").pick(Findings.ownerErrors(role));
            return new Plan(latency, List.of(), error, usage, failedUsage);
        }
        List<Draft> drafts = new ArrayList<>(Drafts.of(card, attempt, Dice.of(settings.seed(), id, 0, "content")));
        double placeholderOdds = settings.odds(Trouble.PLACEHOLDER, role, id, attempt, guidance.diagnosed(),
                guidance.clarified());
        if (dice.roll("placeholder").chance(placeholderOdds)) {
            // Where and which placeholder is the card's own: the gap comes back in the same place.
            Dice where = cardDice.roll("placeholder-spot");
            int file = where.between(0, drafts.size() - 1);
            Flag flag = where.pick(List.of(Flag.values()));
            drafts.set(file, Drafts.withPlaceholder(drafts.get(file), flag, where.uniform()));
        }
        drafts.set(0, Drafts.withNotes(drafts.get(0), order));
        return new Plan(latency, drafts, null, usage, failedUsage);
    }

    private WorkResult execute(Plan plan) {
        if (plan.error() != null) {
            return WorkResult.failed(plan.error(), plan.failedUsage());
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (Draft draft : plan.drafts()) {
            byte[] bytes = draft.content().getBytes(StandardCharsets.UTF_8);
            Path file = dataDir.resolve(draft.location());
            try {
                writeAtomically(file, bytes);
            } catch (IOException e) {
                return WorkResult.failed("cannot write " + draft.location() + ": " + e, plan.failedUsage());
            }
            artifacts.add(new Artifact(draft.type(), draft.location(), sha256(bytes)));
        }
        return WorkResult.succeeded(artifacts, plan.usage());
    }

    /** Writes a temporary file next to the target and moves it over the target in one step. */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code sha256:} and the hex SHA-256 of the bytes. */
    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "SimulatedOwner[" + role + "]";
    }

    /**
     * What a call will do.
     *
     * @param latency     how long it takes
     * @param drafts      the files to write (empty when the call fails)
     * @param error       why the call fails, or null
     * @param usage       what a successful call reports
     * @param failedUsage what a failing or cancelled call reports
     */
    record Plan(Duration latency, List<Draft> drafts, String error, Usage usage, Usage failedUsage) {
    }
}
