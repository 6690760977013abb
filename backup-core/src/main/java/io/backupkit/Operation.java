package io.backupkit;

/**
 * The kinds of run a plan performs, as reported in events and run reports.
 *
 * <pre>{@code
 * plan.toBuilder().listener(e -> {
 *     if (e instanceof ProgressEvent.RunStarted s && s.operation() == Operation.RESTORE) { ... }
 * });
 * }</pre>
 */
public enum Operation {
    /** A new snapshot. */
    BACKUP,
    /** Continuing an unfinished snapshot. */
    RESUME,
    /** Restoring a snapshot into a target folder. */
    RESTORE,
    /** Re-reading a snapshot and checking every hash. */
    VERIFY,
    /** Removing snapshots that the retention policy does not keep. */
    PRUNE
}
