package io.backupkit.internal;

import io.backupkit.RestoreException;
import io.backupkit.RestoreLimits;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Extracts archives and folders that BackupKit did not write (so there is no index to check them against) into one
 * staging folder, refusing with a {@link RestoreException} naming the entry and the part it came from: names that
 * escape ({@code ..}, absolute, drive letters), links that point outside or that other entries are written through,
 * hard links, devices and FIFOs, duplicate names (also names equal but for case, which collide on Windows and
 * macOS), and anything beyond the {@link RestoreLimits}. A leading {@code ./} (GNU tar's habit) is dropped. Nothing is
 * written outside the sink's folder, and links are only created after every file, by the sink.
 *
 * <p>Several parts (a backup written by another tool as several archives and folders) share one extractor, each into
 * its own folder of the staging folder: every check holds across parts (a file of one part written through a link of
 * another, two parts writing the same file, a link resolved through another part's links), folders that several
 * parts hold are merged, and the limits count all parts together (the expansion ratio per archive).
 *
 * <pre>{@code
 * ArchiveExtractor x = new ArchiveExtractor(plan.restoreLimits());
 * x.extract(zipArchiver, Path.of("1/Plex.zip"), "", false, sink);     // sink == null only checks
 * x.extractFolder(Path.of("4"), "", sink);
 * x.checkLinks();                                                     // once every part is in
 * }</pre>
 */
final class ArchiveExtractor {

    /** Who wrote a name: the part's number and what the entry was. */
    private record Claim(int part, EntryType type) {
    }

    private final RestoreLimits limits;
    private final Map<String, Claim> claims = new HashMap<>();
    private final Set<String> parents = new HashSet<>();
    private final Map<String, String> folded = new HashMap<>();
    private final Map<String, String> links = new LinkedHashMap<>();
    private final Map<String, String[]> linkOrigins = new HashMap<>();
    private final List<String> labels = new ArrayList<>();
    private final byte[] scratch = new byte[Hashing.BUFFER_SIZE];
    private long entries;
    private String prefix = "";
    private String label;
    private boolean windowsSeparators;
    private long archiveSize;
    private long partBytes;
    long files;
    long directories;
    long linkCount;
    long bytes;

    /**
     * @param limits the caps to enforce, over every part together
     */
    ArchiveExtractor(RestoreLimits limits) {
        this.limits = limits;
    }

    /**
     * @param archiver reads the archive
     * @param archive the archive file
     * @param under the staging-relative folder its entries go into, {@code ""} for the top
     * @param windowsSeparators whether {@code \} in its names separates folders
     * @param sink where checked entries go, or {@code null} to check only
     * @throws RestoreException naming the entry refused
     * @throws IOException if the archive cannot be read or the sink cannot write
     */
    void extract(Archiver archiver, Path archive, String under, boolean windowsSeparators, SnapshotReader.Sink sink)
            throws IOException {
        startPart(archive, under, windowsSeparators, Math.max(1, Files.size(archive)));
        claimUnder(null, sink);
        if ("zip".equals(archiver.id())) {
            // count the central directory's headers first: an archive over the limit is refused before any entry
            // is extracted, naming the first entry over it
            long room = limits.maxEntries() - entries;
            io.backupkit.internal.zip.ZipCentralDirectory.Count listed =
                    io.backupkit.internal.zip.ZipCentralDirectory.count(archive, room);
            if (listed.entries() > room) {
                String first = listed.firstOver() == null ? archive.getFileName().toString()
                        : clean(windowsSeparators ? listed.firstOver().replace('\\', '/') : listed.firstOver());
                throw refuse(first, tooManyEntries() + "; refused from its central directory, before it was read");
            }
        }
        archiver.read(archive, archiver.defaultOptions(), (entry, content) -> visit(entry, content, sink));
    }

    /**
     * Copies a plain folder: its links, folders and files in name order, read without following links. A file with
     * more than one hard link is refused (a link planted to a file elsewhere would have its content restored), as
     * are devices, FIFOs and sockets.
     *
     * @param dir the folder, not itself a link
     * @param under the staging-relative folder its content goes into, {@code ""} for the top
     * @param sink where checked entries go, or {@code null} to check only
     * @throws RestoreException naming the entry refused
     * @throws IOException if the folder cannot be read or the sink cannot write
     */
    void extractFolder(Path dir, String under, SnapshotReader.Sink sink) throws IOException {
        startPart(dir, under, false, -1);
        claimUnder(Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS), sink);
        boolean unix = dir.getFileSystem().supportedFileAttributeViews().contains("unix");
        walk(dir, dir, unix, sink);
    }

    /**
     * Checks every link of every part, each resolved through all the others, once all parts are extracted and
     * before the sink creates them.
     *
     * @throws RestoreException naming the first link that escapes
     */
    void checkLinks() {
        for (Map.Entry<String, String> link : links.entrySet()) {
            String problem = SafePaths.checkLink(link.getKey(), link.getValue(), links);
            if (problem != null) {
                String[] origin = linkOrigins.get(link.getKey());
                throw refuse(origin[1], origin[0], "unsafe link: " + problem);
            }
        }
    }

    private void startPart(Path source, String under, boolean windows, long size) {
        labels.add(source.toString());
        label = source.toString();
        prefix = under;
        windowsSeparators = windows;
        archiveSize = size;
        partBytes = 0;
    }

    /** The part's folder and the folders above it are folders of the result, shared with other parts. */
    private void claimUnder(FileTime mtime, SnapshotReader.Sink sink) throws IOException {
        if (prefix.isEmpty()) {
            return;
        }
        StringBuilder at = new StringBuilder();
        for (String segment : prefix.split("/")) {
            at.append(at.length() == 0 ? "" : "/").append(segment);
            String dir = at.toString();
            if (claim(dir, prefix, EntryType.DIRECTORY)) {
                directories++;
                if (sink != null) {
                    String time = (dir.equals(prefix) && mtime != null ? mtime.toInstant() : Instant.now()).toString();
                    sink.directory(new IndexEntry(dir, EntryType.DIRECTORY, 0, time, 0755, null, null));
                }
            }
        }
    }

    private void walk(Path root, Path dir, boolean unix, SnapshotReader.Sink sink) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        String separator = root.getFileSystem().getSeparator();
        for (Path child : children) {
            String rel = root.relativize(child).toString().replace(separator, "/");
            BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                String target = Files.readSymbolicLink(child).toString().replace(separator, "/");
                visit(new ArchivedEntry(rel, EntryType.SYMLINK, 0, -1, a.lastModifiedTime(), target),
                        InputStream.nullInputStream(), sink);
            } else if (a.isDirectory()) {
                visit(new ArchivedEntry(rel, EntryType.DIRECTORY, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream(), sink);
                walk(root, child, unix, sink);
            } else if (a.isRegularFile()) {
                int names = unix ? (Integer) Files.getAttribute(child, "unix:nlink", LinkOption.NOFOLLOW_LINKS) : 1;
                if (names > 1) {
                    throw refuse(label, rel, "the file has " + names + " hard links (names); hard links are not "
                            + "restored, since one planted to a file elsewhere would restore that file's content");
                }
                try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
                    visit(new ArchivedEntry(rel, EntryType.FILE, a.size(), -1, a.lastModifiedTime(), null), in, sink);
                }
            } else {
                visit(new ArchivedEntry(rel, EntryType.OTHER, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream(), sink);
            }
        }
    }

    private void visit(ArchivedEntry entry, InputStream content, SnapshotReader.Sink sink) throws IOException {
        String raw = entry.path();
        EntryType type = entry.type();
        String stored = raw;
        if (windowsSeparators && raw != null) {
            if (raw.endsWith("\\") && type == EntryType.FILE && entry.size() <= 0) {
                type = EntryType.DIRECTORY; // Compress-Archive's empty folders
            }
            stored = raw.replace('\\', '/');
        }
        String name = clean(stored);
        if (name.equals(".") || name.isEmpty() && stored != null && stored.startsWith("./")) {
            return; // the archive's own root folder
        }
        if (++entries > limits.maxEntries()) {
            throw refuse(raw, tooManyEntries());
        }
        String unsafe = SafePaths.checkName(name);
        if (unsafe != null) {
            throw refuse(raw, "unsafe name: " + unsafe);
        }
        if (type == EntryType.HARDLINK) {
            throw refuse(raw, "hard link to '" + entry.linkTarget() + "'; hard links are not restored");
        }
        if (type == null || type == EntryType.OTHER) {
            throw refuse(raw, "device, FIFO or socket entries are not restored");
        }
        String full = prefix.isEmpty() ? name : prefix + "/" + name;
        if (!claim(full, raw, type)) {
            return; // a folder another part holds too
        }
        String mtime = (entry.mtime() == null ? Instant.now() : entry.mtime().toInstant()).toString();
        switch (type) {
            case DIRECTORY -> {
                directories++;
                if (sink != null) {
                    sink.directory(new IndexEntry(full, EntryType.DIRECTORY, 0, mtime,
                            entry.mode() < 0 ? 0755 : entry.mode() & 07777, null, null));
                }
            }
            case SYMLINK -> {
                if (entry.linkTarget() == null) {
                    throw refuse(raw, "empty link target");
                }
                String target = windowsSeparators ? entry.linkTarget().replace('\\', '/') : entry.linkTarget();
                links.put(full, target);
                linkOrigins.put(full, new String[] {raw, label});
                linkCount++;
                if (sink != null) {
                    sink.symlink(new IndexEntry(full, EntryType.SYMLINK, 0, mtime, 0777, null, target));
                }
            }
            case FILE -> {
                files++;
                Limited in = new Limited(content, raw);
                if (sink != null) {
                    sink.file(new IndexEntry(full, EntryType.FILE, Math.max(0, entry.size()), mtime,
                            entry.mode() < 0 ? 0644 : entry.mode() & 07777, null, null), in);
                }
                while (in.read(scratch, 0, scratch.length) >= 0) {
                    // counted and capped in read
                }
            }
            default -> throw refuse(raw, "unsupported entry type " + type);
        }
    }

    /**
     * Records that the current part writes {@code full}.
     *
     * @return {@code false} for a folder that an earlier part already holds (nothing more to do)
     * @throws RestoreException when the name is taken, collides in case, lies under a link or a file, or is a file
     *         or link where entries were already written beneath
     */
    private boolean claim(String full, String raw, EntryType type) {
        int part = labels.size() - 1;
        Claim earlier = claims.get(full);
        if (earlier != null) {
            if (earlier.part() == part) {
                throw refuse(raw, "the archive holds this name twice");
            }
            if (earlier.type() == EntryType.DIRECTORY && type == EntryType.DIRECTORY) {
                return false;
            }
            if (earlier.type() == EntryType.SYMLINK && type == EntryType.DIRECTORY) {
                throw refuse(raw, "would be written through the link '" + full + "' stored before it in "
                        + labels.get(earlier.part()));
            }
            throw refuse(raw, "'" + full + "' is also in " + labels.get(earlier.part()) + "; two parts of the "
                    + "restore write the same path");
        }
        if (type != EntryType.DIRECTORY && parents.contains(full)) {
            throw refuse(raw, type == EntryType.SYMLINK
                    ? "link stored after entries beneath it; they would be written through it"
                    : "a file where entries stored before it have their folder");
        }
        checkCase(full, raw);
        for (String p = parentOf(full); p != null; p = parentOf(p)) {
            if (links.containsKey(p)) {
                throw refuse(raw, "would be written through the link '" + p + "' stored before it");
            }
            Claim above = claims.get(p);
            if (above != null && above.type() == EntryType.FILE) {
                throw refuse(raw, "would be written inside the file '" + p + "' stored before it");
            }
            if (!parents.add(p)) {
                break;
            }
            checkCase(p, raw);
        }
        claims.put(full, new Claim(part, type));
        return true;
    }

    /** Folders are compared too, whether stored or implied by the entries beneath them. */
    private void checkCase(String full, String raw) {
        String other = folded.putIfAbsent(full.toLowerCase(Locale.ROOT), full);
        if (other != null && !other.equals(full)) {
            throw refuse(raw, "differs from '" + other + "' only in letter case; the two would collide on Windows "
                    + "and macOS");
        }
    }

    private static String clean(String raw) {
        if (raw == null) {
            return "";
        }
        String name = raw;
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        while (name.length() > 1 && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash > 0 ? path.substring(0, slash) : null;
    }

    /** @return why an archive over {@link RestoreLimits#maxEntries()} is refused */
    private String tooManyEntries() {
        return "the " + (labels.size() > 1 ? "backup" : "archive") + " holds more than " + limits.maxEntries()
                + " entries (RestoreLimits.maxEntries; raise it if this archive is trusted)";
    }

    private RestoreException refuse(String entry, String why) {
        return refuse(label, entry, why);
    }

    private static RestoreException refuse(String part, String entry, String why) {
        return new RestoreException("Refused entry '" + entry + "'" + (part == null ? "" : " of " + part) + ": "
                + why, entry);
    }

    /** Counts content bytes against the total cap, and against the ratio cap of the archive being read. */
    private final class Limited extends InputStream {
        private final InputStream in;
        private final String entry;

        Limited(InputStream in, String entry) {
            this.in = in;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                bytes += n;
                partBytes += n;
                if (bytes > limits.maxBytes()) {
                    throw refuse(entry, "the " + (labels.size() > 1 ? "backup" : "archive") + " expands to more than "
                            + limits.maxBytes() + " bytes (RestoreLimits.maxBytes; raise it if this archive is "
                            + "trusted)");
                }
                if (archiveSize > 0 && partBytes > RestoreLimits.RATIO_GRACE_BYTES
                        && partBytes > limits.maxRatio() * archiveSize) {
                    throw refuse(entry, "the archive expands more than " + (long) limits.maxRatio()
                            + " times its size of " + archiveSize + " bytes, like a decompression bomb "
                            + "(RestoreLimits.maxRatio; raise it if this archive is trusted)");
                }
            }
            return n;
        }
    }
}
