// Back up Plex Media Server with the built-in profile: its data folder without logs, caches and crash reports,
// its databases captured consistently, Plex stopped only while needed, the last 7 snapshots kept, the new one verified.
//
// Run (the CLI jar holds everything the script needs):
//   jshell --class-path backupkit.jar -R-Dplex.dest=/mnt/nas/backups/plex plex-backup.jsh
// Settings (-R-Dname=value):
//   plex.dest     where the snapshots go (required)
//   plex.source   Plex's data folder (default: the first of the profile's folders for this OS that exists)
//   plex.keep     snapshots to keep (default 7)
//   plex.stop     true to stop the Plex service of this platform while backing up (default false: databases are
//                 captured live and consistent; the rest of the folder may change while it is read)
//   plex.bif      true to back up the video preview thumbnails (*.bif) too (default false)
//   plex.archiver zip, 7z, tar.zst, ... (default zip)
// Prints one "key: value" line per step; exits 0 when the backup was written and verified, else 1.
import io.backupkit.*;
import io.backupkit.examples.profiles.*;
import java.nio.file.*;

int status = 1;
try {
    AppProfile plex = AppProfiles.plex()
            .withOptionalExcludes(!Boolean.getBoolean("plex.bif"))
            .withServices(Boolean.getBoolean("plex.stop"));
    BackupPlan.Builder builder = BackupPlan.builder().apply(plex);
    String source = System.getProperty("plex.source");
    if (source != null) {
        builder.source(source);
    } else if (plex.defaultSource().isEmpty()) {
        throw new IllegalArgumentException("No Plex data folder found among " + plex.candidates()
                + ": give -R-Dplex.source=DIR");
    }
    String dest = System.getProperty("plex.dest");
    if (dest == null) {
        throw new IllegalArgumentException("Missing the destination: give -R-Dplex.dest=DIR");
    }
    BackupPlan plan = builder
            .destination(dest)
            .archiver(System.getProperty("plex.archiver", "zip"))
            .retention(RetentionPolicies.keepLast(Integer.getInteger("plex.keep", 7)))
            .build();

    BackupResult r = plan.backup();
    System.out.println("snapshot: " + r.snapshotId());
    System.out.println("files: " + r.files());
    System.out.println("units: " + r.units() + " (" + r.unitsReused() + " reused)");
    System.out.println("pruned: " + r.pruned());
    r.warnings().forEach(w -> System.out.println("warning: " + w));

    VerifyResult v = plan.verify(r.snapshotId());
    System.out.println("verified: " + v.ok());
    v.problems().forEach(p -> System.out.println("problem: " + p));
    status = v.ok() ? 0 : 1;
} catch (Exception e) {
    System.out.println("failed: " + e);
}
System.out.println("status: " + status);
/exit status
