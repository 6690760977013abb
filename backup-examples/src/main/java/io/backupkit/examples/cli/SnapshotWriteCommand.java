package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.spi.RetentionPolicy;
import picocli.CommandLine.Mixin;

/**
 * What {@code backup} and {@code resume} share: the options, the progress bar and the output. Prints one line, then
 * each warning on standard error:
 *
 * <pre>{@code
 * $ backupkit backup --source "/var/lib/plexmediaserver/Library/Application Support/Plex Media Server" \
 *       --dest /mnt/nas/backups/plex --exclude "Logs/**" --exclude "Cache/**" --keep 7
 * Snapshot 20261122T035800Z written: 3000 files, 12345678 bytes, 6 units (0 reused) in 2.31s
 * }</pre>
 */
abstract class SnapshotWriteCommand extends CliCommand {

    @Mixin
    BackupOptions options = new BackupOptions();

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    /**
     * @param plan the plan to run
     * @return what was written
     */
    abstract BackupResult run(BackupPlan plan);

    @Override
    public Integer call() {
        BackupResult r;
        RetentionPolicy policy = retention.policy().orElse(null);
        try (ProgressDisplay progress = progress()) {
            r = run(options.plan(progress, policy));
        }
        if (common.json) {
            printJson(r);
        } else if (r.dryRun()) {
            out().println("Dry run: snapshot " + r.snapshotId() + " would hold " + r.files() + " files, " + r.bytes()
                    + " bytes, " + r.units() + " units" + (r.pruned().isEmpty() ? ""
                    : "; retention would remove " + String.join(", ", r.pruned())));
            r.steps().forEach(step -> out().println("  would " + step));
        } else {
            out().println("Snapshot " + r.snapshotId() + " written: " + r.files() + " files, " + r.bytes()
                    + " bytes, " + r.units() + " units (" + r.unitsReused() + " reused) in " + seconds(r.duration())
                    + "s");
            if (!common.quiet) {
                for (String id : r.pruned()) {
                    err().println("removed snapshot " + id + " (retention: " + policy + ")");
                }
            }
        }
        printWarnings(r.warnings());
        return BackupKitCli.EXIT_OK;
    }
}
