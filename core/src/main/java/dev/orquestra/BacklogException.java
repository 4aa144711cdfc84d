package dev.orquestra;

import java.util.List;

/**
 * A backlog was refused. It lists every problem found, not just the first: the message has the
 * count and then one problem per line, and {@link #problems()} has them as data.
 */
public final class BacklogException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final BacklogProblem[] problems;

    /**
     * @throws IllegalArgumentException when {@code problems} is empty: a refusal always says why
     */
    public BacklogException(List<BacklogProblem> problems) {
        super(message(problems));
        this.problems = problems.toArray(new BacklogProblem[0]);
    }

    /** Every problem found, in the order found. Never empty. */
    public List<BacklogProblem> problems() {
        return List.of(problems);
    }

    private static String message(List<BacklogProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a BacklogException needs at least one problem");
        }
        StringBuilder text = new StringBuilder("backlog refused: ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (BacklogProblem p : problems) {
            text.append("\n  ").append(p);
        }
        return text.toString();
    }
}
