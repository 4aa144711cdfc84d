package dev.orquestra.examples;

/**
 * Ends a command with a message for the user and an exit code, without a stack trace: bad input
 * ({@link OrquestraExample#BAD_INPUT}) or a failure the user can act on ({@link OrquestraExample#FAILURE}).
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The input is wrong (exit 2): a missing file, a different backlog, a card not awaiting review. */
    static CommandFailure badInput(String message) {
        return new CommandFailure(OrquestraExample.BAD_INPUT, message, null);
    }

    /** The command could not do its work (exit 1): the store is in use, a file cannot be written. */
    static CommandFailure failure(String message, Throwable cause) {
        return new CommandFailure(OrquestraExample.FAILURE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
