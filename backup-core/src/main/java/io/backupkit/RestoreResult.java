package io.backupkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a restore did.
 *
 * <pre>{@code
 * RestoreResult r = plan.restore(RestoreRequest.latest().target(Path.of("/tmp/restored")));
 * System.out.println(r.files() + " files restored into " + r.target());
 * }</pre>
 *
 * @param snapshotId the snapshot restored
 * @param target the folder restored into
 * @param files number of regular files restored
 * @param directories number of directories restored
 * @param links number of symbolic links restored
 * @param bytes total size of the restored files
 * @param kept number of paths in the target that the backup excluded and the restore left in place
 * @param duration wall time of the run
 * @param warnings things that did not fail the run but deserve a look
 * @param dryRun {@code true} when the target was not touched: the snapshot was verified and the counts say what a
 *        real run would restore
 * @param steps for a dry run, each step a real run would take, in order (version check, services stopped and
 *        started, hooks, the swap); empty for a real run, whose steps are in its log
 */
public record RestoreResult(String snapshotId, Path target, long files, long directories, long links, long bytes,
                            long kept, Duration duration, List<String> warnings, boolean dryRun, List<String> steps) {

    /** Copies the list. */
    public RestoreResult {
        warnings = List.copyOf(warnings);
        steps = List.copyOf(steps);
    }
}
