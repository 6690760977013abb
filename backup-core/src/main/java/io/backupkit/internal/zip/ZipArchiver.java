package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.CompressedFormats;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.X000A_NTFS;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Zip archives through Commons Compress: UTF-8 names, ZIP64 when an archive passes 65,535 entries or 4 GiB, POSIX
 * mode and link type in the Unix external attributes (so Info-ZIP {@code unzip} restores them), the modification
 * time to the second in the extended-timestamp field, or in the NTFS field for times past 2038 (the exact time is in
 * BackupKit's index). Files whose format is
 * already compressed (images, video, audio, archives, Plex {@code .bif}) are STORED rather than deflated again.
 * Archives are read back entry by entry through {@link ZipStreamReader}, one entry in memory at a time, their
 * content checked against its CRC-32.
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

    private static final int BUFFER = 128 * 1024;
    /** Bytes of archive gathered before they are written: many whole entries of a metadata folder. */
    private static final int WRITE_BUFFER = 1024 * 1024;
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
        byte[] buffer = new byte[BUFFER];
        // buffered: the zip writer writes each entry in many small pieces and seeks back to fill in its sizes
        try (ZipAhead ahead = new ZipAhead(request, level, workers(request.options()));
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(new BufferedWriteChannel(FileChannel.open(
                request.archive(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), WRITE_BUFFER))) {
            zip.setEncoding(StandardCharsets.UTF_8.name());
            zip.setUseLanguageEncodingFlag(true);
            zip.setUseZip64(Zip64Mode.AsNeeded);
            zip.setLevel(level);
            List<UnitEntry> entries = request.entries();
            for (int i = 0; i < entries.size(); i++) {
                UnitEntry e = entries.get(i);
                switch (e.type()) {
                    case DIRECTORY -> {
                        ZipArchiveEntry ze = entry(e.path() + "/", UnixStat.DIR_FLAG | e.mode(), e.mtime());
                        ze.setMethod(ZipEntry.STORED);
                        ze.setSize(0);
                        zip.putArchiveEntry(ze);
                        zip.closeArchiveEntry();
                    }
                    case SYMLINK -> {
                        byte[] target = e.linkTarget().getBytes(StandardCharsets.UTF_8);
                        ZipArchiveEntry ze = entry(e.path(), UnixStat.LINK_FLAG | 0777, e.mtime());
                        ze.setMethod(ZipEntry.STORED);
                        ze.setSize(target.length);
                        zip.putArchiveEntry(ze);
                        zip.write(target);
                        zip.closeArchiveEntry();
                    }
                    case FILE -> {
                        ZipArchiveEntry ze = entry(e.path(), UnixStat.FILE_FLAG | e.mode(), e.mtime());
                        ze.setMethod(deflates(level, e) ? ZipEntry.DEFLATED : ZipEntry.STORED);
                        ZipAhead.Packed packed = ahead.take(i);
                        if (packed == ZipAhead.VANISHED) {
                            continue; // recorded by the engine; the entry is left out
                        }
                        if (packed != null && packed != ZipAhead.TOO_BIG) {
                            ze.setSize(packed.size());
                            ze.setCompressedSize(packed.length());
                            ze.setCrc(packed.crc());
                            zip.addRawArchiveEntry(ze, new ByteArrayInputStream(packed.data(), 0, packed.length()));
                            continue;
                        }
                        InputStream in;
                        try {
                            in = request.open(e);
                        } catch (NoSuchFileException vanished) {
                            continue; // recorded by the engine; the entry is left out
                        }
                        try (in) {
                            zip.putArchiveEntry(ze);
                            int n;
                            while ((n = in.read(buffer)) > 0) {
                                zip.write(buffer, 0, n);
                            }
                            zip.closeArchiveEntry();
                        }
                    }
                    default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
                }
            }
            zip.finish();
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

    private static ZipArchiveEntry entry(String name, int unixMode, FileTime mtime) {
        ZipArchiveEntry ze = new ZipArchiveEntry(name);
        ze.setUnixMode(unixMode);
        ze.setTime(mtime.toMillis());
        long seconds = mtime.to(java.util.concurrent.TimeUnit.SECONDS);
        if (seconds >= Integer.MIN_VALUE && seconds <= Integer.MAX_VALUE) {
            X5455_ExtendedTimestamp ts = new X5455_ExtendedTimestamp();
            ts.setModifyFileTime(mtime);
            ze.addExtraField(ts);
        } else {
            // past 2038 (or before 1901) the Unix extended timestamp cannot hold it: use the NTFS field instead
            X000A_NTFS ntfs = new X000A_NTFS();
            ntfs.setModifyFileTime(mtime);
            ze.addExtraField(ntfs);
        }
        return ze;
    }

    /**
     * @param level the deflate level
     * @param e a file
     * @return whether it is deflated: not at level 0, nor when its format is compressed already
     */
    static boolean deflates(int level, UnitEntry e) {
        return level > 0 && !CompressedFormats.isCompressed(e.path());
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
