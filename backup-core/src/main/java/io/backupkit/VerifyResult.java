package io.backupkit;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of {@link BackupPlan#verify(String)}: every archive re-read and every file's hash checked.
 *
 * <pre>{@code
 * VerifyResult v = plan.verify(plan.snapshots().get(0).id());
 * if (!v.ok()) {
 *     v.problems().forEach(System.err::println);
 * }
 * }</pre>
 *
 * @param snapshotId the snapshot verified
 * @param units number of units checked
 * @param files number of files whose content was hashed
 * @param bytes bytes of file content hashed
 * @param duration wall time of the check
 * @param problems every problem found; empty when the snapshot is sound
 */
public record VerifyResult(String snapshotId, int units, long files, long bytes, Duration duration,
                           List<VerifyProblem> problems) {

    /** Copies the list. */
    public VerifyResult {
        problems = List.copyOf(problems);
    }

    /**
     * @return {@code true} when no problem was found
     */
    public boolean ok() {
        return problems.isEmpty();
    }
}
