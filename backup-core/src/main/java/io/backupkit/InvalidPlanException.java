package io.backupkit;

import java.util.List;

/**
 * A {@link BackupPlan} (or a value given to its builder) is invalid. {@link #problems()} lists every problem found,
 * not just the first, so a user can fix them all at once.
 *
 * <pre>{@code
 * try {
 *     BackupPlan.builder().build();
 * } catch (InvalidPlanException e) {
 *     e.problems().forEach(System.err::println);
 * }
 * }</pre>
 */
public class InvalidPlanException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems every problem found; at least one
     */
    public InvalidPlanException(List<String> problems) {
        super(problems.size() == 1
                ? "Invalid backup plan: " + problems.get(0)
                : "Invalid backup plan (" + problems.size() + " problems): " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * @return every problem found, in the order they were checked
     */
    public List<String> problems() {
        return problems;
    }
}
