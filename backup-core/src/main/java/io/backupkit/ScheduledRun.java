package io.backupkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one scheduled backup did: when it was due, when it started and ended, and how it ended. Sent to
 * {@link BackupScheduler#onRun} and kept in {@link ScheduledBackup#runs()}.
 *
 * <pre>{@code
 * BackupScheduler.daily(plan, LocalTime.of(0, 5))
 *     .onRun(run -> {
 *         switch (run.outcome()) {
 *             case SUCCEEDED -> log.info("snapshot {}", run.result().snapshotId());
 *             case FAILED -> log.error("backup failed: {}", run.error());
 *             case SKIPPED -> log.warn("backup skipped: {}", run.reason());
 *         }
 *     })
 *     .start(executor);
 * }</pre>
 *
 * @param scheduled when the run was due
 * @param started when it started (for a skipped run: when it was skipped)
 * @param finished when it ended (for a skipped run: equal to {@code started})
 * @param outcome how it ended
 * @param result what the backup wrote, when it {@link Outcome#SUCCEEDED}; otherwise {@code null}
 * @param error the failure's message, when it {@link Outcome#FAILED}; otherwise {@code null}
 * @param reason why it did not run, when it was {@link Outcome#SKIPPED} (names the run holding the destination);
 *        otherwise {@code null}
 */
public record ScheduledRun(Instant scheduled, Instant started, Instant finished, Outcome outcome,
                           BackupResult result, String error, String reason) {

    /** How a scheduled run ended. */
    public enum Outcome {
        /** The backup wrote a snapshot. */
        SUCCEEDED,
        /** The backup failed; the schedule goes on. */
        FAILED,
        /** The backup did not start: another run (of this schedule or another process) held the destination. */
        SKIPPED
    }

    /**
     * Checks that the fields fit the outcome.
     *
     * @throws NullPointerException if a time or the outcome is null, or the field the outcome calls for is null
     */
    public ScheduledRun {
        Objects.requireNonNull(scheduled, "scheduled");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(outcome, "outcome");
        switch (outcome) {
            case SUCCEEDED -> Objects.requireNonNull(result, "result of a run that succeeded");
            case FAILED -> Objects.requireNonNull(error, "error of a run that failed");
            case SKIPPED -> Objects.requireNonNull(reason, "reason of a run that was skipped");
            default -> throw new IllegalStateException("unknown outcome " + outcome);
        }
    }

    /**
     * @param scheduled when the run was due
     * @param started when it started
     * @param finished when it ended
     * @param result what it wrote
     * @return a run that succeeded
     */
    public static ScheduledRun succeeded(Instant scheduled, Instant started, Instant finished, BackupResult result) {
        return new ScheduledRun(scheduled, started, finished, Outcome.SUCCEEDED, result, null, null);
    }

    /**
     * @param scheduled when the run was due
     * @param started when it started
     * @param finished when it ended
     * @param error what went wrong
     * @return a run that failed
     */
    public static ScheduledRun failed(Instant scheduled, Instant started, Instant finished, String error) {
        return new ScheduledRun(scheduled, started, finished, Outcome.FAILED, null, error, null);
    }

    /**
     * @param scheduled when the run was due
     * @param at when it was skipped
     * @param reason why, naming the run that held the destination
     * @return a run that was skipped
     */
    public static ScheduledRun skipped(Instant scheduled, Instant at, String reason) {
        return new ScheduledRun(scheduled, at, at, Outcome.SKIPPED, null, null, reason);
    }

    /**
     * @return how long the run took ({@link Duration#ZERO} when skipped)
     */
    public Duration duration() {
        return Duration.between(started, finished);
    }
}
