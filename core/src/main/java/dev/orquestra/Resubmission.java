package dev.orquestra;

/**
 * What {@link Orquestra#submit(Backlog, Resubmission)} does when the store already holds a backlog — on a
 * second run over the same store, say, or when the backlog file was edited between runs. In every mode a
 * backlog that holds exactly the stored cards (same ids, same specs, same project) resumes the stored
 * run: nothing is added and nothing is refused. Metadata and extra top-level fields are not compared.
 */
public enum Resubmission {

    /**
     * Anything but the stored backlog is refused, with every difference: a changed project, stored cards
     * it lacks, cards it adds, cards specified differently. The default of {@link Orquestra#submit(Backlog)}.
     */
    SAME_ONLY,

    /**
     * The cards the stored backlog does not hold are added (they may depend on the stored cards); every
     * stored card must still be in it, specified the same, and the project must be the same — anything else
     * is refused as in {@link #SAME_ONLY}.
     */
    ADD_NEW_CARDS
}
