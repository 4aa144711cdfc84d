package dev.orquestra.examples.squad;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Usage;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated verification stage: checks real evidence on disk. Every artifact must be a file
 * under the data directory that exists, is not empty, still has the content hash it was submitted
 * with, names its card, and holds no placeholder text ({@code TODO}, {@code TBD}, {@code FIXME},
 * {@code lorem ipsum}). Each problem is one precise reason, such as
 * {@code engenharia/backend/BE-001/Handler.java: placeholder text 'TODO' at line 12}.
 *
 * <p>Its verdict depends only on the files, and its latency and usage on
 * {@code (seed, card, attempt, "verification")}, so it judges the same work the same way every time.
 * Usage is small: a cheap model reads the files.
 */
public final class SimulatedVerification extends SimulatedCheck {

    /** The name of this check, in its verdicts and its dice. */
    public static final String STAGE = SquadSettings.VERIFICATION;

    /**
     * @param dataDir   the data directory the owners write {@code app-artefacts/} into
     * @param scheduler runs the check when its latency has passed; the caller owns it
     */
    public SimulatedVerification(SquadSettings settings, Path dataDir, ScheduledExecutorService scheduler) {
        super(STAGE, settings, dataDir, scheduler);
    }

    @Override
    Verdict judge(Submission submission, Usage usage) {
        return verdict(submission.card(), submission.artifacts(), usage);
    }

    private Verdict verdict(CardSpec card, List<Artifact> artifacts, Usage usage) {
        List<String> problems = problems(card, artifacts);
        if (problems.isEmpty()) {
            return Verdict.pass(STAGE).withUsage(usage);
        }
        Map<String, String> feedback = new LinkedHashMap<>();
        for (String p : problems) {
            if (p.contains("placeholder text")) {
                feedback.put("placeholders", "Replace every placeholder with the real content before submitting.");
            } else if (p.contains("does not mention card")) {
                feedback.put("traceability", "Name the card id in the header of every file.");
            } else {
                feedback.put("evidence", "Submit only files that exist under the data directory, with content.");
            }
        }
        return new Verdict(STAGE, false, null, problems, feedback, usage);
    }

    /** Every problem with the evidence of a card's artifacts, in artifact order; empty when all is well. */
    List<String> problems(CardSpec card, List<Artifact> artifacts) {
        List<String> problems = new ArrayList<>();
        if (artifacts.isEmpty()) {
            problems.add("no artifacts were submitted");
            return problems;
        }
        String id = card.id().value();
        for (Artifact artifact : artifacts) {
            String shown = shown(artifact.location());
            Path file;
            try {
                file = dataDir.resolve(artifact.location()).normalize();
            } catch (InvalidPathException e) {
                problems.add(shown + ": not a valid path");
                continue;
            }
            if (!file.startsWith(dataDir)) {
                problems.add(shown + ": outside the data directory");
                continue;
            }
            if (!Files.exists(file)) {
                problems.add(shown + ": file does not exist");
                continue;
            }
            if (!Files.isRegularFile(file)) {
                problems.add(shown + ": not a regular file");
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                problems.add(shown + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                continue;
            }
            if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                problems.add(shown + ": file is empty");
                continue;
            }
            if (artifact.contentHash() != null && artifact.contentHash().startsWith("sha256:")
                    && !artifact.contentHash().equals(SimulatedOwner.sha256(bytes))) {
                problems.add(shown + ": content differs from the submitted " + abbreviated(artifact.contentHash()));
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                problems.add(shown + ": not UTF-8 text");
                continue;
            }
            if (!text.contains(id)) {
                problems.add(shown + ": does not mention card " + id);
            }
            for (Placeholders.Finding f : Placeholders.find(text)) {
                problems.add(shown + ": placeholder text '" + f.flag().text() + "' at line " + f.line());
            }
        }
        return problems;
    }

    /** The location as reasons show it: relative to {@code app-artefacts/} when it is under it. */
    private static String shown(String location) {
        String prefix = Drafts.ROOT + "/";
        return location.startsWith(prefix) ? location.substring(prefix.length()) : location;
    }

    private static String abbreviated(String hash) {
        return hash.length() > 19 ? hash.substring(0, 19) + "…" : hash;
    }

    @Override
    public String toString() {
        return "SimulatedVerification[" + dataDir + "]";
    }
}
