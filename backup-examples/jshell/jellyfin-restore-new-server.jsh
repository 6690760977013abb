// Restore a Jellyfin backup onto a new server: into its data folder, with or without the old server's identity,
// media paths rewritten for the new machine, the files given to the user Jellyfin runs as, and the plugins to
// install again listed at the end.
//
// Run (the CLI jar holds everything the script needs):
//   jshell --class-path backupkit.jar -R-Djellyfin.dest=/mnt/nas/backups/jellyfin \
//       -R-Djellyfin.target=/var/lib/jellyfin -R-Djellyfin.remap='D:\Media=/mnt/media' jellyfin-restore-new-server.jsh
// Settings (-R-Dname=value):
//   jellyfin.dest       where the snapshots are (required)
//   jellyfin.target     the new server's data folder (required); stop Jellyfin there first, or give jellyfin.stop
//   jellyfin.snapshot   the snapshot id (default: the newest complete one)
//   jellyfin.identity   "new" (default): restore as an additional server, keeping the target's own server id (a
//                       fresh folder gets a new one at first start); "old": the new server takes over the old one's
//                       id, for a machine that replaces it (the old one must not run any more)
//   jellyfin.remap      OLD=NEW media path pairs, separated by ';' (default none)
//   jellyfin.owner      USER[:GROUP] to give the restored files, or "profile" for the Linux package's jellyfin:jellyfin
//                       (needs root; default: leave the owner as the restore makes it)
//   jellyfin.stop       true to stop and start this platform's Jellyfin service around the swap (default false)
// Prints one "key: value" line per step; exits 0 when the restore succeeded, else 1.
import io.backupkit.*;
import io.backupkit.examples.profiles.*;
import java.nio.file.*;
import java.util.*;

int status = 1;
try {
    String dest = System.getProperty("jellyfin.dest");
    String target = System.getProperty("jellyfin.target");
    if (dest == null || target == null) {
        throw new IllegalArgumentException("Give -R-Djellyfin.dest=DIR (the backups) and -R-Djellyfin.target=DIR "
                + "(the new server's data folder)");
    }
    String identity = System.getProperty("jellyfin.identity", "new");
    if (!identity.equals("new") && !identity.equals("old")) {
        throw new IllegalArgumentException("jellyfin.identity must be 'new' or 'old', was '" + identity + "'");
    }
    AppProfile jellyfin = AppProfiles.jellyfin().withServices(Boolean.getBoolean("jellyfin.stop"));
    BackupPlan plan = BackupPlan.builder().apply(jellyfin).source(target).destination(dest).build();

    String snapshot = System.getProperty("jellyfin.snapshot");
    RestoreRequest request = (snapshot == null ? RestoreRequest.latest() : RestoreRequest.of(snapshot))
            .target(target);
    if (identity.equals("new")) {
        request = request.step(jellyfin.keepIdentity());
    }
    String remap = System.getProperty("jellyfin.remap", "");
    if (!remap.isBlank()) {
        request = request.step(jellyfin.remap(PathRemap.parse(remap.split(";"))));
    }
    String owner = System.getProperty("jellyfin.owner");
    if (owner != null) {
        request = request.owner(owner.equals("profile") ? jellyfin.defaultOwner().orElseThrow(() ->
                new IllegalArgumentException("The jellyfin profile knows no owner on " + jellyfin.platform()
                        + ": give -R-Djellyfin.owner=USER[:GROUP]")) : owner);
    }

    RestoreResult r = plan.restore(request);
    System.out.println("restored: " + r.snapshotId() + " into " + r.target());
    System.out.println("files: " + r.files());
    System.out.println("identity: " + identity);
    r.notes().forEach(n -> System.out.println("note: " + n));
    r.warnings().forEach(w -> System.out.println("warning: " + w));
    System.out.println("plugins in the snapshot: " + r.inventory().getOrDefault("plugins", List.of()));
    System.out.println("plugins to install again: " + r.missing().getOrDefault("plugins", List.of()));
    status = 0;
} catch (Exception e) {
    System.out.println("failed: " + e);
}
System.out.println("status: " + status);
/exit status
