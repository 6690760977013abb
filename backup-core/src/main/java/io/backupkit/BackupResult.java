package io.backupkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a backup or resume did.
 *
 * <pre>{@code
 * BackupResult r = plan.backup();
 * System.out.printf("%s: %d files, %d bytes in %s%n", r.snapshotId(), r.files(), r.bytes(), r.duration());
 * }</pre>
 *
 * @param snapshotId the id of the snapshot written
 * @param location the snapshot's folder (where it would be, for a dry run)
 * @param units number of units in the snapshot
 * @param unitsReused units kept from an earlier, interrupted run (resume) rather than written again
 * @param files number of regular files backed up
 * @param directories number of directories backed up
 * @param links number of symbolic links backed up
 * @param bytes total size of the files' content
 * @param storedBytes size of the snapshot on the destination (archives and indexes)
 * @param duration wall time of the run
 * @param warnings things that did not fail the run but deserve a look (files that changed while read, ...)
 * @param pruned ids of snapshots removed by the retention policy after this backup
 * @param dryRun {@code true} when nothing was written: the counts say what a real run would do
 * @param steps for a dry run, each step a real run would take, in order (services stopped and started, hooks,
 *        free space, units written or reused, retention); empty for a real run, whose steps are in its log
 */
public record BackupResult(String snapshotId, Path location, int units, int unitsReused, long files,
                           long directories, long links, long bytes, long storedBytes, Duration duration,
                           List<String> warnings, List<String> pruned, boolean dryRun,
                           List<String> steps) {

    /** Copies the lists. */
    public BackupResult {
        warnings = List.copyOf(warnings);
        pruned = List.copyOf(pruned);
        steps = List.copyOf(steps);
    }
}
