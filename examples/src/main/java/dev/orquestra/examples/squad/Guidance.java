package dev.orquestra.examples.squad;

import dev.orquestra.Artifact;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.spi.WorkOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an attempt was given beyond the card that makes trouble less likely: the debugger's diagnosis
 * and a reviewer's clarification. Owners read it from their work order; validators, which only see
 * the artifacts, read it from the correction notes the owner wrote into them, so both sides agree
 * without sharing any memory.
 */
record Guidance(boolean diagnosed, boolean clarified) {

    static final Guidance NONE = new Guidance(false, false);

    /** The guidance of a work order: any correction so far carried a diagnosis, or a reviewer's context. */
    static Guidance of(WorkOrder order) {
        boolean diagnosed = false;
        boolean clarified = false;
        for (CorrectionRecord c : order.corrections()) {
            diagnosed |= c.diagnosis() != null;
            clarified |= c.context() != null && !c.context().isBlank();
        }
        return new Guidance(diagnosed, clarified);
    }

    /** The guidance the owner recorded in its artifacts' correction notes; unreadable files count as none. */
    static Guidance inArtifacts(Path dataDir, List<Artifact> artifacts) {
        boolean diagnosed = false;
        boolean clarified = false;
        for (Artifact a : artifacts) {
            Path file = dataDir.resolve(a.location()).normalize();
            if (!file.startsWith(dataDir.normalize()) || !Files.isRegularFile(file)) {
                continue;
            }
            try {
                String text = Files.readString(file);
                diagnosed |= text.contains(Drafts.ROOT_CAUSE_MARKER);
                clarified |= text.contains(Drafts.CONTEXT_MARKER);
            } catch (IOException e) {
                // verification reports unreadable files; here they simply carry no guidance
            }
        }
        return new Guidance(diagnosed, clarified);
    }
}
