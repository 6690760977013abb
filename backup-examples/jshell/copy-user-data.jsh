// Copy play state and favourites (played, play count, position, favourite, last played) from users in a Jellyfin
// backup to users of the running server: several users at once, merged by default (nobody loses their own progress),
// a dry run first to see every change.
//
// Run (the CLI jar holds everything the script needs):
//   jshell --class-path backupkit.jar -R-Djellyfin.dest=/mnt/nas/backups/jellyfin -R-Djellyfin.source=/var/lib/jellyfin \
//       -R-Djellyfin.map=alice=bob,carol=dave -R-Djellyfin.dryRun=true copy-user-data.jsh
// Settings (-R-Dname=value):
//   jellyfin.dest       where the snapshots are (required)
//   jellyfin.source     the running server's data folder (required)
//   jellyfin.map        FROM=TO user pairs, comma-separated: FROM a user in the backup, TO a user on the server
//   jellyfin.snapshot   the snapshot id, or latest (default)
//   jellyfin.dryRun     true to only print what would change (default false)
//   jellyfin.overwrite  true to replace the target users' values instead of merging (default false)
// Jellyfin keeps user data in memory: stop it first, or restart it after the copy.
// Prints one "key: value" line per step; exits 0 when the copy (or dry run) succeeded, else 1.
import io.backupkit.examples.userdata.*;

int status = 1;
try {
    UserDataReport report = UserDataCopy.builder()
            .destination(System.getProperty("jellyfin.dest"))
            .source(System.getProperty("jellyfin.source"))
            .snapshot(System.getProperty("jellyfin.snapshot", UserDataCopy.LATEST))
            .map(System.getProperty("jellyfin.map", "").split(","))
            .dryRun(Boolean.getBoolean("jellyfin.dryRun"))
            .overwrite(Boolean.getBoolean("jellyfin.overwrite"))
            .build()
            .run();
    System.out.println("snapshot: " + report.snapshotId());
    System.out.println("dry run: " + report.dryRun());
    for (UserMappingReport m : report.mappings()) {
        System.out.println("users: " + m.summary());
        m.changes().stream().limit(20).forEach(c -> System.out.println("  " + c.kind() + " " + c.item() + ": "
                + c.before() + " -> " + c.after()));
        m.unmatchedItems().stream().limit(20).forEach(u -> System.out.println("  unmatched: " + u));
    }
    if (report.safetyCopy() != null) {
        System.out.println("database before the copy: " + report.safetyCopy());
    }
    report.warnings().forEach(w -> System.out.println("warning: " + w));
    status = 0;
} catch (Exception e) {
    System.out.println("failed: " + e);
}
System.out.println("status: " + status);
/exit status
