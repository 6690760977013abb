package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.CorruptSnapshotException;
import io.backupkit.Operation;
import io.backupkit.ProgressEvent;
import io.backupkit.RestoreException;
import io.backupkit.RestoreLimits;
import io.backupkit.RestorePart;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreRecovery;
import io.backupkit.RestoreResult;
import io.backupkit.RestoreStep;
import io.backupkit.AppVersionMismatchException;
import io.backupkit.RunContext;
import io.backupkit.RunReport;
import io.backupkit.VersionCheck;
import io.backupkit.Snapshot;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import io.backupkit.spi.Archiver;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Restores a snapshot.
 *
 * <ol>
 *   <li>Picks the snapshot, checks its format, takes the destination's lock.</li>
 *   <li>Finishes any restore into the same target that was interrupted (see the journal below).</li>
 *   <li>Checks every archive and index hash; any problem stops the restore before anything is written.</li>
 *   <li>Extracts every unit into {@code new/} of a work folder beside the target (inside it when the target is a
 *       mount point, so renames stay on one file system), checking each file's hash as it is written, and refusing
 *       unsafe names, links that leave the target, duplicates and devices. Any problem: the work folder is deleted
 *       and the target is untouched.</li>
 *   <li>Swaps, recording each rename in a journal before doing it: paths of the target that the backup excluded
 *       (logs, caches) are moved into {@code new/}, the target's other content into {@code old/}, then
 *       {@code new/}'s content into the target. On any failure the renames are undone in reverse order.</li>
 *   <li>Marks the journal committed and deletes the work folder with the old content.</li>
 * </ol>
 *
 * <p>Recovery rule: a work folder whose journal is not marked committed is rolled back (renames undone, work folder
 * deleted) by the next restore into that target; a committed one is just deleted. So after a crash the target holds
 * its old content until the swap's last rename, and the restored content after it.
 *
 * <pre>{@code
 * RestoreResult r = new RestoreEngine(plan).restore(RestoreRequest.latest());
 * }</pre>
 */
public final class RestoreEngine {

    private static final String JOURNAL = "journal.jsonl";
    private static final String COMMITTED = "{\"committed\":true}";
    /** Free space kept beyond the snapshot's size: 5 % of it, at most 64 MiB. */
    private static final long MAX_SPACE_MARGIN = 64L * 1024 * 1024;

    private final BackupPlan plan;
    private final Events events;
    private final RunLog log = new RunLog();
    private final List<String> notes = new ArrayList<>();
    private String appVersion;

    /**
     * @param plan the plan whose destination holds the snapshots
     */
    public RestoreEngine(BackupPlan plan) {
        this.plan = plan;
        this.events = new Events(plan.listener());
    }

    /**
     * @param request which snapshot, and where
     * @return what was restored
     */
    public RestoreResult restore(RestoreRequest request) {
        Instant start = Instant.now();
        try {
            RestoreResult r = request.parts().isEmpty() ? restoreSnapshot(request, start)
                    : restoreForeign(request, start);
            return notified(request, start, r, r.dryRun() ? null : spillLog(request, start, r.snapshotId()));
        } catch (RuntimeException e) {
            String id = request.parts().isEmpty() ? request.snapshotId().orElse(null) : label(request);
            // a refused or failed restore leaves the destination as it was, unless a notice wants its log
            notifyFailure(request, start, id, e, request.dryRun() || plan.notifiers().isEmpty() ? null
                    : spillLog(request, start, id));
            throw e;
        }
    }

    /** Tells the notifiers about a finished restore; their failures become warnings on the result. */
    private RestoreResult notified(RestoreRequest request, Instant start, RestoreResult r, Path logFile) {
        if (plan.notifiers().isEmpty()) {
            return r;
        }
        RunReport report = new RunReport(Operation.RESTORE, RunReport.Outcome.SUCCEEDED, r.snapshotId(), start,
                Instant.now(), r.files(), r.bytes(), 0, 0, r.warnings(), List.of(), appVersion,
                DestinationLock.hostName(), logFile, log.errorPath(), r.dryRun());
        List<String> failed = Notify.after(plan, report);
        if (failed.isEmpty()) {
            return r;
        }
        List<String> warnings = new ArrayList<>(r.warnings());
        warnings.addAll(failed);
        return r.withWarnings(warnings);
    }

    private void notifyFailure(RestoreRequest request, Instant start, String id, RuntimeException e, Path logFile) {
        if (plan.notifiers().isEmpty()) {
            return;
        }
        RunReport report = new RunReport(Operation.RESTORE, RunReport.Outcome.FAILED, id, start, Instant.now(), 0,
                0, 0, 0, log.warnings(), Notify.errors(e), appVersion, DestinationLock.hostName(), logFile,
                log.errorPath(), request.dryRun());
        Notify.after(plan, report);
    }

    /**
     * Writes the run's log ({@code <time>-restore-<id>.log}, and {@code -errors.log} beside it when there were
     * warnings or errors) into the destination's {@code .backupkit-logs/} for a snapshot (the temporary folder when
     * the destination is read-only), into the temporary folder for an archive from another tool (whose folder is the
     * user's), likewise for a backup of several parts. A snapshot is never written to after it is complete.
     */
    private Path spillLog(RestoreRequest request, Instant start, String id) {
        boolean foreign = !request.parts().isEmpty();
        Path dir = foreign
                ? Path.of(System.getProperty("java.io.tmpdir")).resolve("backupkit-logs") : Notify.logFolder(plan);
        Path file = log.spill(dir, SnapshotStore.idFor(start) + "-restore"
                + (id == null || foreign ? "" : "-" + id) + ".log");
        log.close();
        return file;
    }

    private RestoreResult restoreSnapshot(RestoreRequest request, Instant start) {
        Path target = request.target().orElse(plan.source()).toAbsolutePath().normalize();
        checkTarget(target);
        SnapshotStore store = new SnapshotStore(plan.destination());
        Snapshot snapshot = store.find(request.snapshotId());
        String id = snapshot.id();
        Manifest manifest = SnapshotStore.readManifest(snapshot.location(), id);
        Archiver archiver = Verifier.archiverFor(plan, manifest);
        RunContext ctx = new RunContext(Operation.RESTORE, id, plan.source(), target,
                snapshot.location().resolve(Manifest.EXTRAS));
        if (request.dryRun()) {
            for (Consumer<RunContext> hook : plan.beforeRestore()) {
                log.step("run the beforeRestore hook {}", hook);
            }
        } else {
            beforeHooks(ctx);
        }
        boolean success = false;
        events.send(new ProgressEvent.RunStarted(Operation.RESTORE, id, manifest.units().size(),
                manifest.totals() == null ? 0 : manifest.totals().files(),
                manifest.totals() == null ? 0 : manifest.totals().bytes()));
        ServiceRun services = new ServiceRun(plan.services(), plan.stopTimeout(), log);
        // a dry run writes nothing, not even the lock file; it only reads a complete snapshot
        try (DestinationLock lock = request.dryRun() ? null
                : DestinationLock.acquire(plan.destination(), "restore into " + target)) {
            log.info("Restoring snapshot {} into {}{}", id, target, request.dryRun() ? " (dry run)" : "");
            if (!request.dryRun()) {
                recoverInterrupted(target);
            }
            SnapshotReader reader = new SnapshotReader(snapshot.location(), id, manifest, archiver);
            List<VerifyProblem> problems = new ArrayList<>(reader.checkContainers(true));
            failIfProblems(id, problems, reader, start);
            checkLimits(id, manifest, reader);
            checkVersion(id, manifest, services, request.dryRun());
            if (request.dryRun() && !request.only().isEmpty()) {
                log.step("restore only {}: each replaces the same path in {}, the rest stays", request.only(),
                        target);
            }
            RestoreResult result = request.dryRun()
                    ? dryRun(id, target, manifest, reader, problems, start, services, ctx, request.steps())
                    : extractAndSwap(id, target, manifest, reader, problems, start, services, ctx, request.only(),
                    Owners.lookUp(request.owner().orElse(null), target), request.steps());
            success = true;
            return result;
        } catch (IOException e) {
            throw new BackupException("Restore of snapshot " + id + " into " + target + " failed: "
                    + SourceScanner.describe(e), e);
        } finally {
            afterFailure(services, success);
            log.close();
            events.send(new ProgressEvent.RunFinished(Operation.RESTORE, id, success));
        }
    }

    /** After a failed restore the services this run stopped stay stopped, unless the plan says otherwise. */
    private void afterFailure(ServiceRun services, boolean success) {
        if (!services.holdsStopped()) {
            return;
        }
        if (success || plan.restartAfterFailedRestore()) {
            services.startAll();
        } else {
            services.leaveStopped("the restore failed (the target holds its previous content); start it once "
                    + "you have looked, or set restartAfterFailedRestore");
        }
    }

    private void beforeHooks(RunContext ctx) {
        for (Consumer<RunContext> hook : plan.beforeRestore()) {
            try {
                hook.accept(ctx);
            } catch (RuntimeException e) {
                throw new BackupException("The beforeRestore hook " + hook + " failed, so the restore did not "
                        + "start: " + e, e);
            }
        }
    }

    private void afterHooks(RunContext ctx) {
        for (Consumer<RunContext> hook : plan.afterRestore()) {
            try {
                hook.accept(ctx);
            } catch (RuntimeException e) {
                log.warn("The afterRestore hook " + hook + " failed; the restore itself succeeded: " + e);
            }
        }
    }

    /**
     * Compares the application version the snapshot records with the running application's, under the plan's
     * {@link VersionCheck}, before anything is stopped or written.
     */
    private void checkVersion(String id, Manifest manifest, ServiceRun services, boolean dryRun) {
        checkVersion("Snapshot " + id, manifest.app() == null ? null : manifest.app().version(), services, dryRun);
    }

    /**
     * @param what the backup, for messages: {@code Snapshot <id>}, {@code Backup <label>}
     * @param recorded the version the backup was taken from, or {@code null}
     */
    private void checkVersion(String what, String recorded, ServiceRun services, boolean dryRun) {
        VersionCheck check = plan.versionCheck();
        if (check == VersionCheck.IGNORE) {
            log.info("Application version not checked (versionCheck IGNORE)");
            return;
        }
        if (recorded == null) {
            log.info("{} records no application version; not checked", what);
            return;
        }
        if (!services.any()) {
            log.info("{} was taken from version {}; no service to ask for the running version", what,
                    recorded);
            return;
        }
        String running = services.version().orElse(null);
        appVersion = running;
        if (running == null) {
            log.warn(what + " was taken from version " + recorded + " but the running version cannot be"
                    + " read from " + services.ids() + "; not checked");
            return;
        }
        boolean refuse;
        String rule;
        if (check == VersionCheck.EXACT) {
            refuse = !recorded.strip().equals(running.strip());
            rule = "the plan requires the same version (VersionCheck.EXACT)";
        } else {
            try {
                refuse = AppVersions.compare(recorded, running) > 0;
            } catch (IllegalArgumentException e) {
                refuse = true;
            }
            rule = "it is newer than the running version, or cannot be compared with it (VersionCheck.NOT_NEWER)";
        }
        if (refuse) {
            throw new AppVersionMismatchException(what + " was taken from application version "
                    + recorded + " and " + running + " is running: refused because " + rule + "; upgrade the "
                    + "application first, or restore with versionCheck(IGNORE) / --ignore-version if you know the "
                    + "data is compatible", recorded, running);
        }
        if (dryRun) {
            log.step("check the application version: {} recorded vs running {}: accepted", recorded, running);
        } else {
            log.info("{} was taken from version {}, {} is running: accepted", what, recorded, running);
        }
    }

    /**
     * Refuses, before anything is extracted, a snapshot whose indexes list more entries or bytes than the plan's
     * limits, or a unit whose archive would expand beyond the ratio cap.
     */
    private void checkLimits(String id, Manifest manifest, SnapshotReader reader) {
        RestoreLimits limits = plan.restoreLimits();
        if (reader.indexEntries() > limits.maxEntries()) {
            throw new RestoreException("Snapshot " + id + " lists " + reader.indexEntries() + " entries, more than "
                    + limits.maxEntries() + " (RestoreLimits.maxEntries; raise it if the snapshot is trusted)", null);
        }
        if (reader.indexBytes() > limits.maxBytes()) {
            throw new RestoreException("Snapshot " + id + " lists " + reader.indexBytes() + " bytes, more than "
                    + limits.maxBytes() + " (RestoreLimits.maxBytes; raise it if the snapshot is trusted)", null);
        }
        for (Manifest.UnitRecord u : manifest.units()) {
            long unitBytes = reader.unitBytes(u.name());
            if (u.archiveSha256() != null && unitBytes > RestoreLimits.RATIO_GRACE_BYTES
                    && unitBytes > limits.maxRatio() * Math.max(1, u.archiveSize())) {
                throw new RestoreException("Unit '" + UnitNames.display(u.name()) + "' of snapshot " + id
                        + " would expand " + unitBytes + " bytes from an archive of " + u.archiveSize()
                        + " bytes, more than " + (long) limits.maxRatio() + " times (RestoreLimits.maxRatio; raise it"
                        + " if the snapshot is trusted)", u.archive());
            }
        }
    }

    /** Names that differ only in case are refused where they would collide. */
    private static void checkCaseCollisions(String id, SnapshotReader reader, Path staging) throws IOException {
        if (reader.caseCollisions().isEmpty() || !caseInsensitive(staging)) {
            return;
        }
        String[] first = reader.caseCollisions().get(0);
        throw new RestoreException("Snapshot " + id + " holds '" + first[0] + "' and '" + first[1] + "', which differ"
                + " only in letter case and would collide on this file system (" + reader.caseCollisions().size()
                + " such pairs); restore on a case-sensitive file system", first[0]);
    }

    /**
     * @return {@code true} when the file system holding {@code dir} treats names that differ in case as one
     */
    static boolean caseInsensitive(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, "CaseProbe", ".tmp");
        try {
            String name = probe.getFileName().toString();
            Path other = dir.resolve(name.toLowerCase(Locale.ROOT));
            return !other.getFileName().toString().equals(name) && Files.exists(other);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * Restores a backup written by another tool: one archive ({@link RestoreRequest#fromArchive}) or several
     * archives and folders ({@link RestoreRequest#fromParts}), each format detected by its name. Every part is
     * extracted into one staging folder with every check of {@link ArchiveExtractor}, across parts as well, then the
     * whole is swapped in like a snapshot with one journaled swap.
     */
    private RestoreResult restoreForeign(RestoreRequest request, Instant start) {
        String label = label(request);
        List<RestorePart> parts = new ArrayList<>();
        for (RestorePart p : request.parts()) {
            parts.add(p.kind() == RestorePart.Kind.ARCHIVE
                    ? RestorePart.archive(p.source().toAbsolutePath().normalize(), p.under())
                            .windowsSeparators(p.windowsSeparators())
                    : RestorePart.folder(p.source().toAbsolutePath().normalize(), p.under()));
        }
        String what = request.archive().isPresent() ? "archive" : "backup";
        for (RestorePart p : parts) {
            if (p.kind() == RestorePart.Kind.ARCHIVE && !Files.isRegularFile(p.source())) {
                throw new BackupException((request.archive().isPresent() ? "Archive to restore " : "Archive ")
                        + p.source() + " does not exist or is not a file");
            }
            if (p.kind() == RestorePart.Kind.FOLDER && (Files.isSymbolicLink(p.source())
                    || !Files.isDirectory(p.source(), LinkOption.NOFOLLOW_LINKS))) {
                throw new BackupException("Folder " + p.source() + " to restore " + (Files.isSymbolicLink(p.source())
                        ? "is a symbolic link; give the folder it points to" : "does not exist or is not a folder"));
            }
        }
        Path target = request.target().orElse(plan.source()).toAbsolutePath().normalize();
        for (RestorePart p : parts) {
            checkNotHolding(target, p.source(), p.kind() == RestorePart.Kind.ARCHIVE ? "the archive" : "the folder");
        }
        checkNotHolding(target, plan.destination(), "the destination");
        Map<RestorePart, Archiver> archivers = new java.util.HashMap<>();
        for (RestorePart p : parts) {
            if (p.kind() == RestorePart.Kind.ARCHIVE) {
                archivers.put(p, archiverForFile(p.source()));
            }
        }
        Owners owner = Owners.lookUp(request.owner().orElse(null), target);
        RunContext ctx = new RunContext(Operation.RESTORE, label, plan.source(), target, null);
        if (request.dryRun()) {
            for (Consumer<RunContext> hook : plan.beforeRestore()) {
                log.step("run the beforeRestore hook {}", hook);
            }
        } else {
            beforeHooks(ctx);
        }
        boolean success = false;
        ServiceRun services = new ServiceRun(plan.services(), plan.stopTimeout(), log);
        events.send(new ProgressEvent.RunStarted(Operation.RESTORE, label, parts.size(), 0, 0));
        try {
            if (parts.size() == 1 && request.archive().isPresent()) {
                log.info("Restoring archive {} ({}) into {}{}", parts.get(0).source(),
                        archivers.get(parts.get(0)).id(), target, request.dryRun() ? " (dry run)" : "");
            } else {
                log.info("Restoring backup {} ({} parts) into {}{}", label, parts.size(), target,
                        request.dryRun() ? " (dry run)" : "");
            }
            checkVersion("Backup " + label, request.appVersion().orElse(null), services, request.dryRun());
            ArchiveExtractor x = new ArchiveExtractor(plan.restoreLimits());
            RestoreResult result;
            if (request.dryRun()) {
                extractParts(x, parts, archivers, null);
                x.checkLinks();
                log.step("{} {} is sound: extract {} files, {} bytes next to {} while the services run", what, label,
                        x.files, x.bytes, target);
                describeSteps(request.steps());
                services.describeStop();
                log.step("swap the extracted files into {}, keeping the paths the plan excludes", target);
                for (Consumer<RunContext> hook : plan.afterRestore()) {
                    log.step("run the afterRestore hook {}", hook);
                }
                services.describeStart("after the swap");
                result = new RestoreResult(label, target, x.files, x.directories, x.linkCount, x.bytes, 0,
                        Duration.between(start, Instant.now()), log.warnings(), true, log.steps(), List.of(),
                        Map.of(), Map.of());
            } else {
                recoverInterrupted(target);
                Files.createDirectories(target);
                Path work = workFolder(target);
                Fs.deleteTree(work);
                Path fresh = work.resolve("new");
                Files.createDirectories(fresh);
                ExtractSink sink = new ExtractSink(fresh);
                Map<String, List<String>> inventory;
                try {
                    try (sink) {
                        extractParts(x, parts, archivers, sink);
                        sink.awaitWrites();
                        x.checkLinks();
                        sink.finish();
                    }
                    // no manifest: the archive's own content, as extracted, is what it had installed
                    inventory = Inventories.list(plan.inventories(), fresh, log::warn);
                    applySteps(label, fresh, target, List.of(), request.steps());
                    if (owner != null) {
                        owner.applyTo(fresh);
                        log.info("Restored files given to {}", owner);
                    }
                    // durable before the swap moves the target's content aside, to be deleted
                    Fs.fsyncTree(fresh);
                } catch (RuntimeException | IOException e) {
                    Fs.deleteTree(work);
                    // a file the writers could not write fails as it would have on the reading thread
                    IOException writeFailure = ExtractSink.writeFailure(e);
                    if (writeFailure != null) {
                        throw writeFailure;
                    }
                    throw e;
                }
                List<Glob> excludes = new ArrayList<>();
                for (String g : plan.excludes()) {
                    excludes.add(Glob.compile(g));
                }
                stopForSwap(services, work);
                long kept = swap(target, work, fresh, excludes, true);
                Map<String, List<String>> missing = missing(inventory, target);
                afterHooks(ctx);
                services.startAll();
                removeWork(work);
                result = new RestoreResult(label, target, x.files, x.directories, x.linkCount, x.bytes, kept,
                        Duration.between(start, Instant.now()), log.warnings(), false, List.of(), notes, inventory,
                        missing);
            }
            log.info("Restored {} {} into {}: {} files, {} bytes", what, label, target, x.files, x.bytes);
            success = true;
            return result;
        } catch (IOException e) {
            throw new BackupException("Restore of " + what + " " + (request.archive().isPresent()
                    ? parts.get(0).source() : label) + " into " + target + " failed: " + SourceScanner.describe(e), e);
        } finally {
            afterFailure(services, success);
            log.close();
            events.send(new ProgressEvent.RunFinished(Operation.RESTORE, label, success));
        }
    }

    /** Extracts (or with a {@code null} sink, checks) each part in turn, reporting each as a unit. */
    private void extractParts(ArchiveExtractor x, List<RestorePart> parts, Map<RestorePart, Archiver> archivers,
                              ExtractSink sink) throws IOException {
        for (RestorePart p : parts) {
            String unit = p.source().getFileName().toString();
            events.send(new ProgressEvent.UnitStarted(unit, 0, 0));
            long files = x.files;
            long bytes = x.bytes;
            if (p.kind() == RestorePart.Kind.ARCHIVE) {
                x.extract(archivers.get(p), p.source(), p.under(), p.windowsSeparators(), sink);
            } else {
                x.extractFolder(p.source(), p.under(), sink);
            }
            log.info("{} {}: {} files, {} bytes{}", p.kind() == RestorePart.Kind.ARCHIVE ? "Archive" : "Folder",
                    p.source(), x.files - files, x.bytes - bytes, p.under().isEmpty() ? "" : " into '" + p.under()
                            + "'");
            events.send(new ProgressEvent.UnitFinished(unit, false, x.files - files, x.bytes - bytes));
        }
    }

    /**
     * @return what a restore of another tool's backup is called in results and logs: its label, the file name of its only
     *         archive or folder, or the name of the folder that holds every part (a PlexBackup backup's timestamp
     *         folder)
     */
    static String label(RestoreRequest request) {
        if (request.label().isPresent()) {
            return request.label().get();
        }
        if (request.archive().isPresent() || request.parts().size() == 1) {
            return request.parts().get(0).source().getFileName().toString();
        }
        Path common = null;
        for (RestorePart p : request.parts()) {
            Path parent = p.source().toAbsolutePath().normalize().getParent();
            if (common == null) {
                common = parent;
            } else {
                while (common != null && (parent == null || !parent.startsWith(common))) {
                    common = common.getParent();
                }
            }
        }
        return common == null || common.getFileName() == null ? "parts" : common.getFileName().toString();
    }

    /**
     * @return the archiver whose extension ends the file's name (longest match; {@code .tgz}, {@code .txz} and
     *         {@code .tzst} included), else the plan's archiver when it writes files
     */
    private Archiver archiverForFile(Path archive) {
        String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
        name = name.endsWith(".tgz") ? name + ".tar.gz" : name.endsWith(".txz") ? name + ".tar.xz"
                : name.endsWith(".tzst") ? name + ".tar.zst" : name;
        List<Archiver> candidates = new ArrayList<>(Providers.load(Archiver.class, plan.classLoader()));
        candidates.add(0, plan.archiver());
        Archiver best = null;
        List<String> known = new ArrayList<>();
        for (Archiver a : candidates) {
            String ext = a.extension();
            if (ext.isEmpty()) {
                continue;
            }
            known.add("." + ext);
            if (name.endsWith("." + ext.toLowerCase(Locale.ROOT))
                    && (best == null || ext.length() > best.extension().length())) {
                best = a;
            }
        }
        if (best == null && !plan.archiver().extension().isEmpty()) {
            best = plan.archiver();
        }
        if (best == null) {
            throw new BackupException("Cannot tell the format of " + archive + " from its name; known: "
                    + String.join(", ", new java.util.TreeSet<>(known)));
        }
        return best;
    }

    private void checkTarget(Path target) {
        checkNotHolding(target, plan.destination(), "the destination");
        Path dest = Fs.canonical(plan.destination());
        if (Fs.canonical(target).startsWith(dest)) {
            throw new BackupException("Restore target " + target + " is inside the destination "
                    + plan.destination() + "; choose a folder outside it");
        }
    }

    /**
     * Refuses a target that is a file, a file-system root, or that holds {@code kept} (compared by real path, so a
     * link cannot hide it): the swap would move it away with the target's old content.
     */
    private static void checkNotHolding(Path target, Path kept, String what) {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new BackupException("Restore target " + target + " is a file, not a folder");
        }
        Path realKept = Fs.canonical(kept);
        Path realTarget = Fs.canonical(target);
        if (realKept.startsWith(realTarget)) {
            boolean linked = !realTarget.equals(target.toAbsolutePath().normalize())
                    || !realKept.equals(kept.toAbsolutePath().normalize());
            throw new BackupException("Restore target " + target + " contains " + what + " " + kept
                    + (linked ? " (through a symbolic link: " + realTarget + " holds " + realKept + ")" : "")
                    + "; restoring there would replace it");
        }
        if (target.getParent() == null) {
            throw new BackupException("Restore target " + target + " is a file-system root; choose a folder");
        }
    }

    private RestoreResult dryRun(String id, Path target, Manifest manifest, SnapshotReader reader,
                                 List<VerifyProblem> problems, Instant start, ServiceRun services, RunContext ctx,
                                 List<RestoreStep> steps) {
        for (Manifest.UnitRecord u : manifest.units()) {
            reader.readUnit(u, null, problems, n -> { });
        }
        failIfProblems(id, problems, reader, start);
        Manifest.Totals t = manifest.totals();
        log.step("snapshot {} is sound: extract {} files, {} bytes next to {} while the services run", id,
                reader.files(), reader.bytes(), target);
        describeSteps(steps);
        services.describeStop();
        log.step("swap the extracted files into {}, keeping the paths the backup excluded", target);
        for (Consumer<RunContext> hook : plan.afterRestore()) {
            log.step("run the afterRestore hook {}", hook);
        }
        services.describeStart("after the swap");
        return new RestoreResult(id, target, reader.files(), t == null ? 0 : t.directories(),
                t == null ? 0 : t.links(), reader.bytes(), 0, Duration.between(start, Instant.now()),
                log.warnings(), true, log.steps(), List.of(), inventoryOf(manifest), Map.of());
    }

    private void failIfProblems(String id, List<VerifyProblem> problems, SnapshotReader reader, Instant start) {
        if (!problems.isEmpty()) {
            if (reader.droppedProblems() > 0) {
                problems.add(new VerifyProblem(null, SnapshotStore.MANIFEST, VerifyProblem.Kind.MANIFEST, null,
                        null, reader.droppedProblems() + " more problems not listed"));
            }
            throw new CorruptSnapshotException(new VerifyResult(id, reader.units(), reader.files(),
                    reader.bytes(),
                    Duration.between(start, Instant.now()), problems));
        }
    }

    private RestoreResult extractAndSwap(String id, Path target, Manifest manifest, SnapshotReader reader,
                                         List<VerifyProblem> problems, Instant start, ServiceRun services,
                                         RunContext ctx, List<String> only, Owners owner, List<RestoreStep> steps)
            throws IOException {
        Files.createDirectories(target);
        Path work = workFolder(target);
        Fs.deleteTree(work);
        Path fresh = work.resolve("new");
        Files.createDirectories(fresh);
        checkSpace(work, manifest);
        try {
            checkCaseCollisions(id, reader, fresh);
        } catch (RuntimeException e) {
            Fs.deleteTree(work);
            throw e;
        }
        ExtractSink sink = new ExtractSink(fresh);
        SelectedSink selected = only.isEmpty() ? null : new SelectedSink(sink, only);
        SnapshotReader.Sink into = selected == null ? sink : selected;
        Databases databases = Databases.forRestore(manifest, plan.classLoader());
        // a partial restore checks, and clears the companions of, only the databases it restores: a live -wal of a
        // database it leaves alone holds that database's newest commits
        List<Manifest.DatabaseFile> restoredDatabases = selected == null ? Databases.of(manifest)
                : Databases.of(manifest).stream().filter(f -> selected.covers(f.path())).toList();
        long filesTotal = manifest.totals() == null ? 0 : manifest.totals().files();
        long bytesTotal = manifest.totals() == null ? 0 : manifest.totals().bytes();
        AtomicLong files = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        try {
            // the writers have stopped before the work folder is deleted, whatever went wrong
            try (sink) {
                for (Manifest.UnitRecord u : manifest.units()) {
                    events.send(new ProgressEvent.UnitStarted(u.name(), u.files(), u.bytes()));
                    reader.readUnit(u, into, problems, n -> events.send(new ProgressEvent.Progress(u.name(), null,
                            files.incrementAndGet(), filesTotal, bytes.addAndGet(n), bytesTotal)));
                    events.send(new ProgressEvent.UnitFinished(u.name(), false, u.files(), u.bytes()));
                    if (problems.size() >= SnapshotReader.MAX_PROBLEMS) {
                        break;
                    }
                }
                // a file that could not be written fails the restore before the snapshot's problems, as it did when
                // the reading thread wrote every file
                sink.awaitWrites();
                failIfProblems(id, problems, reader, start);
                sink.finish();
            }
            if (selected != null) {
                selected.checkAllFound(id);
            }
            applySteps(id, fresh, target, only, steps);
            databases.check(fresh, restoredDatabases, log);
            if (owner != null) {
                owner.applyTo(fresh);
                log.info("Restored files given to {}", owner);
            }
            // every restored file and folder is on disk before the swap moves the target's content aside (deleted
            // once the swap is over), and while the services still run
            Fs.fsyncTree(fresh);
        } catch (RuntimeException | IOException e) {
            Fs.deleteTree(work);
            throw e;
        }
        List<Glob> excludes = new ArrayList<>();
        for (String g : manifest.plan().excludes()) {
            excludes.add(Glob.compile(g));
        }
        stopForSwap(services, work);
        long kept = selected == null ? swap(target, work, fresh, excludes, false) : swapOnly(target, work, fresh, only);
        databases.removeStaleCompanions(target, restoredDatabases, log);
        Map<String, List<String>> inventory = inventoryOf(manifest);
        Map<String, List<String>> missing = missing(inventory, target);
        afterHooks(ctx);
        services.startAll();
        try {
            removeWork(work);
        } catch (IOException e) {
            log.warn("Restore succeeded but the previous content could not be removed from " + work + ": "
                    + SourceScanner.describe(e));
        }
        Manifest.Totals t = manifest.totals();
        log.info("Restored snapshot {} into {}: {} files, {} bytes; {} excluded paths kept", id, target,
                reader.files(), reader.bytes(), kept);
        if (selected != null) {
            log.info("Restored {} of snapshot {} into {}: {} files, {} bytes", only, id, target, selected.files,
                    selected.bytes);
            return new RestoreResult(id, target, selected.files, selected.directories, selected.links,
                    selected.bytes, 0, Duration.between(start, Instant.now()), log.warnings(), false, List.of(),
                    notes, inventory, missing);
        }
        return new RestoreResult(id, target, reader.files(), t == null ? 0 : t.directories(),
                t == null ? 0 : t.links(), reader.bytes(), kept, Duration.between(start, Instant.now()),
                log.warnings(), false, List.of(), notes, inventory, missing);
    }

    /** @return the snapshot's inventories; none for a manifest written before inventories existed */
    private static Map<String, List<String>> inventoryOf(Manifest manifest) {
        return manifest.inventory() == null ? Map.of() : manifest.inventory();
    }

    /**
     * Lists the plan's inventories on the restored target and names what the snapshot had that the target lacks,
     * so the user knows what to install again.
     */
    private Map<String, List<String>> missing(Map<String, List<String>> inventory, Path target) {
        Map<String, List<String>> missing = Inventories.missing(inventory, plan.inventories(), target,
                w -> log.warn(w + "; cannot tell what the restored target lacks"));
        missing.forEach((name, lacking) -> log.info("Inventory '{}': {} in the snapshot, {} not in {}{}", name,
                inventory.get(name).size(), lacking.size(), target, lacking.isEmpty() ? "" : ": " + lacking));
        return missing;
    }

    private void describeSteps(List<RestoreStep> steps) {
        for (RestoreStep step : steps) {
            log.step("apply the restore step \"{}\" to the extracted files", step.description());
        }
    }

    /** Runs the request's steps on the extracted files; a failing one fails the restore before the swap. */
    private void applySteps(String id, Path fresh, Path target, List<String> only, List<RestoreStep> steps)
            throws IOException {
        RestoreStep.Staged staged = new RestoreStep.Staged(id, fresh, target, only, line -> {
            log.info("{}", line);
            notes.add(line);
        }, log::warn);
        for (RestoreStep step : steps) {
            log.info("Applying the restore step \"{}\"", step.description());
            try {
                step.apply(staged);
            } catch (IOException | RuntimeException e) {
                throw new BackupException("The restore step \"" + step.description() + "\" failed, so nothing was "
                        + "swapped into " + target + ": " + (e instanceof IOException io ? SourceScanner.describe(io)
                        : e.getMessage()), e);
            }
        }
    }

    /**
     * Stops the services once everything is extracted and checked, so the application is down only for the
     * swap. When one will not stop, the extracted files are removed and the target is untouched.
     */
    private void stopForSwap(ServiceRun services, Path work) throws IOException {
        try {
            services.stopAll();
        } catch (RuntimeException e) {
            Fs.deleteTree(work);
            throw e;
        }
    }

    private void checkSpace(Path work, Manifest manifest) throws IOException {
        long needed = manifest.totals() == null ? 0 : manifest.totals().bytes();
        long usable = Files.getFileStore(work).getUsableSpace();
        if (usable < needed + Math.min(MAX_SPACE_MARGIN, needed / 20)) {
            Fs.deleteTree(work);
            throw new BackupException("Not enough free space to restore next to the target: " + work + " has "
                    + usable + " bytes free, the snapshot needs " + needed + " bytes (plus a margin)");
        }
    }

    /**
     * @param target the restore target (it exists)
     * @return the work folder: beside the target when both are on one file system, else inside it
     */
    static Path workFolder(Path target) throws IOException {
        Path parent = target.getParent();
        boolean sameStore;
        try {
            sameStore = Files.getFileStore(parent).equals(Files.getFileStore(target))
                    && Files.isWritable(parent);
        } catch (IOException e) {
            sameStore = false;
        }
        return sameStore ? parent.resolve("." + target.getFileName() + BackupEngine.RESTORE_STAGING_PREFIX)
                : target.resolve(BackupEngine.RESTORE_STAGING_PREFIX);
    }

    private void recoverInterrupted(Path target) throws IOException {
        recover(target, log);
    }

    /**
     * Finishes what an interrupted restore into {@code target} left: a work folder whose journal has no committed
     * line is rolled back (renames undone in reverse order), a committed one or one that never started its swap is
     * removed.
     *
     * @param target the folder restored into
     * @param log where to say what was done
     * @return what was found and done
     * @throws IOException when a rename cannot be undone or the work folder cannot be removed
     */
    public static RestoreRecovery recover(Path target, RunLog log) throws IOException {
        RestoreRecovery result = new RestoreRecovery(target, RestoreRecovery.Outcome.NONE, null);
        if (!Files.isDirectory(target) || target.getParent() == null) {
            return result;
        }
        for (Path work : List.of(target.getParent().resolve("." + target.getFileName()
                + BackupEngine.RESTORE_STAGING_PREFIX), target.resolve(BackupEngine.RESTORE_STAGING_PREFIX))) {
            if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Journal journal = Journal.read(work.resolve(JOURNAL));
            RestoreRecovery.Outcome outcome;
            if (journal.committed) {
                log.warn("An earlier restore into " + target + " was interrupted after it finished; removing its "
                        + "leftovers in " + work);
                outcome = RestoreRecovery.Outcome.FINISHED;
            } else if (!journal.moves.isEmpty()) {
                log.warn("An earlier restore into " + target + " was interrupted during its swap; rolling it back");
                undo(journal.moves);
                outcome = RestoreRecovery.Outcome.ROLLED_BACK;
            } else {
                log.warn("An earlier restore into " + target + " was interrupted before its swap; removing " + work);
                outcome = RestoreRecovery.Outcome.DISCARDED;
            }
            removeWork(work);
            result = new RestoreRecovery(target, outcome, work);
        }
        return result;
    }

    /**
     * Removes a work folder whose swap is over, its journal last: a crash meanwhile leaves the journal, so the next
     * recovery still knows which content the target holds.
     */
    private static void removeWork(Path work) throws IOException {
        for (Path child : children(work)) {
            if (!child.getFileName().toString().equals(JOURNAL)) {
                Fs.deleteTree(child);
            }
        }
        Fs.deleteTree(work);
    }

    /**
     * @param foreign whether the extracted files come from another tool's backup, which knows nothing of the plan's
     *        excludes: an excluded path it holds replaces the target's (for a snapshot that is an error)
     */
    private long swap(Path target, Path work, Path fresh, List<Glob> excludes, boolean foreign) throws IOException {
        Path old = work.resolve("old");
        Files.createDirectories(old);
        Journal journal = Journal.create(work.resolve(JOURNAL));
        long kept = 0;
        Set<Path> keptInto = new java.util.LinkedHashSet<>();
        try {
            for (String rel : excludedPaths(target, work, excludes)) {
                Path to = fresh.resolve(rel);
                if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    if (foreign) {
                        log.info("Excluded path '{}' is in the backup too: the backup's copy replaces the target's",
                                rel);
                        continue;
                    }
                    throw new BackupException("Cannot keep excluded path '" + rel + "' of " + target
                            + ": the snapshot also holds it");
                }
                ensureRealFolders(fresh, to.getParent());
                FileTime parentTime = Files.getLastModifiedTime(to.getParent(), LinkOption.NOFOLLOW_LINKS);
                journal.move(target.resolve(rel), to);
                Files.setLastModifiedTime(to.getParent(), parentTime);
                for (Path d = to.getParent(); d != null && d.startsWith(fresh); d = d.getParent()) {
                    keptInto.add(d);
                }
                kept++;
            }
            // the restored tree was synced before the swap: the folders that took in kept paths are synced again
            for (Path d : keptInto) {
                Fs.fsyncDirectory(d);
            }
            Path dest = Fs.canonical(plan.destination());
            for (Path child : children(target)) {
                if (!child.equals(work)) {
                    if (dest.startsWith(Fs.canonical(child))) {
                        throw new BackupException("Restore into " + target + " stopped: " + child
                                + " holds the destination " + plan.destination());
                    }
                    journal.move(child, old.resolve(child.getFileName().toString()));
                }
            }
            for (Path child : children(fresh)) {
                journal.move(child, target.resolve(child.getFileName().toString()));
            }
            Fs.fsyncDirectory(target);
            journal.commit();
            return kept;
        } catch (IOException | RuntimeException e) {
            throw rolledBack(journal, e, "Restore into " + target, old, work);
        } finally {
            journal.close();
        }
    }

    private static void ensureRealFolders(Path root, Path dir) throws IOException {
        Path rel = root.relativize(dir);
        Path at = root;
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            at = at.resolve(part.toString());
            if (Files.isSymbolicLink(at)) {
                throw new BackupException("Cannot keep an excluded path under " + at + ": the snapshot has a link "
                        + "there");
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(at);
            }
        }
    }

    private static void undo(List<Path[]> moves) throws IOException {
        for (int i = moves.size() - 1; i >= 0; i--) {
            Path from = moves.get(i)[0];
            Path to = moves.get(i)[1];
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && !Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(from.getParent());
                Files.move(to, from, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The topmost paths of the target that the backup's excludes match (they are not entered). */
    private static List<String> excludedPaths(Path target, Path work, List<Glob> excludes) throws IOException {
        List<String> out = new ArrayList<>();
        if (!excludes.isEmpty()) {
            collectExcluded(target, "", work, excludes, out);
        }
        return out;
    }

    private static void collectExcluded(Path dir, String rel, Path work, List<Glob> excludes, List<String> out)
            throws IOException {
        for (Path child : children(dir)) {
            if (child.equals(work)) {
                continue;
            }
            String childRel = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
            if (Glob.anyMatches(excludes, childRel)) {
                out.add(childRel);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                collectExcluded(child, childRel, work, excludes, out);
            }
        }
    }

    /** Writes checked entries into the staging folder; links and folder metadata are applied last. */
    /**
     * Replaces only the selected paths of the target, each rename journaled like the full swap: the target's
     * current copy of a selected path goes into {@code old/}, the restored one takes its place. Folders above a
     * selected path are created when missing; a link there is refused, as the new content would be written through it.
     */
    private long swapOnly(Path target, Path work, Path fresh, List<String> only) throws IOException {
        Path old = work.resolve("old");
        Files.createDirectories(old);
        Journal journal = Journal.create(work.resolve(JOURNAL));
        try {
            for (String rel : topmost(only)) {
                Path from = Fs.resolve(fresh, rel);
                Path to = Fs.resolve(target, rel);
                Path at = target;
                for (Path part : target.relativize(to.getParent() == null ? target : to.getParent())) {
                    if (part.toString().isEmpty()) {
                        continue;
                    }
                    at = at.resolve(part.toString());
                    if (Files.isSymbolicLink(at) || Files.exists(at, LinkOption.NOFOLLOW_LINKS)
                            && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                        throw new BackupException("Cannot restore '" + rel + "' into " + target + ": " + at
                                + " is a link or a file, not a folder");
                    }
                    if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectory(at);
                    }
                }
                if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    Path aside = Fs.resolve(old, rel);
                    Files.createDirectories(aside.getParent());
                    journal.move(to, aside);
                }
                journal.move(from, to);
            }
            Fs.fsyncDirectory(target);
            journal.commit();
            return 0;
        } catch (IOException | RuntimeException e) {
            throw rolledBack(journal, e, "Restore of " + only + " into " + target, old, work);
        } finally {
            journal.close();
        }
    }

    /**
     * Undoes a failed swap's renames in reverse order and removes the work folder.
     *
     * @return the failure to throw: the swap's, or one saying what is left where when the rollback failed too
     */
    private static BackupException rolledBack(Journal journal, Exception e, String what, Path old, Path work)
            throws IOException {
        journal.close();
        try {
            undo(journal.moves);
        } catch (IOException | RuntimeException undoFailure) {
            e.addSuppressed(undoFailure);
            return new BackupException(what + " failed during the swap (" + e.getMessage() + ") and could not be "
                    + "rolled back fully (" + undoFailure.getMessage() + "); nothing was deleted: the previous content "
                    + "is in " + old + ", the journal in " + work.resolve(JOURNAL) + "; the next restore into this "
                    + "target rolls it back", e);
        }
        Fs.deleteTree(work);
        if (e instanceof BackupException be) {
            return be;
        }
        return new BackupException(what + " failed during the swap and was rolled back: "
                + (e instanceof IOException io ? SourceScanner.describe(io) : e.toString()), e);
    }

    /** @return the selected paths without those inside another selected path */
    static List<String> topmost(List<String> only) {
        List<String> out = new ArrayList<>();
        for (String p : only) {
            boolean inside = false;
            for (String q : only) {
                inside |= !q.equals(p) && p.startsWith(q + "/");
            }
            if (!inside) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Passes on only the entries at or below the selected paths, with the folders above them; every other file is
     * still read to its end, so its hash is checked as in a full restore.
     */
    static final class SelectedSink implements SnapshotReader.Sink {
        private final SnapshotReader.Sink inner;
        private final List<String> only;
        private final java.util.Set<String> found = new java.util.HashSet<>();
        long files;
        long directories;
        long links;
        long bytes;

        SelectedSink(SnapshotReader.Sink inner, List<String> only) {
            this.inner = inner;
            this.only = only;
        }

        private boolean selected(String path) {
            for (String o : only) {
                if (path.equals(o) || path.startsWith(o + "/")) {
                    found.add(o);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void directory(IndexEntry entry) throws IOException {
            if (selected(entry.path())) {
                directories++;
                inner.directory(entry);
            }
        }

        @Override
        public void file(IndexEntry entry, InputStream content) throws IOException {
            if (selected(entry.path())) {
                files++;
                bytes += entry.size();
                inner.file(entry, content);
            } else {
                content.transferTo(OutputStream.nullOutputStream());
            }
        }

        @Override
        public void symlink(IndexEntry entry) throws IOException {
            if (selected(entry.path())) {
                links++;
                inner.symlink(entry);
            }
        }

        /** @return whether the path is at or below a selected path (without counting it as found) */
        boolean covers(String path) {
            return only.stream().anyMatch(o -> path.equals(o) || path.startsWith(o + "/"));
        }

        void checkAllFound(String id) {
            List<String> missing = only.stream().filter(o -> !found.contains(o)).toList();
            if (!missing.isEmpty()) {
                throw new io.backupkit.SnapshotNotFoundException("Snapshot " + id + " holds no '"
                        + String.join("', '", missing) + "'; nothing was restored (paths are relative to the source, "
                        + "with '/' separators)");
            }
        }
    }

    /**
     * Writes entries into the staging folder. Folders are made by the writer threads, as files are: a folder entry is
     * a task like a file, and a writer that finds a file's folder missing (another writer has not made it yet) makes
     * it, with the folders above it. Made on the reading thread, the 24,700 folders of the {@code small} benchmark
     * tree were a fifth of that thread's profile samples in its restore. A file of at most {@link #SMALL_FILE} bytes
     * is read whole on the reading thread (which hashes it) and written by a small pool of writer threads, so reading
     * and writing overlap; a bigger one is written as it is read, on the reading thread. The content of files handed to the pool and not yet written is kept under
     * {@link #IN_FLIGHT} bytes: the reading thread waits for the writers beyond that. A writer's failure is thrown on
     * the reading thread, at its next file or at {@link #finish()}, as the {@code Cannot write '<path>'} failure
     * the reading thread would have given. Links and folder metadata are applied last, once every file is written.
     * {@link #close()} stops the writers; it must be called before the staging folder is deleted.
     */
    static final class ExtractSink implements SnapshotReader.Sink, AutoCloseable {
        /** Files up to this size are written by the writer pool. */
        static final int SMALL_FILE = 1024 * 1024;
        /** Bytes handed to the writer pool and not yet written, at most. */
        static final int IN_FLIGHT = 32 * 1024 * 1024;
        /** Counted per handed-off file beyond its content, so that many empty files are bounded too. */
        static final int PER_FILE = 512;
        static final String THREAD_NAME = "backupkit-restore-writer-";

        private final Path root;
        private final boolean posix;
        /** Folders whose time and mode are set once everything inside them is written. */
        private final List<Folder> directories = new ArrayList<>();
        private final List<IndexEntry> links = new ArrayList<>();
        private final byte[] buffer = new byte[Hashing.BUFFER_SIZE];
        private final int smallFile;
        private final int bound;
        private final int threads;
        private final Semaphore room;
        private final AtomicLong inFlight = new AtomicLong();
        private final AtomicLong highWater = new AtomicLong();
        private final AtomicInteger buffersMade = new AtomicInteger();
        /** Content buffers of {@code smallFile} bytes the writers are done with. */
        private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spare =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicReference<WriteFailure> failure =
                new AtomicReference<>();
        private volatile boolean aborted;
        private ExecutorService pool;
        /** Every thread the pool started, so that stopping it can wait until each has ended. */
        private final List<Thread> writers = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** The first file a writer could not write. */
        private record WriteFailure(String path, IOException cause) {
        }

        ExtractSink(Path root) {
            this(root, SMALL_FILE, IN_FLIGHT, Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())));
        }

        /**
         * @param smallFile files up to this size go to the writer pool (at most {@code bound - PER_FILE})
         * @param bound bytes handed to the pool and not yet written, at most
         * @param threads writer threads
         */
        ExtractSink(Path root, int smallFile, int bound, int threads) {
            if (bound <= PER_FILE || threads < 1) {
                throw new IllegalArgumentException("bound " + bound + ", threads " + threads);
            }
            this.root = root;
            this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
            this.smallFile = Math.min(smallFile, bound - PER_FILE);
            this.bound = bound;
            this.threads = threads;
            this.room = new Semaphore(bound);
        }

        @Override
        public void directory(IndexEntry entry) throws IOException {
            throwFailure();
            Path p = Fs.resolve(root, entry.path());
            directories.add(new Folder(entry.path(), IsoTimes.parse(entry.mtime()), entry.mode()));
            submit(entry.path(), PER_FILE, null, () -> makeFolder(p));
        }

        /** A restored folder's time and mode, without the rest of its index entry. */
        private record Folder(String path, java.time.Instant mtime, int mode) {
        }

        /**
         * Makes a folder, with the folders above it that are missing, on whichever thread asks: a writer, for a
         * folder entry or a file whose folder no writer has made yet, or the reading thread, for a big file. A
         * folder another thread made first counts as made; a file or a link in its place is refused. Made without
         * asking first whether it is there: on JDK 17, asking about a missing path throws (and fills the stack
         * traces of) two exceptions inside the JDK, and a snapshot has a folder per file or two. No link exists
         * below the root before {@link #finish()}, so nothing is made through one.
         */
        private void makeFolder(Path dir) throws IOException {
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) { // a file, or a link even to a folder
                    throw new FileAlreadyExistsException(dir.toString(), null,
                            "a file of the snapshot is already there");
                }
            } catch (NoSuchFileException e) {
                Path parent = dir.getParent();
                if (parent == null || !parent.startsWith(root) || parent.equals(root)) {
                    throw e; // the root itself is gone
                }
                makeFolder(parent);
                makeFolder(dir);
            }
        }

        /** Opens a new file, making its folder first when no thread has made it yet. */
        private FileChannel create(Path p) throws IOException {
            try {
                return FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                makeFolder(p.getParent());
                return FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            }
        }

        @Override
        public void file(IndexEntry entry, InputStream content) throws IOException {
            throwFailure();
            Path p = Fs.resolve(root, entry.path());
            if (entry.size() > smallFile) {
                writeStreamed(p, entry, null, 0, content);
                return;
            }
            // buffers are reused: a fresh array per file made the JVM grow its heap with the restore's size
            byte[] data = spare.poll();
            if (data == null) {
                data = new byte[smallFile];
                buffersMade.incrementAndGet();
            }
            int length = content.readNBytes(data, 0, (int) entry.size());
            int next = content.read();
            if (next >= 0) {
                // longer than its entry says (an archive of another tool may not know the size): written as read
                try {
                    writeStreamed(p, entry, data, length, new SequenceInputStream(
                            new ByteArrayInputStream(new byte[] {(byte) next}), content));
                } finally {
                    spare.offer(data);
                }
                return;
            }
            handOff(p, entry, data, length);
        }

        @Override
        public void symlink(IndexEntry entry) {
            throwFailure();
            links.add(entry);
        }

        private void writeStreamed(Path p, IndexEntry entry, byte[] head, int headLength, InputStream content)
                throws IOException {
            try (OutputStream out = java.nio.channels.Channels.newOutputStream(create(p))) {
                if (headLength > 0) {
                    out.write(head, 0, headLength);
                }
                int n;
                while ((n = content.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            setTimeAndMode(p, entry);
        }

        /**
         * Queues a file whose content is read for a writer, waiting while the writers hold too much; the buffer goes
         * back to the spares once written. A buffer is charged whole, so at most {@code bound / smallFile} exist.
         */
        private void handOff(Path p, IndexEntry entry, byte[] data, int length) throws IOException {
            submit(entry.path(), data.length + PER_FILE, data, () -> write(p, entry, data, length));
        }

        /** Something a writer does: write a file, make a folder. */
        @FunctionalInterface
        private interface Task {
            void run() throws IOException;
        }

        /**
         * Queues a task for a writer, waiting while the writers hold more than the bound; {@code data}, when there
         * is one, goes back to the spares once the task is done, and {@code charge} counts it whole.
         */
        private void submit(String path, int charge, byte[] data, Task task) throws IOException {
            try {
                room.acquire(charge);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the writers");
            }
            highWater.accumulateAndGet(inFlight.addAndGet(charge), Math::max);
            try {
                pool().execute(() -> {
                    try {
                        if (!aborted && failure.get() == null) {
                            task.run();
                        }
                    } catch (IOException e) {
                        failure.compareAndSet(null, new WriteFailure(path, e));
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, new WriteFailure(path, new IOException(e.toString(), e)));
                    } finally {
                        if (data != null) {
                            spare.offer(data);
                        }
                        inFlight.addAndGet(-charge);
                        room.release(charge);
                    }
                });
            } catch (RejectedExecutionException e) {
                if (data != null) {
                    spare.offer(data);
                }
                inFlight.addAndGet(-charge);
                room.release(charge);
                throw new IOException("the restore's writers are stopped", e);
            }
        }

        private ExecutorService pool() {
            if (aborted) {
                throw new RejectedExecutionException("closed");
            }
            if (pool == null) {
                AtomicInteger n = new AtomicInteger();
                pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, THREAD_NAME + n.incrementAndGet());
                    t.setDaemon(true);
                    writers.add(t);
                    return t;
                });
            }
            return pool;
        }

        private void write(Path p, IndexEntry entry, byte[] data, int length) throws IOException {
            try (FileChannel ch = create(p)) {
                ByteBuffer b = ByteBuffer.wrap(data, 0, length);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            setTimeAndMode(p, entry);
        }

        private void setTimeAndMode(Path p, IndexEntry entry) throws IOException {
            Files.setLastModifiedTime(p, FileTime.from(IsoTimes.parse(entry.mtime())));
            setMode(p, entry.mode());
        }

        /** Throws a writer's failure as the reading thread would have: {@code Cannot write '<path>': ...}. */
        private void throwFailure() {
            WriteFailure f = failure.get();
            if (f != null) {
                throw new BackupException("Cannot write '" + f.path() + "': " + SourceScanner.describe(f.cause()),
                        new SnapshotReader.SinkFailure(f.cause()));
            }
        }

        /**
         * Waits until every file handed to the writers is written.
         *
         * @throws BackupException when one could not be written
         */
        void awaitWrites() throws IOException {
            try {
                room.acquire(bound);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the writers");
            }
            room.release(bound);
            throwFailure();
        }

        /** @return content buffers made: at most one more than the bound holds, whatever the number of files */
        int buffersMade() {
            return buffersMade.get();
        }

        /** @return the most bytes (buffers plus {@link #PER_FILE} per file) held for the writers at once */
        long highWater() {
            return highWater.get();
        }

        /**
         * @param e what a restore failed with
         * @return the I/O failure of a file a writer could not write, as the reading thread would have met it, or
         *         {@code null} when {@code e} is something else
         */
        static IOException writeFailure(Exception e) {
            return e instanceof BackupException && e.getCause() instanceof SnapshotReader.SinkFailure f
                    && f.getCause() instanceof IOException io ? io : null;
        }

        void finish() throws IOException {
            awaitWrites();
            stopWriters();
            for (IndexEntry link : links) {
                Path p = Fs.resolve(root, link.path());
                Files.createDirectories(p.getParent());
                Files.createSymbolicLink(p, p.getFileSystem().getPath(link.target()));
                try {
                    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(FileTime.from(IsoTimes.parse(link.mtime())), null, null);
                } catch (IOException | UnsupportedOperationException e) {
                    // link times are best effort: not every platform can set them
                }
            }
            directories.sort(Comparator.comparing(Folder::path).reversed());
            for (Folder dir : directories) {
                Path p = Fs.resolve(root, dir.path());
                Files.setLastModifiedTime(p, FileTime.from(dir.mtime()));
                setMode(p, dir.mode());
            }
        }

        /** Ends the writer threads once what they were given is done (or skipped, after {@link #close()}). */
        private void stopWriters() {
            ExecutorService p = pool;
            pool = null;
            if (p == null) {
                return;
            }
            p.shutdown();
            boolean interrupted = false;
            for (Thread t : writers) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            writers.clear();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Stops the writers: files not yet begun are skipped, those being written are finished, and every writer
         * thread has ended when this returns. Nothing more is written afterwards.
         */
        @Override
        public void close() {
            aborted = true;
            stopWriters();
        }

        private void setMode(Path p, int mode) throws IOException {
            if (!posix) {
                return;
            }
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] all = PosixFilePermission.values();
            for (int i = 0; i < 9; i++) {
                if ((mode & (1 << (8 - i))) != 0) {
                    perms.add(all[i]);
                }
            }
            Files.setPosixFilePermissions(p, perms);
        }
    }

    /** The swap's journal: each rename is written down (and synced) before it is done. */
    private static final class Journal implements AutoCloseable {
        private final List<Path[]> moves = new ArrayList<>();
        private FileChannel channel;
        private OutputStream out;
        private boolean committed;

        static Journal create(Path file) throws IOException {
            Journal j = new Journal();
            j.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            j.out = Channels.newOutputStream(j.channel);
            return j;
        }

        static Journal read(Path file) throws IOException {
            Journal j = new Journal();
            if (!Files.isRegularFile(file)) {
                return j;
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(COMMITTED)) {
                        j.committed = true;
                    } else if (!line.isBlank()) {
                        try {
                            Map<?, ?> m = Json.MAPPER.readValue(line, Map.class);
                            j.moves.add(new Path[] {Path.of((String) m.get("from")), Path.of((String) m.get("to"))});
                        } catch (IOException | RuntimeException e) {
                            // a line torn by a crash: the rename it announced never happened
                        }
                    }
                }
            }
            return j;
        }

        void move(Path from, Path to) throws IOException {
            write(Json.MAPPER.writeValueAsString(Map.of("from", from.toString(), "to", to.toString())));
            moves.add(new Path[] {from, to});
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        void commit() throws IOException {
            write(COMMITTED);
            committed = true;
        }

        private void write(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        }
    }
}
