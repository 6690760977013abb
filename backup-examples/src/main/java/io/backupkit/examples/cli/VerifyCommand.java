package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.CorruptSnapshotException;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


/**
 * {@code backupkit verify}: re-reads every archive of a snapshot (the newest complete one by default) and checks every
 * hash. Exits 0 when sound; otherwise prints each problem on standard output, one line on standard error, and exits 1.
 *
 * <pre>{@code
 * $ backupkit verify --dest /mnt/nas/backups/plex
 * Snapshot 20261122T035800Z is sound: 3000 files, 12345678 bytes checked
 * }</pre>
 */
@Command(name = "verify", description = "Check every archive and file hash of a snapshot (default: the newest).")
final class VerifyCommand extends CliCommand {

    @Option(names = "--dest", required = true, paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots, or s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id (default: the newest complete one).")
    String snapshot;

    @Override
    public Integer call() {
        VerifyResult r;
        try (ProgressDisplay progress = progress()) {
            BackupPlan plan = ReadOnlyPlans.of(dest, remote, spec, progress);
            String id = snapshot != null ? snapshot : plan.snapshots().stream()
                    .filter(Snapshot::complete)
                    .map(Snapshot::id)
                    .findFirst()
                    .orElseThrow(() -> new SnapshotNotFoundException("No complete snapshot in " + dest));
            r = plan.verify(id);
        }
        if (common.json) {
            printJson(r);
        } else if (r.ok()) {
            out().println("Snapshot " + r.snapshotId() + " is sound: " + r.files() + " files, " + r.bytes()
                    + " bytes checked");
        } else {
            for (VerifyProblem p : r.problems()) {
                out().println(ErrorHandler.oneLine(p.toString()));
            }
        }
        if (!r.ok()) {
            err().println(ErrorHandler.PREFIX + ErrorHandler.oneLine(new CorruptSnapshotException(r).getMessage()));
            return BackupKitCli.EXIT_FAILED;
        }
        return BackupKitCli.EXIT_OK;
    }
}
