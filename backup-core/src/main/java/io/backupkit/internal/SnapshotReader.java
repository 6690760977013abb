package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyProblem.Kind;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Reads a complete snapshot back and checks everything against its manifest and indexes: archive and index hashes,
 * every entry's name, type, link target, size and SHA-256. Used by verify (content hashed and dropped) and by
 * restore (content written into the staging folder by a {@link Sink}). Never stops at the first problem: all are
 * collected, up to {@link #MAX_PROBLEMS}.
 *
 * <pre>{@code
 * SnapshotReader reader = new SnapshotReader(dir, id, manifest, archiver);
 * List<VerifyProblem> problems = reader.checkContainers(true); // every unit is read next
 * for (Manifest.UnitRecord u : manifest.units()) reader.readUnit(u, null, problems, n -> { });
 * }</pre>
 */
public final class SnapshotReader {

    /** Problems collected before the rest are only counted, so a hostile archive cannot exhaust memory. */
    public static final int MAX_PROBLEMS = 1000;

    private final Path dir;
    private final String id;
    private final Manifest manifest;
    private final Archiver archiver;
    private final Set<String> readableIndexes = new HashSet<>();
    /** Units whose archive's SHA-256 is checked as {@link #readUnit} reads it, not by {@link #checkContainers}. */
    private final Set<String> hashOnRead = new HashSet<>();
    private final Map<String, String> links = new HashMap<>();
    private final Map<String, String> linkUnits = new HashMap<>();
    private final byte[] scratch = new byte[Hashing.BUFFER_SIZE];
    private final Map<String, String> folded = new HashMap<>();
    private final Set<String> parents = new HashSet<>();
    private final List<String[]> caseCollisions = new ArrayList<>();
    private final Map<String, Long> unitBytes = new HashMap<>();
    private boolean deferHashes;
    private long indexEntries;
    private long indexBytes;
    private long files;
    private long bytes;
    private int dropped;

    /** Receives the checked entries of a unit, to write them somewhere. */
    public interface Sink {
        /**
         * @param entry a folder
         * @throws IOException if it cannot be created
         */
        void directory(IndexEntry entry) throws IOException;

        /**
         * @param entry a file
         * @param content its content; must be read to the end
         * @throws IOException if it cannot be written
         */
        void file(IndexEntry entry, InputStream content) throws IOException;

        /**
         * @param entry a link whose target was checked
         * @throws IOException if it cannot be recorded
         */
        void symlink(IndexEntry entry) throws IOException;
    }

    /**
     * @param dir the snapshot folder
     * @param id the snapshot id
     * @param manifest its manifest
     * @param archiver the archiver named in the manifest
     */
    public SnapshotReader(Path dir, String id, Manifest manifest, Archiver archiver) {
        this.dir = dir;
        this.id = id;
        this.manifest = manifest;
        this.archiver = archiver;
    }

    /**
     * Checks each unit's archive (exists, inside the snapshot, size and SHA-256) and index (SHA-256, parseable, safe
     * names, no duplicates, links that stay inside). Indexes are parsed again, one unit at a time, when each unit is
     * read, so memory holds one unit's index and the snapshot's links, not every index at once.
     *
     * @return the problems found
     */
    public List<VerifyProblem> checkContainers() {
        return checkContainers(false);
    }

    /**
     * As {@link #checkContainers()}; with {@code everyUnitReadNext}, the SHA-256 of an archive its archiver reads from
     * a stream ({@link Archiver#readsStreams()}) is left to {@link #readUnit}, which computes it on the same read: the
     * archive is read once instead of twice. The caller must then read every unit (a problem found there counts as
     * one found here).
     *
     * @param everyUnitReadNext whether the caller reads every unit with {@link #readUnit} next
     * @return the problems found
     */
    public List<VerifyProblem> checkContainers(boolean everyUnitReadNext) {
        hashOnRead.clear();
        deferHashes = everyUnitReadNext && archiver.readsStreams();
        List<VerifyProblem> problems = new ArrayList<>();
        Set<String> unitNames = new HashSet<>();
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new BackupException("Cannot read snapshot " + id + " at " + dir + ": " + e.getMessage(), e);
        }
        for (Manifest.UnitRecord u : manifest.units()) {
            if (u.name() == null || !unitNames.add(u.name())) {
                add(problems, new VerifyProblem(u.name(), SnapshotStore.MANIFEST, Kind.MANIFEST, null, null,
                        "unit listed twice or without a name"));
                continue;
            }
            Path archive = inside(realDir, u.archive());
            Path index = inside(realDir, u.index());
            if (archive == null || index == null) {
                add(problems, new VerifyProblem(u.name(), SnapshotStore.MANIFEST, Kind.MANIFEST, null, null,
                        "archive or index path points outside the snapshot: " + u.archive() + ", " + u.index()));
                continue;
            }
            checkArchive(u, archive, problems);
            if (checkIndexHash(u, index, problems)) {
                parseIndex(u, index, problems, true);
                readableIndexes.add(u.name());
            }
        }
        checkExtras(realDir, problems);
        for (Map.Entry<String, String> link : links.entrySet()) {
            String problem = parents.contains(link.getKey())
                    ? "entries are stored beneath this link; they would be written through it"
                    : SafePaths.checkLink(link.getKey(), link.getValue(), links);
            if (problem != null) {
                add(problems, new VerifyProblem(linkUnits.get(link.getKey()), link.getKey(), Kind.ENTRY, null, null,
                        problem.startsWith("entries") ? problem : "unsafe link: " + problem));
            }
        }
        parents.clear(); // a folder for every entry of the snapshot, needed for the link check above only
        return problems;
    }

    /** Each extra file a hook stored must be inside {@code extras/}, a regular file, and match size and SHA-256. */
    private void checkExtras(Path realDir, List<VerifyProblem> problems) {
        if (manifest.extras() == null) {
            return;
        }
        for (Manifest.ExtraFile x : manifest.extras()) {
            String rel = x.path() == null ? null : Manifest.EXTRAS + "/" + x.path();
            Path p = rel == null ? null : inside(realDir, rel);
            if (p == null) {
                add(problems, new VerifyProblem(null, SnapshotStore.MANIFEST, Kind.MANIFEST, null, null,
                        "extra file path points outside the snapshot's extras folder: " + x.path()));
                continue;
            }
            try {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    add(problems, new VerifyProblem(null, rel, Kind.EXTRA, x.sha256(), null, "extra file missing"));
                } else if (Files.size(p) != x.size()) {
                    add(problems, new VerifyProblem(null, rel, Kind.EXTRA, Long.toString(x.size()),
                            Long.toString(Files.size(p)), "extra file size differs from the manifest"));
                } else {
                    String actual = Hashing.sha256(p);
                    if (!actual.equals(x.sha256())) {
                        add(problems, new VerifyProblem(null, rel, Kind.EXTRA, x.sha256(), actual,
                                "extra file SHA-256 differs from the manifest"));
                    }
                }
            } catch (IOException e) {
                add(problems, new VerifyProblem(null, rel, Kind.EXTRA, x.sha256(), null,
                        "extra file cannot be read: " + e.getMessage()));
            }
        }
    }

    private static Path inside(Path realDir, String rel) {
        if (rel == null || SafePaths.checkName(rel) != null) {
            return null;
        }
        Path p = realDir.resolve(rel).normalize();
        if (!p.startsWith(realDir)) {
            return null;
        }
        try {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !p.toRealPath().startsWith(realDir)) {
                return null;
            }
        } catch (IOException e) {
            return p;
        }
        return p;
    }

    private void checkArchive(Manifest.UnitRecord u, Path archive, List<VerifyProblem> problems) {
        if (!Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
            add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_MISSING, null, null,
                    "archive is missing"));
            return;
        }
        if (u.archiveSha256() == null) {
            if (!Files.isDirectory(archive, LinkOption.NOFOLLOW_LINKS)) {
                add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_MISSING, null, null,
                        "expected a folder"));
            }
            return;
        }
        try {
            long size = Files.size(archive);
            if (size != u.archiveSize()) {
                add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_HASH,
                        u.archiveSize() + " bytes", size + " bytes", "archive size differs from the manifest"));
            }
            if (deferHashes && !Manifest.UnitRecord.FOLDER.equals(u.kind())) {
                hashOnRead.add(u.name());
                return;
            }
            String sha = Hashing.sha256(archive);
            if (!sha.equals(u.archiveSha256())) {
                add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_HASH, u.archiveSha256(), sha,
                        "archive SHA-256 differs from the manifest"));
            }
        } catch (IOException e) {
            add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_UNREADABLE, null, null,
                    SourceScanner.describe(e)));
        }
    }

    private boolean checkIndexHash(Manifest.UnitRecord u, Path index, List<VerifyProblem> problems) {
        try {
            String sha = Hashing.sha256(index);
            if (!sha.equals(u.indexSha256())) {
                add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, u.indexSha256(), sha,
                        "index SHA-256 differs from the manifest"));
            }
        } catch (IOException e) {
            add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, u.indexSha256(), null,
                    "index cannot be read: " + SourceScanner.describe(e)));
            return false;
        }
        return true;
    }

    /** Marks an index entry met in the archive (compared by identity). */
    private static final IndexEntry SEEN = new IndexEntry("", null, 0, null, 0, null, null);

    /**
     * Parses and checks one unit's index.
     *
     * @param collectLinks {@code true} on the first pass, which gathers the snapshot's links and reports problems
     * @return the unit's entries by path, in index order; problematic lines left out
     */
    private Map<String, IndexEntry> parseIndex(Manifest.UnitRecord u, Path index, List<VerifyProblem> problems,
                                               boolean collectLinks) {
        Map<String, IndexEntry> entries = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                IndexEntry e;
                try {
                    e = IndexLines.read(line);
                } catch (IOException ex) {
                    add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, null, null,
                            "line " + lineNo + " is not a valid entry: " + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException jp ? jp.getOriginalMessage() : ex.getMessage())));
                    continue;
                }
                String unsafe = SafePaths.checkName(e.path());
                if (unsafe != null || e.type() == null || e.type() == EntryType.OTHER
                        || e.type() == EntryType.HARDLINK) {
                    add(problems, new VerifyProblem(u.name(), String.valueOf(e.path()), Kind.ENTRY, null, null,
                            unsafe != null ? "unsafe name: " + unsafe : "unsupported entry type " + e.type()));
                    continue;
                }
                if (!belongsTo(u.name(), e.path())) {
                    add(problems, new VerifyProblem(u.name(), e.path(), Kind.ENTRY, null, null,
                            "entry is outside its unit's folder"));
                    continue;
                }
                if (e.type() == EntryType.FILE && (e.sha256() == null || e.size() < 0)) {
                    add(problems, new VerifyProblem(u.name(), e.path(), Kind.INDEX, null, null,
                            "file entry without size or SHA-256"));
                    continue;
                }
                if (collectLinks && !isInstant(e.mtime())) { // the second pass reads the same, hash-checked file
                    // a restore sets every entry's time from the index: a missing one must not fail it half-way
                    add(problems, new VerifyProblem(u.name(), e.path(), Kind.INDEX, null, e.mtime(),
                            "entry without a valid modification time"));
                    continue;
                }
                if (entries.putIfAbsent(e.path(), e) != null || (collectLinks && links.containsKey(e.path())
                        && e.type() != EntryType.SYMLINK)) {
                    add(problems, new VerifyProblem(u.name(), e.path(), Kind.ENTRY, null, null,
                            "listed twice in the snapshot"));
                    continue;
                }
                if (collectLinks) {
                    int slash = e.path().length();
                    while ((slash = e.path().lastIndexOf('/', slash - 1)) > 0
                            && parents.add(e.path().substring(0, slash))) {
                        // every folder above the entry, once
                    }
                    long size = e.type() == EntryType.FILE ? e.size() : 0;
                    indexEntries++;
                    indexBytes = saturatedAdd(indexBytes, size);
                    unitBytes.merge(u.name(), size, SnapshotReader::saturatedAdd);
                    String other = folded.putIfAbsent(e.path().toLowerCase(java.util.Locale.ROOT), e.path());
                    if (other != null && caseCollisions.size() < MAX_PROBLEMS) {
                        caseCollisions.add(new String[] {e.path(), other});
                    }
                }
                if (collectLinks && e.type() == EntryType.SYMLINK) {
                    if (links.putIfAbsent(e.path(), String.valueOf(e.target())) != null) {
                        add(problems, new VerifyProblem(u.name(), e.path(), Kind.ENTRY, null, null,
                                "listed twice in the snapshot"));
                    }
                    linkUnits.put(e.path(), u.name());
                }
            }
        } catch (IOException e) {
            add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, null, null,
                    "index cannot be read: " + SourceScanner.describe(e)));
        }
        return entries;
    }

    private static boolean isInstant(String time) {
        if (time == null) {
            return false;
        }
        try {
            IsoTimes.parse(time);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static boolean belongsTo(String unit, String path) {
        if (unit.isEmpty()) {
            return path.indexOf('/') < 0;
        }
        return path.equals(unit) || path.startsWith(unit + "/");
    }

    /**
     * Reads one unit's archive, checks every entry against the index and hands the checked entries to the sink.
     *
     * @param u the unit
     * @param sink where entries go, or {@code null} to only check
     * @param problems receives what is wrong
     * @param progress receives the bytes of each file checked
     */
    public void readUnit(Manifest.UnitRecord u, Sink sink, List<VerifyProblem> problems, LongConsumer progress) {
        if (!readableIndexes.contains(u.name())) {
            return; // reported by checkContainers
        }
        Map<String, IndexEntry> index = parseIndex(u, dir.resolve(u.index()), new ArrayList<>(), false);
        Path archive = dir.resolve(u.archive());
        if (!Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
            return; // reported by checkContainers
        }
        // an entry met in the archive has its index value replaced by SEEN: no second set of every name is held,
        // and the matched entry is let go once the sink is done with it
        Set<String> extras = new HashSet<>();
        Archiver reader = Manifest.UnitRecord.FOLDER.equals(u.kind()) ? new FolderArchiver() : archiver;
        Map<String, String> options = manifest.archiver().options() == null ? Map.of()
                : manifest.archiver().options();
        Archiver.EntryVisitor visitor = (ArchivedEntry entry, InputStream content) -> {
            String name = entry.path() != null && entry.path().endsWith("/") && entry.path().length() > 1
                    ? entry.path().substring(0, entry.path().length() - 1) : entry.path();
            String unsafe = SafePaths.checkName(name);
            if (unsafe != null) {
                add(problems, new VerifyProblem(u.name(), String.valueOf(name), Kind.ENTRY, null, null,
                        "unsafe name in archive: " + unsafe));
                return;
            }
            if (entry.type() == EntryType.DIRECTORY && u.name().startsWith(name + "/")) {
                return; // a folder copy holds the special folder's parents as plain containers
            }
            IndexEntry ie = index.get(name);
            if (ie == SEEN || (ie == null && !extras.add(name))) {
                add(problems, new VerifyProblem(u.name(), name, Kind.ENTRY, null, null,
                        "archive holds this name twice"));
                return;
            }
            if (ie == null) {
                add(problems, new VerifyProblem(u.name(), name, Kind.FILE_EXTRA, null, null,
                        "archive holds an entry the index does not list"));
                return;
            }
            index.put(name, SEEN);
            if (entry.type() != ie.type()) {
                add(problems, new VerifyProblem(u.name(), name, Kind.ENTRY, ie.type().toString(),
                        String.valueOf(entry.type()), entry.type() == EntryType.OTHER
                        ? "device, FIFO or socket entries are refused"
                        : entry.type() == EntryType.HARDLINK ? "hard links are refused"
                        : "entry type differs from the index"));
                return;
            }
            switch (ie.type()) {
                case DIRECTORY -> {
                    if (sink != null) {
                        sink.directory(ie);
                    }
                }
                case SYMLINK -> {
                    if (!ie.target().equals(entry.linkTarget())) {
                        add(problems, new VerifyProblem(u.name(), name, Kind.ENTRY, ie.target(),
                                entry.linkTarget(), "link target differs from the index"));
                    } else if (sink != null) {
                        sink.symlink(ie);
                    }
                }
                case FILE -> checkFile(u, ie, content, sink, problems, progress);
                default -> add(problems, new VerifyProblem(u.name(), name, Kind.ENTRY, null, null,
                        "unsupported entry type"));
            }
        };
        HashingInput hashed = null;
        boolean hashedWhole = false;
        try {
            if (hashOnRead.contains(u.name())) {
                try (InputStream file = Files.newInputStream(archive, LinkOption.NOFOLLOW_LINKS)) {
                    hashed = new HashingInput(file);
                    reader.read(archive, hashed, options, visitor);
                    hashed.drain(scratch);
                    hashedWhole = true;
                }
            } else {
                reader.read(archive, options, visitor);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be; // the target failed (disk full, name not representable), not the snapshot
            }
            add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_UNREADABLE, null, null,
                    "archive cannot be read: " + (e instanceof IOException io ? SourceScanner.describe(io)
                    : e.toString())));
        }
        if (hashed != null) {
            checkArchiveHash(u, archive, hashedWhole ? hashed : null, problems);
        }
        for (IndexEntry ie : index.values()) {
            if (ie != SEEN) {
                add(problems, new VerifyProblem(u.name(), ie.path(), Kind.FILE_MISSING, null, null,
                        "listed in the index but not in the archive"));
            }
        }
    }

    /**
     * Compares the SHA-256 of an archive read whole through {@code hashed} with the manifest's; when the read stopped
     * early ({@code hashed} is {@code null}: a damaged archive), the archive is hashed from the file.
     */
    private void checkArchiveHash(Manifest.UnitRecord u, Path archive, HashingInput hashed,
                                  List<VerifyProblem> problems) {
        String sha;
        if (hashed != null) {
            sha = Hashing.hex(hashed.md.digest());
        } else {
            try {
                sha = Hashing.sha256(archive);
            } catch (IOException e) {
                return; // reported as unreadable already
            }
        }
        if (!sha.equals(u.archiveSha256())) {
            add(problems, new VerifyProblem(u.name(), u.archive(), Kind.ARCHIVE_HASH, u.archiveSha256(), sha,
                    "archive SHA-256 differs from the manifest"));
        }
    }

    private void checkFile(Manifest.UnitRecord u, IndexEntry ie, InputStream content, Sink sink,
                           List<VerifyProblem> problems, LongConsumer progress) throws IOException {
        BoundedHashingStream in = new BoundedHashingStream(content, ie.size());
        if (sink != null) {
            try {
                sink.file(ie, in);
            } catch (IOException e) {
                if (e == in.readFailure) {
                    throw e; // the archive could not be read (damaged): a problem of the snapshot, not of the target
                }
                throw new BackupException("Cannot write '" + ie.path() + "': " + SourceScanner.describe(e),
                        new SinkFailure(e));
            }
        }
        in.drain(scratch);
        files++;
        bytes += in.count;
        progress.accept(in.count);
        String sha = Hashing.hex(in.md.digest());
        if (in.tooLong) {
            add(problems, new VerifyProblem(u.name(), ie.path(), Kind.FILE_HASH, ie.size() + " bytes",
                    "more than " + ie.size() + " bytes", "content is longer than recorded"));
        } else if (in.count != ie.size()) {
            add(problems, new VerifyProblem(u.name(), ie.path(), Kind.FILE_HASH, ie.size() + " bytes",
                    in.count + " bytes", "content size differs from the index"));
        } else if (!sha.equals(ie.sha256())) {
            add(problems, new VerifyProblem(u.name(), ie.path(), Kind.FILE_HASH, ie.sha256(), sha,
                    "content SHA-256 differs from the index"));
        }
    }

    private void add(List<VerifyProblem> problems, VerifyProblem p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        } else {
            dropped++;
        }
    }

    /**
     * @return problems found beyond {@link #MAX_PROBLEMS}, counted but not kept
     */
    public int droppedProblems() {
        return dropped;
    }

    /**
     * @return every link of the snapshot, path to target
     */
    public Map<String, String> links() {
        return links;
    }

    /** @return entries listed by the indexes read by {@link #checkContainers()} */
    public long indexEntries() {
        return indexEntries;
    }

    /** @return content bytes listed by the indexes read by {@link #checkContainers()} */
    public long indexBytes() {
        return indexBytes;
    }

    /**
     * @param unit a unit name
     * @return content bytes its index lists
     */
    public long unitBytes(String unit) {
        return unitBytes.getOrDefault(unit, 0L);
    }

    /** @return pairs of paths (this one, an earlier one) that differ only in letter case */
    public List<String[]> caseCollisions() {
        return caseCollisions;
    }

    /** @return number of units in the manifest */
    public int units() {
        return manifest.units().size();
    }

    /** @return files whose content was read */
    public long files() {
        return files;
    }

    /** @return bytes of file content read */
    public long bytes() {
        return bytes;
    }

    /** Marks a failure of the sink (the restore target), as opposed to a damaged snapshot. */
    static final class SinkFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SinkFailure(IOException cause) {
            super(cause);
        }
    }

    /**
     * An archive's bytes as its archiver reads them, hashed on the way (skipped bytes too: {@link InputStream#skip}
     * reads what it skips).
     */
    private static final class HashingInput extends InputStream {
        private final InputStream in;
        private final MessageDigest md = Hashing.sha256();

        HashingInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                md.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        /** Reads (and hashes) what the archiver left: padding, or bytes after the end of the format. */
        void drain(byte[] buffer) throws IOException {
            while (read(buffer, 0, buffer.length) >= 0) {
                // hashed by read
            }
        }
    }

    /**
     * Hashes what is read and never yields more than the recorded size (plus one byte, to detect a longer entry),
     * so a decompression bomb cannot fill the disk.
     */
    private static final class BoundedHashingStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private final MessageDigest md = Hashing.sha256();
        private long count;
        private boolean tooLong;
        /** What reading the archive threw, told apart from what the sink's writing throws. */
        private IOException readFailure;

        BoundedHashingStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                if (count >= limit) {
                    if (!tooLong && in.read() >= 0) {
                        tooLong = true;
                    }
                    return -1;
                }
                n = in.read(b, off, (int) Math.min(len, limit - count));
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
            if (n > 0) {
                md.update(b, off, n);
                count += n;
            }
            return n;
        }

        void drain(byte[] buf) throws IOException {
            while (read(buf, 0, buf.length) >= 0) {
                // hashing happens in read
            }
        }
    }
}
