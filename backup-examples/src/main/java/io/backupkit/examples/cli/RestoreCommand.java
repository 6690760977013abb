package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.RestoreLimits;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.VersionCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;

/**
 * {@code backupkit restore}: restores a complete snapshot (the newest by default) into {@code --target}, or into
 * {@code --source} when no target is given. The snapshot is verified first; the target is swapped only once
 * everything is extracted, and paths the backup excluded (logs, caches) stay in place.
 *
 * <pre>{@code
 * $ backupkit restore --dest /mnt/nas/backups/plex --target /tmp/plex-restored
 * Restored snapshot 20261122T035800Z into /tmp/plex-restored: 3000 files, 12345678 bytes in 1.92s (0 excluded
 *   paths kept)
 * }</pre>
 */
@Command(name = "restore", description = "Restore a snapshot (default: the newest complete one), or an archive "
        + "made by another tool.")
final class RestoreCommand extends CliCommand {

    @Option(names = "--dest", paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots (required unless --archive is given), or "
                    + "s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Option(names = "--archive", paramLabel = "FILE",
            description = "Restore this archive made by another tool (.zip, .7z, .tar.gz, .tar.xz, .tar.zst) instead "
                    + "of a snapshot; every entry is checked the same way.")
    Path archive;

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

    @Option(names = "--dry-run", description = "Verify the snapshot and report what would be restored; touch nothing.")
    boolean dryRun;

    @Option(names = "--only", paramLabel = "PATH",
            description = "Restore only this file or folder (source-relative, e.g. \"Plug-in Support/Databases\"); "
                    + "the rest of the target stays as it is. Repeatable.")
    java.util.List<String> only = new java.util.ArrayList<>();

    @Option(names = "--owner", paramLabel = "USER[:GROUP]",
            description = "Give every restored file this owner, e.g. plex:plex when the app runs as another user on "
                    + "this machine (needs root).")
    String owner;

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
        if (archive != null && snapshot != null) {
            throw new ParameterException(spec.commandLine(), "Give --snapshot or --archive, not both");
        }
        // the profile and the file come first: their source is the default target, their services are stopped
        BackupPlan.Builder builder = BackupPlan.builder();
        ProfileOptions.Applied applied = profile.apply(builder, spec, services.given(), false);
        if (target == null && source == null && !applied.source()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing the folder to restore into: give --target DIR (or --source DIR to restore in place)");
        }
        if (archive == null && dest == null && !applied.destination()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing the backups to restore from: give --dest DIR (or --archive FILE)");
        }
        if (ignoreVersion && exactVersion) {
            throw new ParameterException(spec.commandLine(), "Give --ignore-version or --exact-version, not both");
        }
        Path into = target != null ? target : source;
        RestoreRequest request = (archive != null ? RestoreRequest.fromArchive(archive)
                : snapshot == null ? RestoreRequest.latest() : RestoreRequest.of(snapshot))
                .dryRun(dryRun);
        if (into != null) {
            request = request.target(into);   // else the plan's source, from the profile or the file
        }
        if (owner != null) {
            try {
                request = request.owner(owner);
            } catch (io.backupkit.InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
            }
        }
        if (!only.isEmpty()) {
            if (archive != null) {
                throw new ParameterException(spec.commandLine(), "--only restores paths of a snapshot, not of --archive");
            }
            try {
                request = request.only(only.toArray(String[]::new));
            } catch (io.backupkit.InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
            }
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
        Path from = dest != null ? null : archive != null ? archive.toAbsolutePath().getParent() : null;
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
        }
        printWarnings(r.warnings());
        return BackupKitCli.EXIT_OK;
    }

    private String what(RestoreResult r) {
        return (archive != null ? "archive " : "snapshot ") + r.snapshotId();
    }
}
