package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.examples.userdata.UnmatchedUserData;
import io.backupkit.examples.userdata.UserDataChange;
import io.backupkit.examples.userdata.UserDataCopy;
import io.backupkit.examples.userdata.UserDataReport;
import io.backupkit.examples.userdata.UserMappingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code backupkit copy-user-data}: copies Jellyfin play state and favourites from users of a snapshot to users of
 * the running server ({@link UserDataCopy}), merged unless {@code --overwrite}; {@code --dry-run} lists every change
 * and writes nothing.
 *
 * <pre>{@code
 * $ backupkit copy-user-data --from-snapshot latest --map alice=bob --map carol=dave \
 *       --dest /mnt/backup/jellyfin --profile jellyfin --profile-service --dry-run
 * Dry run: would copy user data from snapshot 20261122T035800Z into /var/lib/jellyfin/data/jellyfin.db (merge)
 * alice -> bob: 3 copied, 1 changed, 2 unchanged, 1 unmatched
 *   copy    Inception [tt1375666]: played, 2 plays, favourite, last played 2026-11-10 20:00:00
 *   ...
 * }</pre>
 */
@Command(name = "copy-user-data", description = "Copy Jellyfin play state and favourites from users of a snapshot "
        + "to users of the running server: merged (played or favourite on either side, the larger play count, the "
        + "later date), or replaced with --overwrite.")
final class CopyUserDataCommand extends CliCommand {

    /** How many item lines each mapping lists by default. */
    static final int DEFAULT_LISTED = 50;

    @Option(names = "--from-snapshot", required = true, paramLabel = "ID",
            description = "The snapshot holding the users' data: an id, or latest for the newest complete one.")
    String snapshot;

    @Option(names = "--map", required = true, paramLabel = "FROM=TO",
            description = "A user of the backup and the user of the running server who gets their play state, "
                    + "e.g. alice=bob. Repeatable, or several separated by commas.")
    List<String> maps = new ArrayList<>();

    @Option(names = "--dest", paramLabel = "DIR", description = "The folder that holds the snapshots.")
    Path dest;

    @Option(names = "--source", paramLabel = "DIR",
            description = "The running Jellyfin server's data folder (holding data/jellyfin.db); default: the one "
                    + "--profile jellyfin finds.")
    Path source;

    @Option(names = "--dry-run", description = "Report every change the copy would make; write and stop nothing.")
    boolean dryRun;

    @Option(names = "--overwrite",
            description = "Give the target users the backup's values instead of merging them with their own.")
    boolean overwrite;

    @Option(names = "--database", paramLabel = "PATH",
            description = "The Jellyfin database relative to the data folder (default data/jellyfin.db).")
    String database;

    @Option(names = "--busy-timeout", paramLabel = "WAIT",
            description = "How long to wait for a lock another connection holds on the live database before "
                    + "giving up, e.g. 10s (default), 1m.")
    String busyTimeout;

    @Option(names = "--safety-copy-dir", paramLabel = "DIR",
            description = "Where to keep the copy of the live database taken just before the change (default: "
                    + "beside it).")
    Path safetyCopyDir;

    @Option(names = "--staging", paramLabel = "DIR",
            description = "Where to restore the snapshot's database for reading (default: the temporary folder).")
    Path staging;

    @Option(names = "--max-listed", paramLabel = "N",
            description = "List at most N item lines per pair of users (default 50; 0: counts only).")
    Integer maxListed;

    @Mixin
    ServiceOptions services = new ServiceOptions();

    @Mixin
    ProfileOptions profile = new ProfileOptions();

    @Override
    public Integer call() {
        if (profile.profile != null && !profile.profile.equals("jellyfin")) {
            throw new ParameterException(spec.commandLine(), "copy-user-data copies Jellyfin user data: --profile "
                    + "must be jellyfin, was '" + profile.profile + "'");
        }
        if (maxListed != null && maxListed < 0) {
            throw new ParameterException(spec.commandLine(), "--max-listed must be 0 or more, was " + maxListed);
        }
        BackupPlan.Builder b = BackupPlan.builder();
        ProfileOptions.Applied applied = profile.apply(b, spec, services.given(), true);
        if (source == null && !applied.source()) {
            throw new ParameterException(spec.commandLine(), "Missing the running server's data folder: give "
                    + "--source DIR (or --profile jellyfin where it finds the folder)");
        }
        if (dest == null && !applied.destination()) {
            throw new ParameterException(spec.commandLine(), "Missing the backups to copy from: give --dest DIR");
        }
        if (dest != null) {
            b.destination(dest);
        }
        if (source != null) {
            b.source(source);
        }
        services.apply(b, spec);
        UserDataCopy copy;
        try {
            BackupPlan plan = b.build();
            UserDataCopy.Builder c = UserDataCopy.builder().plan(plan)
                    .snapshot(snapshot)
                    .map(maps.toArray(String[]::new))
                    .overwrite(overwrite)
                    .dryRun(dryRun);
            if (database != null) {
                c.database(database);
            }
            if (busyTimeout != null) {
                c.busyTimeout(CliDurations.parse("--busy-timeout", busyTimeout));
            }
            if (safetyCopyDir != null) {
                c.safetyCopyFolder(safetyCopyDir);
            }
            if (staging != null) {
                c.staging(staging);
            }
            copy = c.build();
        } catch (InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        UserDataReport r = copy.run();
        if (common.json) {
            printJson(r);
        } else {
            print(r, common.quiet ? 0 : maxListed == null ? DEFAULT_LISTED : maxListed);
        }
        printWarnings(r.warnings());
        return BackupKitCli.EXIT_OK;
    }

    private void print(UserDataReport r, int listed) {
        String how = r.overwrite() ? "overwrite" : "merge";
        boolean nothing = r.mappings().stream().allMatch(m -> m.changes().isEmpty());
        if (r.dryRun()) {
            out().println("Dry run: " + (nothing ? "copying" : "would copy") + " user data from snapshot "
                    + r.snapshotId() + " into " + r.database() + " (" + how + ")"
                    + (nothing ? " would change nothing" : ""));
        } else {
            out().println("Copied user data from snapshot " + r.snapshotId() + " into " + r.database() + " (" + how
                    + ") in " + seconds(r.duration()) + "s"
                    + (r.safetyCopy() == null ? ": nothing to change"
                    : "; the database before the change is kept at " + r.safetyCopy()));
        }
        for (UserMappingReport m : r.mappings()) {
            out().println(m.summary());
            List<String> lines = new ArrayList<>();
            for (UserDataChange c : m.changes()) {
                lines.add(c.describe());
            }
            for (UnmatchedUserData u : m.unmatchedItems()) {
                lines.add(u.describe());
            }
            for (int i = 0; i < Math.min(listed, lines.size()); i++) {
                out().println("  " + ErrorHandler.oneLine(lines.get(i)));
            }
            if (listed > 0 && lines.size() > listed) {
                out().println("  ... " + (lines.size() - listed) + " more");
            }
        }
        if (!r.stoppedServices().isEmpty()) {
            out().println("Stopped and started again: " + String.join(", ", r.stoppedServices()));
        }
    }
}
