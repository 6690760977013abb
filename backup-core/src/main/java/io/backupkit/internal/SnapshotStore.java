package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.IncompatibleSnapshotException;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import io.backupkit.VerifyProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The snapshot layout on a local destination folder: ids, listing, manifests.
 *
 * <pre>{@code
 * SnapshotStore store = new SnapshotStore(destination);
 * List<Snapshot> all = store.list();   // newest first, unfinished ones included
 * }</pre>
 */
public final class SnapshotStore {

    /** Suffix of a snapshot being written. */
    public static final String PARTIAL = ".partial";
    /** Suffix of a snapshot being deleted by retention. */
    public static final String DELETING = ".deleting";
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    /**
     * The manifest's SHA-256 (64 hex digits and a newline), written after it: the manifest holds every other hash,
     * so this is what makes a changed byte in it (an exclude, an archiver option, a unit's name) a detected problem.
     * Snapshots written before it existed have none and are read as before.
     */
    public static final String MANIFEST_SHA256 = "manifest.sha256";
    /** An unfinished snapshot's state file. */
    public static final String PARTIAL_STATE = "partial.json";
    /** The destination's list of pinned snapshots, at its root. */
    public static final String PINS = ".backupkit-pins.json";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern ID_PATTERN = Pattern.compile("\\d{8}T\\d{6}Z");

    private final Path destination;

    /**
     * @param destination the destination folder (need not exist)
     */
    public SnapshotStore(Path destination) {
        this.destination = destination;
    }

    /**
     * @return the destination folder
     */
    public Path destination() {
        return destination;
    }

    /**
     * @param time a time
     * @return the snapshot id for it
     */
    public static String idFor(Instant time) {
        return ID.format(time);
    }

    /**
     * @param id a string
     * @return whether it has the shape of a snapshot id
     */
    public static boolean isId(String id) {
        return ID_PATTERN.matcher(id).matches();
    }

    /**
     * @param id a snapshot id
     * @return the time it names
     */
    public static Instant timeOf(String id) {
        return ID.parse(id, Instant::from);
    }

    /**
     * @param start when the run started
     * @return a fresh id: the start time, or one second after the newest snapshot in the destination when that is
     *         later (clock moved back, or several backups in one second), so ids always grow with each backup
     */
    public String newId(Instant start) {
        Instant t = start.truncatedTo(ChronoUnit.SECONDS);
        String newest = newestName();
        if (newest != null && idFor(t).compareTo(newest) <= 0) {
            t = timeOf(newest).plusSeconds(1);
        }
        return idFor(t);
    }

    private String newestName() {
        String newest = null;
        if (!Files.isDirectory(destination)) {
            return null;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(destination)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                String id = name.length() >= 16 ? name.substring(0, 16) : name;
                if (isId(id) && (newest == null || id.compareTo(newest) > 0)) {
                    newest = id;
                }
            }
        } catch (IOException e) {
            throw new BackupException("Cannot list destination " + destination + ": " + SourceScanner.describe(e), e);
        }
        return newest;
    }

    /**
     * @param id snapshot id
     * @return the folder of the complete snapshot
     */
    public Path complete(String id) {
        return destination.resolve(id);
    }

    /**
     * @param id snapshot id
     * @return the folder of the unfinished snapshot
     */
    public Path partial(String id) {
        return destination.resolve(id + PARTIAL);
    }

    /**
     * @return every snapshot, newest first; unfinished ones have {@code complete() == false}
     * @throws BackupException if the destination cannot be listed
     */
    public List<Snapshot> list() {
        List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(destination)) {
            return out;
        }
        Set<String> pinned;
        try {
            pinned = pinnedIds();
        } catch (BackupException e) {
            LOG.warn("{}", e.getMessage());
            pinned = Set.of();
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(destination)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (isId(name) && Files.isRegularFile(p.resolve(MANIFEST))) {
                    Snapshot s = describeComplete(name, p);
                    out.add(pinned.contains(name) ? s.withPinned(true) : s);
                } else if (name.endsWith(PARTIAL) && isId(name.substring(0, name.length() - PARTIAL.length()))) {
                    String id = name.substring(0, name.length() - PARTIAL.length());
                    out.add(describePartial(id, p));
                }
            }
        } catch (IOException e) {
            throw new BackupException("Cannot list destination " + destination + ": " + SourceScanner.describe(e), e);
        }
        out.sort(Comparator.comparing(Snapshot::id).thenComparing(Snapshot::complete).reversed());
        return out;
    }

    private Snapshot describeComplete(String id, Path dir) {
        try {
            Manifest m = Json.read(dir.resolve(MANIFEST), Manifest.class);
            return new Snapshot(id, parseTime(m.created(), id), m.app() == null ? null : m.app().version(), true, dir,
                    m.archiver() == null ? null : m.archiver().id(), m.units() == null ? 0 : m.units().size(),
                    m.totals() == null ? 0 : m.totals().files(), m.totals() == null ? 0 : m.totals().bytes(),
                    false, storedBytes(m));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Snapshot {} has an unreadable manifest: {}", dir, e.getMessage());
            return new Snapshot(id, timeOf(id), null, true, dir, null, 0, 0, 0);
        }
    }

    /**
     * @param m a manifest
     * @return what the snapshot occupies counted on its own: per unit the archive's size, or for a folder unit the
     *         size of its files (its {@code archiveSize} counts only what its run copied, not what it hard-linked)
     */
    static long storedBytes(Manifest m) {
        long total = 0;
        if (m.units() != null) {
            for (Manifest.UnitRecord u : m.units()) {
                total += Manifest.UnitRecord.FOLDER.equals(u.kind()) ? Math.max(u.bytes(), u.archiveSize())
                        : u.archiveSize();
            }
        }
        return total;
    }

    /**
     * @return the ids in the destination's pins file; empty when there is none
     * @throws BackupException if the file exists but cannot be read: callers that delete must then delete nothing
     */
    public Set<String> pinnedIds() {
        Set<String> ids = new TreeSet<>();
        for (Pins.Pin p : readPins().pins()) {
            if (p != null && p.id() != null) {
                ids.add(p.id());
            }
        }
        return ids;
    }

    /**
     * @return the destination's pins file, or an empty one when there is none
     * @throws BackupException if it exists but cannot be read
     */
    public Pins readPins() {
        Path file = destination.resolve(PINS);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Pins(Pins.FORMAT_VERSION, List.of());
        }
        try {
            Pins pins = Json.read(file, Pins.class);
            if (pins.formatVersion() > Pins.FORMAT_VERSION) {
                throw new BackupException("Pins file " + file + " has format version " + pins.formatVersion()
                        + ", newer than format version " + Pins.FORMAT_VERSION + " that BackupKit "
                        + Version.current() + " reads");
            }
            return pins;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException b) {
                throw b;
            }
            throw new BackupException("Cannot read the pins file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the pins file durably (temporary file, fsync, rename). Call only while holding the destination lock.
     *
     * @param pins the new content
     * @throws IOException if it cannot be written
     */
    public void writePins(Pins pins) throws IOException {
        Json.writeDurably(destination.resolve(PINS), pins);
    }

    /**
     * Deletes what an interrupted removal left: {@code <id>.deleting} folders (a snapshot renamed away before its
     * files were deleted; never listed). Call only while holding the destination lock.
     *
     * @param info receives one message per folder removed
     * @param warn receives one message per folder that could not be removed
     */
    public void removeLeftovers(java.util.function.Consumer<String> info, java.util.function.Consumer<String> warn) {
        if (!Files.isDirectory(destination)) {
            return;
        }
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(destination)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (name.endsWith(DELETING) && isId(name.substring(0, name.length() - DELETING.length()))) {
                    leftovers.add(p);
                }
            }
        } catch (IOException e) {
            warn.accept("Cannot list destination " + destination + " for leftovers: " + SourceScanner.describe(e));
            return;
        }
        for (Path p : leftovers) {
            try {
                Fs.deleteTree(p);
                info.accept("Removed " + p.getFileName() + ", left by an interrupted snapshot removal");
            } catch (IOException e) {
                warn.accept("Could not remove " + p + ", left by an interrupted snapshot removal: "
                        + SourceScanner.describe(e));
            }
        }
    }

    /**
     * Removes a complete snapshot so that no crash can leave it half-deleted yet looking complete: the folder is
     * renamed to {@code <id>.deleting} (atomic; never listed), the destination folder fsynced, then the renamed folder
     * deleted. Call only while holding the destination lock.
     *
     * @param id the snapshot id
     * @throws IOException if the rename or the delete fails; after a failed delete the leftover is removed by
     *         {@link #removeLeftovers}
     */
    public void remove(String id) throws IOException {
        Path doomed = destination.resolve(id + DELETING);
        if (Files.exists(doomed, LinkOption.NOFOLLOW_LINKS)) {
            Fs.deleteTree(doomed);
        }
        Files.move(complete(id), doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Fs.fsyncDirectory(destination);
        Fs.deleteTree(doomed);
    }

    private Snapshot describePartial(String id, Path dir) {
        String archiver = null;
        try {
            PartialState s = Json.read(dir.resolve(PARTIAL_STATE), PartialState.class);
            archiver = s.archiver() == null ? null : s.archiver().id();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Unfinished snapshot {} has no readable state", dir, e);
        }
        return new Snapshot(id, timeOf(id), null, false, dir, archiver, 0, 0, 0);
    }

    private static Instant parseTime(String text, String id) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return timeOf(id);
        }
    }

    /**
     * @param id a snapshot id, or empty for the newest complete snapshot
     * @return the complete snapshot
     * @throws SnapshotNotFoundException naming the id and listing what exists
     */
    public Snapshot find(Optional<String> id) {
        List<Snapshot> complete = list().stream().filter(Snapshot::complete).toList();
        if (id.isEmpty()) {
            if (complete.isEmpty()) {
                throw new SnapshotNotFoundException("No complete snapshot in " + destination);
            }
            return complete.get(0);
        }
        for (Snapshot s : complete) {
            if (s.id().equals(id.get())) {
                return s;
            }
        }
        boolean unfinished = Files.isDirectory(partial(id.get()));
        throw new SnapshotNotFoundException("No complete snapshot '" + id.get() + "' in " + destination
                + (unfinished ? " (it is unfinished: resume it first)" : "")
                + (complete.isEmpty() ? "; there are none"
                : "; available: " + String.join(", ", complete.stream().limit(10).map(Snapshot::id).toList())
                + (complete.size() > 10 ? ", ..." : "")));
    }

    /**
     * @param dir a complete snapshot's folder
     * @param id its id, for messages
     * @return its manifest
     * @throws IncompatibleSnapshotException if it was written by a newer format
     * @throws BackupException if it cannot be read
     */
    public static Manifest readManifest(Path dir, String id) {
        checkManifestHash(dir, id);
        Manifest m;

        try {
            com.fasterxml.jackson.databind.JsonNode tree = Json.MAPPER.readTree(dir.resolve(MANIFEST).toFile());
            int format = tree.path("formatVersion").asInt(0);
            if (format > Manifest.FORMAT_VERSION) {
                throw new IncompatibleSnapshotException("Snapshot " + id + " has format version " + format
                    + ", newer than format version " + Manifest.FORMAT_VERSION + " that BackupKit "
                        + Version.current() + " reads; upgrade BackupKit to restore it");
            }
            m = Json.MAPPER.treeToValue(tree, Manifest.class);
        } catch (IOException e) {
            throw new BackupException("Cannot read the manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + "): " + e.getMessage(), e);
        }
        if (m == null) {
            throw new BackupException("The manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + ") is empty");
        }
        if (m.formatVersion() < 1 || m.units() == null || m.archiver() == null || m.plan() == null) {
            throw new BackupException("The manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + ") is incomplete: format version, archiver, plan and units are required");
        }
        // a restore keeps the target's excluded paths: without the list it would replace them
        if (m.plan().excludes() == null || m.plan().special() == null || m.archiver().id() == null) {
            throw new BackupException("The manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + ") is incomplete: plan.excludes, plan.special and archiver.id are required");
        }
        // a null element (e.g. "units": [ {...}, null ]) would fail a verify or restore half-way
        String nullIn = hasNull(m.units()) ? "units"
                : hasNull(m.plan().excludes()) ? "plan.excludes"
                : hasNull(m.plan().special()) ? "plan.special"
                : m.plan().split() != null && hasNull(m.plan().split()) ? "plan.split"
                : m.plan().databases() != null && hasNull(m.plan().databases()) ? "plan.databases"
                : m.extras() != null && hasNull(m.extras()) ? "extras"
                : m.databases() != null && hasNull(m.databases()) ? "databases"
                : m.inventory() != null && m.inventory().values().stream()
                        .anyMatch(v -> v == null || hasNull(v)) ? "inventory" : null;
        if (nullIn != null) {
            throw new BackupException("The manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + ") has an empty (null) element in " + nullIn);
        }
        for (String g : m.plan().excludes()) {
            try {
                Glob.compile(g);
            } catch (RuntimeException e) {
                throw new BackupException("The manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                        + ") has a bad pattern in plan.excludes: " + e.getMessage(), e);
            }
        }
        return m;
    }

    private static boolean hasNull(java.util.Collection<?> c) {
        return c.stream().anyMatch(java.util.Objects::isNull);
    }

    /**
     * Writes the manifest durably, then {@link #MANIFEST_SHA256} with its hash.
     *
     * @param dir the snapshot's folder (still {@code <id>.partial})
     * @param manifest the manifest
     * @throws IOException if either cannot be written
     */
    public static void writeManifest(Path dir, Manifest manifest) throws IOException {
        Json.writeDurably(dir.resolve(MANIFEST), manifest);
        Json.writeTextDurably(dir.resolve(MANIFEST_SHA256), Hashing.sha256(dir.resolve(MANIFEST)) + "\n");
    }

    /**
     * Compares the manifest with the hash recorded beside it, when there is one.
     *
     * @throws io.backupkit.CorruptSnapshotException naming {@code manifest.json} when they differ or the recorded
     *         hash is malformed
     */
    static void checkManifestHash(Path dir, String id) {
        Path sum = dir.resolve(MANIFEST_SHA256);
        if (!Files.exists(sum, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String text;
        String actual;
        try {
            text = new String(Files.readAllBytes(sum), java.nio.charset.StandardCharsets.ISO_8859_1);
            actual = Hashing.sha256(dir.resolve(MANIFEST));
        } catch (IOException e) {
            throw new BackupException("Cannot read the manifest of snapshot " + id + " (" + dir.resolve(MANIFEST)
                    + ") or its hash " + sum + ": " + SourceScanner.describe(e), e);
        }
        String recorded = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String detail;
        if (!text.endsWith("\n") || !recorded.matches("[0-9a-f]{64}")) {
            detail = "the hash recorded in " + MANIFEST_SHA256 + " is malformed; one of the two files was changed"
                    + " after the backup wrote them";
            recorded = recorded.replaceAll("[^\\x20-\\x7e]", "?");
        } else if (!recorded.equals(actual)) {
            detail = "the manifest does not match the SHA-256 recorded in " + MANIFEST_SHA256
                    + "; it was changed after the backup wrote it";
        } else {
            return;
        }
        VerifyProblem problem = new VerifyProblem(null, MANIFEST, VerifyProblem.Kind.MANIFEST, recorded, actual,
                detail);
        throw new io.backupkit.CorruptSnapshotException(new io.backupkit.VerifyResult(id, 0, 0, 0,
                java.time.Duration.ZERO, List.of(problem)));
    }
}
