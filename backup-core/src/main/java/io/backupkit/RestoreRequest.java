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
 * }</pre>
 */
public final class RestoreRequest {

    private final String snapshotId;
    private final Path archive;
    private final Path target;
    private final boolean dryRun;
    private final List<String> only;
    private final String owner;
    private final List<RestoreStep> steps;

    private RestoreRequest(String snapshotId, Path archive, Path target, boolean dryRun) {
        this(snapshotId, archive, target, dryRun, List.of(), null, List.of());
    }

    private RestoreRequest(String snapshotId, Path archive, Path target, boolean dryRun, List<String> only,
                           String owner, List<RestoreStep> steps) {
        this.snapshotId = snapshotId;
        this.archive = archive;
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
        return new RestoreRequest(null, null, null, false);
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
        return new RestoreRequest(snapshotId.strip(), null, null, false);
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
        return new RestoreRequest(null, archive, null, false);
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
        return new RestoreRequest(snapshotId, archive, target, dryRun, only, owner, steps);
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
        return new RestoreRequest(snapshotId, archive, target, dryRun, only, owner, steps);
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
        if (archive != null) {
            throw new InvalidPlanException(List.of("only(...) restores paths of a snapshot, not of an archive from "
                    + "another tool"));
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
        return new RestoreRequest(snapshotId, archive, target, dryRun, all, owner, steps);
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
        return new RestoreRequest(snapshotId, archive, target, dryRun, only, owner.strip(), steps);
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
        return new RestoreRequest(snapshotId, archive, target, dryRun, only, owner, all);
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
                && Objects.equals(archive, r.archive) && Objects.equals(target, r.target) && dryRun == r.dryRun
                && only.equals(r.only) && Objects.equals(owner, r.owner) && steps.equals(r.steps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(snapshotId, archive, target, dryRun, only, owner, steps);
    }

    @Override
    public String toString() {
        return "RestoreRequest[" + (archive != null ? "archive=" + archive
                : "snapshot=" + (snapshotId == null ? "latest" : snapshotId))
                + ", target=" + (target == null ? "source" : target) + (only.isEmpty() ? "" : ", only=" + only)
                + (owner == null ? "" : ", owner=" + owner)
                + (steps.isEmpty() ? "" : ", steps=" + steps.stream().map(RestoreStep::description).toList())
                + (dryRun ? ", dryRun" : "") + "]";
    }
}
