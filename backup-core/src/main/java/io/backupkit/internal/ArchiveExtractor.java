package io.backupkit.internal;

import io.backupkit.RestoreException;
import io.backupkit.RestoreLimits;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Extracts an archive that BackupKit did not write (so there is no index to check it against) into a staging folder,
 * refusing with a {@link RestoreException} naming the entry: names that escape ({@code ..}, absolute, drive letters),
 * links that point outside or that other entries are written through, hard links, devices and FIFOs, duplicate names
 * (also names equal but for case, which collide on Windows and macOS), and anything beyond the {@link RestoreLimits}.
 * A leading {@code ./} (GNU tar's habit) is dropped. Nothing is written outside the sink's folder, and links are
 * only created after every file, by the sink.
 *
 * <pre>{@code
 * ArchiveExtractor x = new ArchiveExtractor(plan.restoreLimits(), Files.size(archive));
 * x.extract(archiver, archive, sink);    // sink == null only checks
 * }</pre>
 */
final class ArchiveExtractor {


    private final RestoreLimits limits;
    private final long archiveSize;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> parents = new HashSet<>();
    private final Map<String, String> folded = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final byte[] scratch = new byte[Hashing.BUFFER_SIZE];
    private long entries;
    long files;
    long directories;
    long linkCount;
    long bytes;

    /**
     * @param limits the caps to enforce
     * @param archiveSize the archive's size in bytes, for the ratio cap
     */
    ArchiveExtractor(RestoreLimits limits, long archiveSize) {
        this.limits = limits;
        this.archiveSize = Math.max(1, archiveSize);
    }

    /**
     * @param archiver reads the archive
     * @param archive the archive file
     * @param sink where checked entries go, or {@code null} to check only
     * @throws RestoreException naming the entry refused
     * @throws IOException if the archive cannot be read or the sink cannot write
     */
    void extract(Archiver archiver, Path archive, SnapshotReader.Sink sink) throws IOException {
        archiver.read(archive, archiver.defaultOptions(), (entry, content) -> visit(entry, content, sink));
        for (Map.Entry<String, String> link : links.entrySet()) {
            String problem = SafePaths.checkLink(link.getKey(), link.getValue(), links);
            if (problem != null) {
                throw refuse(link.getKey(), "unsafe link: " + problem);
            }
        }
    }

    private void visit(ArchivedEntry entry, InputStream content, SnapshotReader.Sink sink) throws IOException {
        String raw = entry.path();
        String name = clean(raw);
        if (name.equals(".") || name.isEmpty() && raw != null && raw.startsWith("./")) {
            return; // the archive's own root folder
        }
        if (++entries > limits.maxEntries()) {
            throw refuse(raw, "the archive holds more than " + limits.maxEntries()
                    + " entries (RestoreLimits.maxEntries; raise it if this archive is trusted)");
        }
        String unsafe = SafePaths.checkName(name);
        if (unsafe != null) {
            throw refuse(raw, "unsafe name: " + unsafe);
        }
        if (entry.type() == EntryType.HARDLINK) {
            throw refuse(raw, "hard link to '" + entry.linkTarget() + "'; hard links are not restored");
        }
        if (entry.type() == null || entry.type() == EntryType.OTHER) {
            throw refuse(raw, "device, FIFO or socket entries are not restored");
        }
        if (!seen.add(name)) {
            throw refuse(raw, "the archive holds this name twice");
        }
        String other = folded.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        if (other != null) {
            throw refuse(raw, "differs from '" + other + "' only in letter case; the two would collide on Windows "
                    + "and macOS");
        }
        for (String p = parentOf(name); p != null; p = parentOf(p)) {
            if (links.containsKey(p)) {
                throw refuse(raw, "would be written through the link '" + p + "' stored before it");
            }
            if (!parents.add(p)) {
                break;
            }
        }
        String mtime = (entry.mtime() == null ? Instant.now() : entry.mtime().toInstant()).toString();
        switch (entry.type()) {
            case DIRECTORY -> {
                directories++;
                if (sink != null) {
                    sink.directory(new IndexEntry(name, EntryType.DIRECTORY, 0, mtime,
                            entry.mode() < 0 ? 0755 : entry.mode() & 07777, null, null));
                }
            }
            case SYMLINK -> {
                if (parents.contains(name)) {
                    throw refuse(raw, "link stored after entries beneath it; they would be written through it");
                }
                String problem = entry.linkTarget() == null ? "empty link target" : null;
                if (problem != null) {
                    throw refuse(raw, problem);
                }
                links.put(name, entry.linkTarget());
                linkCount++;
                if (sink != null) {
                    sink.symlink(new IndexEntry(name, EntryType.SYMLINK, 0, mtime, 0777, null, entry.linkTarget()));
                }
            }
            case FILE -> {
                files++;
                Limited in = new Limited(content, raw);
                if (sink != null) {
                    sink.file(new IndexEntry(name, EntryType.FILE, Math.max(0, entry.size()), mtime,
                            entry.mode() < 0 ? 0644 : entry.mode() & 07777, null, null), in);
                }
                while (in.read(scratch, 0, scratch.length) >= 0) {
                    // counted and capped in read
                }
            }
            default -> throw refuse(raw, "unsupported entry type " + entry.type());
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

    private static RestoreException refuse(String entry, String why) {
        return new RestoreException("Refused entry '" + entry + "': " + why, entry);
    }

    /** Counts content bytes against the total and ratio caps. */
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
                if (bytes > limits.maxBytes()) {
                    throw refuse(entry, "the archive expands to more than " + limits.maxBytes()
                            + " bytes (RestoreLimits.maxBytes; raise it if this archive is trusted)");
                }
                if (bytes > RestoreLimits.RATIO_GRACE_BYTES && bytes > limits.maxRatio() * archiveSize) {
                    throw refuse(entry, "the archive expands more than " + (long) limits.maxRatio()
                            + " times its size of " + archiveSize + " bytes, like a decompression bomb "
                            + "(RestoreLimits.maxRatio; raise it if this archive is trusted)");
                }
            }
            return n;
        }
    }
}
