package io.backupkit;

import io.backupkit.internal.BackupEngine;
import io.backupkit.internal.Glob;
import io.backupkit.internal.Providers;
import io.backupkit.internal.RemoteRun;
import io.backupkit.internal.RestoreEngine;
import io.backupkit.internal.RetentionEngine;
import io.backupkit.internal.SnapshotStore;
import io.backupkit.internal.Verifier;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.Destination;
import io.backupkit.spi.Encryption;
import io.backupkit.spi.RetentionPolicy;
import io.backupkit.spi.ServiceController;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What to back up, where, and how: the one entry point of BackupKit. Immutable, thread-safe and reusable; derive a
 * changed copy with {@link #toBuilder()}.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .source("/var/lib/plexmediaserver/Library/Application Support/Plex Media Server")
 *     .destination("/mnt/nas/backups/plex")
 *     .archiver("zip")
 *     .exclude("Logs/**", "Crash Reports/**", "**}{@code /*.bif")
 *     .retention(RetentionPolicies.keepLast(7))
 *     .build();
 * BackupResult backup = plan.backup();
 * VerifyResult check = plan.verify(backup.snapshotId());
 * RestoreResult restore = plan.restore(RestoreRequest.latest().target("/tmp/restored"));
 * }</pre>
 *
 * <p>Only one run at a time may use a destination: a run that finds another run's lock fails with
 * {@link DestinationLockedException}.
 */
public final class BackupPlan {

    private final Path source;
    private final Path destination;
    private final Archiver archiver;
    private final String archiverId;
    private final Map<String, String> archiverOptions;
    private final List<String> excludes;
    private final List<String> special;
    private final List<String> split;
    private final List<String> databases;
    private final int workers;
    private final RestoreLimits restoreLimits;
    private final RetentionPolicy retention;
    private final ProgressListener listener;
    private final ClassLoader classLoader;
    private final boolean dryRun;
    private final List<ServiceController> services;
    private final Duration stopTimeout;
    private final boolean noRestart;
    private final boolean restartAfterFailedRestore;
    private final boolean requireRunning;
    private final VersionCheck versionCheck;
    private final List<Consumer<RunContext>> beforeBackup;
    private final List<Consumer<RunContext>> afterBackup;
    private final List<Consumer<RunContext>> beforeRestore;
    private final List<Consumer<RunContext>> afterRestore;
    private final Path staging;
    private final int retries;
    private final Duration retryWait;
    private final Duration recheckAfter;
    private final boolean spaceCheck;
    private final List<NotifyRule> notifiers;
    private final Map<String, Inventory> inventories;
    private final Destination remote;
    private final Encryption encryption;

    private BackupPlan(Builder b, Archiver archiver, Path destination) {
        this.source = b.source;
        this.destination = destination;
        this.remote = b.remote;
        this.encryption = b.encryption;
        this.archiver = archiver;
        this.archiverId = b.archiverId;
        this.archiverOptions = Map.copyOf(b.archiverOptions);
        this.excludes = List.copyOf(b.excludes);
        this.special = List.copyOf(b.special);
        this.split = List.copyOf(b.split);
        this.databases = List.copyOf(b.databases);
        this.workers = b.workers;
        this.restoreLimits = b.restoreLimits;
        this.retention = b.retention;
        this.listener = b.listener;
        this.classLoader = b.classLoader;
        this.dryRun = b.dryRun;
        this.services = List.copyOf(b.services);
        this.stopTimeout = b.stopTimeout;
        this.noRestart = b.noRestart;
        this.restartAfterFailedRestore = b.restartAfterFailedRestore;
        this.requireRunning = b.requireRunning;
        this.versionCheck = b.versionCheck;
        this.beforeBackup = List.copyOf(b.beforeBackup);
        this.afterBackup = List.copyOf(b.afterBackup);
        this.beforeRestore = List.copyOf(b.beforeRestore);
        this.afterRestore = List.copyOf(b.afterRestore);
        this.staging = b.staging;
        this.retries = b.retries;
        this.retryWait = b.retryWait;
        this.recheckAfter = b.recheckAfter;
        this.spaceCheck = b.spaceCheck;
        this.notifiers = List.copyOf(b.notifiers);
        this.inventories = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.inventories));
    }

    /**
     * @return a new builder with every default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding this plan's settings, to derive a changed copy
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.source = source;
        b.destination = remote == null ? destination : null;
        b.remote = remote;
        b.cache = remote == null ? null : destination;
        b.encryption = encryption;
        b.archiverId = archiverId;
        b.archiverInstance = archiverId == null ? archiver : null;
        b.archiverOptions.putAll(archiverOptions);
        b.excludes.addAll(excludes);
        b.special.addAll(special);
        b.split.addAll(split);
        b.databases.addAll(databases);
        b.workers = workers;
        b.restoreLimits = restoreLimits;
        b.retention = retention;
        b.listener = listener;
        b.classLoader = classLoader;
        b.dryRun = dryRun;
        b.services.addAll(services);
        b.stopTimeout = stopTimeout;
        b.noRestart = noRestart;
        b.restartAfterFailedRestore = restartAfterFailedRestore;
        b.requireRunning = requireRunning;
        b.versionCheck = versionCheck;
        b.beforeBackup.addAll(beforeBackup);
        b.afterBackup.addAll(afterBackup);
        b.beforeRestore.addAll(beforeRestore);
        b.afterRestore.addAll(afterRestore);
        b.staging = staging;
        b.retries = retries;
        b.retryWait = retryWait;
        b.recheckAfter = recheckAfter;
        b.spaceCheck = spaceCheck;
        b.notifiers.addAll(notifiers);
        b.inventories.putAll(inventories);
        return b;
    }

    /**
     * Backs the source up into a new snapshot in the destination. The snapshot becomes visible as complete only once
     * everything is on disk; retention runs afterwards and never removes the new snapshot.
     *
     * @return what was written
     * @throws InvalidPlanException if the plan has no source
     * @throws BackupException naming the path or unit at fault; an interrupted snapshot stays unfinished and can be
     *         resumed
     */
    public BackupResult backup() {
        requireSource("back up");
        if (remote != null) {
            return remoteRun().backup(false);
        }
        return new BackupEngine(this).backup(false);
    }

    /**
     * Continues the newest unfinished snapshot (PlexBackup's "Continue"): units already written and still matching
     * the source are kept, the rest is written. The result cannot be told apart from an uninterrupted backup.
     *
     * @return what was written
     * @throws SnapshotNotFoundException if there is no unfinished snapshot
     * @throws InvalidPlanException if the plan has no source
     * @throws BackupException naming the path or unit at fault
     */
    public BackupResult resume() {
        requireSource("resume");
        if (remote != null) {
            return remoteRun().backup(true);
        }
        return new BackupEngine(this).backup(true);
    }

    /**
     * @return every snapshot in the destination, newest first, unfinished ones included
     *         ({@link Snapshot#complete()} is {@code false})
     * @throws BackupException if the destination cannot be listed
     */
    public List<Snapshot> snapshots() {
        if (remote != null) {
            return remoteRun().snapshots();
        }
        return new SnapshotStore(destination).list();
    }

    /**
     * Re-reads every archive of a snapshot and checks every hash: archives and indexes against the manifest, each
     * file's content against the index.
     *
     * @param snapshotId a complete snapshot's id
     * @return every problem found; {@link VerifyResult#ok()} when none
     * @throws SnapshotNotFoundException if there is no such complete snapshot
     * @throws IncompatibleSnapshotException if it was written by a newer format
     */
    public VerifyResult verify(String snapshotId) {
        if (snapshotId == null || snapshotId.isBlank()) {
            throw new InvalidPlanException(List.of("snapshot id must not be blank, was '" + snapshotId + "'"));
        }
        if (remote != null) {
            return remoteRun().verify(snapshotId.strip());
        }
        return new Verifier(this).verify(snapshotId.strip());
    }

    /**
     * Restores a snapshot: verifies it, extracts it into a staging folder beside the target, then swaps it in. The
     * previous content is kept until the swap succeeded and put back on any failure; paths the backup excluded
     * (logs, caches) stay in the target untouched.
     *
     * @param request which snapshot, and where
     * @return what was restored
     * @throws SnapshotNotFoundException if the snapshot does not exist
     * @throws CorruptSnapshotException if it fails verification; the target is not touched
     * @throws InvalidPlanException if the request has no target and the plan no source
     * @throws BackupException naming the path at fault
     */
    public RestoreResult restore(RestoreRequest request) {
        Objects.requireNonNull(request, "restore request");
        if (request.target().isEmpty()) {
            requireSource("restore without a target");
        }
        if (remote != null) {
            return remoteRun().restore(request);
        }
        return new RestoreEngine(this).restore(request);
    }

    /**
     * Finishes a restore into {@code target} that was interrupted (killed, power cut) before it ended, as the next
     * restore into that folder would: a swap that was under way is undone rename by rename, so the folder holds its
     * old content; a swap that was committed has its leftovers removed, so it holds the restored content; files
     * extracted before the swap are removed. Never a mix of both. Needs no plan: the work folder's journal says
     * everything.
     *
     * <pre>{@code
     * RestoreRecovery r = BackupPlan.recoverRestore(Path.of("/var/lib/jellyfin"));
     * // r.outcome(): NONE, DISCARDED, ROLLED_BACK (old content) or FINISHED (restored content)
     * }</pre>
     *
     * @param target the folder that was being restored into
     * @return what was found and done
     * @throws BackupException naming the path when a rename cannot be undone
     */
    public static RestoreRecovery recoverRestore(Path target) {
        Objects.requireNonNull(target, "target");
        Path t = target.toAbsolutePath().normalize();
        try (io.backupkit.internal.RunLog log = new io.backupkit.internal.RunLog()) {
            return RestoreEngine.recover(t, log);
        } catch (java.io.IOException e) {
            throw new BackupException("Recovery of the interrupted restore into " + t + " failed: "
                    + e.getMessage() + "; nothing more was changed, look at the work folder beside it", e);
        }
    }

    /**
     * Says what retention would remove now, without removing anything: the plan's policy under the same safety rules
     * as after a backup (the newest complete snapshot and pinned ones are kept). Writes nothing, takes no lock.
     *
     * <pre>{@code
     * plan.previewRetention().removed().forEach(r -> System.out.println(r.snapshot().id() + ": " + r.reason()));
     * }</pre>
     *
     * @return the kept and the removed snapshots
     * @throws BackupException if the destination does not exist
     */
    public RetentionReport previewRetention() {
        if (remote != null) {
            return remoteRun().prune(true);
        }
        return new RetentionEngine(this).preview();
    }

    /**
     * Applies the retention policy now, outside a backup, under the destination's lock. Each snapshot is renamed to
     * {@code <id>.deleting} before it is deleted, so a crash never leaves a damaged snapshot that looks complete;
     * such leftovers are deleted by the next prune or backup. On a {@linkplain Builder#dryRun(boolean) dry-run} plan
     * this is {@link #previewRetention()}.
     *
     * @return what was removed, and what was kept
     * @throws DestinationLockedException naming the holder, if another run holds the lock
     * @throws BackupException if the destination does not exist
     */
    public RetentionReport prune() {
        if (remote != null) {
            return remoteRun().prune(dryRun);
        }
        return new RetentionEngine(this).prune();
    }

    /**
     * Pins a complete snapshot: retention never removes it until it is unpinned (Sonarr's manual backups). The mark
     * is kept in the destination's {@code .backupkit-pins.json}, outside the snapshot, so the snapshot itself is not
     * changed. Pinning a pinned snapshot changes nothing. Takes the destination's lock.
     *
     * @param snapshotId a complete snapshot's id
     * @return the snapshot, with {@link Snapshot#pinned()} set
     * @throws SnapshotNotFoundException naming the id, if there is no such complete snapshot (also when it is
     *         unfinished)
     * @throws DestinationLockedException naming the holder, if another run holds the lock
     * @throws InvalidPlanException if the id is blank
     */
    public Snapshot pin(String snapshotId) {
        requireLocal("pin");
        return new RetentionEngine(this).pin(requireId(snapshotId));
    }

    /**
     * Removes a snapshot's pin, so retention may remove it again. Also removes a pin whose snapshot was deleted by
     * hand. Takes the destination's lock.
     *
     * @param snapshotId a pinned or complete snapshot's id
     * @return {@code true} if it was pinned, {@code false} if it is a complete snapshot that was not
     * @throws SnapshotNotFoundException naming the id, if it is neither pinned nor a complete snapshot
     * @throws DestinationLockedException naming the holder, if another run holds the lock
     * @throws InvalidPlanException if the id is blank
     */
    public boolean unpin(String snapshotId) {
        requireLocal("unpin");
        return new RetentionEngine(this).unpin(requireId(snapshotId));
    }

    private static String requireId(String snapshotId) {
        if (snapshotId == null || snapshotId.isBlank()) {
            throw new InvalidPlanException(List.of("snapshot id must not be blank, was '" + snapshotId + "'"));
        }
        return snapshotId.strip();
    }

    private void requireLocal(String what) {
        if (remote != null) {
            throw new BackupException("Cannot " + what + " snapshots in " + remote.id()
                    + ": pins are kept only in local destinations so far");
        }
    }

    private RemoteRun remoteRun() {
        return new RemoteRun(this, this::onFolder);
    }

    /** This plan on a local folder (the remote's cache or a download), keeping every snapshot there. */
    private BackupPlan onFolder(Path folder, boolean withNotifiers) {
        Builder b = toBuilder();
        b.remote = null;
        b.encryption = null;
        b.cache = null;
        b.destination = folder;
        b.retention = RetentionPolicies.keepAll();
        if (!withNotifiers) {
            b.notifiers.clear();
        }
        return new BackupPlan(b, archiver, folder);
    }

    private void requireSource(String what) {
        if (source == null) {
            throw new InvalidPlanException(List.of("source is required to " + what + "; set it with source(...)"));
        }
    }

    /** @return the folder backed up, or {@code null} for a plan that only reads the destination */
    public Path source() {
        return source;
    }

    /**
     * @return the folder holding the snapshots; with a {@linkplain #remote() remote destination}, the local cache
     *         folder where snapshots are written before they are uploaded and downloaded before they are restored
     */
    public Path destination() {
        return destination;
    }

    /** @return the remote destination, when the snapshots are kept in one rather than in a local folder */
    public Optional<Destination> remote() {
        return Optional.ofNullable(remote);
    }

    /** @return how files are encrypted before they are uploaded to the remote destination, if they are */
    public Optional<Encryption> encryption() {
        return Optional.ofNullable(encryption);
    }

    /** @return the archiver */
    public Archiver archiver() {
        return archiver;
    }

    /** @return the archiver's options as set on the plan (the archiver's defaults are not included) */
    public Map<String, String> archiverOptions() {
        return archiverOptions;
    }

    /** @return the exclude globs */
    public List<String> excludes() {
        return excludes;
    }

    /** @return the special folders, copied as plain files */
    public List<String> special() {
        return special;
    }

    /** @return the folders split one level deeper into units */
    public List<String> split() {
        return split;
    }

    /** @return the globs of the files captured as live databases (see {@link Builder#database(String...)}) */
    public List<String> databases() {
        return databases;
    }

    /**
     * @return how many units are written at once
     */
    public int workers() {
        return workers;
    }

    /** @return the caps a restore enforces */
    public RestoreLimits restoreLimits() {
        return restoreLimits;
    }

    /** @return the retention policy */
    public RetentionPolicy retention() {
        return retention;
    }

    /** @return the progress listener, or {@code null} */
    public ProgressListener listener() {
        return listener;
    }

    /** @return the class loader providers are found with */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** @return whether runs only report what they would do */
    public boolean dryRun() {
        return dryRun;
    }

    /** @return the services stopped before a run reads or replaces the data, in stopping order */
    public List<ServiceController> services() {
        return services;
    }

    /** @return how long a service may take to stop */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** @return whether services stay stopped after a backup */
    public boolean noRestart() {
        return noRestart;
    }

    /** @return whether services are started again after a failed restore */
    public boolean restartAfterFailedRestore() {
        return restartAfterFailedRestore;
    }

    /** @return whether a backup fails when a controlled service is not running before it */
    public boolean requireRunning() {
        return requireRunning;
    }

    /** @return how a restore compares the snapshot's application version with the running one */
    public VersionCheck versionCheck() {
        return versionCheck;
    }

    /** @return hooks run before a backup or resume */
    public List<Consumer<RunContext>> beforeBackup() {
        return beforeBackup;
    }

    /** @return hooks run after a successful backup or resume */
    public List<Consumer<RunContext>> afterBackup() {
        return afterBackup;
    }

    /** @return hooks run before a restore */
    public List<Consumer<RunContext>> beforeRestore() {
        return beforeRestore;
    }

    /** @return hooks run after a restore's swap, before services start again */
    public List<Consumer<RunContext>> afterRestore() {
        return afterRestore;
    }

    /** @return the local folder archives are written in before they move to the destination, or {@code null} */
    public Path staging() {
        return staging;
    }

    /** @return how often a unit whose writing failed is written again */
    public int retries() {
        return retries;
    }

    /** @return the wait before each retry */
    public Duration retryWait() {
        return retryWait;
    }

    /**
     * @return how long after its bytes were last checked an unchanged unit's archive is reused without reading it
     *         again; {@link Duration#ZERO} reads every reused archive on every backup
     */
    public Duration recheckAfter() {
        return recheckAfter;
    }

    /** @return whether a backup checks for free space before it stops a service or writes */
    public boolean spaceCheck() {
        return spaceCheck;
    }

    /** @return the notifiers and when each is told */
    public List<NotifyRule> notifiers() {
        return notifiers;
    }

    /** @return the inventories recorded at backup and compared after a restore, by name, in the order added */
    public Map<String, Inventory> inventories() {
        return inventories;
    }

    @Override
    public String toString() {
        return "BackupPlan[source=" + source + ", destination=" + (remote == null ? destination
                : remote.id() + " (cache " + destination + ")") + (encryption == null ? ""
                : ", encryption=" + encryption.id()) + ", archiver=" + archiver.id()
                + (archiverOptions.isEmpty() ? "" : " " + archiverOptions)
                + ", excludes=" + excludes + ", special=" + special + (split.isEmpty() ? "" : ", split=" + split)
                + (databases.isEmpty() ? "" : ", databases=" + databases)
                + (inventories.isEmpty() ? "" : ", inventories=" + inventories.keySet())
                + ", workers=" + workers + ", retention=" + retention
                + (services.isEmpty() ? "" : ", services=" + services.stream().map(ServiceController::id).toList())
                + (staging == null ? "" : ", staging=" + staging)
                + (dryRun ? ", dryRun" : "") + "]";
    }

    /**
     * Builds a {@link BackupPlan}. Setters reject bad values at once with a message quoting the value; {@link #build()}
     * checks the combination and reports every problem in one {@link InvalidPlanException}.
     *
     * <pre>{@code
     * BackupPlan.builder().source(src).destination(dest).build();
     * }</pre>
     */
    public static final class Builder {

        /** Default archiver id. */
        public static final String DEFAULT_ARCHIVER = "zip";

        /** Units written at once by default: one per core, at most 4 (more mostly adds disk contention). */
        public static final int DEFAULT_WORKERS = Math.min(Runtime.getRuntime().availableProcessors(), 4);

        /** The most units a plan may write at once. */
        public static final int MAX_WORKERS = 64;

        /** How long a service may take to stop by default: PlexBackup's 60 seconds. */
        public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(60);

        /** How often a failed unit is written again by default. */
        public static final int DEFAULT_RETRIES = 2;

        /** The wait before each retry by default. */
        public static final Duration DEFAULT_RETRY_WAIT = Duration.ofSeconds(10);

        /** How long a reused archive is trusted without reading it again, by default. */
        public static final Duration DEFAULT_RECHECK_AFTER = Duration.ofDays(7);

        /** The most retries a plan may ask for. */
        public static final int MAX_RETRIES = 100;

        private Path source;
        private Path destination;
        private String archiverId = DEFAULT_ARCHIVER;
        private Archiver archiverInstance;
        private final Map<String, String> archiverOptions = new LinkedHashMap<>();
        private final List<String> excludes = new ArrayList<>();
        private final List<String> special = new ArrayList<>();
        private final List<String> split = new ArrayList<>();
        private final List<String> databases = new ArrayList<>();
        private int workers = DEFAULT_WORKERS;
        private RestoreLimits restoreLimits = RestoreLimits.defaults();
        private RetentionPolicy retention = RetentionPolicies.keepAll();
        private ProgressListener listener;
        private ClassLoader classLoader = BackupPlan.class.getClassLoader();
        private boolean dryRun;
        private final List<ServiceController> services = new ArrayList<>();
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private boolean noRestart;
        private boolean restartAfterFailedRestore;
        private boolean requireRunning;
        private VersionCheck versionCheck = VersionCheck.NOT_NEWER;
        private final List<Consumer<RunContext>> beforeBackup = new ArrayList<>();
        private final List<Consumer<RunContext>> afterBackup = new ArrayList<>();
        private final List<Consumer<RunContext>> beforeRestore = new ArrayList<>();
        private final List<Consumer<RunContext>> afterRestore = new ArrayList<>();
        private Path staging;
        private int retries = DEFAULT_RETRIES;
        private Duration retryWait = DEFAULT_RETRY_WAIT;
        private Duration recheckAfter = DEFAULT_RECHECK_AFTER;
        private boolean spaceCheck = true;
        private final List<NotifyRule> notifiers = new ArrayList<>();
        private final Map<String, Inventory> inventories = new LinkedHashMap<>();
        private Destination remote;
        private Path cache;
        private Encryption encryption;

        private Builder() {
        }

        /**
         * Applies a profile: a set of settings (an application's data folder, exclusions, services, ...) made by
         * calling this builder's methods. Settings made after it win: single values such as the source or the
         * archiver are replaced, lists such as excludes, special and split folders and services are added to (so
         * apply a profile first and add to it). Applying the same profile twice adds its lists twice.
         *
         * <pre>{@code
         * BackupPlan.builder().apply(AppProfiles.plex()).destination("/mnt/nas/backups/plex").build();
         * }</pre>
         *
         * @param profile the profile
         * @return this builder
         * @throws InvalidPlanException if {@code profile} is null, or what the profile's settings throw
         */
        public Builder apply(PlanProfile profile) {
            if (profile == null) {
                throw new InvalidPlanException(List.of("profile must not be null"));
            }
            profile.applyTo(this);
            return this;
        }

        /**
         * @param source the application's data folder to back up; also the default restore target. Required to back
         *        up or resume; a plan without one can still list, verify and restore into an explicit target
         * @return this builder
         * @throws InvalidPlanException if {@code source} is null
         */
        public Builder source(Path source) {
            this.source = requirePath(source, "source");
            return this;
        }

        /**
         * @param source the application's data folder, as a string
         * @return this builder
         * @throws InvalidPlanException if {@code source} is null or not a valid path
         */
        public Builder source(String source) {
            return source(toPath(source, "source"));
        }

        /**
         * @param destination the folder that holds the snapshots, one subfolder each; created when missing. Must not
         *        be the source or inside it. Required
         * @return this builder
         * @throws InvalidPlanException if {@code destination} is null
         */
        public Builder destination(Path destination) {
            this.destination = requirePath(destination, "destination");
            this.remote = null;
            return this;
        }

        /**
         * Keeps the snapshots in a remote destination instead of a local folder (replacing a folder set before).
         * Snapshots are written into the {@linkplain #cache(Path) cache folder} exactly as into a local destination,
         * then uploaded file by file with their manifest last, so a snapshot is listed only once all of it is there;
         * {@link BackupPlan#resume()} uploads what an interrupted upload left out. Restores and verifies download
         * the snapshot into the cache and check every file's SHA-256 before use. The newest snapshot written stays
         * in the cache so that unchanged units are reused from it.
         *
         * @param destination e.g. {@code Destinations.s3("bucket", "prefix")} or {@code Destinations.sftp(...)} from
         *        {@code backup-remote}
         * @return this builder
         * @throws InvalidPlanException if {@code destination} is null
         */
        public Builder destination(Destination destination) {
            if (destination == null) {
                throw new InvalidPlanException(List.of("destination must not be null"));
            }
            this.remote = destination;
            this.destination = null;
            return this;
        }

        /**
         * @param folder with a remote destination, the local folder snapshots are written in before they are
         *        uploaded and downloaded into before they are restored; created when missing. Default:
         *        {@code $XDG_CACHE_HOME/backupkit/<destination>} or {@code ~/.cache/backupkit/<destination>}.
         *        Ignored for a local destination
         * @return this builder
         * @throws InvalidPlanException if {@code folder} is null
         */
        public Builder cache(Path folder) {
            this.cache = requirePath(folder, "cache folder");
            return this;
        }

        /**
         * @param folder the cache folder, as a string
         * @return this builder
         * @throws InvalidPlanException if {@code folder} is null or not a valid path
         */
        public Builder cache(String folder) {
            return cache(toPath(folder, "cache folder"));
        }

        /**
         * @param encryption how every file of a snapshot is encrypted before it is uploaded to the remote
         *        destination and decrypted after it is downloaded, e.g. {@code AgeEncryption.to("age1...")} from
         *        {@code backup-remote}. Only with a remote destination. Default: none
         * @return this builder
         * @throws InvalidPlanException if {@code encryption} is null
         */
        public Builder encryption(Encryption encryption) {
            if (encryption == null) {
                throw new InvalidPlanException(List.of("encryption must not be null"));
            }
            this.encryption = encryption;
            return this;
        }

        /**
         * @param destination the snapshots' folder, as a string
         * @return this builder
         * @throws InvalidPlanException if {@code destination} is null or not a valid path
         */
        public Builder destination(String destination) {
            return destination(toPath(destination, "destination"));
        }

        /**
         * @param id the archiver's id, found through {@link java.util.ServiceLoader} at {@link #build()}. Default
         *        {@value #DEFAULT_ARCHIVER}
         * @return this builder
         * @throws InvalidPlanException if {@code id} is null or blank
         */
        public Builder archiver(String id) {
            if (id == null || id.isBlank()) {
                throw new InvalidPlanException(List.of("archiver id must not be blank, was '" + id + "'"));
            }
            this.archiverId = id.strip();
            this.archiverInstance = null;
            return this;
        }

        /**
         * @param archiver an archiver instance; wins over discovery
         * @return this builder
         * @throws InvalidPlanException if {@code archiver} is null
         */
        public Builder archiver(Archiver archiver) {
            if (archiver == null) {
                throw new InvalidPlanException(List.of("archiver must not be null"));
            }
            this.archiverInstance = archiver;
            this.archiverId = null;
            return this;
        }

        /**
         * @param key an option the archiver understands (e.g. zip's {@code level})
         * @param value its value
         * @return this builder
         * @throws InvalidPlanException if either is null or blank
         */
        public Builder archiverOption(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new InvalidPlanException(List.of("archiver option needs a key and a value, was '" + key
                        + "' = '" + value + "'"));
            }
            archiverOptions.put(key.strip(), value.strip());
            return this;
        }

        /**
         * Adds paths not to back up: globs on source-relative paths with {@code /} separators. {@code *} stays within
         * a folder, {@code **} crosses folders ({@code **}{@code /*.bif} matches at any depth), {@code Logs/**} leaves
         * out the whole {@code Logs} folder. A matching folder is not entered. Default: none.
         *
         * @param globs the patterns
         * @return this builder
         * @throws InvalidPlanException quoting the pattern, if one is blank, absolute or malformed
         */
        public Builder exclude(String... globs) {
            Objects.requireNonNull(globs, "globs");
            List<String> problems = new ArrayList<>();
            for (String g : globs) {
                try {
                    Glob.compile(g);
                    excludes.add(g);
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return this;
        }

        /**
         * Marks database files that the application may hold open: globs on source-relative paths, the same syntax
         * as {@link #exclude(String...)} (e.g. {@code "Plug-in Support/Databases/*.db"}, {@code "data/*.db"}). Each
         * matching file is captured through a {@link io.backupkit.spi.DatabaseCapture} provider (SQLite comes with
         * {@code io.backupkit:backup-sqlite}) into a consistent temporary copy, which is what the snapshot holds
         * under the file's own path; the database's {@code -wal}, {@code -shm} and {@code -journal} companions are
         * left out. A captured database is never reused from an earlier snapshot on its size and modification time
         * alone: its unit is written again on every backup. On restore each one is checked before the swap, and
         * stale companions are removed from the target after it. A matching file that no provider recognises is
         * backed up as a plain file, with a warning. Default: none.
         *
         * @param globs the patterns
         * @return this builder
         * @throws InvalidPlanException quoting the pattern, if one is blank, absolute or malformed; {@link #build()}
         *         fails when no database capture provider is on the class path
         */
        public Builder database(String... globs) {
            Objects.requireNonNull(globs, "globs");
            List<String> problems = new ArrayList<>();
            for (String g : globs) {
                try {
                    Glob.compile(g, "database");
                    if (!databases.contains(g)) {
                        databases.add(g);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return this;
        }

        /**
         * Adds special folders (source-relative, {@code /} separators, e.g. {@code Media/localhost}): each is copied
         * into the snapshot as plain files, not archived, as PlexBackup does for folders whose long paths break
         * archivers. Default: none.
         *
         * @param folders the folders
         * @return this builder
         * @throws InvalidPlanException quoting the path, if one is blank, absolute or climbs with {@code ..}
         */
        public Builder special(String... folders) {
            Objects.requireNonNull(folders, "folders");
            List<String> problems = new ArrayList<>();
            for (String f : folders) {
                String problem = checkRelative(f, "special folder");
                if (problem != null) {
                    problems.add(problem);
                } else {
                    String normalized = f.strip().replaceAll("/+$", "");
                    if (!special.contains(normalized)) {
                        special.add(normalized);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return this;
        }

        /**
         * Splits large folders one level deeper: each sub-folder of a split folder becomes a unit of its own, and
         * the split folder's own loose files one more, so a small change re-archives little (Plex's
         * {@code Metadata} and {@code Media}). Default: none; only top-level folders are units.
         *
         * @param folders source-relative folders ({@code /} separators), e.g. {@code "Metadata"}
         * @return this builder
         * @throws InvalidPlanException quoting the path, if one is blank, absolute or climbs with {@code ..}
         */
        public Builder split(String... folders) {
            Objects.requireNonNull(folders, "folders");
            List<String> problems = new ArrayList<>();
            for (String f : folders) {
                String problem = checkRelative(f, "split folder");
                if (problem == null && f.strip().replaceAll("/+$", "").contains("/")) {
                    problem = "split folder '" + f + "' must be a top-level folder of the source (no '/')";
                }
                if (problem != null) {
                    problems.add(problem);
                } else {
                    String normalized = f.strip().replaceAll("/+$", "");
                    if (!split.contains(normalized)) {
                        split.add(normalized);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return this;
        }

        /**
         * @param workers how many units are written at once, 1 to {@link #MAX_WORKERS}. Default
         *        {@link #DEFAULT_WORKERS}: one per core, at most 4. The snapshot's content does not depend on it
         * @return this builder
         * @throws InvalidPlanException if {@code workers} is out of range
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > MAX_WORKERS) {
                throw new InvalidPlanException(List.of("workers must be between 1 and " + MAX_WORKERS + ", was "
                        + workers));
            }
            this.workers = workers;
            return this;
        }

        /**
         * @param limits the caps a restore enforces against decompression bombs. Default
         *        {@link RestoreLimits#defaults()}
         * @return this builder
         * @throws InvalidPlanException if {@code limits} is null
         */
        public Builder restoreLimits(RestoreLimits limits) {
            if (limits == null) {
                throw new InvalidPlanException(List.of("restore limits must not be null"));
            }
            this.restoreLimits = limits;
            return this;
        }

        /**
         * @param policy which snapshots to keep after a successful backup and on {@link BackupPlan#prune()}. Default
         *        {@link RetentionPolicies#keepAll()}
         * @return this builder
         * @throws InvalidPlanException if {@code policy} is null, or a {@code gfs()} with no count set
         */
        public Builder retention(RetentionPolicy policy) {
            if (policy == null) {
                throw new InvalidPlanException(List.of("retention policy must not be null"));
            }
            List<String> problems = RetentionPolicies.problems(policy);
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            this.retention = policy;
            return this;
        }

        /**
         * @param listener receives progress events. Default: none
         * @return this builder
         */
        public Builder listener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * @param classLoader where providers are looked for. Default: the class loader that loaded BackupKit
         * @return this builder
         * @throws InvalidPlanException if {@code classLoader} is null
         */
        public Builder classLoader(ClassLoader classLoader) {
            if (classLoader == null) {
                throw new InvalidPlanException(List.of("class loader must not be null"));
            }
            this.classLoader = classLoader;
            return this;
        }

        /**
         * @param dryRun {@code true} to only report what a backup would do: nothing is written or deleted. Default
         *        {@code false}
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Adds services to stop before a run reads (backup) or replaces (restore) the data, and to start again
         * afterwards: stopped in the order added, started in reverse. Before anything is read every service is
         * confirmed stopped (polled until {@link #stopTimeout(Duration)}); one that will not stop fails the run
         * before the backup or the target is touched, and the services already stopped are started again. Only
         * services that were running are stopped and started. The first service that reports a
         * {@link ServiceController#version()} gives the application version recorded in the snapshot and compared
         * on restore. Default: none.
         *
         * <pre>{@code
         * builder.service(ServiceControllers.systemd("plexmediaserver"))
         * }</pre>
         *
         * @param controllers the services
         * @return this builder
         * @throws InvalidPlanException if a controller is null
         */
        public Builder service(ServiceController... controllers) {
            Objects.requireNonNull(controllers, "controllers");
            for (ServiceController c : controllers) {
                if (c == null) {
                    throw new InvalidPlanException(List.of("service controller must not be null"));
                }
                services.add(c);
            }
            return this;
        }

        /**
         * @param timeout how long each service may take to stop, and then to be confirmed stopped. Default
         *        {@link #DEFAULT_STOP_TIMEOUT} (60 s, as PlexBackup)
         * @return this builder
         * @throws InvalidPlanException if {@code timeout} is null, zero or negative
         */
        public Builder stopTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new InvalidPlanException(List.of("stop timeout must be positive, was " + timeout));
            }
            this.stopTimeout = timeout;
            return this;
        }

        /**
         * @param noRestart {@code true} to leave the services stopped after a backup. Default {@code false}: the
         *        services that were running are started again after every backup, successful or not
         * @return this builder
         */
        public Builder noRestart(boolean noRestart) {
            this.noRestart = noRestart;
            return this;
        }

        /**
         * @param restart {@code true} to start the services again also after a failed restore (the target then
         *        holds its old content again). Default {@code false}: after a failed restore they stay stopped, so
         *        the app does not run on data someone should look at first; after a successful restore they are
         *        always started again
         * @return this builder
         */
        public Builder restartAfterFailedRestore(boolean restart) {
            this.restartAfterFailedRestore = restart;
            return this;
        }

        /**
         * @param require {@code true} to fail a backup, before anything is written, when a controlled service is
         *        not running (PlexBackup's default; its {@code Inactive} switch turns it off). Default
         *        {@code false}: a stopped service is backed up as it is
         * @return this builder
         */
        public Builder requireRunning(boolean require) {
            this.requireRunning = require;
            return this;
        }

        /**
         * @param check how a restore compares the snapshot's application version with the running one. Default
         *        {@link VersionCheck#NOT_NEWER}
         * @return this builder
         * @throws InvalidPlanException if {@code check} is null
         */
        public Builder versionCheck(VersionCheck check) {
            if (check == null) {
                throw new InvalidPlanException(List.of("version check must not be null"));
            }
            this.versionCheck = check;
            return this;
        }

        /**
         * Adds a hook run first of all by a backup or resume, before the destination is touched or a service
         * stopped (wake a sleeping NAS share, export settings kept outside the data folder into
         * {@link RunContext#extras()}). A hook that throws fails the run before anything else happens. Not run on a
         * dry run. Default: none.
         *
         * @param hook the hook
         * @return this builder
         * @throws InvalidPlanException if {@code hook} is null
         */
        public Builder beforeBackup(Consumer<RunContext> hook) {
            beforeBackup.add(requireHook(hook, "beforeBackup"));
            return this;
        }

        /**
         * Adds a hook run after a successful backup or resume, once the snapshot is complete and the services are
         * running again. A hook that throws is a warning on the result: the snapshot stays. Not run on a dry run.
         *
         * @param hook the hook
         * @return this builder
         * @throws InvalidPlanException if {@code hook} is null
         */
        public Builder afterBackup(Consumer<RunContext> hook) {
            afterBackup.add(requireHook(hook, "afterBackup"));
            return this;
        }

        /**
         * Adds a hook run first of all by a restore, before the destination is touched or a service stopped. A hook
         * that throws fails the restore before anything else happens. Not run on a dry run.
         *
         * @param hook the hook
         * @return this builder
         * @throws InvalidPlanException if {@code hook} is null
         */
        public Builder beforeRestore(Consumer<RunContext> hook) {
            beforeRestore.add(requireHook(hook, "beforeRestore"));
            return this;
        }

        /**
         * Adds a hook run after a restore's swap succeeded, while the services are still stopped (import settings
         * from {@link RunContext#extras()}). A hook that throws is a warning on the result and the services are
         * still started. Not run on a dry run.
         *
         * @param hook the hook
         * @return this builder
         * @throws InvalidPlanException if {@code hook} is null
         */
        public Builder afterRestore(Consumer<RunContext> hook) {
            afterRestore.add(requireHook(hook, "afterRestore"));
            return this;
        }

        /**
         * @param folder a local folder where archives are written before they are moved to a slow destination (a
         *        NAS share), as PlexBackup's {@code TempZipFileDir}; created when missing. Staging files left by a
         *        killed run are removed when the next run starts. Folder units ({@code mirror}, special folders) are
         *        copied directly. Default: none, archives are written in the destination
         * @return this builder
         * @throws InvalidPlanException if {@code folder} is null
         */
        public Builder staging(Path folder) {
            this.staging = requirePath(folder, "staging folder");
            return this;
        }

        /**
         * @param folder the staging folder, as a string
         * @return this builder
         * @throws InvalidPlanException if {@code folder} is null or not a valid path
         */
        public Builder staging(String folder) {
            return staging(toPath(folder, "staging folder"));
        }

        /**
         * @param retries how often a unit whose writing failed (a network share that went away, a full disk that
         *        got room) is written again after {@link #retryWait(Duration)}, 0 to {@link #MAX_RETRIES}. Default
         *        {@value #DEFAULT_RETRIES}
         * @return this builder
         * @throws InvalidPlanException if {@code retries} is out of range
         */
        public Builder retries(int retries) {
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new InvalidPlanException(List.of("retries must be between 0 and " + MAX_RETRIES + ", was "
                        + retries));
            }
            this.retries = retries;
            return this;
        }

        /**
         * @param wait the wait before each retry, zero or more. Default {@link #DEFAULT_RETRY_WAIT} (10 s)
         * @return this builder
         * @throws InvalidPlanException if {@code wait} is null or negative
         */
        public Builder retryWait(Duration wait) {
            if (wait == null || wait.isNegative()) {
                throw new InvalidPlanException(List.of("retry wait must be zero or more, was " + wait));
            }
            this.retryWait = wait;
            return this;
        }

        /**
         * How long an unchanged unit's archive is reused from the previous snapshot on the strength of an earlier
         * check. A backup hard-links the archive of a unit whose files are unchanged instead of writing it again.
         * Before it does, it reads the archive and compares its SHA-256 with the manifest's, so that a damaged
         * archive is written afresh instead of carried forward. That read is skipped while the archive's last check
         * (by the run that wrote it, or by the last run that read it) is more recent than {@code after} and its
         * size and modification time are the ones recorded then. A file changed in place is therefore always read
         * again; damage that leaves size and time alone (a failing disk) is found by the first backup after the
         * window, or at once by {@link BackupPlan#verify(String)}. Reading is what a reused archive costs: on a NAS
         * it is the whole backup's size over the network on every run. Default {@link #DEFAULT_RECHECK_AFTER} (7
         * days).
         *
         * @param after zero or more; {@link Duration#ZERO} reads every reused archive on every backup
         * @return this builder
         * @throws InvalidPlanException if {@code after} is null or negative
         */
        public Builder recheckAfter(Duration after) {
            if (after == null || after.isNegative()) {
                throw new InvalidPlanException(List.of("recheck-after must be zero or more, was " + after));
            }
            this.recheckAfter = after;
            return this;
        }

        /**
         * @param check {@code false} to skip the free-space check. Default {@code true}: before a service is stopped
         *        (or, without services, before anything is written) the backup estimates the space it needs (the
         *        bytes of every unit not reused unchanged from the previous snapshot, plus a margin) and fails with
         *        both figures when the destination, or the staging folder, has less
         * @return this builder
         */
        public Builder spaceCheck(boolean check) {
            this.spaceCheck = check;
            return this;
        }

        /**
         * Adds a notifier told after every run ({@link NotifyWhen#ALWAYS}) with the run log attached when the run
         * failed ({@link AttachLog#ON_ERROR}).
         *
         * @param notifier the notifier, e.g. {@code Notifiers.email()...build()} from {@code backup-notify}
         * @return this builder
         * @throws InvalidPlanException if {@code notifier} is null
         */
        public Builder notify(io.backupkit.spi.Notifier notifier) {
            return notify(notifier, NotifyWhen.ALWAYS, AttachLog.ON_ERROR);
        }

        /**
         * Adds a notifier, told after the runs {@code when} matches, also after a run that failed before it started
         * its real work (bad source, lock held, a service that would not stop). A notifier that fails is a warning
         * on the result and in the log, never a failed run. Default: none.
         *
         * @param notifier the notifier
         * @param when after which runs (PlexBackup's {@code SendMail})
         * @param attachLog when the run log is attached (PlexBackup's {@code SendLogFile})
         * @return this builder
         * @throws InvalidPlanException if an argument is null
         */
        public Builder notify(io.backupkit.spi.Notifier notifier, NotifyWhen when, AttachLog attachLog) {
            if (notifier == null || when == null || attachLog == null) {
                throw new InvalidPlanException(List.of("notify needs a notifier, a NotifyWhen and an AttachLog, was "
                        + notifier + ", " + when + ", " + attachLog));
            }
            notifiers.add(new NotifyRule(notifier, when, attachLog));
            return this;
        }

        /**
         * Records a list of what is installed in the source (plugins, say) in every snapshot's manifest, under
         * {@code name}. After a restore, {@link RestoreResult#inventory()} holds the snapshot's list and
         * {@link RestoreResult#missing()} the entries the target lacks once the restore is done (the same function
         * run on the target), so the user knows what to install again. A function that fails is a warning, never a
         * failed run. Adding another inventory of the same name replaces it. Default: none.
         *
         * <pre>{@code
         * builder.inventory("plugins", folder -> List.of("Trakt.bundle"));
         * }</pre>
         *
         * @param name the inventory's name, e.g. {@code plugins}: letters, digits, {@code .}, {@code _} and {@code -}
         * @param inventory lists the entries of a data folder
         * @return this builder
         * @throws InvalidPlanException quoting the name, if it is blank or holds other characters, or if
         *         {@code inventory} is null
         */
        public Builder inventory(String name, Inventory inventory) {
            if (name == null || !name.strip().matches("[A-Za-z0-9._-]+")) {
                throw new InvalidPlanException(List.of("inventory name must be letters, digits, '.', '_' or '-', was '"
                        + name + "'"));
            }
            if (inventory == null) {
                throw new InvalidPlanException(List.of("inventory '" + name.strip() + "' must not be null"));
            }
            inventories.put(name.strip(), inventory);
            return this;
        }

        private static Consumer<RunContext> requireHook(Consumer<RunContext> hook, String what) {
            if (hook == null) {
                throw new InvalidPlanException(List.of(what + " hook must not be null"));
            }
            return hook;
        }

        /**
         * Checks everything and builds the plan.
         *
         * @return the plan
         * @throws InvalidPlanException listing every problem found
         * @throws UnknownProviderException (inside the problems) when the archiver id is unknown
         */
        public BackupPlan build() {
            List<String> problems = new ArrayList<>();
            Path destination = this.destination;
            if (remote != null) {
                destination = cache != null ? cache : RemoteRun.defaultCache(remote);
            } else if (encryption != null) {
                problems.add("encryption needs a remote destination (destination(Destination)); a local folder is "
                        + "written as it is");
            }
            if (destination == null) {
                problems.add("destination is required");
            }
            if (source != null && destination != null) {
                Path src = canonical(source);
                Path dest = canonical(destination);
                if (dest.equals(src)) {
                    problems.add("destination " + destination + " is the source folder; choose a folder outside it");
                } else if (dest.startsWith(src)) {
                    problems.add("destination " + destination + " is inside the source " + source
                            + "; backups would back themselves up: choose a folder outside it");
                }
                if (Files.isRegularFile(destination)) {
                    problems.add("destination " + destination + " is a file, not a folder");
                }
            }
            Archiver resolved = archiverInstance;
            if (resolved == null) {
                try {
                    resolved = Providers.archiver(archiverId, classLoader);
                } catch (UnknownProviderException e) {
                    problems.add(e.getMessage());
                }
            }
            if (resolved != null) {
                Map<String, String> defaults = resolved.defaultOptions();
                boolean known = true;
                for (String key : archiverOptions.keySet()) {
                    if (!defaults.containsKey(key)) {
                        known = false;
                        problems.add("archiver '" + resolved.id() + "' has no option '" + key + "'; it has "
                                + (defaults.isEmpty() ? "none"
                                : String.join(", ", new java.util.TreeSet<>(defaults.keySet()))));
                    }
                }
                if (known) {
                    Map<String, String> merged = new LinkedHashMap<>(defaults);
                    merged.putAll(archiverOptions);
                    try {
                        for (String p : resolved.checkOptions(merged)) {
                            problems.add("archiver '" + resolved.id() + "': " + p);
                        }
                    } catch (RuntimeException e) {
                        problems.add("archiver '" + resolved.id() + "' failed to check its options: " + e);
                    }
                }
            }
            for (String s : special) {
                for (String g : excludes) {
                    if (Glob.compile(g).matches(s)) {
                        problems.add("special folder '" + s + "' is also excluded by '" + g + "'");
                    }
                }
            }
            if (!databases.isEmpty() && Providers.databaseCaptures(classLoader).isEmpty()) {
                problems.add("database(" + String.join(", ", databases) + ") needs a database capture provider and "
                        + "none was found; add " + Providers.SQLITE_MODULE + " to the class path");
            }
            if (staging != null && destination != null) {
                Path st = canonical(staging);
                if (source != null && st.startsWith(canonical(source))) {
                    problems.add("staging folder " + staging + " is inside the source " + source
                            + "; choose a folder outside it");
                }
                if (st.startsWith(canonical(destination))) {
                    problems.add("staging folder " + staging + " is inside the destination " + destination
                            + "; choose a local folder outside it");
                }
                if (Files.isRegularFile(staging)) {
                    problems.add("staging folder " + staging + " is a file, not a folder");
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return new BackupPlan(this, resolved, destination);
        }

        private static Path canonical(Path p) {
            return io.backupkit.internal.Fs.canonical(p);
        }

        private static String checkRelative(String f, String what) {
            if (f == null || f.isBlank()) {
                return what + " must not be blank, was '" + f + "'";
            }
            String s = f.strip();
            if (s.startsWith("/") || s.indexOf('\\') >= 0 || s.matches("^[A-Za-z]:.*")) {
                return what + " '" + f + "' must be relative to the source with '/' separators";
            }
            for (String part : s.replaceAll("/+$", "").split("/")) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    return what + " '" + f + "' must not contain empty, '.' or '..' segments";
                }
            }
            return null;
        }

        private static Path requirePath(Path p, String what) {
            if (p == null) {
                throw new InvalidPlanException(List.of(what + " must not be null"));
            }
            return p;
        }

        private static Path toPath(String p, String what) {
            if (p == null || p.isBlank()) {
                throw new InvalidPlanException(List.of(what + " must not be blank, was '" + p + "'"));
            }
            try {
                return Path.of(p);
            } catch (InvalidPathException e) {
                throw new InvalidPlanException(List.of(what + " '" + p + "' is not a valid path: " + e.getReason()));
            }
        }
    }
}
