package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.Operation;
import io.backupkit.ProgressEvent;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

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

    private final BackupPlan plan;
    private final SnapshotStore store;
    private final Events events;
    private final RunLog log = new RunLog();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final Map<String, Manifest.UnitRecord> committedUnits = new HashMap<>();
    private long filesTotal;
    private long bytesTotal;

    /**
     * @param plan the plan to run
     */
    public BackupEngine(BackupPlan plan) {
        this.plan = plan;
        this.store = new SnapshotStore(plan.destination());
        this.events = new Events(plan.listener());
    }

    /**
     * @param resume {@code true} to continue the newest unfinished snapshot
     * @return what was written
     */
    public BackupResult backup(boolean resume) {
        Instant start = Instant.now();
        Operation op = resume ? Operation.RESUME : Operation.BACKUP;
        checkSource();
        String snapshotId = null;
        boolean success = false;
        try {
            if (plan.dryRun()) {
                BackupResult r = dryRun(start, resume);
                snapshotId = r.snapshotId();
                success = true;
                return r;
            }
            createDestination();
            try (DestinationLock lock = DestinationLock.acquire(plan.destination(), op.name().toLowerCase(java.util.Locale.ROOT))) {
                Path partial;
                if (resume) {
                    partial = newestPartial();
                    snapshotId = idOfPartial(partial);
                    checkResumable(partial, snapshotId);
                } else {
                    snapshotId = store.newId(start);
                    partial = store.partial(snapshotId);
                    Files.createDirectory(partial);
                    Json.writeDurably(partial.resolve(SnapshotStore.PARTIAL_STATE), new PartialState(
                            Manifest.FORMAT_VERSION, snapshotId, start.toString(), DestinationLock.hostName(),
                            archiverInfo(), planInfo()));
                    Files.createDirectories(partial.resolve(UNITS));
                    Files.createDirectories(partial.resolve(INDEX));
                    Files.createDirectories(partial.resolve(STATE));
                    Fs.fsyncDirectory(plan.destination());
                }
                log.attach(partial.resolve("backup.log"));
                log.info("BackupKit {} {} of {} into {} (snapshot {}, archiver {})", Version.current(),
                        resume ? "resuming" : "starting backup", plan.source(), plan.destination(), snapshotId,
                        plan.archiver().id());
                BackupResult result = write(start, op, snapshotId, partial);
                success = true;
                return result;
            }
        } catch (IOException e) {
            log.error("Backup failed", e);
            throw new BackupException("Backup of " + plan.source() + " into " + plan.destination() + " failed: "
                    + SourceScanner.describe(e), e);
        } catch (BackupException e) {
            log.error("Backup failed: " + e.getMessage(), null);
            throw e;
        } finally {
            log.close();
            events.send(new ProgressEvent.RunFinished(op, snapshotId, success));
        }
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

    private BackupResult dryRun(Instant start, boolean resume) {
        String id = resume ? idOfPartial(newestPartial()) : store.newId(start);
        List<Unit> units = scan();
        long files = 0;
        long dirs = 0;
        long links = 0;
        long bytes = 0;
        for (Unit u : units) {
            log.info("[dry run] would write unit '{}' ({} files, {} bytes){}", UnitNames.display(u.name()), u.files(),
                    u.bytes(), u.special() ? " as a plain copy" : "");
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
        List<String> wouldPrune = retentionVictims(id).stream().map(Snapshot::id).toList();
        for (String p : wouldPrune) {
            log.info("[dry run] retention would remove snapshot {}", p);
        }
        return new BackupResult(id, store.complete(id), units.size(), 0, files, dirs, links, bytes, 0,
                Duration.between(start, Instant.now()), log.warnings(), wouldPrune, true);
    }

    private List<Unit> scan() {
        List<Glob> excludes = new ArrayList<>();
        for (String g : plan.excludes()) {
            excludes.add(Glob.compile(g));
        }
        excludes.add(Glob.compile(RESTORE_STAGING_PREFIX + "*"));
        return new SourceScanner(plan.source(), excludes, plan.special(), log::warn).scan();
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
        return new Manifest.PlanInfo(plan.excludes(), plan.special());
    }

    private BackupResult write(Instant start, Operation op, String id, Path partial) throws IOException {
        List<Unit> units = scan();
        for (Unit u : units) {
            filesTotal += u.files();
            bytesTotal += u.bytes();
        }
        events.send(new ProgressEvent.RunStarted(op, id, units.size(), filesTotal, bytesTotal));
        List<Manifest.UnitRecord> records = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        int reused = 0;
        for (Unit unit : units) {
            keep.add(unit.fileName());
            Manifest.UnitRecord existing = op == Operation.RESUME ? reusable(partial, unit) : null;
            if (existing != null) {
                reused++;
                records.add(existing);
                filesDone.addAndGet(existing.files());
                bytesDone.addAndGet(existing.bytes());
                log.info("Unit '{}' kept from the interrupted run", UnitNames.display(unit.name()));
                events.send(new ProgressEvent.UnitFinished(unit.name(), true, existing.files(), existing.bytes()));
            } else {
                records.add(writeUnit(partial, unit));
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
                SnapshotStore.timeOf(id).toString(), Instant.now().toString(), DestinationLock.hostName(), null,
                archiverInfo(), planInfo(), records, new Manifest.Totals(files, dirs, links, bytes, stored));
        log.info("Snapshot {}: {} units ({} kept), {} files, {} folders, {} links, {} bytes, {} bytes stored", id,
                records.size(), reused, files, dirs, links, bytes, stored);
        log.close();
        Fs.fsync(partial.resolve("backup.log"));
        Fs.fsyncDirectory(partial.resolve(UNITS));
        Fs.fsyncDirectory(partial.resolve(INDEX));
        Json.writeDurably(partial.resolve(SnapshotStore.MANIFEST), manifest);
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
                Duration.between(start, Instant.now()), warnings, pruned, false);
    }

    private Manifest.UnitRecord writeUnit(Path partial, Unit unit) throws IOException {
        String name = unit.fileName();
        Archiver archiver = unit.special() ? new FolderArchiver() : plan.archiver();
        String ext = archiver.extension();
        String archiveRel = UNITS + "/" + name + (ext.isEmpty() ? "" : "." + ext);
        String indexRel = INDEX + "/" + name + ".jsonl";
        Path archive = partial.resolve(archiveRel);
        Path archiveTmp = partial.resolve(archiveRel + TMP);
        Path index = partial.resolve(indexRel);
        Path state = partial.resolve(STATE).resolve(name + ".json");
        Files.deleteIfExists(state);
        Fs.deleteTree(archive);
        Fs.deleteTree(archiveTmp);
        Files.deleteIfExists(index);
        long unitFiles = unit.files();
        long unitBytes = unit.bytes();
        events.send(new ProgressEvent.UnitStarted(unit.name(), unitFiles, unitBytes));
        log.info("Writing unit '{}': {} files, {} bytes{}", UnitNames.display(unit.name()), unitFiles, unitBytes,
                unit.special() ? " (special folder, plain copy)" : "");
        Recorder recorder = new Recorder(unit);
        try {
            archiver.write(new ArchiveWriteRequest(unit.name(), plan.source(), archiveTmp, unit.entries(),
                    unit.special() ? Map.of() : effectiveOptions(), recorder::open));
        } catch (IOException | RuntimeException e) {
            Fs.deleteTree(archiveTmp);
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException("Writing unit '" + UnitNames.display(unit.name()) + "' to " + archiveTmp
                    + " failed: " + (e instanceof IOException io ? SourceScanner.describe(io) : e.toString()), e);
        }
        recorder.checkComplete(archiver);
        long archiveSize;
        String archiveSha;
        if (ext.isEmpty()) {
            Fs.fsyncTree(archiveTmp);
            archiveSize = unitBytesOnDisk(archiveTmp);
            archiveSha = null;
        } else {
            Fs.fsync(archiveTmp);
            archiveSize = Files.size(archiveTmp);
            archiveSha = Hashing.sha256(archiveTmp);
        }
        Path indexTmp = partial.resolve(indexRel + TMP);
        String indexSha = recorder.writeIndex(indexTmp);
        Files.move(indexTmp, index, StandardCopyOption.ATOMIC_MOVE);
        Files.move(archiveTmp, archive, StandardCopyOption.ATOMIC_MOVE);
        Manifest.UnitRecord record = new Manifest.UnitRecord(unit.name(),
                unit.special() ? Manifest.UnitRecord.FOLDER : Manifest.UnitRecord.ARCHIVE, archiveRel, archiveSize,
                archiveSha, indexRel, indexSha, recorder.files, recorder.dirs, recorder.links, recorder.bytes);
        Json.writeDurably(state, record);
        events.send(new ProgressEvent.UnitFinished(unit.name(), false, recorder.files, recorder.bytes));
        return record;
    }

    private static long unitBytesOnDisk(Path folder) throws IOException {
        try (var walk = Files.walk(folder)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
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
            return sameEntries(index, unit) ? r : null;
        } catch (IOException | RuntimeException e) {
            log.info("Unit '{}' of the interrupted run is rewritten: {}", UnitNames.display(unit.name()), e.toString());
            return null;
        }
    }

    private static boolean sameEntries(Path index, Unit unit) throws IOException {
        Map<String, UnitEntry> current = new HashMap<>();
        for (UnitEntry e : unit.entries()) {
            current.put(e.path(), e);
        }
        int seen = 0;
        try (BufferedReader r = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                IndexEntry ie = Json.INDEX_READER.readValue(line);
                UnitEntry e = current.get(ie.path());
                if (e == null || e.type() != ie.type() || e.mode() != ie.mode()
                        || !e.mtime().toInstant().toString().equals(ie.mtime())
                        || (e.type() == EntryType.FILE && e.size() != ie.size())
                        || (e.type() == EntryType.SYMLINK && !e.linkTarget().equals(ie.target()))) {
                    return false;
                }
                seen++;
            }
        }
        return seen == current.size();
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
        List<Snapshot> complete = store.list().stream().filter(Snapshot::complete).toList();
        List<Snapshot> kept = plan.retention().keep(complete, Instant.now());
        Set<String> keepIds = new HashSet<>();
        for (Snapshot s : kept) {
            keepIds.add(s.id());
        }
        keepIds.add(justWritten);
        return complete.stream().filter(s -> !keepIds.contains(s.id())).toList();
    }

    private List<String> prune(String justWritten) {
        List<String> pruned = new ArrayList<>();
        List<Snapshot> victims;
        try {
            victims = retentionVictims(justWritten);
        } catch (RuntimeException e) {
            log.warn("Retention policy '" + plan.retention().id() + "' failed; nothing removed: " + e);
            return pruned;
        }
        for (Snapshot s : victims) {
            Path doomed = plan.destination().resolve(s.id() + SnapshotStore.DELETING);
            try {
                Files.move(s.location(), doomed, StandardCopyOption.ATOMIC_MOVE);
                Fs.deleteTree(doomed);
                pruned.add(s.id());
                log.info("Retention {} removed snapshot {}", plan.retention(), s.id());
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
    private final class Recorder {
        private final Unit unit;
        private final Map<String, Integer> slots = new HashMap<>();
        private final String[] hashes;
        private final long[] sizes;
        private final byte[] state; // 0 not opened, 1 open, 2 done, 3 vanished
        private long files;
        private long dirs;
        private long links;
        private long bytes;

        Recorder(Unit unit) {
            this.unit = unit;
            List<UnitEntry> entries = unit.entries();
            hashes = new String[entries.size()];
            sizes = new long[entries.size()];
            state = new byte[entries.size()];
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).type() == EntryType.FILE) {
                    slots.put(entries.get(i).path(), i);
                }
            }
        }

        InputStream open(UnitEntry entry, boolean exact) throws IOException {
            Integer slot = slots.get(entry.path());
            if (slot == null) {
                throw new IOException("'" + entry.path() + "' is not a file of unit '"
                        + UnitNames.display(unit.name()) + "'");
            }
            synchronized (this) {
                if (state[slot] != 0) {
                    throw new IOException("'" + entry.path() + "' was opened twice by the archiver");
                }
                state[slot] = 1;
            }
            Path file = plan.source().resolve(entry.path());
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
                hashes[slot] = sha;
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
            long f = filesDone.incrementAndGet();
            long b = bytesDone.addAndGet(size);
            events.send(new ProgressEvent.Progress(unit.name(), entry.path(), f, filesTotal, b, bytesTotal));
        }

        void checkComplete(Archiver archiver) {
            List<UnitEntry> entries = unit.entries();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).type() == EntryType.FILE && state[i] != 2 && state[i] != 3) {
                    throw new BackupException("Archiver '" + archiver.id() + "' did not read '"
                            + entries.get(i).path() + "' of unit '" + UnitNames.display(unit.name())
                            + "' to its end; the unit is incomplete");
                }
            }
        }

        /** Writes the index durably; returns its SHA-256. */
        String writeIndex(Path file) throws IOException {
            MessageDigest md = Hashing.sha256();
            try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(raw, md),
                         StandardCharsets.UTF_8), 64 * 1024)) {
                List<UnitEntry> entries = unit.entries();
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
                            line = new IndexEntry(e.path(), EntryType.FILE, sizes[i], e.mtime().toInstant().toString(),
                                    e.mode(), hashes[i], null);
                        }
                        case DIRECTORY -> {
                            dirs++;
                            line = new IndexEntry(e.path(), EntryType.DIRECTORY, 0, e.mtime().toInstant().toString(),
                                    e.mode(), null, null);
                        }
                        case SYMLINK -> {
                            links++;
                            line = new IndexEntry(e.path(), EntryType.SYMLINK, 0, e.mtime().toInstant().toString(),
                                    e.mode(), null, e.linkTarget());
                        }
                        default -> {
                            continue;
                        }
                    }
                    w.write(Json.LINE.writeValueAsString(line));
                    w.write('\n');
                }
            }
            Fs.fsync(file);
            return Hashing.hex(md.digest());
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
