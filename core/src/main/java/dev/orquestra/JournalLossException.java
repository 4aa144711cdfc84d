package dev.orquestra;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The store holds less than it did: its journal ends before the high-water mark the engine keeps beside
 * it (the file was truncated, or the database restored from an older copy). Running on it would run
 * cards again whose approval was lost, calling and paying their agents again, so the engine refuses to
 * start; {@link OrquestraBuilder#acceptJournalLoss(boolean)} runs on what remains.
 */
public final class JournalLossException extends IllegalStateException {

    private final long journalOffset;
    private final int journalApproved;
    private final long markOffset;
    private final int markApproved;

    public JournalLossException(Path mark, long journalOffset, int journalApproved, long markOffset, int markApproved,
                                Instant markWrittenAt) {
        super("the store's journal ends at offset " + journalOffset + " with " + journalApproved
                + " cards approved, but its high-water mark " + mark + " (written " + markWrittenAt + ") says offset "
                + markOffset + " with " + markApproved + " approved: events were lost (the store was truncated or "
                + "restored from an older copy). Nothing was started; to run on what remains, accept the loss.");
        this.journalOffset = journalOffset;
        this.journalApproved = journalApproved;
        this.markOffset = markOffset;
        this.markApproved = markApproved;
    }

    /** Where the store's journal ends now. */
    public long journalOffset() {
        return journalOffset;
    }

    /** Cards the store's journal holds as approved now. */
    public int journalApproved() {
        return journalApproved;
    }

    /** Where the journal had got, by the mark. */
    public long markOffset() {
        return markOffset;
    }

    /** Cards approved, by the mark. */
    public int markApproved() {
        return markApproved;
    }
}
