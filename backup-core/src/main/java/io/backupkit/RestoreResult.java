package io.backupkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a restore did.
 *
 * <pre>{@code
 * RestoreResult r = plan.restore(RestoreRequest.latest().target(Path.of("/tmp/restored")));
 * System.out.println(r.files() + " files restored into " + r.target());
 * r.notes();                     // what the restore steps did, e.g. [kept the target's data/device.txt ...]
 * r.missing().get("plugins");    // what the snapshot had installed and the target lacks: install it again
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
 * @param notes what the {@link RestoreStep}s reported with {@link RestoreStep.Staged#note(String)}, in order (what
 *        was kept or removed, say); empty for a dry run, which runs no step
 * @param inventory the snapshot's inventories ({@link BackupPlan.Builder#inventory(String, Inventory)}), by name:
 *        as the manifest records them, or for an archive from another tool as the plan's inventories list the
 *        extracted files; empty when there are none (snapshots written before inventories existed)
 * @param missing for each inventory of the snapshot that the plan can also list, the entries the target lacks
 *        after the restore (an empty list: nothing missing); a name the plan cannot list, or whose listing failed
 *        (a warning says so), is absent. Empty for a dry run
 */
public record RestoreResult(String snapshotId, Path target, long files, long directories, long links, long bytes,
                            long kept, Duration duration, List<String> warnings, boolean dryRun, List<String> steps,
                            List<String> notes, Map<String, List<String>> inventory,
                            Map<String, List<String>> missing) {

    /** Copies the lists and maps (keeping the maps' order). */
    public RestoreResult {
        warnings = List.copyOf(warnings);
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
        inventory = copy(inventory);
        missing = copy(missing);
    }

    /**
     * A result without notes and inventories.
     *
     * @param snapshotId the snapshot restored
     * @param target the folder restored into
     * @param files number of regular files restored
     * @param directories number of directories restored
     * @param links number of symbolic links restored
     * @param bytes total size of the restored files
     * @param kept number of excluded paths left in place
     * @param duration wall time of the run
     * @param warnings the warnings
     * @param dryRun whether the target was left untouched
     * @param steps a dry run's steps
     */
    public RestoreResult(String snapshotId, Path target, long files, long directories, long links, long bytes,
                         long kept, Duration duration, List<String> warnings, boolean dryRun, List<String> steps) {
        this(snapshotId, target, files, directories, links, bytes, kept, duration, warnings, dryRun, steps, List.of(),
                Map.of(), Map.of());
    }

    /**
     * @param warnings the warnings to report instead
     * @return a copy with those warnings
     */
    public RestoreResult withWarnings(List<String> warnings) {
        return new RestoreResult(snapshotId, target, files, directories, links, bytes, kept, duration, warnings,
                dryRun, steps, notes, inventory, missing);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }
}
