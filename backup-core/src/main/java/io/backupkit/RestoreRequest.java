package io.backupkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which snapshot to restore, and where. Immutable: every method returns a changed copy.
 *
 * <pre>{@code
 * plan.restore(RestoreRequest.latest());                                   // newest complete snapshot, into the source
 * plan.restore(RestoreRequest.of("20261122T035800Z").target("/tmp/out"));  // a named one, somewhere else
 * plan.restore(RestoreRequest.latest().dryRun(true));                      // verify and count, touch nothing
 * plan.restore(RestoreRequest.fromArchive(Path.of("old.tar.gz")).target("/tmp/out"));  // an archive from elsewhere
 * plan.restore(RestoreRequest.fromParts(parts).appVersion("1.40.1.8227"));  // a backup of several archives and folders
 * }</pre>
 */
public final class RestoreRequest {

    private final String snapshotId;
    private final Path archive;
    private final List<RestorePart> parts;
    private final String appVersion;
    private final String label;
    private final Path target;
    private final boolean dryRun;
    private final List<String> only;
    private final String owner;
    private final List<RestoreStep> steps;

    private RestoreRequest(String snapshotId, Path archive, List<RestorePart> parts) {
        this(snapshotId, archive, parts, null, null, null, false, List.of(), null, List.of());
    }

    private RestoreRequest(String snapshotId, Path archive, List<RestorePart> parts, String appVersion, String label,
                           Path target, boolean dryRun, List<String> only, String owner, List<RestoreStep> steps) {
        this.snapshotId = snapshotId;
        this.archive = archive;
        this.parts = List.copyOf(parts);
        this.appVersion = appVersion;
        this.label = label;
        this.target = target;
        this.dryRun = dryRun;
        this.only = List.copyOf(only);
        this.owner = owner;
        this.steps = List.copyOf(steps);
    }

    /**
     * @return a request for the newest complete snapshot, restored into the plan's source folder
     */
    public static RestoreRequest latest() {
        return new RestoreRequest(null, null, List.of());
    }

    /**
     * @param snapshotId the id of a complete snapshot, as listed by {@link BackupPlan#snapshots()}
     * @return a request for that snapshot, restored into the plan's source folder
     * @throws InvalidPlanException if the id is null or blank
     */
    public static RestoreRequest of(String snapshotId) {
        if (snapshotId == null || snapshotId.isBlank()) {
            throw new InvalidPlanException(java.util.List.of("snapshot id must not be blank, was '" + snapshotId + "'"));
        }
        return new RestoreRequest(snapshotId.strip(), null, List.of());
    }

    /**
     * Restores one archive that BackupKit did not write (a {@code .zip}, {@code .7z}, {@code .tar.gz}/{@code .tgz},
     * {@code .tar.xz}/{@code .txz} or {@code .tar.zst}/{@code .tzst} made by other tools, e.g. a PlexBackup
     * archive), with the same care as a snapshot: extracted into a staging folder, every entry checked (no escaping
     * names or links, no hard links, devices or duplicates, {@link RestoreLimits} enforced), then swapped in. The
     * format comes from the file name, or from the plan's archiver when the name says nothing.
     *
     * @param archive the archive file
     * @return a request for that archive, restored into the plan's source folder
     * @throws InvalidPlanException if {@code archive} is null
     */
    public static RestoreRequest fromArchive(Path archive) {
        if (archive == null) {
            throw new InvalidPlanException(java.util.List.of("archive to restore must not be null"));
        }
        return new RestoreRequest(null, archive, List.of(RestorePart.archive(archive, "")));
    }

    /**
     * Restores a backup that another tool wrote as several archives and folders (a PlexBackup backup folder: the
     * root files' zip, one zip or 7z per top-level folder, plain copies of special folders), each part into its
     * folder of the target, with the care of {@link #fromArchive(Path)}: every part is extracted into one staging
     * folder and every entry checked as it streams by, across parts as well (two parts writing the same file, or a
     * file of one written through a link of another, are refused; folders they share are merged), then the whole is
     * swapped in at once. Any refusal in any part leaves the target untouched. {@link #appVersion(String)} gives the
     * application version the backup was taken from, checked like a snapshot's.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.fromParts(List.of(
     *         RestorePart.archive(Path.of("b/1/Plex.zip"), ""),
     *         RestorePart.archive(Path.of("b/2/Metadata.zip"), "Metadata"),
     *         RestorePart.folder(Path.of("b/4"), "")))
     *     .appVersion("1.40.1.8227").target("/srv/plex"));
     * }</pre>
     *
     * @param parts the archives and folders, extracted in this order
     * @return a request for them, restored into the plan's source folder
     * @throws InvalidPlanException if {@code parts} is null or empty, holds a null, or names one file or folder twice
     */
    public static RestoreRequest fromParts(List<RestorePart> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new InvalidPlanException(List.of("a restore from parts needs at least one part"));
        }
        List<String> problems = new java.util.ArrayList<>();
        java.util.Set<Path> sources = new java.util.HashSet<>();
        for (RestorePart p : parts) {
            if (p == null) {
                problems.add("restore parts must not be null");
            } else if (!sources.add(p.source().toAbsolutePath().normalize())) {
                problems.add("restore part " + p.source() + " is given twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return new RestoreRequest(null, null, parts);
    }

    /**
     * @param parts the archives and folders, extracted in this order
     * @return a request for them, restored into the plan's source folder
     * @throws InvalidPlanException as {@link #fromParts(List)}
     * @see #fromParts(List)
     */
    public static RestoreRequest fromParts(RestorePart... parts) {
        if (parts == null) {
            throw new InvalidPlanException(List.of("a restore from parts needs at least one part"));
        }
        return fromParts(java.util.Arrays.asList(parts));
    }

    /**
     * The application version a backup from another tool was taken from (PlexBackup's {@code Version.txt}), checked
     * against the running application's as a snapshot's recorded version is, under the plan's
     * {@link VersionCheck}. Default: none, and no check.
     *
     * @param appVersion the version, e.g. {@code 1.40.1.8227}
     * @return a copy with that version
     * @throws InvalidPlanException if it is blank, or this request restores a snapshot (which records its own)
     */
    public RestoreRequest appVersion(String appVersion) {
        if (parts.isEmpty()) {
            throw new InvalidPlanException(List.of("appVersion(...) is for backups from other tools; a snapshot "
                    + "records its own application version"));
        }
        if (appVersion == null || appVersion.isBlank()) {
            throw new InvalidPlanException(List.of("application version must not be blank, was '" + appVersion
                    + "'"));
        }
        return new RestoreRequest(snapshotId, archive, parts, appVersion.strip(), label, target, dryRun, only, owner,
                steps);
    }

    /**
     * What the result ({@link RestoreResult#snapshotId()}), the run log and notices call a backup from another tool.
     * Default: the file name of its only part, or the name of the folder that holds every part.
     *
     * @param label a name, e.g. PlexBackup's {@code 20240131235959}
     * @return a copy with that name
     * @throws InvalidPlanException if it is blank, or this request restores a snapshot (which has its id)
     */
    public RestoreRequest label(String label) {
        if (parts.isEmpty()) {
            throw new InvalidPlanException(List.of("label(...) names a backup from another tool; a snapshot has its "
                    + "id"));
        }
        if (label == null || label.isBlank()) {
            throw new InvalidPlanException(List.of("label must not be blank, was '" + label + "'"));
        }
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label.strip(), target, dryRun, only, owner,
                steps);
    }

    /**
     * @return the name given by {@link #label(String)}, if any
     */
    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /**
     * @return the application version given by {@link #appVersion(String)}, if any
     */
    public Optional<String> appVersion() {
        return Optional.ofNullable(appVersion);
    }

    /**
     * @return the parts of a backup from another tool: those given to {@link #fromParts(List)}, or the one archive
     *         of {@link #fromArchive(Path)}; empty for a snapshot
     */
    public List<RestorePart> parts() {
        return parts;
    }

    /**
     * @param target the folder to restore into; created when missing. Default: the plan's source folder
     * @return a copy restoring into {@code target}
     * @throws InvalidPlanException if {@code target} is null
     */
    public RestoreRequest target(Path target) {
        if (target == null) {
            throw new InvalidPlanException(java.util.List.of("restore target must not be null"));
        }
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label, target, dryRun, only, owner, steps);
    }

    /**
     * @param target the folder to restore into, as a string
     * @return a copy restoring into {@code target}
     * @throws InvalidPlanException if {@code target} is null or not a valid path
     */
    public RestoreRequest target(String target) {
        if (target == null) {
            throw new InvalidPlanException(java.util.List.of("restore target must not be null"));
        }
        try {
            return target(Path.of(target));
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidPlanException(java.util.List.of("restore target '" + target + "' is not a valid path: "
                    + e.getReason()));
        }
    }

    /**
     * @param dryRun {@code true} to verify the snapshot and report what would be restored without touching the
     *        target. Default {@code false}
     * @return a copy with that setting
     */
    public RestoreRequest dryRun(boolean dryRun) {
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label, target, dryRun, only, owner, steps);
    }

    /**
     * @return the snapshot id asked for, or empty for the newest complete snapshot
     */
    public Optional<String> snapshotId() {
        return Optional.ofNullable(snapshotId);
    }

    /**
     * @return the archive asked for by {@link #fromArchive(Path)}, or empty for a snapshot
     */
    public Optional<Path> archive() {
        return Optional.ofNullable(archive);
    }

    /**
     * @return the target folder, or empty for the plan's source folder
     */
    public Optional<Path> target() {
        return Optional.ofNullable(target);
    }

    /**
     * Restores only some paths of the snapshot (Emby's "restore an earlier database copy"): each given file or folder
     * (source-relative, {@code /} separators) replaces the same path in the target, everything else in the target is
     * left as it is. The whole snapshot is still verified first. A path the snapshot does not hold fails the restore
     * before anything is swapped.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.of("20261120T001500Z").only("Plug-in Support/Databases"));
     * }</pre>
     *
     * @param paths the files or folders to restore; several add up
     * @return a copy restoring only those paths
     * @throws InvalidPlanException quoting the path, if one is blank, absolute or climbs with {@code ..}, or if this
     *         request restores an archive from another tool
     */
    public RestoreRequest only(String... paths) {
        Objects.requireNonNull(paths, "paths");
        if (!parts.isEmpty()) {
            throw new InvalidPlanException(List.of("only(...) restores paths of a snapshot, not of "
                    + (archive != null ? "an archive" : "a backup") + " from another tool"));
        }
        List<String> problems = new java.util.ArrayList<>();
        List<String> all = new java.util.ArrayList<>(only);
        for (String p : paths) {
            String s = p == null ? "" : p.strip().replaceAll("/+$", "");
            boolean bad = s.isEmpty() || s.startsWith("/") || s.indexOf('\\') >= 0 || s.matches("^[A-Za-z]:.*");
            for (String part : s.split("/")) {
                bad |= part.isEmpty() || part.equals(".") || part.equals("..");
            }
            if (bad) {
                problems.add("restore path '" + p + "' must be relative to the source with '/' separators and no "
                        + "empty, '.' or '..' segments");
            } else if (!all.contains(s)) {
                all.add(s);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label, target, dryRun, all, owner, steps);
    }

    /**
     * Gives every restored file, folder and link this owner, as when moving an application to a machine where its
     * service runs as another user (Emby's guide has users fix access rights by hand). Needs a restore run as root
     * (or with the right to change owners); the user and group are looked up before anything is extracted.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.latest().owner("plex:plex"));
     * }</pre>
     *
     * @param owner {@code USER} or {@code USER:GROUP} (names as the operating system knows them)
     * @return a copy that sets the owner
     * @throws InvalidPlanException if {@code owner} is blank or has more than one {@code :}
     */
    public RestoreRequest owner(String owner) {
        if (owner == null || owner.isBlank() || owner.strip().split(":", -1).length > 2 || owner.strip().startsWith(":")
                || owner.strip().endsWith(":")) {
            throw new InvalidPlanException(List.of("owner must be USER or USER:GROUP, was '" + owner + "'"));
        }
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label, target, dryRun, only, owner.strip(), steps);
    }

    /**
     * @return the owner to give the restored files ({@code USER} or {@code USER:GROUP}), if any
     */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /**
     * Adds a change to make to the extracted files before they are swapped in (see {@link RestoreStep}); several run
     * in the order added. A dry run lists them without running them.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.latest().target("/srv/new-server").step(keepTargetIdentity));
     * }</pre>
     *
     * @param step the step
     * @return a copy that also runs {@code step}
     * @throws InvalidPlanException if {@code step} is null
     */
    public RestoreRequest step(RestoreStep step) {
        if (step == null) {
            throw new InvalidPlanException(List.of("restore step must not be null"));
        }
        List<RestoreStep> all = new java.util.ArrayList<>(steps);
        all.add(step);
        return new RestoreRequest(snapshotId, archive, parts, appVersion, label, target, dryRun, only, owner, all);
    }

    /**
     * @return the steps run on the extracted files before the swap, in order
     */
    public List<RestoreStep> steps() {
        return steps;
    }

    /**
     * @return the paths to restore; empty for the whole snapshot
     */
    public List<String> only() {
        return only;
    }

    /**
     * @return whether this is a dry run
     */
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RestoreRequest r && Objects.equals(snapshotId, r.snapshotId)
                && Objects.equals(archive, r.archive) && parts.equals(r.parts)
                && Objects.equals(appVersion, r.appVersion) && Objects.equals(label, r.label)
                && Objects.equals(target, r.target) && dryRun == r.dryRun
                && only.equals(r.only) && Objects.equals(owner, r.owner) && steps.equals(r.steps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(snapshotId, archive, parts, appVersion, label, target, dryRun, only, owner, steps);
    }

    @Override
    public String toString() {
        return "RestoreRequest[" + (archive != null ? "archive=" + archive
                : !parts.isEmpty() ? "parts=" + parts : "snapshot=" + (snapshotId == null ? "latest" : snapshotId))
                + (appVersion == null ? "" : ", appVersion=" + appVersion) + (label == null ? "" : ", label=" + label)
                + ", target=" + (target == null ? "source" : target) + (only.isEmpty() ? "" : ", only=" + only)
                + (owner == null ? "" : ", owner=" + owner)
                + (steps.isEmpty() ? "" : ", steps=" + steps.stream().map(RestoreStep::description).toList())
                + (dryRun ? ", dryRun" : "") + "]";
    }
}
