package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import picocli.CommandLine.Command;

/**
 * {@code backupkit resume}: continues the newest unfinished snapshot (PlexBackup's "Continue"); units already
 * written and still matching the source are kept. Same options and output as {@code backup}.
 *
 * <pre>{@code
 * $ backupkit resume --source /srv/plex --dest /mnt/nas/backups/plex
 * Snapshot 20261122T035800Z written: 3000 files, 12345678 bytes, 6 units (4 reused) in 0.80s
 * }</pre>
 */
@Command(name = "resume", description = "Continue the newest unfinished snapshot.")
final class ResumeCommand extends SnapshotWriteCommand {

    @Override
    BackupResult run(BackupPlan plan) {
        return plan.resume();
    }
}
