package io.backupkit.examples;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.RetentionPolicies;
import io.backupkit.VerifyResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest complete use of BackupKit: back a folder up, verify the snapshot, restore it somewhere else. The
 * README quotes the body of {@link #main(String[])}.
 *
 * <pre>{@code
 * java -cp backupkit.jar io.backupkit.examples.QuickStart "/path/to/Plex Media Server" /mnt/nas/backups/plex
 * }</pre>
 */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * @param args the folder to back up and the folder that holds the snapshots
     * @throws IOException if the temporary restore folder cannot be created
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: QuickStart SOURCE-DIR BACKUP-DIR");
            System.exit(2);
        }
        BackupPlan plan = BackupPlan.builder()
                .source(args[0])
                .destination(args[1])
                .exclude("Logs/**", "Cache/**")
                .retention(RetentionPolicies.keepLast(7))
                .build();
        BackupResult backup = plan.backup();
        VerifyResult check = plan.verify(backup.snapshotId());
        Path target = Files.createTempDirectory("quickstart-restore-");
        RestoreResult restore = plan.restore(RestoreRequest.of(backup.snapshotId()).target(target));
        System.out.println(backup.snapshotId() + ": " + backup.files() + " files backed up, sound: " + check.ok()
                + ", " + restore.files() + " files restored into " + restore.target());
    }
}
