package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.Snapshot;
import picocli.CommandLine.Command;

import java.util.Comparator;
import java.util.Optional;

/**
 * {@code backupkit resume}: continues the newest unfinished snapshot (PlexBackup's "Continue"); units already
 * written and still matching the source are kept. Same options and output as {@code backup}. Without
 * {@code --archiver} it continues with the archiver the snapshot was started with, whatever the profile or
 * configuration file says; with one, a snapshot started with another is refused.
 *
 * <pre>{@code
 * $ backupkit resume --source /srv/plex --dest /mnt/nas/backups/plex
 * Snapshot 20261122T035800Z written: 3000 files, 12345678 bytes, 6 units (4 reused) in 0.80s
 * }</pre>
 */
@Command(name = "resume", description = "Continue the newest unfinished snapshot, with the archiver it was started "
        + "with unless --archiver is given.")
final class ResumeCommand extends SnapshotWriteCommand {

    @Override
    BackupResult run(BackupPlan plan) {
        if (options.archiver == null) {
            Optional<Snapshot> unfinished = plan.snapshots().stream().filter(s -> !s.complete())
                    .max(Comparator.comparing(Snapshot::id));
            if (unfinished.isPresent() && unfinished.get().archiver() != null
                    && !unfinished.get().archiver().equals(plan.archiver().id())) {
                if (!common.quiet) {
                    err().println("resuming snapshot " + unfinished.get().id() + " with archiver '"
                            + unfinished.get().archiver() + "', the one it was started with");
                }
                return plan.toBuilder().archiver(unfinished.get().archiver()).build().resume();
            }
        }
        return plan.resume();
    }
}
