package io.backupkit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a run did, successful or not, as handed to a {@link io.backupkit.spi.Notifier}: made after every backup,
 * resume, restore, verify and prune, also for a run that failed before it started its real work (a bad source, a
 * held lock, a service that would not stop).
 *
 * <pre>{@code
 * Notifier printer = new Notifier() {
 *     public String id() { return "stdout"; }
 *     public void send(Notification n) { System.out.println(n.report().summary()); }
 * };
 * }</pre>
 *
 * @param operation what the run did
 * @param outcome whether it succeeded
 * @param snapshotId the snapshot written or read, or {@code null} when the run failed before choosing one
 * @param started when the run started
 * @param finished when the run ended
 * @param files files backed up, restored or verified
 * @param bytes bytes of file content backed up, restored or verified
 * @param units units in the snapshot; for a prune, the snapshots removed
 * @param unitsReused units reused unchanged from an earlier snapshot (or kept from an interrupted run)
 * @param warnings warnings of the run
 * @param errors why the run failed (the failure's message, then its causes); empty on success
 * @param appVersion the application version recorded or checked, or {@code null}
 * @param host the host the run ran on
 * @param log the run's log file, or {@code null} when it has none (a dry run)
 * @param errorLog the run's error-only log (warnings and errors), or {@code null} when it has none
 * @param dryRun {@code true} for a dry run
 */
public record RunReport(Operation operation, Outcome outcome, String snapshotId, Instant started, Instant finished,
                        long files, long bytes, int units, int unitsReused, List<String> warnings,
                        List<String> errors, String appVersion, String host, Path log, Path errorLog,
                        boolean dryRun) {

    /** How a run ended. */
    public enum Outcome {
        /** The run did what it was asked. */
        SUCCEEDED,
        /** The run failed; {@link RunReport#errors()} says why. */
        FAILED
    }

    /** Copies the lists. */
    public RunReport {
        warnings = List.copyOf(warnings);
        errors = List.copyOf(errors);
    }

    /**
     * @return {@code true} when the run succeeded
     */
    public boolean success() {
        return outcome == Outcome.SUCCEEDED;
    }

    /**
     * @return how long the run took
     */
    public Duration duration() {
        return Duration.between(started, finished);
    }

    /**
     * @return one line for a subject or a phone notification, e.g. {@code "BackupKit backup of snapshot
     *         20261122T035800Z on media-server succeeded: 3000 files, 12.3 MB in 41 s"}
     */
    public String summary() {
        String what = "BackupKit " + operation.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (dryRun ? " (dry run)" : "") + (snapshotId == null ? "" : " of snapshot " + snapshotId)
                + (host == null ? "" : " on " + host);
        if (!success()) {
            return what + " FAILED: " + (errors.isEmpty() ? "unknown error" : errors.get(0));
        }
        return what + " succeeded: " + files + " files, " + String.format(java.util.Locale.ROOT, "%.1f MB",
                bytes / 1e6) + " in " + duration().toSeconds() + " s"
                + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warnings");
    }
}
