package io.backupkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.DestinationLockedException;
import io.backupkit.Operation;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.RetentionReport;
import io.backupkit.RunReport;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import io.backupkit.VerifyResult;
import io.backupkit.spi.Destination;
import io.backupkit.spi.Encryption;
import io.backupkit.spi.RemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a plan whose snapshots live in a remote {@link Destination}. The engines work on the plan's local cache folder
 * exactly as on a local destination; this class uploads what they wrote (every file, then the manifest last),
 * applies retention to the remote snapshots, and downloads a snapshot into the cache before a restore or a verify.
 *
 * <pre>{@code
 * BackupResult r = new RemoteRun(plan, localPlans).backup(false);
 * }</pre>
 *
 * <p>Remote layout: {@code <id>/manifest.json} (written last; a snapshot without it is never listed) and the
 * snapshot's files under {@code <id>/} by their local names. Encrypted: {@code <id>/data/000001.<ext>, ...} (each
 * file encrypted, named by number), {@code <id>/files.<ext>} (encrypted: which number is which file) and a clear
 * {@code <id>/manifest.json} with only what listing needs. The lock is {@code .backupkit.lock}, created only if absent.
 * The cache keeps the newest snapshot uploaded (so unchanged units are reused from it), unfinished snapshots, and one
 * upload journal per snapshot being uploaded ({@code .backupkit-uploads/<id>.json}: which files are already there).
 */
public final class RemoteRun {

    /** The remote lock's name. */
    public static final String LOCK = ".backupkit.lock";
    /** The cache's folder of upload journals. */
    public static final String UPLOADS = ".backupkit-uploads";
    /** The cache's folder of downloaded snapshots. */
    public static final String DOWNLOADS = ".backupkit-downloads";
    /** The marker in the cache naming the newest remote id, so that new ids stay later than it. */
    static final String NEWEST_MARKER = ".remote-newest";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteRun.class);
    private static final Map<String, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final Pattern HOLDER = Pattern.compile("pid (\\d+) on host (\\S+),");

    private final BackupPlan plan;
    private final BiFunction<Path, Boolean, BackupPlan> localPlans;
    private final Destination remote;
    private final Encryption encryption;
    private final Path cache;

    /**
     * @param plan the user's plan, with its remote destination
     * @param localPlans makes the same plan on a local folder (keep-all retention), with or without its notifiers
     */
    public RemoteRun(BackupPlan plan, BiFunction<Path, Boolean, BackupPlan> localPlans) {
        this.plan = plan;
        this.localPlans = localPlans;
        this.remote = plan.remote().orElseThrow();
        this.encryption = plan.encryption().orElse(null);
        this.cache = plan.destination();
    }

    /**
     * @param destination a remote destination
     * @return its default cache folder: {@code $XDG_CACHE_HOME/backupkit/<id>}, else {@code ~/.cache/backupkit/<id>}
     */
    public static Path defaultCache(Destination destination) {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        String name = destination.id().replaceAll("[^A-Za-z0-9._-]+", "_");
        return base.resolve("backupkit").resolve(name);
    }

    // ----------------------------------------------------------------------------------------------- backup

    /**
     * @param resume continue the newest unfinished snapshot, or finish its upload
     * @return what was written
     */
    public BackupResult backup(boolean resume) {
        BackupPlan local = localPlans.apply(cache, false);
        if (plan.dryRun()) {
            return resume ? local.resume() : local.backup();
        }
        Instant start = Instant.now();
        List<String> warnings = new ArrayList<>();
        BackupResult r = null;
        Throwable failure = null;
        try {
            createPrivate(cache);
            try (Lock lock = Lock.acquire(remote, resume ? "resume" : "backup")) {
                Map<String, JsonNode> manifests = remoteManifests();
                String newestRemote = manifests.keySet().stream().max(Comparator.naturalOrder()).orElse(null);
                markNewest(newestRemote);
                if (resume) {
                    SnapshotStore store = new SnapshotStore(cache);
                    Optional<Snapshot> partial = store.list().stream().filter(s -> !s.complete()).findFirst();
                    List<String> pending = pendingUploads(manifests.keySet(), newestRemote);
                    if (partial.isPresent() && (pending.isEmpty() || partial.get().id().compareTo(pending.get(0)) > 0)) {
                        r = local.resume();
                    } else if (!pending.isEmpty()) {
                        r = fromCache(pending.get(0), start);
                        LOG.info("Snapshot {} is complete in the cache {}; uploading what {} lacks", r.snapshotId(),
                                cache, remote.id());
                    } else {
                        throw new SnapshotNotFoundException("No unfinished snapshot in the cache " + cache
                                + " and no upload to finish to " + remote.id());
                    }
                } else {
                    r = local.backup();
                }
                warnings.addAll(r.warnings());
                upload(r.snapshotId());
                List<String> pruned = removeAfterBackup(r.snapshotId(), warnings);
                cleanCache(r.snapshotId());
                r = new BackupResult(r.snapshotId(), cache.resolve(r.snapshotId()), r.units(), r.unitsReused(),
                        r.files(), r.directories(), r.links(), r.bytes(), r.storedBytes(),
                        Duration.between(start, Instant.now()), warnings, pruned, false, r.steps());
                return r;
            }
        } catch (IOException e) {
            failure = e;
            throw new BackupException("Upload to " + remote.id() + " failed: " + SourceScanner.describe(e)
                    + "; the snapshot stays in the cache " + cache + " and resume() uploads what is missing", e);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            release();
            notifyBackup(resume, start, r, failure, warnings);
        }
    }

    private void notifyBackup(boolean resume, Instant start, BackupResult r, Throwable failure, List<String> warnings) {
        if (plan.notifiers().isEmpty()) {
            return;
        }
        boolean ok = failure == null && r != null;
        Path log = r == null ? null : cache.resolve(r.snapshotId()).resolve("backup.log");
        RunReport report = new RunReport(resume ? Operation.RESUME : Operation.BACKUP,
                ok ? RunReport.Outcome.SUCCEEDED : RunReport.Outcome.FAILED, r == null ? null : r.snapshotId(), start,
                Instant.now(), r == null ? 0 : r.files(), r == null ? 0 : r.bytes(), r == null ? 0 : r.units(),
                r == null ? 0 : r.unitsReused(), warnings, failure == null ? List.of() : Notify.errors(failure), null,
                DestinationLock.hostName(), log != null && Files.isRegularFile(log) ? log : null, null, false);
        warnings.addAll(Notify.after(plan, report));
    }

    /** A result for a snapshot already complete in the cache, whose upload is to be finished. */
    private BackupResult fromCache(String id, Instant start) {
        Manifest m = SnapshotStore.readManifest(cache.resolve(id), id);
        long files = m.totals() == null ? 0 : m.totals().files();
        long bytes = m.totals() == null ? 0 : m.totals().bytes();
        int reused = (int) m.units().stream().filter(u -> u.reusedFrom() != null).count();
        return new BackupResult(id, cache.resolve(id), m.units().size(), reused, files, 0, 0, bytes,
                SnapshotStore.storedBytes(m), Duration.between(start, Instant.now()), List.of(), List.of(), false,
                List.of());
    }

    /**
     * @return complete snapshots in the cache that the remote does not have and that are newer than its newest:
     *         uploads to finish, newest first
     */
    private List<String> pendingUploads(Set<String> remoteIds, String newestRemote) {
        List<String> out = new ArrayList<>();
        for (Snapshot s : new SnapshotStore(cache).list()) {
            if (s.complete() && !remoteIds.contains(s.id()) && (newestRemote == null
                    || s.id().compareTo(newestRemote) > 0)) {
                out.add(s.id());
            }
        }
        return out;
    }

    /** Keeps new ids later than the newest remote one: the engine looks at every name in the cache. */
    private void markNewest(String newestRemote) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(cache, "*" + NEWEST_MARKER)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
        if (newestRemote != null) {
            Files.write(cache.resolve(newestRemote + NEWEST_MARKER), new byte[0]);
        }
    }

    // ----------------------------------------------------------------------------------------------- upload

    /**
     * Uploads a snapshot complete in the cache: every file missing from the remote, then the manifest last.
     *
     * @param id the snapshot id
     * @throws IOException if an upload fails; what was uploaded is in the journal
     */
    void upload(String id) throws IOException {
        Path dir = cache.resolve(id);
        List<String> files = filesOf(dir);
        files.remove(SnapshotStore.MANIFEST);
        Path journalFile = cache.resolve(UPLOADS).resolve(id + ".json");
        createPrivate(journalFile.getParent());
        String mode = encryption == null ? "plain" : encryption.id();
        Journal journal = Journal.read(journalFile, mode);
        Map<String, Long> there = new HashMap<>();
        for (RemoteFile f : remote.list(id + "/")) {
            there.put(f.name(), f.size());
        }
        Manifest manifest = SnapshotStore.readManifest(dir, id);
        int uploaded = 0;
        int kept = 0;
        long t0 = System.nanoTime();
        if (encryption == null) {
            Map<String, String> reusable = new HashMap<>();
            for (Manifest.UnitRecord u : manifest.units()) {
                if (u.reusedFrom() != null && u.archive() != null) {
                    reusable.put(u.archive(), u.reusedFrom());
                }
            }
            for (String f : files) {
                String name = id + "/" + f;
                long size = Files.size(dir.resolve(f));
                Journal.Entry done = journal.files().get(f);
                if (done != null && done.size() == size && Long.valueOf(done.remoteSize()).equals(there.get(name))) {
                    kept++;
                    continue;
                }
                String from = reusable.get(f);
                boolean copied = false;
                if (from != null) {
                    try {
                        copied = remote.copy(from + "/" + f, name);
                    } catch (IOException e) {
                        LOG.info("Server-side copy of {} from snapshot {} failed ({}); uploading it", f, from,
                                e.getMessage());
                    }
                }
                if (!copied) {
                    remote.upload(dir.resolve(f), name);
                }
                uploaded++;
                journal.files().put(f, new Journal.Entry(name, size, size));
                journal.write(journalFile);
            }
            remote.upload(dir.resolve(SnapshotStore.MANIFEST), id + "/" + SnapshotStore.MANIFEST);
        } else {
            String ext = "." + encryption.id();
            List<String> all = new ArrayList<>(files);
            all.add(SnapshotStore.MANIFEST);
            Path work = cache.resolve(UPLOADS).resolve(id + ".tmp");
            Fs.deleteTree(work);
            createPrivate(work);
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (int i = 0; i < all.size(); i++) {
                String f = all.get(i);
                String name = id + "/data/" + String.format("%06d", i + 1) + ext;
                long size = Files.size(dir.resolve(f));
                list.addObject().put("object", name.substring(id.length() + 1)).put("path", f).put("size", size);
                Journal.Entry done = journal.files().get(f);
                if (done != null && done.size() == size && done.object().equals(name)
                        && Long.valueOf(done.remoteSize()).equals(there.get(name))) {
                    kept++;
                    continue;
                }
                Path enc = work.resolve("file" + ext);
                encryption.encrypt(dir.resolve(f), enc);
                long encSize = Files.size(enc);
                remote.upload(enc, name);
                Files.delete(enc);
                uploaded++;
                journal.files().put(f, new Journal.Entry(name, size, encSize));
                journal.write(journalFile);
            }
            Path listFile = work.resolve("files.json");
            Files.write(listFile, Json.MAPPER.writeValueAsBytes(list));
            Path listEnc = work.resolve("files" + ext);
            encryption.encrypt(listFile, listEnc);
            remote.upload(listEnc, id + "/files" + ext);
            Path stub = work.resolve(SnapshotStore.MANIFEST);
            Files.write(stub, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(clearManifest(manifest)));
            remote.upload(stub, id + "/" + SnapshotStore.MANIFEST);
            Fs.deleteTree(work);
        }
        Files.deleteIfExists(journalFile);
        LOG.info("Snapshot {} uploaded to {}: {} files uploaded, {} already there, in {} ms", id, remote.id(),
                uploaded, kept, (System.nanoTime() - t0) / 1_000_000);
    }

    /** What an encrypted snapshot's manifest shows in clear: what listing needs, no file or folder names. */
    private ObjectNode clearManifest(Manifest m) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("formatVersion", m.formatVersion());
        o.put("id", m.id());
        o.put("created", m.created());
        o.put("finished", m.finished());
        if (m.app() != null && m.app().version() != null) {
            o.putObject("app").put("version", m.app().version());
        }
        if (m.archiver() != null) {
            o.putObject("archiver").put("id", m.archiver().id());
        }
        ObjectNode totals = o.putObject("totals");
        totals.put("files", m.totals() == null ? 0 : m.totals().files());
        totals.put("bytes", m.totals() == null ? 0 : m.totals().bytes());
        o.put("unitCount", m.units().size());
        o.put("storedBytes", SnapshotStore.storedBytes(m));
        o.put("encryption", encryption.id());
        return o;
    }

    private static List<String> filesOf(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Which files of a snapshot are already uploaded, kept in the cache while its upload runs. */
    record Journal(String mode, Map<String, Entry> files) {

        /** One uploaded file: the remote name, the local size, the remote size. */
        record Entry(String object, long size, long remoteSize) {
        }

        static Journal read(Path file, String mode) {
            if (Files.isRegularFile(file)) {
                try {
                    Journal j = Json.read(file, Journal.class);
                    if (mode.equals(j.mode()) && j.files() != null) {
                        return new Journal(mode, new TreeMap<>(j.files()));
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Ignoring the unreadable upload journal {}: {}", file, e.getMessage());
                }
            }
            return new Journal(mode, new TreeMap<>());
        }

        void write(Path file) throws IOException {
            Json.writeDurably(file, this);
        }
    }

    // ----------------------------------------------------------------------------------------------- listing

    /**
     * @return every complete remote snapshot's clear manifest, by id
     * @throws IOException if the remote cannot be listed or a manifest read
     */
    private Map<String, JsonNode> remoteManifests() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String id : remoteIds(true)) {
            try (InputStream in = remote.open(id + "/" + SnapshotStore.MANIFEST)) {
                out.put(id, Json.MAPPER.readTree(in));
            } catch (NoSuchFileException e) {
                LOG.debug("Manifest of {} vanished while listing", id);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                LOG.warn("Snapshot {} in {} has an unreadable manifest: {}", id, remote.id(), e.getMessage());
                out.put(id, Json.MAPPER.createObjectNode());
            }
        }
        return out;
    }

    /**
     * @param complete {@code true} for ids with a manifest, {@code false} for ids without one (interrupted uploads,
     *        interrupted removals)
     */
    private Set<String> remoteIds(boolean complete) throws IOException {
        Set<String> all = new java.util.TreeSet<>();
        Set<String> withManifest = new java.util.TreeSet<>();
        for (RemoteFile f : remote.list("")) {
            int slash = f.name().indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String id = f.name().substring(0, slash);
            if (!SnapshotStore.isId(id)) {
                continue;
            }
            all.add(id);
            if (f.name().equals(id + "/" + SnapshotStore.MANIFEST)) {
                withManifest.add(id);
            }
        }
        if (!complete) {
            all.removeAll(withManifest);
            return all;
        }
        return withManifest;
    }

    /**
     * @return the remote's complete snapshots, then the cache's unfinished ones and uploads to finish, newest first
     */
    public List<Snapshot> snapshots() {
        try {
            Map<String, JsonNode> manifests = remoteManifests();
            List<Snapshot> out = new ArrayList<>();
            manifests.forEach((id, m) -> out.add(describe(id, m)));
            String newest = manifests.keySet().stream().max(Comparator.naturalOrder()).orElse(null);
            if (Files.isDirectory(cache)) {
                for (Snapshot s : new SnapshotStore(cache).list()) {
                    if (!s.complete()) {
                        out.add(s);
                    } else if (pendingUploads(manifests.keySet(), newest).contains(s.id())) {
                        out.add(new Snapshot(s.id(), s.created(), s.appVersion(), false, s.location(), s.archiver(),
                                0, 0, 0));
                    }
                }
            }
            out.sort(Comparator.comparing(Snapshot::id).thenComparing(Snapshot::complete).reversed());
            return out;
        } catch (IOException e) {
            throw new BackupException("Cannot list " + remote.id() + ": " + SourceScanner.describe(e), e);
        } finally {
            release();
        }
    }

    private Snapshot describe(String id, JsonNode m) {
        Instant created;
        try {
            created = Instant.parse(m.path("created").asText());
        } catch (RuntimeException e) {
            created = SnapshotStore.timeOf(id);
        }
        String app = m.path("app").path("version").isTextual() ? m.path("app").path("version").asText() : null;
        String archiver = m.path("archiver").path("id").isTextual() ? m.path("archiver").path("id").asText() : null;
        int units = m.has("unitCount") ? m.path("unitCount").asInt() : m.path("units").size();
        long stored;
        if (m.has("storedBytes")) {
            stored = m.path("storedBytes").asLong();
        } else {
            try {
                stored = SnapshotStore.storedBytes(Json.MAPPER.treeToValue(m, Manifest.class));
            } catch (IOException | RuntimeException e) {
                stored = 0;
            }
        }
        return new Snapshot(id, created, app, true, cache.resolve(id), archiver, units,
                m.path("totals").path("files").asLong(), m.path("totals").path("bytes").asLong(), false, stored);
    }

    // ----------------------------------------------------------------------------------------------- retention

    private List<String> removeAfterBackup(String justWritten, List<String> warnings) throws IOException {
        List<String> pruned = new ArrayList<>();
        Map<String, JsonNode> manifests = remoteManifests();
        List<Snapshot> all = new ArrayList<>();
        manifests.forEach((id, m) -> all.add(describe(id, m)));
        Retention.Decision d = Retention.decide(plan.retention(), all, justWritten, Set.of(), Instant.now());
        warnings.addAll(d.warnings());
        for (RetentionReport.Removed r : d.removed()) {
            try {
                removeRemote(r.snapshot().id());
                pruned.add(r.snapshot().id());
                LOG.info("Retention {} removed snapshot {} from {}", Retention.describe(plan.retention()),
                        r.snapshot().id(), remote.id());
            } catch (IOException e) {
                warnings.add("Could not remove snapshot " + r.snapshot().id() + " from " + remote.id()
                        + " for retention: " + SourceScanner.describe(e));
            }
        }
        for (String id : remoteIds(false)) {
            if (id.compareTo(justWritten) < 0) {
                try {
                    removeRemote(id);
                    LOG.info("Removed the files of unfinished snapshot {} from {}, older than {}", id, remote.id(),
                            justWritten);
                } catch (IOException e) {
                    warnings.add("Could not remove the unfinished snapshot " + id + " from " + remote.id() + ": "
                            + SourceScanner.describe(e));
                }
            }
        }
        return pruned;
    }

    /** Deletes a remote snapshot, manifest first: a half-deleted snapshot is never listed. */
    private void removeRemote(String id) throws IOException {
        remote.delete(id + "/" + SnapshotStore.MANIFEST);
        for (RemoteFile f : remote.list(id + "/")) {
            remote.delete(f.name());
        }
    }

    /**
     * @param preview only say what would go
     * @return what retention removed (or would remove) from the remote
     */
    public RetentionReport prune(boolean preview) {
        Instant now = Instant.now();
        List<String> warnings = new ArrayList<>();
        try {
            if (preview) {
                return decide(now, warnings, true);
            }
            try (Lock lock = Lock.acquire(remote, "prune")) {
                return decide(now, warnings, false);
            }
        } catch (IOException e) {
            throw new BackupException("Cannot prune " + remote.id() + ": " + SourceScanner.describe(e), e);
        } finally {
            release();
        }
    }

    private RetentionReport decide(Instant now, List<String> warnings, boolean preview) throws IOException {
        List<Snapshot> all = new ArrayList<>();
        remoteManifests().forEach((id, m) -> all.add(describe(id, m)));
        Retention.Decision d = Retention.decide(plan.retention(), all, null, Set.of(), now);
        warnings.addAll(d.warnings());
        List<RetentionReport.Removed> removed = new ArrayList<>();
        List<Snapshot> kept = new ArrayList<>(d.kept());
        for (RetentionReport.Removed r : d.removed()) {
            if (preview) {
                removed.add(r);
                continue;
            }
            try {
                removeRemote(r.snapshot().id());
                removed.add(r);
            } catch (IOException e) {
                kept.add(r.snapshot());
                warnings.add("Could not remove snapshot " + r.snapshot().id() + " from " + remote.id() + ": "
                        + SourceScanner.describe(e));
            }
        }
        return new RetentionReport(Retention.describe(plan.retention()), now, kept, removed, warnings, preview);
    }

    /** Keeps only the newest uploaded snapshot (for reuse) and unfinished ones in the cache. */
    private void cleanCache(String keep) {
        for (Snapshot s : new SnapshotStore(cache).list()) {
            if (s.complete() && !s.id().equals(keep)) {
                try {
                    Fs.deleteTree(s.location());
                } catch (IOException e) {
                    LOG.warn("Could not remove {} from the cache: {}", s.location(), e.getMessage());
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- download

    /**
     * @param id a snapshot id
     * @return a verify of the snapshot downloaded from the remote
     */
    public VerifyResult verify(String id) {
        Path root;
        try {
            root = download(requireRemote(Optional.of(id)));
        } finally {
            release();
        }
        try {
            return localPlans.apply(root, true).verify(id);
        } finally {
            cleanDownloads(root, id);
        }
    }

    /**
     * @param request what to restore
     * @return the restore of the snapshot downloaded from the remote
     */
    public RestoreResult restore(RestoreRequest request) {
        if (request.archive().isPresent()) {
            return localPlans.apply(cache, true).restore(request);
        }
        String id;
        Path root;
        try {
            id = requireRemote(request.snapshotId());
            root = download(id);
        } finally {
            release();
        }
        try {
            // the download root holds only this snapshot: "latest" there is this one
            return localPlans.apply(root, true).restore(request);
        } finally {
            cleanDownloads(root, id);
        }
    }

    private String requireRemote(Optional<String> id) {
        List<String> ids;
        try {
            ids = new ArrayList<>(remoteIds(true));
        } catch (IOException e) {
            throw new BackupException("Cannot list " + remote.id() + ": " + SourceScanner.describe(e), e);
        }
        ids.sort(Comparator.reverseOrder());
        if (id.isEmpty()) {
            if (ids.isEmpty()) {
                throw new SnapshotNotFoundException("No complete snapshot in " + remote.id());
            }
            return ids.get(0);
        }
        if (!ids.contains(id.get())) {
            throw new SnapshotNotFoundException("No complete snapshot '" + id.get() + "' in " + remote.id()
                    + (ids.isEmpty() ? "; there are none" : "; available: "
                    + String.join(", ", ids.subList(0, Math.min(10, ids.size()))) + (ids.size() > 10 ? ", ..." : "")));
        }
        return id.get();
    }

    /**
     * Downloads a complete snapshot into {@code <cache>/.backupkit-downloads/<id>}, decrypting it when it is
     * encrypted; every file's size is checked against the listing, and the engines check every SHA-256 against the
     * manifest before use.
     *
     * @return the download root, which holds only this snapshot
     */
    Path download(String id) {
        Path root = cache.resolve(DOWNLOADS);
        Path tmp = root.resolve(id + ".download");
        Path dir = root.resolve(id);
        try {
            createPrivate(cache);
            createPrivate(root);
            Fs.deleteTree(tmp);
            Fs.deleteTree(dir);
            Files.createDirectories(tmp);
            byte[] clear;
            try (InputStream in = remote.open(id + "/" + SnapshotStore.MANIFEST)) {
                clear = in.readAllBytes();
            }
            JsonNode stub = Json.MAPPER.readTree(clear);
            long t0 = System.nanoTime();
            int count = 0;
            if (stub.hasNonNull("encryption")) {
                String scheme = stub.path("encryption").asText();
                if (encryption == null || !encryption.id().equals(scheme)) {
                    throw new BackupException("Snapshot " + id + " in " + remote.id() + " is encrypted (" + scheme
                            + "); give the identity to decrypt it (encryption(...), --identity FILE)");
                }
                String ext = "." + scheme;
                Path listFile = tmp.resolve(".files.json");
                try (InputStream in = remote.open(id + "/files" + ext)) {
                    encryption.decrypt(in, listFile);
                }
                JsonNode list = Json.MAPPER.readTree(listFile.toFile());
                Files.delete(listFile);
                for (JsonNode e : list) {
                    Path target = inside(tmp, e.path("path").asText(), id);
                    Files.createDirectories(target.getParent());
                    try (InputStream in = remote.open(id + "/" + e.path("object").asText())) {
                        encryption.decrypt(in, target);
                    }
                    checkSize(target, e.path("size").asLong(), id);
                    count++;
                }
            } else {
                for (RemoteFile f : remote.list(id + "/")) {
                    String rel = f.name().substring(id.length() + 1);
                    if (rel.equals(SnapshotStore.MANIFEST)) {
                        continue;
                    }
                    Path target = inside(tmp, rel, id);
                    Files.createDirectories(target.getParent());
                    try (InputStream in = remote.open(f.name())) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    checkSize(target, f.size(), id);
                    count++;
                }
                Files.write(tmp.resolve(SnapshotStore.MANIFEST), clear);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Snapshot {} downloaded from {} into {}: {} files in {} ms", id, remote.id(), dir, count + 1,
                    (System.nanoTime() - t0) / 1_000_000);
            return root;
        } catch (IOException e) {
            try {
                Fs.deleteTree(tmp);
            } catch (IOException ignored) {
                LOG.debug("Could not remove {}", tmp, ignored);
            }
            throw new BackupException("Cannot download snapshot " + id + " from " + remote.id() + ": "
                    + SourceScanner.describe(e), e);
        }
    }

    private static Path inside(Path dir, String rel, String id) {
        Path p = dir.resolve(rel).normalize();
        if (rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || !p.startsWith(dir) || p.equals(dir)) {
            throw new BackupException("Snapshot " + id + " names a file outside its folder: '" + rel + "'");
        }
        return p;
    }

    private static void checkSize(Path file, long expected, String id) throws IOException {
        long size = Files.size(file);
        if (size != expected) {
            throw new IOException("Downloaded " + size + " of " + expected + " bytes for " + file.getFileName()
                    + " of snapshot " + id);
        }
    }

    /** Removes the downloaded snapshot; the run logs move to the cache's own log folder. */
    private void cleanDownloads(Path root, String id) {
        try {
            Path logs = root.resolve(Notify.LOGS);
            if (Files.isDirectory(logs)) {
                Path keep = cache.resolve(Notify.LOGS);
                Files.createDirectories(keep);
                try (DirectoryStream<Path> s = Files.newDirectoryStream(logs)) {
                    for (Path p : s) {
                        Files.move(p, keep.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Fs.deleteTree(root);
        } catch (IOException e) {
            LOG.warn("Could not clean the downloaded snapshot {} in {}: {}", id, root, e.getMessage());
        }
    }

    /** Lets the destination release its connections at the end of a run; it reconnects when used again. */
    private void release() {
        try {
            remote.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ignoring failure to close {}", remote.id(), e);
        }
    }

    /** Creates a folder readable by its owner only, where the file system has POSIX permissions. */
    static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        Fs.ownerOnly(dir);
    }

    // ----------------------------------------------------------------------------------------------- lock

    /** The remote destination's lock: a file created only if absent, holding who holds it. */
    static final class Lock implements AutoCloseable {

        private final Destination remote;
        private final String holder;

        private Lock(Destination remote, String holder) {
            this.remote = remote;
            this.holder = holder;
        }

        static Lock acquire(Destination remote, String operation) throws IOException {
            String self = "pid " + ProcessHandle.current().pid() + " on host " + DestinationLock.hostName() + ", "
                    + operation + " since " + Instant.now();
            String inJvm = HELD_IN_THIS_JVM.putIfAbsent(remote.id(), self);
            if (inJvm != null) {
                throw locked(remote, inJvm);
            }
            boolean ok = false;
            try {
                byte[] content = self.getBytes(StandardCharsets.UTF_8);
                // a create retried after a lost response finds its own first write: that is ours
                if (!remote.createNew(LOCK, content) && !self.equals(holder(remote))) {
                    String current = holder(remote);
                    if (!stale(current)) {
                        throw locked(remote, current);
                    }
                    LOG.warn("Taking over the lock on {} left by a run that ended without releasing it: {}",
                            remote.id(), current);
                    remote.delete(LOCK);
                    if (!remote.createNew(LOCK, content) && !self.equals(holder(remote))) {
                        throw locked(remote, holder(remote));
                    }
                }
                if (!self.equals(holder(remote))) {
                    throw locked(remote, holder(remote));
                }
                ok = true;
                return new Lock(remote, self);
            } finally {
                if (!ok) {
                    HELD_IN_THIS_JVM.remove(remote.id(), self);
                }
            }
        }

        private static String holder(Destination remote) throws IOException {
            try (InputStream in = remote.open(LOCK)) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                return "";
            }
        }

        /** A holder on this host whose process is gone, or this process when no run in it holds the lock. */
        private static boolean stale(String holder) {
            Matcher m = HOLDER.matcher(holder);
            if (!m.find() || !m.group(2).equals(DestinationLock.hostName())) {
                return false;
            }
            long pid = Long.parseLong(m.group(1));
            return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }

        private static DestinationLockedException locked(Destination remote, String holder) {
            return new DestinationLockedException("Destination " + remote.id() + " is locked by another run ("
                    + (holder.isBlank() ? "holder unknown" : holder) + "); wait for it to finish, or delete "
                    + LOCK + " there if that run is gone");
        }

        @Override
        public void close() {
            try {
                if (holder.equals(holder(remote))) {
                    remote.delete(LOCK);
                }
            } catch (IOException e) {
                LOG.warn("Could not release the lock {} on {}: {}", LOCK, remote.id(), e.getMessage());
            } finally {
                HELD_IN_THIS_JVM.remove(remote.id(), holder);
            }
        }
    }

    /** @return the remote's id and the cache, for messages */
    @Override
    public String toString() {
        return "RemoteRun[" + remote.id() + ", cache " + cache + "]";
    }
}
