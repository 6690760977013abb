package io.backupkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.Operation;
import io.backupkit.ProgressEvent;
import io.backupkit.RunContext;
import io.backupkit.RunReport;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Runs a backup or a resume: walk, write each unit (archive, then index), write the manifest last, fsync, rename the
 * {@code .partial} folder, then apply retention. Every unit finished is recorded in {@code state/}, so a run that is
 * killed can be resumed from the last finished unit.
 *
 * <pre>{@code
 * BackupResult r = new BackupEngine(plan).backup(false);
 * }</pre>
 */
public final class BackupEngine {

    private static final String UNITS = "units";
    private static final String INDEX = "index";
    private static final String STATE = "state";
    private static final String TMP = ".tmp";
    /** Name prefix of restore staging folders; never backed up. */
    public static final String RESTORE_STAGING_PREFIX = ".backupkit-restore";
    private static final Archiver FOLDER = new FolderArchiver();

    private final BackupPlan plan;
    private final SnapshotStore store;
    private final Events events;
    private final RunLog log = new RunLog();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final Map<String, Manifest.UnitRecord> committedUnits = new HashMap<>();
    private final Set<String> keptFromInterruptedRun = ConcurrentHashMap.newKeySet();
    private final Databases databases;
    private final Map<String, String> capturedDatabases = new ConcurrentHashMap<>();
    private PreviousSnapshot previous;
    /** Units the space estimate found unchanged since {@link #previous}: their indexes are not read twice. */
    private final Map<Unit, Boolean> sameAsPrevious = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());
    /**
     * Folder units' indexes in {@link #previous}, read by the space estimate and kept for the unit's writer, which
     * takes its unit's out: a folder unit's index is read, checked and parsed once a run.
     */
    private final Map<Unit, Map<String, IndexEntry>> previousFolderIndexes = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());
    private volatile Staging staging;
    private String appVersion;
    private long filesTotal;
    private long bytesTotal;

    /**
     * @param plan the plan to run
     */
    public BackupEngine(BackupPlan plan) {
        this.plan = plan;
        this.store = new SnapshotStore(plan.destination());
        this.events = new Events(plan.listener());
        this.databases = new Databases(plan.databases(), plan.classLoader());
    }

    /**
     * @param resume {@code true} to continue the newest unfinished snapshot
     * @return what was written
     */
    public BackupResult backup(boolean resume) {
        Instant start = Instant.now();
        Operation op = resume ? Operation.RESUME : Operation.BACKUP;
        String snapshotId = null;
        boolean success = false;
        Path extras = null;
        try {
            checkSource();
            if (plan.dryRun()) {
                BackupResult r = notified(op, start, dryRun(start, resume));
                snapshotId = r.snapshotId();
                success = true;
                return r;
            }
            extras = beforeHooks(op);
            createDestination();
            BackupResult result;
            try (DestinationLock lock = DestinationLock.acquire(plan.destination(), op.name().toLowerCase(java.util.Locale.ROOT))) {
                ServiceRun services = new ServiceRun(plan.services(), plan.stopTimeout(), log);
                appVersion = services.version().orElse(null);
                if (services.any()) {
                    log.info("Application version reported by the services: {}",
                            appVersion == null ? "none" : appVersion);
                }
                if (plan.requireRunning()) {
                    services.requireRunning();
                }
                if (services.any() && plan.spaceCheck()) {
                    // before anything is stopped: estimated from the live tree
                    checkSpace(scan(), true, PreviousSnapshot.find(store, null, archiverInfo(),
                            plan.archiver().contentOptions(), m -> { }));
                }
                services.stopAll();
                try {
                    Path partial;
                    if (resume) {
                        partial = newestPartial();
                        snapshotId = idOfPartial(partial);
                        checkResumable(partial, snapshotId);
                    } else {
                        snapshotId = store.newId(start);
                        partial = store.partial(snapshotId);
                        Files.createDirectory(partial);
                        Fs.ownerOnly(partial);
                        Json.writeDurably(partial.resolve(SnapshotStore.PARTIAL_STATE), new PartialState(
                                Manifest.FORMAT_VERSION, snapshotId, start.toString(), DestinationLock.hostName(),
                                archiverInfo(), planInfo()));
                        Files.createDirectories(partial.resolve(UNITS));
                        Files.createDirectories(partial.resolve(INDEX));
                        Files.createDirectories(partial.resolve(STATE));
                        Fs.fsyncDirectory(plan.destination());
                    }
                    log.attach(partial.resolve("backup.log"));
                    store.removeLeftovers(m -> log.info("{}", m), log::warn);
                    log.info("BackupKit {} {} of {} into {} (snapshot {}, archiver {})", Version.current(),
                            resume ? "resuming" : "starting backup", plan.source(), plan.destination(), snapshotId,
                            plan.archiver().id());
                    result = write(start, op, snapshotId, partial, services, appVersion, extras);
                } finally {
                    if (services.holdsStopped()) {
                        if (plan.noRestart()) {
                            services.leaveStopped("the plan says noRestart");
                        } else {
                            services.startAll();
                        }
                    }
                }
            }
            result = notified(op, start, afterHooks(op, result));
            success = true;
            return result;
        } catch (IOException e) {
            log.error("Backup failed", e);
            BackupException failure = new BackupException("Backup of " + plan.source() + " into "
                    + plan.destination() + " failed: " + SourceScanner.describe(e), e);
            notifyFailure(op, start, snapshotId, failure);
            throw failure;
        } catch (RuntimeException e) {
            log.error("Backup failed: " + e.getMessage(), e instanceof BackupException ? null : e);
            notifyFailure(op, start, snapshotId, e);
            throw e;
        } finally {
            log.close();
            if (extras != null) {
                try {
                    Fs.deleteTree(extras);
                } catch (IOException e) {
                    log.warn("Could not remove the hooks' temporary folder " + extras + ": " + e.getMessage());
                }
            }
            events.send(new ProgressEvent.RunFinished(op, snapshotId, success));
        }
    }

    /** Tells the notifiers about a finished backup; their failures become warnings on the result. */
    private BackupResult notified(Operation op, Instant start, BackupResult r) {
        if (plan.notifiers().isEmpty()) {
            return r;
        }
        Path logFile = r.dryRun() ? null : r.location().resolve("backup.log");
        Path errorLog = r.dryRun() ? null : r.location().resolve("backup-errors.log");
        RunReport report = new RunReport(op, RunReport.Outcome.SUCCEEDED, r.snapshotId(), start, Instant.now(),
                r.files(), r.bytes(), r.units(), r.unitsReused(), r.warnings(), List.of(), appVersion,
                DestinationLock.hostName(), logFile, errorLog != null && Files.exists(errorLog) ? errorLog : null,
                r.dryRun());
        List<String> failed = Notify.after(plan, report);
        if (failed.isEmpty()) {
            return r;
        }
        List<String> warnings = new ArrayList<>(r.warnings());
        warnings.addAll(failed);
        return new BackupResult(r.snapshotId(), r.location(), r.units(), r.unitsReused(), r.files(),
                r.directories(), r.links(), r.bytes(), r.storedBytes(), r.duration(), warnings, r.pruned(),
                r.dryRun(), r.steps());
    }

    /**
     * Tells the notifiers about a failed backup, also one that failed before its snapshot existed: its log is then
     * written to the destination's {@code .backupkit-logs/} (or the temporary folder) so that it can be attached.
     */
    private void notifyFailure(Operation op, Instant start, String snapshotId, RuntimeException e) {
        if (plan.notifiers().isEmpty()) {
            return;
        }
        Path logFile = log.path();
        if (logFile == null && !plan.dryRun()) {
            logFile = log.spill(Notify.logFolder(plan), SnapshotStore.idFor(start) + "-"
                    + op.name().toLowerCase(java.util.Locale.ROOT) + ".log");
        }
        RunReport report = new RunReport(op, RunReport.Outcome.FAILED, snapshotId, start, Instant.now(),
                filesDone.get(), bytesDone.get(), committedUnits.size(), keptFromInterruptedRun.size(),
                log.warnings(), Notify.errors(e), appVersion, DestinationLock.hostName(), logFile, log.errorPath(),
                plan.dryRun());
        for (String w : Notify.after(plan, report)) {
            log.warn(w);
        }
    }

    /**
     * Runs the {@code beforeBackup} hooks, first of all.
     *
     * @return the temporary folder the hooks may fill with extra files, or {@code null} when there are no hooks
     */
    private Path beforeHooks(Operation op) throws IOException {
        if (plan.beforeBackup().isEmpty()) {
            return null;
        }
        Path parent = plan.staging() != null ? plan.staging() : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        Path extras = Files.createTempDirectory(parent, "backupkit-extras-");
        RunContext ctx = new RunContext(op, null, plan.source(), null, extras);
        for (Consumer<RunContext> hook : plan.beforeBackup()) {
            try {
                hook.accept(ctx);
            } catch (RuntimeException e) {
                Fs.deleteTree(extras);
                throw new BackupException("The beforeBackup hook " + hook + " failed, so the backup did not start: "
                        + e, e);
            }
        }
        return extras;
    }

    /** Runs the {@code afterBackup} hooks; a failing one is a warning on the result. */
    private BackupResult afterHooks(Operation op, BackupResult r) {
        if (plan.afterBackup().isEmpty()) {
            return r;
        }
        RunContext ctx = new RunContext(op, r.snapshotId(),
                plan.source(), null, r.location().resolve(Manifest.EXTRAS));
        List<String> warnings = new ArrayList<>(r.warnings());
        for (Consumer<RunContext> hook : plan.afterBackup()) {
            try {
                hook.accept(ctx);
            } catch (RuntimeException e) {
                String m = "The afterBackup hook " + hook + " failed; snapshot " + r.snapshotId()
                        + " is complete: " + e;
                log.warn(m);
                warnings.add(m);
            }
        }
        return new BackupResult(r.snapshotId(), r.location(), r.units(), r.unitsReused(), r.files(),
                r.directories(), r.links(), r.bytes(), r.storedBytes(), r.duration(), warnings, r.pruned(),
                r.dryRun(), r.steps());
    }

    /**
     * Fails, before anything is stopped or written, when the destination (or the staging folder) has less free
     * space than the backup needs: the bytes of every unit not reused unchanged from the previous snapshot (for
     * folder units, of every file not hard-linked), plus 1 % and 16 MiB for indexes and the manifest. Staging needs
     * room for the largest units written at once.
     *
     * @param units the scanned units
     * @param fail {@code true} to throw; {@code false} (dry run) to report only
     * @param prev the previous snapshot whose unchanged units cost nothing, or {@code null}
     */
    private void checkSpace(List<Unit> units, boolean fail, PreviousSnapshot prev) throws IOException {
        long needed = 0;
        List<Long> archiveUnits = new ArrayList<>();
        for (Unit u : units) {
            long n = estimate(u, prev);
            needed += n;
            if (!u.special() && !plan.archiver().extension().isEmpty()) {
                archiveUnits.add(n);
            }
        }
        needed += needed / 100 + 16L * 1024 * 1024;
        Path dest = existingAncestor(plan.destination());
        long free = Files.getFileStore(dest).getUsableSpace();
        String what = "The backup needs about " + mib(needed) + " on " + plan.destination() + " and " + mib(free)
                + " is free";
        if (!fail) {
            log.step("check free space: {}{}", what, free < needed ? " (a real run would fail here)" : "");
        } else {
            log.info("{}", what);
        }
        if (free < needed && fail) {
            throw new BackupException(what + "; free some space, remove old snapshots (prune) or choose another "
                    + "destination (spaceCheck(false) / --no-space-check skips this check)");
        }
        if (plan.staging() != null && !archiveUnits.isEmpty()) {
            archiveUnits.sort(Comparator.reverseOrder());
            long stagingNeeded = 16L * 1024 * 1024;
            for (int i = 0; i < Math.min(plan.workers(), archiveUnits.size()); i++) {
                stagingNeeded += archiveUnits.get(i);
            }
            long stagingFree = Files.getFileStore(existingAncestor(plan.staging())).getUsableSpace();
            String staged = "Staging needs about " + mib(stagingNeeded) + " in " + plan.staging() + " and "
                    + mib(stagingFree) + " is free";
            if (!fail) {
                log.step("check free space: {}{}", staged,
                        stagingFree < stagingNeeded ? " (a real run would fail here)" : "");
            } else if (stagingFree < stagingNeeded) {
                throw new BackupException(staged + "; free some space there, choose another staging folder or "
                        + "lower workers");
            }
        }
    }

    /** @return the bytes a unit will add to the destination */
    private long estimate(Unit unit, PreviousSnapshot prev) {
        if (prev == null) {
            return unit.bytes();
        }
        Manifest.UnitRecord r = prev.unit(unit.name());
        if (r == null) {
            return unit.bytes();
        }
        try {
            boolean folder = unit.special() || plan.archiver().extension().isEmpty();
            if (!folder) {
                boolean same = unchangedSince(prev, r, unit);
                if (prev == previous) {
                    sameAsPrevious.put(unit, same);
                }
                return same ? 0 : unit.bytes();
            }
            Map<String, IndexEntry> listed = prev.index(r);
            if (prev == previous) {
                previousFolderIndexes.put(unit, listed);
            }
            long changed = 0;
            for (UnitEntry e : unit.entries()) {
                if (e.type() == EntryType.FILE && !matches(e, listed.get(e.path()))) {
                    changed += e.size();
                }
            }
            return changed;
        } catch (IOException | RuntimeException e) {
            return unit.bytes();
        }
    }

    private static Path existingAncestor(Path p) {
        Path a = p.toAbsolutePath();
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        return a == null ? p.toAbsolutePath().getRoot() : a;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private void checkSource() {
        Path source = plan.source();
        if (!Files.exists(source)) {
            throw new BackupException("Source folder " + source + " does not exist");
        }
        if (!Files.isDirectory(source)) {
            throw new BackupException("Source " + source + " is not a folder");
        }
        if (!Files.isReadable(source) || !Files.isExecutable(source)) {
            throw new BackupException("Source folder " + source + " is not readable");
        }
    }

    private void createDestination() {
        try {
            Files.createDirectories(plan.destination());
        } catch (IOException e) {
            throw new BackupException("Cannot create destination " + plan.destination() + ": "
                    + SourceScanner.describe(e), e);
        }
        if (!Files.isWritable(plan.destination())) {
            throw new BackupException("Destination " + plan.destination() + " is not writable");
        }
    }

    private BackupResult dryRun(Instant start, boolean resume) throws IOException {
        String id = resume ? idOfPartial(newestPartial()) : store.newId(start);
        for (Consumer<RunContext> hook : plan.beforeBackup()) {
            log.step("run the beforeBackup hook {}", hook);
        }
        ServiceRun services = new ServiceRun(plan.services(), plan.stopTimeout(), log);
        if (services.any()) {
            String version = services.version().orElse(null);
            log.step("record application version {}", version == null ? "(none reported)" : version);
        }
        if (plan.requireRunning()) {
            try {
                services.requireRunning();
            } catch (BackupException e) {
                log.step("fail: {}", e.getMessage());
            }
        }
        List<Unit> units = scan();
        PreviousSnapshot prev = PreviousSnapshot.find(store, id, archiverInfo(), plan.archiver().contentOptions(),
                m -> { });
        Inventories.list(plan.inventories(), plan.source(), w -> log.step("fail to record an inventory: {}", w))
                .forEach((name, entries) -> log.step("record the inventory '{}' of the source: {} entries {}", name,
                        entries.size(), entries));
        if (plan.spaceCheck()) {
            checkSpace(units, false, prev);
        }
        services.describeStop();
        log.step("{} snapshot {} in {}", resume ? "continue" : "write", id, plan.destination());
        if (plan.staging() != null) {
            log.step("write archives in the staging folder {}, then move each to the destination", plan.staging());
        }
        long files = 0;
        long dirs = 0;
        long links = 0;
        long bytes = 0;
        int reused = 0;
        for (Unit u : units) {
            boolean reuse = prev != null && !u.special() && !plan.archiver().extension().isEmpty()
                    && estimate(u, prev) == 0;
            if (reuse) {
                reused++;
                log.step("reuse unit '{}' unchanged from snapshot {} ({} files, {} bytes)",
                        UnitNames.display(u.name()), prev.id(), u.files(), u.bytes());
            } else {
                log.step("write unit '{}' ({} files, {} bytes){}", UnitNames.display(u.name()), u.files(),
                        u.bytes(), u.special() ? " as a plain copy" : "");
                for (UnitEntry e : u.entries()) {
                    if (e.type() == EntryType.FILE && databases.marks(e.path())) {
                        log.step("capture database '{}' into a consistent temporary copy", e.path());
                    }
                }
            }
            for (UnitEntry e : u.entries()) {
                switch (e.type()) {
                    case FILE -> {
                        files++;
                        bytes += e.size();
                    }
                    case DIRECTORY -> dirs++;
                    case SYMLINK -> links++;
                    default -> { }
                }
            }
        }
        if (plan.noRestart()) {
            log.step("leave the services stopped (noRestart)");
        } else {
            services.describeStart("once every unit is written");
        }
        // the policy sees the snapshot this run would write, as it will after a real run
        Snapshot planned = new Snapshot(id, start, null, true, store.complete(id), plan.archiver().id(),
                units.size(), files, bytes);
        List<String> wouldPrune = retentionVictims(id, planned).stream().map(Snapshot::id).toList();
        for (String p : wouldPrune) {
            log.step("remove snapshot {} (retention {})", p, plan.retention());
        }
        for (Consumer<RunContext> hook : plan.afterBackup()) {
            log.step("run the afterBackup hook {}", hook);
        }
        return new BackupResult(id, store.complete(id), units.size(), reused, files, dirs, links, bytes, 0,
                Duration.between(start, Instant.now()), log.warnings(), wouldPrune, true, log.steps());
    }

    private List<Unit> scan() {
        List<Glob> excludes = new ArrayList<>();
        for (String g : plan.excludes()) {
            excludes.add(Glob.compile(g));
        }
        excludes.add(Glob.compile(RESTORE_STAGING_PREFIX + "*"));
        return databases.withoutCompanions(
                new SourceScanner(plan.source(), excludes, plan.special(), plan.split(), log::warn).scan(), log);
    }

    private Path newestPartial() {
        for (Snapshot s : store.list()) {
            if (!s.complete()) {
                return s.location();
            }
        }
        throw new SnapshotNotFoundException("No unfinished snapshot to resume in " + plan.destination()
                + "; start a new backup instead");
    }

    private static String idOfPartial(Path partial) {
        String name = partial.getFileName().toString();
        return name.substring(0, name.length() - SnapshotStore.PARTIAL.length());
    }

    /**
     * Reads how the unfinished snapshot was started: from {@code partial.json}, or, when a run was killed while it
     * completed the snapshot (after removing that file), from the manifest it had written; when neither exists (a
     * run killed right after creating the folder) the plan's own settings are used, as nothing was written yet.
     * Refuses only a snapshot started with another archiver.
     */
    private void checkResumable(Path partial, String id) throws IOException {
        Path stateFile = partial.resolve(SnapshotStore.PARTIAL_STATE);
        Path manifestFile = partial.resolve(SnapshotStore.MANIFEST);
        PartialState state = null;
        try {
            if (Files.isRegularFile(stateFile)) {
                state = Json.read(stateFile, PartialState.class);
            } else if (Files.isRegularFile(manifestFile)) {
                Manifest m = Json.read(manifestFile, Manifest.class);
                state = new PartialState(m.formatVersion(), id, m.created(), m.host(), m.archiver(), m.plan());
                for (Manifest.UnitRecord r : m.units()) {
                    committedUnits.put(r.name(), r);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.info("Unfinished snapshot {} has no readable state ({}); continuing with this plan's settings", id,
                    e.getMessage());
            state = null;
        }
        if (state != null && (state.archiver() == null || !plan.archiver().id().equals(state.archiver().id()))) {
            throw new BackupException("Unfinished snapshot " + id + " was started with archiver '"
                    + (state.archiver() == null ? null : state.archiver().id()) + "', this plan uses '"
                    + plan.archiver().id() + "'; resume it with the same archiver or start a new backup");
        }
        if (state == null || !Files.isRegularFile(stateFile) || !archiverInfo().equals(state.archiver())
                || !planInfo().equals(state.plan())) {
            if (state != null) {
                log.info("Plan settings changed since snapshot {} was started; units are rewritten where needed",
                        id);
            }
            Json.writeDurably(stateFile, new PartialState(Manifest.FORMAT_VERSION, id,
                    state == null ? SnapshotStore.timeOf(id).toString() : state.created(),
                    state == null ? DestinationLock.hostName() : state.host(), archiverInfo(), planInfo()));
        }
        Files.createDirectories(partial.resolve(UNITS));
        Files.createDirectories(partial.resolve(INDEX));
        Files.createDirectories(partial.resolve(STATE));
        for (Manifest.UnitRecord r : committedUnits.values()) {
            // the manifest's unit records become state records again, so a further interruption keeps them too
            Json.writeDurably(partial.resolve(STATE).resolve(UnitNames.fileName(r.name()) + ".json"), r);
        }
        Files.deleteIfExists(manifestFile);
    }

    private Manifest.ArchiverInfo archiverInfo() {
        return new Manifest.ArchiverInfo(plan.archiver().id(), plan.archiver().extension(), effectiveOptions());
    }

    private Map<String, String> effectiveOptions() {
        Map<String, String> options = new java.util.TreeMap<>(plan.archiver().defaultOptions());
        options.putAll(plan.archiverOptions());
        return options;
    }

    private Manifest.PlanInfo planInfo() {
        return new Manifest.PlanInfo(plan.excludes(), plan.special(), plan.split().isEmpty() ? null : plan.split(),
                plan.databases().isEmpty() ? null : plan.databases());
    }

    private BackupResult write(Instant start, Operation op, String id, Path partial, ServiceRun services,
                               String appVersion, Path extras) throws IOException {
        List<Unit> units = scan();
        // listed while the services are stopped, from the same tree the units are written from
        Map<String, List<String>> inventory = plan.inventories().isEmpty() ? null
                : Inventories.list(plan.inventories(), plan.source(), w -> log.warn(w
                        + "; the snapshot records no such inventory"));
        if (inventory != null) {
            inventory.forEach((name, entries) -> log.info("Inventory '{}': {} entries {}", name, entries.size(),
                    entries));
        }
        previous = PreviousSnapshot.find(store, id, archiverInfo(), plan.archiver().contentOptions(),
                m -> log.info("{}", m));
        if (!services.any() && plan.spaceCheck()) {
            checkSpace(units, true, previous);
        }
        for (Unit u : units) {
            filesTotal += u.files();
            bytesTotal += u.bytes();
        }
        events.send(new ProgressEvent.RunStarted(op, id, units.size(), filesTotal, bytesTotal));
        if (previous != null) {
            log.info("Unchanged units and files are reused from snapshot {}", previous.id());
        }
        Set<String> keep = new HashSet<>();
        for (Unit unit : units) {
            keep.add(unit.fileName());
        }
        List<Manifest.UnitRecord> records;
        if (plan.staging() != null) {
            try (Staging st = Staging.open(plan.staging(), id, log)) {
                staging = st;
                records = writeUnits(op, partial, units);
            } finally {
                staging = null;
            }
        } else {
            records = writeUnits(op, partial, units);
        }
        if (services.holdsStopped()) { // the source is not read any more: the app need not wait for the commit
            if (plan.noRestart()) {
                services.leaveStopped("the plan says noRestart");
            } else {
                services.startAll();
            }
        }
        List<Manifest.ExtraFile> extraFiles = storeExtras(partial, extras);
        int reused = 0;
        for (Manifest.UnitRecord r : records) {
            if (r.reusedFrom() != null || keptFromInterruptedRun.contains(r.name())) {
                reused++;
            }
        }
        removeStrays(partial, keep);
        long files = 0;
        long dirs = 0;
        long links = 0;
        long bytes = 0;
        long stored = 0;
        for (Manifest.UnitRecord r : records) {
            files += r.files();
            dirs += r.directories();
            links += r.links();
            bytes += r.bytes();
            stored += r.archiveSize() + Files.size(partial.resolve(r.index()));
        }
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, Version.current(), id,
                SnapshotStore.timeOf(id).toString(), Instant.now().toString(), DestinationLock.hostName(),
                appVersion == null ? null : new Manifest.App(null, appVersion), archiverInfo(), planInfo(), records,
                new Manifest.Totals(files, dirs, links, bytes, stored), extraFiles,
                Databases.toManifest(capturedDatabases), inventory);
        log.info("Snapshot {}: {} units ({} kept), {} files, {} folders, {} links, {} bytes, {} bytes stored", id,
                records.size(), reused, files, dirs, links, bytes, stored);
        log.close();
        Fs.fsync(partial.resolve("backup.log"));
        if (log.errorPath() != null) {
            Fs.fsync(log.errorPath());
        }
        Fs.fsyncDirectory(partial.resolve(UNITS));
        Fs.fsyncDirectory(partial.resolve(INDEX));
        SnapshotStore.writeManifest(partial, manifest);
        // from here a resume finds everything in the manifest; only now drop what resuming needed before it
        Fs.deleteTree(partial.resolve(STATE));
        Files.deleteIfExists(partial.resolve(SnapshotStore.PARTIAL_STATE));
        Fs.fsyncDirectory(partial);
        Path complete = store.complete(id);
        Files.move(partial, complete, StandardCopyOption.ATOMIC_MOVE);
        Fs.fsyncDirectory(plan.destination());
        List<String> pruned = prune(id);
        removeOlderPartials(id);
        List<String> warnings = log.warnings();
        return new BackupResult(id, complete, records.size(), reused, files, dirs, links, bytes, stored,
                Duration.between(start, Instant.now()), warnings, pruned, false, List.of());
    }

    /**
     * Copies the files the {@code beforeBackup} hooks left in their folder into the snapshot's {@code extras/},
     * fsynced, and lists them with their SHA-256 for the manifest.
     *
     * @return the files, sorted by path; {@code null} when there are none
     */
    private List<Manifest.ExtraFile> storeExtras(Path partial, Path extras) throws IOException {
        Path target = partial.resolve(Manifest.EXTRAS);
        Fs.deleteTree(target); // a resume stores what this run's hooks wrote
        if (extras == null) {
            return null;
        }
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(extras)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        if (files.isEmpty()) {
            return null;
        }
        List<Manifest.ExtraFile> out = new ArrayList<>();
        for (Path f : files) {
            String rel = extras.relativize(f).toString().replace(java.io.File.separatorChar, '/');
            Path to = target.resolve(rel);
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
            Fs.fsync(to);
            out.add(new Manifest.ExtraFile(rel, Files.size(to), Hashing.sha256(to)));
            log.info("Stored the hooks' extra file {} in the snapshot", rel);
        }
        Fs.fsyncTree(target);
        return out;
    }

    /**
     * Writes a unit, again after {@link BackupPlan#retryWait()} when it failed with an I/O error (a network share
     * that went away), up to {@link BackupPlan#retries()} times; each failure is a warning on the result.
     */
    private Manifest.UnitRecord unitWithRetries(Operation op, Path partial, Unit unit) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return unit(op, partial, unit);
            } catch (IOException | BackupException e) {
                boolean io = e instanceof IOException || e.getCause() instanceof IOException;
                if (!io || attempt >= plan.retries()) {
                    throw e;
                }
                log.warn("Writing unit '" + UnitNames.display(unit.name()) + "' failed (attempt " + (attempt + 1)
                        + " of " + (plan.retries() + 1) + "), trying again in " + plan.retryWait() + ": "
                        + e.getMessage());
                try {
                    Thread.sleep(plan.retryWait().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new BackupException("Backup interrupted while waiting to write unit '"
                            + UnitNames.display(unit.name()) + "' again", ie);
                }
            }
        }
    }

    /**
     * Writes the units on a bounded pool of {@link BackupPlan#workers()} threads, the costliest first
     * ({@link #byCost}): a big unit started last would run on alone while the other workers wait. The records come
     * back in unit order whatever the order of completion, so the manifest does not depend on timing. After the first
     * failure no further unit is started; units already finished stay committed for a resume.
     */
    private List<Manifest.UnitRecord> writeUnits(Operation op, Path partial, List<Unit> units) throws IOException {
        Manifest.UnitRecord[] records = new Manifest.UnitRecord[units.size()];
        int workers = Math.min(plan.workers(), Math.max(1, units.size()));
        if (workers <= 1) {
            for (int i = 0; i < units.size(); i++) {
                records[i] = unitWithRetries(op, partial, units.get(i));
            }
            return List.of(records);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers, new UnitThreads());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int slot : byCost(units)) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        records[slot] = unitWithRetries(op, partial, units.get(slot));
                    } catch (IOException | RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new BackupException("Backup interrupted", e));
        } finally {
            pool.shutdownNow();
            awaitWorkers(pool);
        }
        Pools.rethrow(failure.get());
        return List.of(records);
    }

    /** What a unit's entry costs to write besides its bytes: opening, reading and closing a small file, say. */
    static final long ENTRY_COST_BYTES = 8 * 1024;

    /**
     * @return the units' positions, the costliest unit first: its files' bytes plus {@link #ENTRY_COST_BYTES} an
     *         entry; equal costs keep the units' order
     */
    static int[] byCost(List<Unit> units) {
        long[] cost = new long[units.size()];
        for (int i = 0; i < cost.length; i++) {
            Unit u = units.get(i);
            cost[i] = u.bytes() + u.entries().size() * ENTRY_COST_BYTES;
        }
        return IntStream.range(0, cost.length).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> cost[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Waits for interrupted unit writers to stop before the run goes on to release the lock, so no worker still
     * writes into the unfinished snapshot while the next run takes it over.
     */
    private void awaitWorkers(ExecutorService pool) {
        Pools.awaitEnd(pool, () -> log.warn(
                "Unit writers have not stopped a minute after the backup was interrupted; still waiting"));
    }

    /** Keeps a unit from the interrupted run, reuses it from the previous snapshot, or writes it. */
    private Manifest.UnitRecord unit(Operation op, Path partial, Unit unit) throws IOException {
        Manifest.UnitRecord existing = op == Operation.RESUME ? reusable(partial, unit) : null;
        if (existing != null) {
            keptFromInterruptedRun.add(unit.name());
            filesDone.addAndGet(existing.files());
            bytesDone.addAndGet(existing.bytes());
            log.info("Unit '{}' kept from the interrupted run", UnitNames.display(unit.name()));
            events.send(new ProgressEvent.UnitFinished(unit.name(), true, existing.files(), existing.bytes()));
            return existing;
        }
        Manifest.UnitRecord reused = reuseFromPrevious(partial, unit);
        if (reused != null) {
            filesDone.addAndGet(reused.files());
            bytesDone.addAndGet(reused.bytes());
            events.send(new ProgressEvent.UnitFinished(unit.name(), true, reused.files(), reused.bytes()));
            return reused;
        }
        return writeUnit(partial, unit);
    }

    /**
     * Reuses a file archive of the previous snapshot when the unit's entries (path, type, size, mtime, mode, link)
     * equal that snapshot's index for the unit: the archive is hard-linked (copied when links are impossible) after
     * its size and SHA-256 are checked against the previous manifest, so damage is never carried forward.
     */
    private Manifest.UnitRecord reuseFromPrevious(Path partial, Unit unit) throws IOException {
        Archiver archiver = unit.special() ? FOLDER : plan.archiver();
        if (previous == null || unit.special() || archiver.extension().isEmpty()) {
            return null; // folder units reuse file by file, through the archiver
        }
        Manifest.UnitRecord r = previous.unit(unit.name());
        if (r == null || !Manifest.UnitRecord.ARCHIVE.equals(r.kind()) || r.archiveSha256() == null) {
            return null;
        }
        Path from = previous.resolve(r.archive());
        Path fromIndex = previous.resolve(r.index());
        String ext = "." + archiver.extension();
        String archiveRel = UNITS + "/" + unit.fileName() + ext;
        String indexRel = INDEX + "/" + unit.fileName() + ".jsonl";
        if (from == null || fromIndex == null || !r.archive().equals(archiveRel) || !r.index().equals(indexRel)) {
            return null;
        }
        String checked;
        boolean read = false;
        try {
            Boolean known = sameAsPrevious.get(unit);
            if (known != null ? !known : !unchangedSince(previous, r, unit)) {
                return null;
            }
            checked = recentCheck(from, r);
            if (checked == null) {
                String now = IsoTimes.format(Instant.now());
                if (Files.size(from) != r.archiveSize() || !Hashing.sha256(from).equals(r.archiveSha256())) {
                    log.warn("The archive of unit '" + UnitNames.display(unit.name()) + "' in snapshot "
                            + previous.id() + " does not match its manifest; the unit is written again (verify that "
                            + "snapshot)");
                    return null;
                }
                checked = now;
                read = true;
            }
        } catch (IOException e) {
            log.info("Unit '{}' of snapshot {} is not reused: {}", UnitNames.display(unit.name()), previous.id(),
                    SourceScanner.describe(e));
            return null;
        }
        Path archive = partial.resolve(archiveRel);
        Path archiveTmp = partial.resolve(archiveRel + TMP);
        Path index = partial.resolve(indexRel);
        Path indexTmp = partial.resolve(indexRel + TMP);
        Path state = partial.resolve(STATE).resolve(unit.fileName() + ".json");
        Files.deleteIfExists(state);
        Fs.deleteTree(archive);
        Fs.deleteTree(archiveTmp);
        Files.deleteIfExists(index);
        Files.deleteIfExists(indexTmp);
        boolean linked = linkOrCopy(from, archiveTmp);
        linkOrCopy(fromIndex, indexTmp);
        Files.move(indexTmp, index, StandardCopyOption.ATOMIC_MOVE);
        Files.move(archiveTmp, archive, StandardCopyOption.ATOMIC_MOVE);
        Manifest.UnitRecord record = new Manifest.UnitRecord(unit.name(), r.kind(), archiveRel, r.archiveSize(),
                r.archiveSha256(), indexRel, r.indexSha256(), r.files(), r.directories(), r.links(), r.bytes(),
                previous.id(), IsoTimes.format(Files.getLastModifiedTime(archive, LinkOption.NOFOLLOW_LINKS)),
                checked, r.entriesSha256() != null ? r.entriesSha256() : EntryDigest.of(unit.entries()));
        Json.writeDurably(state, record);
        log.info("Unit '{}' unchanged since snapshot {}; its archive is {} ({})", UnitNames.display(unit.name()),
                previous.id(), linked ? "hard-linked" : "copied", read ? "read and checked now"
                        : "last read and checked " + checked + ", within recheckAfter " + plan.recheckAfter());
        return record;
    }

    /**
     * Whether a unit's entries walked now are the ones the index of an earlier snapshot lists, each unchanged (see
     * {@link #matches}). With the entries' digest in the unit's record, that is one comparison of digests, and the
     * index is only hashed, so a damaged one is not carried forward; a record of an earlier version, or a unit
     * holding a captured database (never unchanged), is compared line by line.
     */
    private boolean unchangedSince(PreviousSnapshot prev, Manifest.UnitRecord r, Unit unit) throws IOException {
        if (r.entriesSha256() == null || holdsDatabase(unit)) {
            return prev.sameEntries(r, unit.entries(), this::matches);
        }
        if (!EntryDigest.of(unit.entries()).equals(r.entriesSha256())) {
            return false;
        }
        prev.checkIndex(r);
        return true;
    }

    private boolean holdsDatabase(Unit unit) {
        if (databases.isEmpty()) {
            return false;
        }
        for (UnitEntry e : unit.entries()) {
            if (e.type() == EntryType.FILE && databases.marks(e.path())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the previous check of a reused archive when it can stand for reading the archive now (recent enough,
     *         and the file's size and modification time the ones recorded then), otherwise {@code null}
     */
    private String recentCheck(Path archive, Manifest.UnitRecord r) throws IOException {
        Duration window = plan.recheckAfter();
        if (window.isZero() || r.checked() == null || r.archiveMtime() == null) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(archive, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.size() != r.archiveSize() || !IsoTimes.format(a.lastModifiedTime()).equals(r.archiveMtime())) {
            return null;
        }
        try {
            Instant checked = IsoTimes.parse(r.checked());
            Instant now = Instant.now();
            // a check "in the future" (a clock set back since) proves nothing about how old it is
            return checked.isAfter(now.minus(window)) && !checked.isAfter(now.plusSeconds(60)) ? r.checked() : null;
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * @return {@code true} when hard-linked, {@code false} when copied (and fsynced)
     */
    private static boolean linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            Files.deleteIfExists(to);
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            Fs.fsync(to);
            return false;
        }
    }

    /**
     * Captures the unit's databases into temporary copies (in this run's staging folder when there is one), writes
     * the unit reading the copies in their place, and deletes the copies.
     */
    private Manifest.UnitRecord writeUnit(Path partial, Unit walked) throws IOException {
        Path tempParent = staging != null ? staging.folder() : Path.of(System.getProperty("java.io.tmpdir"));
        try (Databases.Captured captured = databases.capture(walked, plan.source(), tempParent, log)) {
            Manifest.UnitRecord record = writeUnit(partial, captured.unit(), captured.copies());
            capturedDatabases.putAll(captured.providers());
            return record;
        }
    }

    private Manifest.UnitRecord writeUnit(Path partial, Unit unit, Map<String, Path> copies) throws IOException {
        String name = unit.fileName();
        Archiver archiver = unit.special() ? FOLDER : plan.archiver();
        String ext = archiver.extension();
        String archiveRel = UNITS + "/" + name + (ext.isEmpty() ? "" : "." + ext);
        String indexRel = INDEX + "/" + name + ".jsonl";
        Path archive = partial.resolve(archiveRel);
        Path archiveTmp = partial.resolve(archiveRel + TMP);
        Path index = partial.resolve(indexRel);
        Path state = partial.resolve(STATE).resolve(name + ".json");
        Files.deleteIfExists(state);
        Fs.deleteTree(archive);
        if (!ext.isEmpty() || !Files.isDirectory(archiveTmp, LinkOption.NOFOLLOW_LINKS)) {
            Fs.deleteTree(archiveTmp); // a folder copy left by an interrupted run is brought up to date instead
        } else {
            for (String db : copies.keySet()) { // never kept on size and time: the live one may have a newer WAL
                Files.deleteIfExists(Fs.resolve(archiveTmp, db));
            }
        }
        Files.deleteIfExists(index);
        long unitFiles = unit.files();
        long unitBytes = unit.bytes();
        events.send(new ProgressEvent.UnitStarted(unit.name(), unitFiles, unitBytes));
        log.info("Writing unit '{}': {} files, {} bytes{}", UnitNames.display(unit.name()), unitFiles, unitBytes,
                unit.special() ? " (special folder, plain copy)" : "");
        Staging st = ext.isEmpty() ? null : staging; // folder units are copied straight to the destination
        Path written = st == null ? archiveTmp : st.file(name + "." + ext);
        Recorder recorder = new Recorder(unit, previousFolder(unit, archiver), written, copies);
        try {
            if (!ext.isEmpty()) {
                Files.deleteIfExists(written); // a folder copy stays: this run brings it up to date
            }
            archiver.write(new ArchiveWriteRequest(unit.name(), plan.source(), written, unit.entries(),
                    unit.special() ? Map.of() : effectiveOptions(), recorder));
        } catch (IOException | RuntimeException e) {
            if (!ext.isEmpty()) {
                Fs.deleteTree(written); // a folder copy stays: a resume brings it up to date
            }
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException("Writing unit '" + UnitNames.display(unit.name()) + "' to " + written
                    + " failed: " + (e instanceof IOException io ? SourceScanner.describe(io) : e.toString()), e);
        }
        recorder.checkComplete(archiver);
        long archiveSize;
        String archiveSha;
        String archiveChecked = ext.isEmpty() ? null : IsoTimes.format(Instant.now()); // hashed below
        if (ext.isEmpty()) {
            recorder.fsyncFolder(archiveTmp);
            archiveSize = recorder.copiedBytes();
            archiveSha = null;
        } else if (st != null) {
            archiveSize = Files.size(written);
            archiveSha = recorder.createdSha256(written);
            if (archiveSha == null) {
                archiveSha = Hashing.sha256(written); // read on the local disk, not back over the network
            }
            try {
                st.moveTo(written, archiveTmp);
            } catch (IOException e) {
                Files.deleteIfExists(written);
                Files.deleteIfExists(archiveTmp);
                throw new IOException("Moving unit '" + UnitNames.display(unit.name()) + "' from the staging "
                        + "folder to " + archiveTmp + " failed: " + SourceScanner.describe(e), e);
            }
        } else {
            Fs.fsync(archiveTmp);
            archiveSize = Files.size(archiveTmp);
            archiveSha = recorder.createdSha256(archiveTmp);
            if (archiveSha == null) {
                archiveSha = Hashing.sha256(archiveTmp);
            }
        }
        Path indexTmp = partial.resolve(indexRel + TMP);
        String indexSha = recorder.writeIndex(indexTmp);
        Files.move(indexTmp, index, StandardCopyOption.ATOMIC_MOVE);
        Files.move(archiveTmp, archive, StandardCopyOption.ATOMIC_MOVE);
        String archiveMtime = ext.isEmpty() ? null
                : IsoTimes.format(Files.getLastModifiedTime(archive, LinkOption.NOFOLLOW_LINKS));
        Manifest.UnitRecord record = new Manifest.UnitRecord(unit.name(),
                unit.special() ? Manifest.UnitRecord.FOLDER : Manifest.UnitRecord.ARCHIVE, archiveRel, archiveSize,
                archiveSha, indexRel, indexSha, recorder.files, recorder.dirs, recorder.links, recorder.bytes,
                recorder.allReused() ? previous.id() : null, archiveMtime, archiveChecked, recorder.entriesSha256);
        Json.writeDurably(state, record);
        events.send(new ProgressEvent.UnitFinished(unit.name(), false, recorder.files, recorder.bytes));
        return record;
    }

    /**
     * A unit from the interrupted run can be kept when its state record exists, its archive and index still match
     * the record's hashes, and the source still has exactly the entries (path, type, size, mtime, mode, link) that
     * the index lists.
     */
    private Manifest.UnitRecord reusable(Path partial, Unit unit) {
        Path state = partial.resolve(STATE).resolve(unit.fileName() + ".json");
        if (!Files.isRegularFile(state)) {
            return null;
        }
        try {
            Manifest.UnitRecord r = Json.read(state, Manifest.UnitRecord.class);
            boolean kindMatches = r.kind().equals(unit.special() ? Manifest.UnitRecord.FOLDER
                    : Manifest.UnitRecord.ARCHIVE);
            Path archive = partial.resolve(r.archive());
            Path index = partial.resolve(r.index());
            if (!kindMatches || !Files.exists(archive, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(index)
                    || !Hashing.sha256(index).equals(r.indexSha256())) {
                return null;
            }
            if (r.archiveSha256() != null && (Files.size(archive) != r.archiveSize()
                    || !Hashing.sha256(archive).equals(r.archiveSha256()))) {
                return null;
            }
            return IndexLines.sameInOrder(index, null, unit.entries(), this::matches) ? r : null; // hash checked above
        } catch (IOException | RuntimeException e) {
            log.info("Unit '{}' of the interrupted run is rewritten: {}", UnitNames.display(unit.name()), e.toString());
            return null;
        }
    }

    /**
     * @return {@code true} when the index lists exactly the unit's entries, each with the same metadata
     */
    private boolean sameEntries(Map<String, IndexEntry> listed, Unit unit) {
        if (listed.size() != unit.entries().size()) {
            return false;
        }
        for (UnitEntry e : unit.entries()) {
            if (!matches(e, listed.get(e.path()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return {@code true} when the index entry records the walked entry unchanged: type, mode, mtime, and the size
     *         of a file or the target of a link. A file marked as a database never counts as unchanged: its
     *         write-ahead log may hold newer data while the file's own size and time stay the same
     */
    private boolean matches(UnitEntry e, IndexEntry ie) {
        return ie != null && e.type() == ie.type() && e.mode() == ie.mode()
                && (e.type() != EntryType.FILE || !databases.marks(e.path()))
                && IsoTimes.format(e.mtime()).equals(ie.mtime())
                && (e.type() != EntryType.FILE || (e.size() == ie.size() && ie.sha256() != null))
                && (e.type() != EntryType.SYMLINK || e.linkTarget().equals(ie.target()));
    }

    /**
     * @return the unit's folder in the previous snapshot, with its index, for a folder-based archiver to link
     *         unchanged files from; {@code null} when there is none
     */
    private PreviousFolder previousFolder(Unit unit, Archiver archiver) {
        Map<String, IndexEntry> read = previousFolderIndexes.remove(unit);
        if (previous == null || !archiver.extension().isEmpty()) {
            return null;
        }
        Manifest.UnitRecord r = previous.unit(unit.name());
        String kind = unit.special() ? Manifest.UnitRecord.FOLDER : Manifest.UnitRecord.ARCHIVE;
        if (r == null || !kind.equals(r.kind())) {
            return null;
        }
        Path folder = previous.resolve(r.archive());
        if (folder == null || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return new PreviousFolder(folder, read != null ? read : previous.index(r));
        } catch (IOException | RuntimeException e) {
            log.info("Files of unit '{}' are not reused from snapshot {}: {}", UnitNames.display(unit.name()),
                    previous.id(), e.getMessage());
            return null;
        }
    }

    /** A unit's folder in the previous snapshot and its index. */
    private record PreviousFolder(Path folder, Map<String, IndexEntry> index) {
    }

    /** Names the unit-writing threads, so a thread dump shows what they are. */
    private static final class UnitThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "backupkit-unit-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    private void removeStrays(Path partial, Set<String> keepNames) throws IOException {
        for (String folder : List.of(UNITS, INDEX)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(partial.resolve(folder))) {
                for (Path p : stream) {
                    String n = p.getFileName().toString();
                    String base = n.endsWith(TMP) ? null : stripExtension(n, folder);
                    if (base == null || !keepNames.contains(base)) {
                        Fs.deleteTree(p);
                    }
                }
            }
        }
    }

    private String stripExtension(String fileName, String folder) {
        String ext = folder.equals(INDEX) ? ".jsonl" : plan.archiver().extension().isEmpty() ? ""
                : "." + plan.archiver().extension();
        if (!ext.isEmpty() && fileName.endsWith(ext)) {
            return fileName.substring(0, fileName.length() - ext.length());
        }
        return fileName;
    }

    private List<Snapshot> retentionVictims(String justWritten) {
        return retentionVictims(justWritten, null);
    }

    /**
     * @param planned for a dry run, the snapshot it would write (not on disk), shown to the policy; else null
     */
    private List<Snapshot> retentionVictims(String justWritten, Snapshot planned) {
        List<Snapshot> all = new ArrayList<>(store.list());
        if (planned != null) {
            all.add(0, planned);
        }
        Retention.Decision d = Retention.decide(plan.retention(), all, justWritten, pinnedOrNull(), Instant.now());
        d.warnings().forEach(log::warn);
        return d.removed().stream().map(io.backupkit.RetentionReport.Removed::snapshot).toList();
    }

    private Set<String> pinnedOrNull() {
        try {
            return store.pinnedIds();
        } catch (BackupException e) {
            log.warn(e.getMessage());
            return null;
        }
    }

    /** Applies retention after a successful backup, under the backup's lock; never removes {@code justWritten}. */
    private List<String> prune(String justWritten) {
        List<String> pruned = new ArrayList<>();
        for (Snapshot s : retentionVictims(justWritten)) {
            try {
                store.remove(s.id());
                pruned.add(s.id());
                log.info("Retention {} removed snapshot {}", Retention.describe(plan.retention()), s.id());
            } catch (IOException e) {
                log.warn("Could not remove snapshot " + s.id() + " for retention: " + SourceScanner.describe(e));
            }
        }
        return pruned;
    }

    private void removeOlderPartials(String justWritten) {
        for (Snapshot s : store.list()) {
            if (!s.complete() && s.id().compareTo(justWritten) < 0) {
                try {
                    Fs.deleteTree(s.location());
                    log.info("Removed unfinished snapshot {}, superseded by {}", s.id(), justWritten);
                } catch (IOException e) {
                    log.warn("Could not remove superseded unfinished snapshot " + s.id() + ": "
                            + SourceScanner.describe(e));
                }
            }
        }
    }

    /**
     * Opens source files for the archiver, hashing each as it is read, and collects the index lines.
     */
    private final class Recorder implements ArchiveWriteRequest.Content {
        private final Unit unit;
        private final PreviousFolder previousFolder;
        private final Path archiveRoot;
        private final Map<String, Path> copies; // captured databases: read instead of the live files
        private final EntryList entries;
        private final byte[] digests; // each file's SHA-256, 32 bytes a slot
        private int hint; // the slot after the last one found: archivers mostly ask in order
        private final long[] sizes;
        private final byte[] state; // 0 not opened, 1 open, 2 done, 3 vanished, 4 reused from the previous snapshot
        private long files;
        private long dirs;
        private long links;
        private long bytes;
        private HashingOutput created; // the archive, when the archiver wrote it through create()
        private String entriesSha256; // the digest of the entries the index lists, once written

        Recorder(Unit unit, PreviousFolder previousFolder, Path archiveRoot, Map<String, Path> copies) {
            this.unit = unit;
            this.copies = copies;
            this.previousFolder = previousFolder;
            this.archiveRoot = archiveRoot;
            this.entries = EntryList.copyOf(unit.entries());
            digests = new byte[entries.size() * 32];
            sizes = new long[entries.size()];
            state = new byte[entries.size()];
        }

        /** @return the slot of the file at {@code path}, or -1 */
        private int fileSlot(String path) {
            int h = hint; // read once: other threads move it, and any slot it names is checked
            int slot = h < entries.size() && entries.pathAt(h).equals(path) ? h : entries.indexOfPath(path);
            if (slot < 0 || entries.get(slot).type() != EntryType.FILE) {
                return -1;
            }
            hint = slot + 1;
            return slot;
        }

        private void setDigest(int slot, String sha) {
            if (!isSha256(sha)) {
                throw new IllegalStateException("not a SHA-256 for '" + entries.pathAt(slot) + "': " + sha);
            }
            System.arraycopy(HexFormat.of().parseHex(sha), 0, digests, slot * 32, 32);
        }

        private static boolean isSha256(String sha) {
            if (sha == null || sha.length() != 64) {
                return false;
            }
            for (int i = 0; i < 64; i++) {
                if (Character.digit(sha.charAt(i), 16) < 0) {
                    return false;
                }
            }
            return true;
        }

        private int slot(UnitEntry entry) throws IOException {
            int slot = fileSlot(entry.path());
            if (slot < 0) {
                throw new IOException("'" + entry.path() + "' is not a file of unit '"
                        + UnitNames.display(unit.name()) + "'");
            }
            return slot;
        }

        private void claim(int slot, UnitEntry entry) throws IOException {
            synchronized (this) {
                if (state[slot] != 0) {
                    throw new IOException("'" + entry.path() + "' was opened twice by the archiver");
                }
                state[slot] = 1;
            }
        }

        @Override
        public synchronized OutputStream create(Path archive) throws IOException {
            if (!archive.equals(archiveRoot)) {
                throw new IOException("the archiver may create " + archiveRoot + " only, not " + archive);
            }
            if (created != null) {
                throw new IOException("the archive " + archive + " was created twice by the archiver");
            }
            created = new HashingOutput(Files.newOutputStream(archive, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
            return created;
        }

        /**
         * @return the SHA-256 of the archive as written through {@link #create(Path)}, when it was written that way,
         *         closed, and the file holds exactly the bytes that went through; otherwise {@code null} (hash it)
         */
        synchronized String createdSha256(Path archive) throws IOException {
            if (created == null || created.sha256 == null || Files.size(archive) != created.count) {
                return null;
            }
            return created.sha256;
        }

        @Override
        public Optional<Path> previousArchive() {
            return previousFolder == null ? Optional.empty() : Optional.of(previousFolder.folder());
        }

        @Override
        public boolean unchanged(UnitEntry entry) {
            if (previousFolder == null || entry.type() != EntryType.FILE) {
                return false;
            }
            int slot = fileSlot(entry.path());
            return slot >= 0 && unchangedAt(slot, previousFolder.index().get(entry.path()));
        }

        /** @return whether the walked file at {@code slot} is the one {@code before} lists, with its SHA-256 */
        private boolean unchangedAt(int slot, IndexEntry before) {
            return matches(entries.get(slot), before) && isSha256(before.sha256());
        }

        @Override
        public void reused(UnitEntry entry) throws IOException {
            int slot = slot(entry);
            // checked again (an archiver's word is not taken), looking the file up once
            IndexEntry before = previousFolder == null ? null : previousFolder.index().get(entry.path());
            if (before == null || !unchangedAt(slot, before)) {
                throw new IOException("'" + entry.path() + "' is not unchanged since the previous snapshot");
            }
            claim(slot, entry);
            synchronized (this) {
                setDigest(slot, before.sha256());
                sizes[slot] = before.size();
                state[slot] = 4;
            }
            progress(entry, before.size());
        }

        @Override
        public void kept(UnitEntry entry, Path copy) throws IOException {
            int slot = slot(entry);
            Path root = archiveRoot.toAbsolutePath().normalize();
            Path abs = copy.toAbsolutePath().normalize();
            if (!abs.startsWith(root) || !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("'" + copy + "' is not a file inside " + archiveRoot);
            }
            claim(slot, entry);
            long size = Files.size(abs);
            String sha = Hashing.sha256(abs);
            synchronized (this) {
                setDigest(slot, sha);
                sizes[slot] = size;
                state[slot] = 2;
            }
            progress(entry, size);
        }

        /**
         * Makes a folder unit durable without walking it: with one {@code syncfs} where {@link Fs#syncFileSystem}
         * can, else by fsyncing every file this run copied or kept (files hard-linked from the previous snapshot are
         * durable already; their new names are in the folders), then every folder that holds an entry, from the
         * unit's own entry list, several at a time ({@link Fs#fsyncAll}).
         */
        void fsyncFolder(Path root) throws IOException {
            if (Fs.syncFileSystem(root)) {
                return;
            }
            Set<Path> folders = new HashSet<>();
            folders.add(root);
            byte[] states;
            synchronized (this) {
                states = state.clone();
            }
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                UnitEntry e = entries.get(i);
                Path p = root.resolve(e.path());
                if (e.type() == EntryType.FILE && states[i] == 2) {
                    files.add(p);
                } else if (e.type() == EntryType.DIRECTORY) {
                    folders.add(p);
                }
                for (Path parent = p.getParent(); parent != null && parent.startsWith(root)
                        && folders.add(parent); parent = parent.getParent()) {
                    // every folder on the way up holds a new name
                }
            }
            folders.removeIf(folder -> !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS));
            Fs.fsyncAll(files, folders);
        }

        /** @return content bytes this run put into the unit's folder (files linked from a snapshot excluded) */
        synchronized long copiedBytes() {
            long sum = 0;
            for (int i = 0; i < state.length; i++) {
                if (state[i] == 2) {
                    sum += sizes[i];
                }
            }
            return sum;
        }

        /** @return {@code true} when every file came from the previous snapshot and nothing else changed */
        boolean allReused() {
            if (previousFolder == null) {
                return false;
            }
            for (int i = 0; i < state.length; i++) {
                if (entries.get(i).type() == EntryType.FILE && state[i] != 4) {
                    return false;
                }
            }
            return sameEntries(previousFolder.index(), unit);
        }

        @Override
        public InputStream open(UnitEntry entry, boolean exact) throws IOException {
            int slot = slot(entry);
            claim(slot, entry);
            Path copy = copies.get(entry.path());
            Path file = copy != null ? copy : plan.source().resolve(entry.path());
            InputStream in;
            try {
                in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                synchronized (this) {
                    state[slot] = 3;
                }
                log.warn("'" + entry.path() + "' vanished during the backup; left out");
                throw e;
            } catch (AccessDeniedException e) {
                throw new BackupException("Cannot read " + file + ": permission denied", e);
            } catch (IOException e) {
                throw new BackupException("Cannot read " + file + ": " + SourceScanner.describe(e), e);
            }
            return new HashingStream(in, entry, slot, exact);
        }

        /** The archiver closed a stream before its end: the file may be opened again. */
        void abandoned(int slot) {
            synchronized (this) {
                state[slot] = 0;
            }
        }

        void done(int slot, UnitEntry entry, long size, String sha, boolean moreData, long padded) {
            synchronized (this) {
                setDigest(slot, sha);
                sizes[slot] = size;
                state[slot] = 2;
            }
            if (padded > 0) {
                log.warn("'" + entry.path() + "' shrank while it was read (" + entry.size() + " bytes when listed, "
                        + (size - padded) + " read); the snapshot holds what was read, padded with zeros to "
                        + size + " bytes");
            } else if (moreData || size != entry.size()) {
                log.warn("'" + entry.path() + "' changed while it was read (" + entry.size() + " bytes when listed, "
                        + size + (moreData ? "+" : "") + " read); the snapshot holds what was read");
            }
            progress(entry, size);
        }

        private void progress(UnitEntry entry, long size) {
            // counted and sent in one step (send holds the same lock): units are written on several threads, and a
            // listener must never see the counts go back
            synchronized (events) {
                long f = filesDone.incrementAndGet();
                long b = bytesDone.addAndGet(size);
                events.send(new ProgressEvent.Progress(unit.name(), entry.path(), f, filesTotal, b, bytesTotal));
            }
        }

        void checkComplete(Archiver archiver) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).type() == EntryType.FILE && state[i] != 2 && state[i] != 3 && state[i] != 4) {
                    throw new BackupException("Archiver '" + archiver.id() + "' did not read '"
                            + entries.get(i).path() + "' of unit '" + UnitNames.display(unit.name())
                            + "' to its end; the unit is incomplete");
                }
            }
        }

        /** Writes the index durably, and the digest of its entries ({@link EntryDigest}); returns its SHA-256. */
        String writeIndex(Path file) throws IOException {
            MessageDigest md = Hashing.sha256();
            EntryDigest listed = new EntryDigest();
            try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream buffered = new BufferedOutputStream(new DigestOutputStream(raw, md), 64 * 1024);
                 JsonGenerator w = IndexLines.generator(buffered)) {
                for (int i = 0; i < entries.size(); i++) {
                    UnitEntry e = entries.get(i);
                    IndexEntry line;
                    switch (e.type()) {
                        case FILE -> {
                            if (state[i] == 3) {
                                continue;
                            }
                            files++;
                            bytes += sizes[i];
                            line = new IndexEntry(e.path(), EntryType.FILE, sizes[i], IsoTimes.format(e.mtime()),
                                    e.mode(), HexFormat.of().formatHex(digests, i * 32, i * 32 + 32), null);
                        }
                        case DIRECTORY -> {
                            dirs++;
                            line = new IndexEntry(e.path(), EntryType.DIRECTORY, 0, IsoTimes.format(e.mtime()),
                                    e.mode(), null, null);
                        }
                        case SYMLINK -> {
                            links++;
                            line = new IndexEntry(e.path(), EntryType.SYMLINK, 0, IsoTimes.format(e.mtime()),
                                    e.mode(), null, e.linkTarget());
                        }
                        default -> {
                            continue;
                        }
                    }
                    IndexLines.write(w, line);
                    listed.add(e.path(), e.type(), line.size(), e.mtime(), e.mode(), e.linkTarget());
                }
            }
            entriesSha256 = listed.sha256();
            Fs.fsync(file);
            return Hashing.hex(md.digest());
        }

        /** Hashes and counts what the archiver writes; the hash is taken when the stream is closed. */
        private static final class HashingOutput extends java.io.FilterOutputStream {
            private final MessageDigest md = Hashing.sha256();
            private long count;
            private String sha256;
            private boolean closed;

            HashingOutput(OutputStream out) {
                super(out);
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                md.update((byte) b);
                count++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                md.update(b, off, len);
                count += len;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                out.close(); // a failed close leaves no hash: the archive is read back, if it is kept at all
                sha256 = Hashing.hex(md.digest());
            }
        }

        /**
         * Hashes what the archiver reads. In exact mode it yields exactly the listed size: cut when the file grew,
         * padded with zeros when it shrank.
         */
        private final class HashingStream extends FilterInputStream {
            private final MessageDigest md = Hashing.sha256();
            private final UnitEntry entry;
            private final int slot;
            private final boolean exact;
            private long count;
            private long padded;
            private boolean eof;
            private boolean failed;
            private boolean closed;

            HashingStream(InputStream in, UnitEntry entry, int slot, boolean exact) {
                super(in);
                this.entry = entry;
                this.slot = slot;
                this.exact = exact;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (exact) {
                    long left = entry.size() - count;
                    if (left <= 0) {
                        eof = true;
                        return -1;
                    }
                    len = (int) Math.min(len, left);
                    if (padded > 0 || eof) {
                        java.util.Arrays.fill(buf, off, off + len, (byte) 0);
                        md.update(buf, off, len);
                        count += len;
                        padded += len;
                        return len;
                    }
                }
                int n;
                try {
                    n = in.read(buf, off, len);
                } catch (IOException e) {
                    failed = true;
                    throw e;
                }
                if (n < 0) {
                    eof = true;
                    if (exact) {
                        return read(buf, off, len);
                    }
                } else if (n > 0) {
                    md.update(buf, off, n);
                    count += n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                throw new IOException("archivers must read files, not skip in them ('" + entry.path() + "')");
            }

            @Override
            public boolean markSupported() {
                return false;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                boolean complete = exact ? count == entry.size() : eof;
                if (failed || !complete) {
                    in.close();
                    abandoned(slot);
                    return;
                }
                boolean more;
                try {
                    more = in.read() >= 0;
                } finally {
                    in.close();
                }
                done(slot, entry, count, Hashing.hex(md.digest()), more, padded);
            }
        }
    }
}
