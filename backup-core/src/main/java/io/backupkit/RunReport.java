package io.backupkit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a run did, successful or not, as handed to a {@link io.backupkit.spi.Notifier}.
 *
 * <pre>{@code
 * Notifier printer = new Notifier() {
 *     public String id() { return "stdout"; }
 *     public void send(RunReport report) { System.out.println(report.operation() + " " + report.success()); }
 * };
 * }</pre>
 *
 * @param operation what the run did
 * @param success whether it succeeded
 * @param snapshotId the snapshot written or read, or {@code null} when the run failed before choosing one
 * @param started when the run started
 * @param finished when the run ended
 * @param files files processed
 * @param bytes bytes of file content processed
 * @param warnings warnings of the run
 * @param error the failure's message, or {@code null} on success
 */
public record RunReport(Operation operation, boolean success, String snapshotId, Instant started, Instant finished,
                        long files, long bytes, List<String> warnings, String error) {

    /** Copies the list. */
    public RunReport {
        warnings = List.copyOf(warnings);
    }

    /**
     * @return how long the run took
     */
    public Duration duration() {
        return Duration.between(started, finished);
    }
}
