package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.RestoreLimits;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.VersionCheck;
import io.backupkit.examples.profiles.AppProfile;
import io.backupkit.examples.profiles.PathRemap;
import io.backupkit.examples.plexbackup.PlexBackupLayout;
import io.backupkit.examples.plexbackup.RegistryImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code backupkit restore}: restores a complete snapshot (the newest by default) into {@code --target}, or into
 * {@code --source} when no target is given. The snapshot is verified first; the target is swapped only once
 * everything is extracted, and paths the backup excluded (logs, caches) stay in place.
 *
 * <pre>{@code
 * $ backupkit restore --dest /mnt/nas/backups/plex --target /tmp/plex-restored
 * Restored snapshot 20261122T035800Z into /tmp/plex-restored: 3000 files, 12345678 bytes in 1.92s (0 excluded
 *   paths kept)
 * $ backupkit restore --profile jellyfin --dest /mnt/nas/backups/jellyfin --target /var/lib/jellyfin \
 *     --remap 'D:\Media=/mnt/media'
 * $ backupkit restore --dest /mnt/nas/backups/jellyfin --profile jellyfin --target /srv/jellyfin2 --keep-identity
 * Restored snapshot 20261122T035800Z into /srv/jellyfin2: ...
 *   kept the target's data/device.txt (the server id)
 * Plugins in the snapshot: Trakt 26.0.0.0; not installed in the target: none
 * $ backupkit restore --from-plexbackup /mnt/nas/PlexBackup --target /tmp/plex-restored
 * PlexBackup backup 20240131235959 in /mnt/nas/PlexBackup (the newest of 3; zip archives)
 * ...
 * }</pre>
 */
@Command(name = "restore", description = "Restore a snapshot (default: the newest complete one), an archive "
        + "made by another tool, or a PlexBackup.ps1 backup.")
final class RestoreCommand extends CliCommand {

    /** What picocli gives {@code --owner} without a value: take the profile's owner (no argument can spell it). */
    static final String OWNER_FROM_PROFILE = "\u0000profile";

    @Option(names = "--dest", paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots (required unless --archive or --from-plexbackup is "
                    + "given), or s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Option(names = "--archive", paramLabel = "FILE",
            description = "Restore this archive made by another tool (.zip, .7z, .tar.gz, .tar.xz, .tar.zst) instead "
                    + "of a snapshot; every entry is checked the same way.")
    Path archive;

    @Option(names = "--from-plexbackup", paramLabel = "PATH",
            description = "Restore a backup written by PlexBackup.ps1: its backup root (the newest yyyyMMddHHmmss "
                    + "folder is used) or one such folder. Its Version.txt is checked like a snapshot's version.")
    Path plexBackup;

    @Option(names = "--import-registry",
            description = "With --from-plexbackup, on Windows: import the backup's registry files (3/*.reg) with "
                    + "reg import after the files are restored, before the services start again.")
    boolean importRegistry;

    @Option(names = "--max-bytes", paramLabel = "N",
            description = "Refuse to write more than N bytes (default 16 TiB).")
    Long maxBytes;

    @Option(names = "--max-entries", paramLabel = "N",
            description = "Refuse more than N entries (default 100000000).")
    Long maxEntries;

    @Option(names = "--max-ratio", paramLabel = "R",
            description = "Refuse archives expanding more than R times their size (default 10000).")
    Double maxRatio;

    @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id (default: the newest complete one).")
    String snapshot;

    @Option(names = "--target", paramLabel = "DIR", description = "Folder to restore into (default: --source).")
    Path target;

    @Option(names = "--source", paramLabel = "DIR",
            description = "The application's data folder: the default target.")
    Path source;

    @Option(names = "--recover",
            description = "Only finish a restore into --target (or --source) that was interrupted: a swap under way "
                    + "is undone (the old content), a committed one cleaned up (the restored content); then stop.")
    boolean recover;

    @Option(names = "--dry-run", description = "Verify the snapshot and report what would be restored; touch nothing.")
    boolean dryRun;

    @Option(names = "--only", paramLabel = "PATH",
            description = "Restore only this file or folder (source-relative, e.g. \"Plug-in Support/Databases\"); "
                    + "the rest of the target stays as it is. Repeatable.")
    java.util.List<String> only = new java.util.ArrayList<>();

    @Option(names = "--owner", paramLabel = "USER[:GROUP]", arity = "0..1", fallbackValue = OWNER_FROM_PROFILE,
            description = "Give every restored file this owner, e.g. plex:plex when the app runs as another user on "
                    + "this machine (needs root). Without a value: the user the profile's service runs as on this "
                    + "platform (Linux packages: plex:plex, emby:emby, jellyfin:jellyfin, sonarr:media, "
                    + "radarr:media).")
    String owner;

    @Option(names = "--remap", paramLabel = "OLD=NEW",
            description = "Rewrite the media paths at or below OLD to NEW in the restored library definitions and "
                    + "library database, for a machine where the media lives elsewhere (e.g. 'D:\\Media=/mnt/media'). "
                    + "Needs --profile plex, emby or jellyfin (or a --config with one). Repeatable; the longest "
                    + "matching OLD wins.")
    java.util.List<String> remap = new java.util.ArrayList<>();
    @Option(names = "--keep-identity",
            description = "Restore as an additional server: the target keeps its own identity (server id, sign-in, "
                    + "API key); into a fresh folder the snapshot's is left out, so the app makes a new one. Needs "
                    + "--profile (or a --config file with a profile).")
    boolean keepIdentity;

    @Option(names = "--ignore-version",
            description = "Restore even when the snapshot comes from another application version.")
    boolean ignoreVersion;

    @Option(names = "--exact-version",
            description = "Refuse a snapshot from any other application version (default: refuse only newer ones).")
    boolean exactVersion;

    @Option(names = "--restart-after-failure",
            description = "Start the services again also when the restore fails (default: leave them stopped).")
    boolean restartAfterFailure;

    @Mixin
    ServiceOptions services = new ServiceOptions();

    @Mixin
    ProfileOptions profile = new ProfileOptions();

    @Mixin
    NotifyOptions notify = new NotifyOptions();

    @Override
    public Integer call() {
        if (recover) {
            return recover();
        }
        if (archive != null && snapshot != null) {
            throw new ParameterException(spec.commandLine(), "Give --snapshot or --archive, not both");
        }
        if (plexBackup != null && (archive != null || snapshot != null || dest != null)) {
            throw new ParameterException(spec.commandLine(), "--from-plexbackup restores the backup in PATH: give it "
                    + "without --" + (archive != null ? "archive" : snapshot != null ? "snapshot" : "dest"));
        }
        if (importRegistry && plexBackup == null) {
            throw new ParameterException(spec.commandLine(), "--import-registry imports the registry files of a "
                    + "PlexBackup.ps1 backup: it needs --from-plexbackup PATH");
        }
        if (importRegistry && !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT)
                .startsWith("windows")) {
            throw new ParameterException(spec.commandLine(), "--import-registry runs Windows' reg import, which "
                    + System.getProperty("os.name") + " does not have: Plex keeps these settings in the registry only "
                    + "on Windows; leave the option out here (the .reg files stay in the backup's 3/ folder)");
        }
        // the profile and the file come first: their source is the default target, their services are stopped
        BackupPlan.Builder builder = BackupPlan.builder();
        ProfileOptions.Applied applied = profile.apply(builder, spec, services.given(), false);
        if (target == null && source == null && !applied.source()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing the folder to restore into: give --target DIR (or --source DIR to restore in place)");
        }
        if (archive == null && plexBackup == null && dest == null && !applied.destination()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing the backups to restore from: give --dest DIR (or --archive FILE, or --from-plexbackup PATH)");
        }
        if (ignoreVersion && exactVersion) {
            throw new ParameterException(spec.commandLine(), "Give --ignore-version or --exact-version, not both");
        }
        Path into = target != null ? target : source;
        PlexBackupLayout layout = plexBackup == null ? null : PlexBackupLayout.read(plexBackup);
        RestoreRequest request = (layout != null ? layout.request() : archive != null
                ? RestoreRequest.fromArchive(archive)
                : snapshot == null ? RestoreRequest.latest() : RestoreRequest.of(snapshot))
                .dryRun(dryRun);
        if (into != null) {
            request = request.target(into);   // else the plan's source, from the profile or the file
        }
        if (keepIdentity) {
            AppProfile app = applied.profile().orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--keep-identity needs --profile NAME (or a --config file with a profile): the profile says where "
                            + "the application keeps its identity"));
            request = request.step(app.keepIdentity());
        }
        if (owner != null) {
            String asked = owner;
            if (OWNER_FROM_PROFILE.equals(owner)) {
                AppProfile app = applied.profile().orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "--owner without a value takes the user the profile's service runs as: give --profile NAME "
                                + "(or a --config file with a profile), or --owner USER[:GROUP]"));
                asked = app.defaultOwner().orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "--owner without a value: profile '" + app.id() + "' knows no owner on "
                                + app.platform().name().toLowerCase(Locale.ROOT) + " (a container runs as its "
                                + "PUID/PGID, Windows and macOS as the installing user); give --owner USER[:GROUP]"));
            }
            try {
                request = request.owner(asked);
            } catch (io.backupkit.InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
            }
        }
        if (!only.isEmpty()) {
            if (archive != null || plexBackup != null) {
                throw new ParameterException(spec.commandLine(), "--only restores paths of a snapshot, not of --"
                        + (archive != null ? "archive" : "from-plexbackup"));
            }
            try {
                request = request.only(only.toArray(String[]::new));
            } catch (io.backupkit.InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
            }
        }
        if (!remap.isEmpty()) {
            request = request.step(remapStep(applied));
        }
        RestoreLimits limits = RestoreLimits.defaults();
        if (maxBytes != null) {
            limits = limits.maxBytes(maxBytes);
        }
        if (maxEntries != null) {
            limits = limits.maxEntries(maxEntries);
        }
        if (maxRatio != null) {
            limits = limits.maxRatio(maxRatio);
        }
        // an archive from elsewhere has no destination: its own folder stands in, so the target cannot swallow it
        Path from = dest != null ? null : archive != null ? archive.toAbsolutePath().getParent()
                : layout != null ? layout.root() : null;
        RestoreResult r;
        try (ProgressDisplay progress = progress()) {
            if (dest != null) {
                remote.apply(builder, dest, spec);
            } else if (from != null) {
                builder.destination(from);
            }
            builder.restoreLimits(limits)
                    .listener(progress)
                    .restartAfterFailedRestore(restartAfterFailure);
            if (ignoreVersion || exactVersion) {   // else the file's, or the default NOT_NEWER
                builder.versionCheck(ignoreVersion ? VersionCheck.IGNORE : VersionCheck.EXACT);
            }
            services.apply(builder, spec);
            notify.apply(builder, spec);
            if (source != null) {
                builder.source(source);
            }
            if (layout != null) {
                // PlexBackup leaves these folders out: the target keeps its own
                layout.keptFolders().forEach(f -> builder.exclude(f + "/**"));
                if (importRegistry && !layout.registryFiles().isEmpty()) {
                    builder.afterRestore(RegistryImport.of(layout.registryFiles()));
                }
                if (!common.json && !common.quiet) {
                    describe(layout);
                }
                printWarnings(layout.notes());
            }
            BackupPlan plan = builder.build();
            r = plan.restore(request);
        }
        if (common.json) {
            printJson(r);
        } else if (r.dryRun()) {
            out().println("Dry run: " + what(r) + " is sound; would restore " + r.files() + " files, "
                    + r.bytes() + " bytes into " + r.target());
            r.steps().forEach(step -> out().println("  would " + step));
        } else {
            out().println("Restored " + what(r) + " into " + r.target() + ": " + r.files() + " files, "
                    + r.bytes() + " bytes in " + seconds(r.duration()) + "s (" + r.kept() + " excluded paths kept)");
            r.notes().forEach(note -> out().println("  " + note));
        }
        if (!common.json) {
            r.inventory().forEach((name, entries) -> {
                List<String> missing = r.missing().get(name);
                out().println(title(name) + " in the snapshot: " + listed(entries)
                        + (missing == null ? "" : "; not installed in the target: " + listed(missing)));
            });
        }
        printWarnings(r.warnings());
        return BackupKitCli.EXIT_OK;
    }

    private Integer recover() {
        Path into = target != null ? target : source;
        if (into == null) {
            throw new ParameterException(spec.commandLine(),
                    "--recover needs the folder that was being restored into: give --target DIR (or --source DIR)");
        }
        if (archive != null || plexBackup != null || snapshot != null || !only.isEmpty() || dryRun) {
            throw new ParameterException(spec.commandLine(),
                    "--recover only finishes an interrupted restore: give it no --snapshot, --archive, --from-plexbackup, "
                            + "--only or --dry-run");
        }
        io.backupkit.RestoreRecovery r = BackupPlan.recoverRestore(into);
        if (common.json) {
            printJson(r);
            return BackupKitCli.EXIT_OK;
        }
        switch (r.outcome()) {
            case NONE -> out().println("No interrupted restore into " + r.target() + ": nothing to do");
            case DISCARDED -> out().println("The restore into " + r.target() + " was interrupted before its swap: "
                    + "removed its extracted files; the folder holds its old content");
            case ROLLED_BACK -> out().println("The restore into " + r.target() + " was interrupted during its swap: "
                    + "rolled back; the folder holds its old content");
            case FINISHED -> out().println("The restore into " + r.target() + " had finished its swap: removed its "
                    + "leftovers; the folder holds the restored content");
            default -> throw new IllegalStateException("unknown outcome " + r.outcome());
        }
        return BackupKitCli.EXIT_OK;
    }

    /** The profile's remap step; a usage error without a profile that knows its media paths, or for a bad pair. */
    private io.backupkit.RestoreStep remapStep(ProfileOptions.Applied applied) {
        AppProfile app = applied.profile().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--remap needs --profile plex, emby or jellyfin (or a --config with a profile) to know where the "
                        + "application keeps its media paths"));
        if (!app.remapsPaths()) {
            throw new ParameterException(spec.commandLine(), "--remap cannot rewrite the media paths of profile '"
                    + app.id() + "': plex, emby and jellyfin can");
        }
        try {
            return app.remap(PathRemap.parse(remap));
        } catch (io.backupkit.InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ",
                    e.problems().stream().map(p -> "--" + p).toList()));
        }
    }

    private static String title(String name) {
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    private static String listed(List<String> entries) {
        return entries.isEmpty() ? "none" : String.join(", ", entries);
    }

    private String what(RestoreResult r) {
        return (plexBackup != null ? "PlexBackup backup " : archive != null ? "archive " : "snapshot ")
                + r.snapshotId();
    }

    /** Says which PlexBackup folder is restored, the Plex version it recorded and its registry files. */
    private void describe(PlexBackupLayout b) {
        out().println("PlexBackup backup " + b.timestamp() + " in " + b.root() + " ("
                + (b.backups() > 1 ? "the newest of " + b.backups() + "; " : "") + b.mode().description()
                + (b.firstLayout() ? "; PlexBackup 1.x layout" : "") + ")");
        out().println("Plex version it recorded: " + b.plexVersion().orElse("none (no Version.txt): not checked"));
        if (b.registryFiles().isEmpty()) {
            out().println("Registry files: none");
            return;
        }
        out().println("Registry files (" + (importRegistry ? "imported with reg import after the restore"
                : "not imported; Plex on Windows reads its settings from them: --import-registry there") + "):");
        for (java.nio.file.Path f : b.registryFiles()) {
            out().println("  " + b.folder().relativize(f) + PlexBackupLayout.registryKey(f).map(k -> " (" + k + ")")
                    .orElse(""));
        }
    }
}
