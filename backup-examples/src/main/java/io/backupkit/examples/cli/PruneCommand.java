package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.RetentionReport;
import io.backupkit.spi.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code backupkit prune}: applies a retention policy now, outside a backup, under the destination's lock. The newest
 * complete snapshot and pinned snapshots are always kept; unfinished ones are never touched. Prints one line per
 * snapshot removed (or, with {@code --dry-run}, that would be), then a summary; {@code --json} prints the report
 * with the fields {@code policy, now, kept, removed (snapshot, reason), warnings, dryRun}.
 *
 * <pre>{@code
 * $ backupkit prune --dest /mnt/nas/backups/plex --keep-daily 7 --keep-weekly 4 --dry-run
 * would remove 20261101T035800Z (not kept by gfs(daily=7, weekly=4); not pinned, not the newest)
 * Dry run: 1 snapshot would be removed, 11 kept (gfs(daily=7, weekly=4))
 * }</pre>
 */
@Command(name = "prune", description = "Remove the snapshots a retention policy does not keep (newest and pinned "
        + "ones are always kept).")
final class PruneCommand extends CliCommand {

    @Option(names = "--dest", required = true, paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots, or s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @Option(names = "--dry-run", description = "Only report what would be removed; delete nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        RetentionPolicy policy = retention.policy().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "prune needs a policy: at least one of --keep, --keep-daily, --keep-weekly, --keep-monthly, "
                        + "--keep-yearly, --keep-within, --max-total-size"));
        if (!RemoteOptions.isRemote(dest) && !Files.exists(Path.of(dest))) {
            throw new BackupException("Destination " + dest + " does not exist");
        }
        BackupPlan.Builder b = BackupPlan.builder().retention(policy).dryRun(dryRun);
        remote.apply(b, dest, spec);
        BackupPlan plan = b.build();
        RetentionReport r = plan.prune();
        if (common.json) {
            printJson(r);
        } else {
            for (RetentionReport.Removed x : r.removed()) {
                out().println((r.dryRun() ? "would remove " : "removed ") + x.snapshot().id() + " (" + x.reason()
                        + ")");
            }
            int n = r.removed().size();
            String snapshots = n + (n == 1 ? " snapshot" : " snapshots");
            out().println(r.dryRun()
                    ? "Dry run: " + snapshots + " would be removed, " + r.kept().size() + " kept (" + r.policy() + ")"
                    : "Removed " + snapshots + ", kept " + r.kept().size() + " (" + r.policy() + ")");
        }
        printWarnings(r.warnings());
        return BackupKitCli.EXIT_OK;
    }
}
