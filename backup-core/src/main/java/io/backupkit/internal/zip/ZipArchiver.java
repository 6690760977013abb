package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.CompressedFormats;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.UnixStat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Zip archives: UTF-8 names, ZIP64 when an archive passes 65,534 entries or 4 GiB, POSIX mode and link type in the
 * Unix external attributes (so Info-ZIP {@code unzip} restores them), the modification time to the second in the
 * extended-timestamp field, or in the NTFS field for times past 2038 (the exact time is in BackupKit's index). Files
 * whose format is already compressed (images, video, audio, archives, Plex {@code .bif}) are STORED rather than
 * deflated again. They are written by {@link ZipStreamWriter}, which keeps nothing per entry: the central directory
 * is gathered in a spill file beside the archive ({@code <archive>.cd.tmp}, deleted when the write ends) and copied
 * onto its end, so a unit of any number of entries is written in the same memory. They are read back entry by entry
 * through {@link ZipStreamReader}, one entry in memory at a time, their content checked against its CRC-32.
 *
 * <p>Options: {@code level}, the deflate level 0-9 (default {@value #DEFAULT_LEVEL}); {@code workers}, threads per
 * unit that read, checksum and deflate its files of up to 1 MiB ahead of the writer, 0-{@value #MAX_WORKERS} or
 * {@code auto} (default: one per core): a unit of many small files is compressed on every core (see
 * {@link ZipAhead}). The archive's bytes are the same with any number of workers.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("zip").archiverOption("level", "1")...
 * }</pre>
 */
public final class ZipArchiver implements Archiver {

    /** Default deflate level: zlib's default, the usual balance of speed and size. */
    public static final int DEFAULT_LEVEL = 6;

    /** Default of the {@code workers} option: {@link #autoWorkers()}. */
    public static final String DEFAULT_WORKERS = "auto";
    /** Most threads packing small files ahead of the writer, per unit. */
    public static final int MAX_WORKERS = 16;

    private static final int MAX_LINK_TARGET = 64 * 1024;

    /** Used by {@link java.util.ServiceLoader}. */
    public ZipArchiver() {
    }

    @Override
    public String id() {
        return "zip";
    }

    @Override
    public String extension() {
        return "zip";
    }

    /**
     * @return {@code level=6}, {@code workers=auto}
     */
    @Override
    public Map<String, String> defaultOptions() {
        return Map.of("level", Integer.toString(DEFAULT_LEVEL), "workers", DEFAULT_WORKERS);
    }

    /** @return {@code level} only: the archive's bytes are the same with any number of workers */
    @Override
    public java.util.Set<String> contentOptions() {
        return java.util.Set.of("level");
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        int level = level(request.options());
        try (ZipAhead ahead = new ZipAhead(request, level, workers(request.options()));
             ZipStreamWriter zip = new ZipStreamWriter(request.archive(), level)) {
            List<UnitEntry> entries = request.entries();
            for (int i = 0; i < entries.size(); i++) {
                UnitEntry e = entries.get(i);
                switch (e.type()) {
                    case DIRECTORY -> zip.writeStored(new ZipStreamWriter.Entry(e.path() + "/",
                            UnixStat.DIR_FLAG | e.mode(), e.mtime()), new byte[0]);
                    case SYMLINK -> zip.writeStored(new ZipStreamWriter.Entry(e.path(), UnixStat.LINK_FLAG | 0777,
                            e.mtime()), e.linkTarget().getBytes(StandardCharsets.UTF_8));
                    case FILE -> writeFile(request, zip, ahead.take(i), e, level);
                    default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
                }
            }
            zip.finish();
        }
    }

    /**
     * Writes a file packed ahead, or streams it when it was not (or grew beyond what is read ahead); a file that
     * vanished since the walk is left out (the engine has recorded it).
     */
    private static void writeFile(ArchiveWriteRequest request, ZipStreamWriter zip, ZipAhead.Packed packed,
                                  UnitEntry e, int level) throws IOException {
        if (packed == ZipAhead.VANISHED) {
            return;
        }
        ZipStreamWriter.Entry entry = new ZipStreamWriter.Entry(e.path(), UnixStat.FILE_FLAG | e.mode(), e.mtime());
        if (packed != null && packed != ZipAhead.TOO_BIG) {
            zip.writePacked(entry, packed.deflated() ? ZipEntry.DEFLATED : ZipEntry.STORED, packed.data(),
                    packed.length(), packed.size(), packed.crc());
            return;
        }
        InputStream in;
        try {
            in = request.open(e);
        } catch (NoSuchFileException vanished) {
            return;
        }
        try (in) {
            if (!deflates(level, e)) {
                zip.writeStream(entry, ZipEntry.STORED, in);
                return;
            }
            byte[] head = in.readNBytes(CompressedFormats.SIGNATURE_BYTES);
            int method = deflates(level, e, head, head.length) ? ZipEntry.DEFLATED : ZipEntry.STORED;
            zip.writeStream(entry, method, new SequenceInputStream(new ByteArrayInputStream(head), in));
        }
    }

    /**
     * Reads the archive entry by entry in the order of its central directory, holding one entry at a time
     * ({@link ZipStreamReader}), so a unit of hundreds of thousands of entries restores in the memory of one. A
     * file's content is checked against its CRC-32 and size when the visitor reads it to its end.
     */
    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        try (ZipStreamReader zip = ZipStreamReader.open(archive)) {
            for (ZipStreamReader.Entry ze = zip.next(); ze != null; ze = zip.next()) {
                int unixMode = ze.unixMode();
                int typeBits = unixMode & UnixStat.FILE_TYPE_FLAG;
                int mode = unixMode == 0 ? -1 : unixMode & 07777;
                String name = ze.name();
                if (typeBits == UnixStat.LINK_FLAG) {
                    String target;
                    try (InputStream in = zip.content(ze)) {
                        byte[] bytes = in.readNBytes(MAX_LINK_TARGET + 1);
                        if (bytes.length > MAX_LINK_TARGET) {
                            throw new IOException("link '" + name + "' in " + archive + " has an oversized target");
                        }
                        target = new String(bytes, StandardCharsets.UTF_8);
                    }
                    visitor.visit(new ArchivedEntry(name, EntryType.SYMLINK, 0, mode, ze.lastModifiedTime(),
                            target), InputStream.nullInputStream());
                } else if (name.endsWith("/") || typeBits == UnixStat.DIR_FLAG) {
                    String dir = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    visitor.visit(new ArchivedEntry(dir, EntryType.DIRECTORY, 0, mode, ze.lastModifiedTime(), null),
                            InputStream.nullInputStream());
                } else if (typeBits != 0 && typeBits != UnixStat.FILE_FLAG) {
                    visitor.visit(new ArchivedEntry(name, EntryType.OTHER, ze.size(), mode, ze.lastModifiedTime(),
                            null), InputStream.nullInputStream());
                } else {
                    try (InputStream in = zip.content(ze)) {
                        visitor.visit(new ArchivedEntry(name, EntryType.FILE, ze.size(), mode, ze.lastModifiedTime(),
                                null), in);
                    }
                }
            }
        }
    }

    /**
     * @param level the deflate level
     * @param e a file
     * @return whether it is deflated: not at level 0, nor when its format is compressed already
     */
    static boolean deflates(int level, UnitEntry e) {
        return level > 0 && !CompressedFormats.isCompressed(e.path());
    }

    /**
     * @param level the deflate level
     * @param e a file
     * @param head the file's first bytes (at least {@link CompressedFormats#SIGNATURE_BYTES} unless it is shorter)
     * @param length how many there are
     * @return whether it is deflated: as {@link #deflates(int, UnitEntry)}, and not when its content starts with
     *         the signature of a compressed format (Plex's posters have no extension)
     */
    static boolean deflates(int level, UnitEntry e, byte[] head, int length) {
        return level > 0 && !CompressedFormats.isCompressed(e.path(), head, length);
    }

    /** @return what {@code workers=auto} means on this machine: one per core, at most {@value #MAX_WORKERS} */
    public static int autoWorkers() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_WORKERS);
    }

    private static int workers(Map<String, String> options) throws IOException {
        String value = options.getOrDefault("workers", DEFAULT_WORKERS).strip();
        if (value.equals("auto")) {
            return autoWorkers();
        }
        try {
            int workers = Integer.parseInt(value);
            if (workers >= 0 && workers <= MAX_WORKERS) {
                return workers;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("zip option 'workers' must be 0-" + MAX_WORKERS + " or auto, was '" + value + "'");
    }

    private static int level(Map<String, String> options) throws IOException {
        String value = options.getOrDefault("level", Integer.toString(DEFAULT_LEVEL));
        try {
            int level = Integer.parseInt(value.strip());
            if (level >= 0 && level <= 9) {
                return level;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("zip option 'level' must be 0-9, was '" + value + "'");
    }

    @Override
    public List<String> checkOptions(Map<String, String> options) {
        List<String> problems = new java.util.ArrayList<>();
        try {
            level(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        try {
            workers(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public String toString() {
        return "ZipArchiver";
    }
}
