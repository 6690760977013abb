package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyProblem.Kind;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
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
    /**
     * While {@link #checkContainers} runs: every path in lower case, with the position of its index line (see
     * {@link #ref}); a match read back from its line is a case collision.
     */
    private FingerprintTable folded = new FingerprintTable();
    /** While {@link #checkContainers} runs: every folder above an entry, with the position of that entry's line. */
    private FingerprintTable parents = new FingerprintTable();
    /** While {@link #checkContainers} runs: the indexes opened to read a line back, by unit number. */
    private final Map<Integer, FileChannel> readBack = new HashMap<>();
    private final List<Path> indexPaths = new ArrayList<>();
    /** Units whose index lists a path twice: reading them keeps every path, so that the first line wins. */
    private final Set<String> listedTwice = new HashSet<>();
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
        indexPaths.clear();
        listedTwice.clear();
        deferHashes = everyUnitReadNext && archiver.readsStreams();
        List<VerifyProblem> problems = new ArrayList<>();
        Set<String> unitNames = new HashSet<>();
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new BackupException("Cannot read snapshot " + id + " at " + dir + ": " + e.getMessage(), e);
        }
        try {
            checkUnits(realDir, unitNames, problems);
            checkExtras(realDir, problems);
            checkLinks(problems);
        } finally {
            // a path and a folder for every entry of the snapshot: needed while the indexes are checked only
            closeReadBack();
            folded = new FingerprintTable();
            parents = new FingerprintTable();
        }
        return problems;
    }

    private void checkUnits(Path realDir, Set<String> unitNames, List<VerifyProblem> problems) {
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
                indexPaths.add(index);
                scanIndex(u, indexPaths.size() - 1, index, problems);
                readableIndexes.add(u.name());
            }
        }
    }

    /** Each link must stay inside the snapshot, and nothing may be stored beneath it. */
    private void checkLinks(List<VerifyProblem> problems) {
        for (Map.Entry<String, String> link : links.entrySet()) {
            String under = link.getKey() + "/";
            boolean beneath = parents.anyMatch(FingerprintTable.fingerprint(link.getKey()), ref -> {
                IndexEntry e = entryAt(ref);
                return e != null && e.path().startsWith(under);
            });
            String problem = beneath
                    ? "entries are stored beneath this link; they would be written through it"
                    : SafePaths.checkLink(link.getKey(), link.getValue(), links);
            if (problem != null) {
                add(problems, new VerifyProblem(linkUnits.get(link.getKey()), link.getKey(), Kind.ENTRY, null, null,
                        problem.startsWith("entries") ? problem : "unsafe link: " + problem));
            }
        }
    }

    /** Where an index line is: the unit's number among the indexes read, and the line's offset in its index. */
    private static long ref(int unit, long offset) {
        return (long) unit << 40 | offset;
    }

    /** @return the entry of the index line at {@code ref}, or {@code null} if it cannot be read back */
    private IndexEntry entryAt(long ref) {
        int unit = (int) (ref >>> 40);
        try {
            FileChannel ch = readBack.get(unit);
            if (ch == null) {
                ch = IndexLineReader.open(indexPaths.get(unit));
                readBack.put(unit, ch);
            }
            return IndexLineReader.entryAt(ch, ref & ((1L << 40) - 1));
        } catch (IOException e) {
            return null; // it was read once: only a changed or vanished file gets here, and then nothing matches
        }
    }

    private void closeReadBack() {
        for (FileChannel ch : readBack.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                // read only
            }
        }
        readBack.clear();
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

    /**
     * Reads and checks one unit's index line by line, holding 16 bytes or so a path (fingerprints and line
     * positions, see {@link FingerprintTable}) instead of its entries: the unit's paths, to find one listed twice;
     * every path of the snapshot in lower case, for case collisions; every folder above an entry, for the link
     * check. A fingerprint that matches is confirmed by reading the earlier line back, so nothing is reported that
     * is not so.
     *
     * @param ordinal the unit's number among the indexes read, for {@link #ref}
     */
    private void scanIndex(Manifest.UnitRecord u, int ordinal, Path index, List<VerifyProblem> problems) {
        FingerprintTable paths = new FingerprintTable();
        try (IndexLineReader r = new IndexLineReader(index)) {
            while (r.next()) {
                if (r.blank()) {
                    continue;
                }
                IndexEntry e;
                try {
                    e = r.entry();
                } catch (IOException ex) {
                    add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, null, null,
                            "line " + r.lineNo() + " is not a valid entry: " + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException jp ? jp.getOriginalMessage() : ex.getMessage())));
                    continue;
                }
                VerifyProblem rejected = reject(u, e);
                if (rejected == null && !isInstant(e.mtime())) {
                    // a restore sets every entry's time from the index: a missing one must not fail it half-way
                    rejected = new VerifyProblem(u.name(), e.path(), Kind.INDEX, null, e.mtime(),
                            "entry without a valid modification time");
                }
                if (rejected != null) {
                    add(problems, rejected);
                    continue;
                }
                String path = e.path();
                long fp = FingerprintTable.fingerprint(path);
                long ref = ref(ordinal, r.offset());
                if (paths.anyMatch(fp, earlier -> sameEntryPath(earlier, path))
                        || (links.containsKey(path) && e.type() != EntryType.SYMLINK)) {
                    listedTwice.add(u.name());
                    add(problems, new VerifyProblem(u.name(), path, Kind.ENTRY, null, null,
                            "listed twice in the snapshot"));
                    continue;
                }
                paths.add(fp, ref);
                addParents(path, ref);
                long size = e.type() == EntryType.FILE ? e.size() : 0;
                indexEntries++;
                indexBytes = saturatedAdd(indexBytes, size);
                unitBytes.merge(u.name(), size, SnapshotReader::saturatedAdd);
                checkCase(path, ref);
                if (e.type() == EntryType.SYMLINK) {
                    if (links.putIfAbsent(path, String.valueOf(e.target())) != null) {
                        add(problems, new VerifyProblem(u.name(), path, Kind.ENTRY, null, null,
                                "listed twice in the snapshot"));
                    }
                    linkUnits.put(path, u.name());
                }
            }
        } catch (IOException e) {
            add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, null, null,
                    "index cannot be read: " + SourceScanner.describe(e)));
        }
    }

    private boolean sameEntryPath(long ref, String path) {
        IndexEntry e = entryAt(ref);
        return e != null && path.equals(e.path());
    }

    /** Records every folder above {@code path}: each one's fingerprint is a state of the path's own. */
    private void addParents(String path, long ref) {
        long h = FingerprintTable.start();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && i > 0) {
                long fp = FingerprintTable.finish(h);
                if (!parents.contains(fp)) {
                    parents.add(fp, ref);
                }
            }
            h = FingerprintTable.step(h, c);
        }
    }

    /** Records a path that differs only in letter case from an earlier one, with that one. */
    private void checkCase(String path, long ref) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        long fp = FingerprintTable.fingerprint(lower);
        String[] other = new String[1];
        if (folded.anyMatch(fp, earlier -> {
            IndexEntry e = entryAt(earlier);
            other[0] = e == null ? null : e.path();
            return other[0] != null && other[0].toLowerCase(java.util.Locale.ROOT).equals(lower);
        })) {
            if (caseCollisions.size() < MAX_PROBLEMS) {
                caseCollisions.add(new String[] {path, other[0]});
            }
        } else {
            folded.add(fp, ref);
        }
    }

    /** @return what is wrong with an index entry whatever else the snapshot holds, or {@code null} */
    private VerifyProblem reject(Manifest.UnitRecord u, IndexEntry e) {
        String unsafe = SafePaths.checkName(e.path());
        if (unsafe != null || e.type() == null || e.type() == EntryType.OTHER || e.type() == EntryType.HARDLINK) {
            return new VerifyProblem(u.name(), String.valueOf(e.path()), Kind.ENTRY, null, null,
                    unsafe != null ? "unsafe name: " + unsafe : "unsupported entry type " + e.type());
        }
        if (!belongsTo(u.name(), e.path())) {
            return new VerifyProblem(u.name(), e.path(), Kind.ENTRY, null, null, "entry is outside its unit's folder");
        }
        if (e.type() == EntryType.FILE && (e.sha256() == null || e.size() < 0)) {
            return new VerifyProblem(u.name(), e.path(), Kind.INDEX, null, null, "file entry without size or SHA-256");
        }
        return null;
    }

    /**
     * A unit's index entries handed out in the order an archive asks for them, read from the index as they are
     * asked for: an archive written by BackupKit holds its entries in the index's order, so the next line is the one
     * wanted and nothing is held. Lines passed over on the way to a wanted one are kept until they are asked for (a
     * folder copy is read in another order; a damaged archive lacks entries). Only the index entries
     * {@link #checkContainers} accepted are handed out (its time check aside: that pass reported it).
     */
    private final class IndexCursor implements java.io.Closeable {
        private final Manifest.UnitRecord u;
        private final IndexLineReader lines;
        private final Map<String, IndexEntry> ahead = new LinkedHashMap<>();
        private final FingerprintTable taken = new FingerprintTable();
        /** Every path read, when the index lists one twice: the first line wins, as in the check. */
        private final Set<String> read;
        private boolean done;

        IndexCursor(Manifest.UnitRecord u, Path index) throws IOException {
            this.u = u;
            this.lines = new IndexLineReader(index);
            this.read = listedTwice.contains(u.name()) ? new HashSet<>() : null;
        }

        /**
         * @param path a name the archive holds
         * @return its index entry, or {@code null} when the index does not list it or it was handed out already
         */
        IndexEntry take(String path) {
            IndexEntry e = ahead.remove(path);
            if (e == null) {
                while ((e = next()) != null && !e.path().equals(path)) {
                    ahead.put(e.path(), e);
                }
            }
            if (e != null) {
                taken.add(FingerprintTable.fingerprint(path), 0);
            }
            return e;
        }

        /** @return whether {@code path} was handed out already (or, very rarely, a path of the same fingerprint) */
        boolean taken(String path) {
            return taken.contains(FingerprintTable.fingerprint(path));
        }

        /** @param left receives each entry not handed out, in index order */
        void forEachLeft(java.util.function.Consumer<IndexEntry> left) {
            ahead.values().forEach(left);
            ahead.clear();
            IndexEntry e;
            while ((e = next()) != null) {
                left.accept(e);
            }
        }

        private IndexEntry next() {
            try {
                while (!done && lines.next()) {
                    if (lines.blank()) {
                        continue;
                    }
                    IndexEntry e;
                    try {
                        e = lines.entry();
                    } catch (IOException ex) {
                        continue; // reported by checkContainers
                    }
                    if (reject(u, e) == null && (read == null || read.add(e.path()))) {
                        return e;
                    }
                }
            } catch (IOException e) {
                // read whole by checkContainers: what could not be read now is reported as not in the index
            }
            done = true;
            return null;
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
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
        Path archive = dir.resolve(u.archive());
        if (!Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
            return; // reported by checkContainers
        }
        try (IndexCursor index = new IndexCursor(u, dir.resolve(u.index()))) {
            readUnit(u, archive, index, sink, problems, progress);
        } catch (IOException e) {
            add(problems, new VerifyProblem(u.name(), u.index(), Kind.INDEX, null, null,
                    "index cannot be read: " + SourceScanner.describe(e)));
        }
    }

    private void readUnit(Manifest.UnitRecord u, Path archive, IndexCursor index, Sink sink,
                          List<VerifyProblem> problems, LongConsumer progress) {
        // the index is read as the archive asks for its entries, and each entry let go once the sink is done with it
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
            IndexEntry ie = index.take(name);
            if (ie == null && (index.taken(name) || !extras.add(name))) {
                add(problems, new VerifyProblem(u.name(), name, Kind.ENTRY, null, null,
                        "archive holds this name twice"));
                return;
            }
            if (ie == null) {
                add(problems, new VerifyProblem(u.name(), name, Kind.FILE_EXTRA, null, null,
                        "archive holds an entry the index does not list"));
                return;
            }
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
        index.forEachLeft(ie -> add(problems, new VerifyProblem(u.name(), ie.path(), Kind.FILE_MISSING, null, null,
                "listed in the index but not in the archive")));
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
