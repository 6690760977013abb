package io.backupkit.archivers.sevenz;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.CompressedFormats;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 7z archives through Commons Compress, compressed with LZMA2 by the pure-Java xz library. Each file is compressed
 * on its own (Commons Compress writes no solid blocks), with a dictionary no larger than the file needs. Files whose
 * format is already compressed (images, video, audio, archives, Plex {@code .bif}), known by their extension or the
 * signature their content starts with ({@link CompressedFormats}), are stored with the COPY method.
 * Entries follow the p7zip conventions, so the real {@code 7z x} on Linux restores what was backed up: modification
 * times to 100 ns, POSIX modes in the high 16 bits of the attributes (flag {@code 0x8000}), folders as folder
 * entries, symbolic links as entries whose content is the target and whose mode says {@code S_IFLNK}.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code level}, 0-9 (default {@value #DEFAULT_LEVEL}, as 7-Zip): the xz LZMA2 preset; 0 stores everything;</li>
 *   <li>{@code memoryLimitMiB}, 1-{@value #MAX_MEMORY_LIMIT_MIB} (default {@value #DEFAULT_MEMORY_LIMIT_MIB}): the
 *       most memory reading may use to decode one entry or the archive's header; larger needs are refused before
 *       anything is allocated, so a crafted archive cannot exhaust the heap. Writing refuses an archive that
 *       could not be read back within the limit (a dictionary or a header too large for it).</li>
 * </ul>
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("7z").archiverOption("level", "1")...
 *
 * // or read a 7z archive directly
 * new SevenZArchiver().read(Path.of("backup.7z"), Map.of(), (entry, in) -> System.out.println(entry));
 * }</pre>
 */
public final class SevenZArchiver implements Archiver {

    /** Default compression level: 7-Zip's default ("normal"); xz preset 5, an 8 MiB dictionary. */
    public static final int DEFAULT_LEVEL = 5;

    /**
     * Default memory limit for reading, in MiB. Level 9 (a 64 MiB dictionary, as 7-Zip's "ultra") needs about
     * 64.1 MiB to decode; the limit leaves room for archives written by 7-Zip with dictionaries up to 192 MiB while
     * refusing the gigabyte dictionaries a crafted header may claim.
     */
    public static final int DEFAULT_MEMORY_LIMIT_MIB = 256;

    /** Largest accepted {@code memoryLimitMiB}: 64 GiB. */
    public static final int MAX_MEMORY_LIMIT_MIB = 65_536;

    static final int FILE_ATTRIBUTE_READONLY = 0x1;
    static final int FILE_ATTRIBUTE_DIRECTORY = 0x10;
    static final int FILE_ATTRIBUTE_ARCHIVE = 0x20;
    /** p7zip's flag: the high 16 bits of the attributes hold the Unix {@code st_mode}. */
    static final int FILE_ATTRIBUTE_UNIX_EXTENSION = 0x8000;
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    /**
     * Bytes an entry adds to the header size Commons Compress estimates, and checks against the memory limit,
     * before reading (measured with 1.28.0: 408 for a file compressed on its own; rounded up).
     */
    static final long HEADER_BYTES_PER_ENTRY = 420;

    private static final int BUFFER = 1024 * 1024;
    private static final int MAX_LINK_TARGET = 64 * 1024;
    private static final List<SevenZMethodConfiguration> COPY =
            List.of(new SevenZMethodConfiguration(SevenZMethod.COPY));

    /** Used by {@link java.util.ServiceLoader}. */
    public SevenZArchiver() {
    }

    @Override
    public String id() {
        return "7z";
    }

    @Override
    public String extension() {
        return "7z";
    }

    @Override
    public Map<String, String> defaultOptions() {
        return Map.of("level", Integer.toString(DEFAULT_LEVEL),
                "memoryLimitMiB", Integer.toString(DEFAULT_MEMORY_LIMIT_MIB));
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        int level = level(request.options());
        int limitMiB = memoryLimitMiB(request.options());
        checkReadable(request.entries(), level, limitMiB);
        byte[] buffer = new byte[BUFFER];
        SeekableByteChannel channel = Files.newByteChannel(request.archive(), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        boolean finished = false;
        try {
            SevenZOutputFile out = new SevenZOutputFile(channel);
            out.setContentMethods(COPY);
            for (UnitEntry e : request.entries()) {
                switch (e.type()) {
                    case DIRECTORY -> {
                        SevenZArchiveEntry ze = entry(e.path(), S_IFDIR | (e.mode() & 07777), e.mtime());
                        ze.setDirectory(true);
                        out.putArchiveEntry(ze);
                        out.closeArchiveEntry();
                    }
                    case SYMLINK -> {
                        SevenZArchiveEntry ze = entry(e.path(), S_IFLNK | 0777, e.mtime());
                        out.putArchiveEntry(ze);
                        out.write(e.linkTarget().getBytes(StandardCharsets.UTF_8));
                        out.closeArchiveEntry();
                    }
                    case FILE -> {
                        InputStream in;
                        try {
                            in = request.open(e);
                        } catch (NoSuchFileException vanished) {
                            continue; // recorded by the engine; the entry is left out
                        }
                        try (in) {
                            SevenZArchiveEntry ze = entry(e.path(), S_IFREG | (e.mode() & 07777), e.mtime());
                            // the first buffer is read before the method is chosen: a poster named by hash is a
                            // JPEG all the same
                            int n = in.readNBytes(buffer, 0, buffer.length);
                            if (compresses(level, e, buffer, n)) {
                                ze.setContentMethods(lzma2(level, e.size()));
                            }
                            out.putArchiveEntry(ze);
                            while (n > 0) {
                                out.write(buffer, 0, n);
                                n = in.read(buffer);
                            }
                            out.closeArchiveEntry();
                        }
                    }
                    default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
                }
            }
            out.finish();
            out.close();
            finished = true;
        } finally {
            if (!finished) {
                channel.close(); // no header for a failed archive: the engine deletes it
            }
        }
    }

    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        int limitMiB = memoryLimitMiB(options);
        SevenZFile file;
        try {
            file = SevenZFile.builder().setPath(archive).setMaxMemoryLimitKiB(limitMiB * 1024).get();
        } catch (IOException | RuntimeException e) {
            throw damaged(archive, null, limitMiB, e);
        }
        try (file) {
            while (true) {
                SevenZArchiveEntry ze;
                try {
                    ze = file.getNextEntry();
                } catch (IOException | RuntimeException e) {
                    throw damaged(archive, null, limitMiB, e);
                }
                if (ze == null) {
                    return;
                }
                String name = ze.getName() == null ? "" : ze.getName();
                int unixMode = ze.getHasWindowsAttributes()
                        && (ze.getWindowsAttributes() & FILE_ATTRIBUTE_UNIX_EXTENSION) != 0
                        ? ze.getWindowsAttributes() >>> 16 : 0;
                int typeBits = unixMode & S_IFMT;
                int mode = unixMode == 0 ? -1 : unixMode & 07777;
                FileTime mtime = ze.getHasLastModifiedDate() ? ze.getLastModifiedTime() : null;
                EntryStream content = new EntryStream(file, archive, name, limitMiB);
                try {
                    if (ze.isAntiItem()) {
                        visitor.visit(new ArchivedEntry(name, EntryType.OTHER, 0, mode, mtime, null),
                                InputStream.nullInputStream());
                    } else if (ze.isDirectory()) {
                        EntryType type = typeBits == 0 || typeBits == S_IFDIR ? EntryType.DIRECTORY : EntryType.OTHER;
                        visitor.visit(new ArchivedEntry(name, type, 0, mode, mtime, null),
                                InputStream.nullInputStream());
                    } else if (typeBits == S_IFLNK) {
                        byte[] target = content.readNBytes(MAX_LINK_TARGET + 1);
                        if (target.length > MAX_LINK_TARGET) {
                            throw new IOException("link '" + name + "' in 7z archive " + archive
                                    + " has a target of more than " + MAX_LINK_TARGET + " bytes");
                        }
                        visitor.visit(new ArchivedEntry(name, EntryType.SYMLINK, 0, mode, mtime,
                                new String(target, StandardCharsets.UTF_8)), InputStream.nullInputStream());
                    } else if (typeBits != 0 && typeBits != S_IFREG) {
                        visitor.visit(new ArchivedEntry(name, EntryType.OTHER, ze.getSize(), mode, mtime, null),
                                InputStream.nullInputStream());
                    } else {
                        visitor.visit(new ArchivedEntry(name, EntryType.FILE, ze.getSize(), mode, mtime, null),
                                content);
                    }
                } finally {
                    content.valid = false;
                }
            }
        }
    }

    /**
     * @return the attributes p7zip writes: folder or archive bit, read-only when the owner cannot write, and the
     *         Unix {@code st_mode} in the high 16 bits
     */
    static int attributes(int unixMode) {
        int attributes = ((unixMode & S_IFMT) == S_IFDIR ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE)
                | FILE_ATTRIBUTE_UNIX_EXTENSION | (unixMode & 0xFFFF) << 16;
        return (unixMode & 0200) == 0 ? attributes | FILE_ATTRIBUTE_READONLY : attributes;
    }

    private static SevenZArchiveEntry entry(String name, int unixMode, FileTime mtime) {
        SevenZArchiveEntry ze = new SevenZArchiveEntry();
        ze.setName(name);
        ze.setLastModifiedTime(mtime);
        ze.setWindowsAttributes(attributes(unixMode));
        ze.setHasWindowsAttributes(true);
        return ze;
    }

    /**
     * @param head the file's first bytes
     * @param length how many there are
     * @return whether the file is compressed with LZMA2: not at level 0, nor when its name's extension or its
     *         content's signature says its format is compressed already ({@link CompressedFormats})
     */
    static boolean compresses(int level, UnitEntry e, byte[] head, int length) {
        return level > 0 && !CompressedFormats.isCompressed(e.path(), head, length);
    }

    /**
     * The level's LZMA2 preset, its dictionary cut to the smallest power of two that holds the file as listed: each
     * file is compressed alone, so a larger dictionary only costs memory (the encoder allocates eight to twelve
     * times its size) and time. A file that grew since the walk is still compressed correctly, with the smaller dictionary.
     */
    private static SevenZMethodConfiguration lzma2(int level, long size) throws IOException {
        LZMA2Options options = preset(level);
        options.setDictSize(dictionary(options.getDictSize(), size));
        return new SevenZMethodConfiguration(SevenZMethod.LZMA2, options);
    }

    static int dictionary(int presetDictionary, long size) {
        if (size >= presetDictionary) {
            return presetDictionary;
        }
        // LZMA2 records 2^n or 3 * 2^(n-1): a power of two is stored exactly
        return size <= LZMA2Options.DICT_SIZE_MIN ? LZMA2Options.DICT_SIZE_MIN
                : Math.min(presetDictionary, Integer.highestOneBit((int) size - 1) << 1);
    }

    private static LZMA2Options preset(int level) throws IOException {
        try {
            return new LZMA2Options(level);
        } catch (UnsupportedOptionsException e) {
            throw new IOException("7z option 'level' " + level + " has no LZMA2 preset", e);
        }
    }

    /**
     * Refuses to write an archive that {@link #read} would refuse under the same memory limit: the header estimate
     * Commons Compress checks (about {@value #HEADER_BYTES_PER_ENTRY} bytes an entry), and the largest dictionary.
     */
    private static void checkReadable(List<UnitEntry> entries, int level, int limitMiB) throws IOException {
        long limitKiB = limitMiB * 1024L;
        long headerKiB = entries.size() * HEADER_BYTES_PER_ENTRY / 1024;
        if (headerKiB > limitKiB) {
            throw new IOException("a 7z archive of " + entries.size() + " entries needs about "
                    + (headerKiB + 1023) / 1024 + " MiB to read its header back, more than option 'memoryLimitMiB' "
                    + limitMiB + " allows; raise memoryLimitMiB to at least " + (headerKiB + 1023) / 1024);
        }
        if (level == 0) {
            return;
        }
        int presetDictionary = preset(level).getDictSize();
        for (UnitEntry e : entries) {
            if (e.type() == EntryType.FILE && !CompressedFormats.isCompressed(e.path())) {
                int dictionary = dictionary(presetDictionary, e.size());
                long neededKiB = LZMA2InputStream.getMemoryUsage(dictionary);
                if (neededKiB > limitKiB) {
                    throw new IOException("7z option 'level' " + level + " compresses '" + e.path() + "' with a "
                            + (dictionary >> 20) + " MiB dictionary, which needs " + (neededKiB + 1023) / 1024
                            + " MiB to read back, more than option 'memoryLimitMiB' " + limitMiB
                            + " allows; raise memoryLimitMiB or lower the level");
                }
            }
        }
    }

    /**
     * Checks the option values when the plan is built, with the same rules (and messages) as {@link #write}.
     *
     * @param options the plan's options merged over the defaults
     * @return one message per bad value, or nothing
     */
    @Override
    public List<String> checkOptions(Map<String, String> options) {
        List<String> problems = new ArrayList<>();
        try {
            level(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        try {
            memoryLimitMiB(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static int level(Map<String, String> options) throws IOException {
        return intOption(options, "level", DEFAULT_LEVEL, 0, 9);
    }

    static int memoryLimitMiB(Map<String, String> options) throws IOException {
        return intOption(options, "memoryLimitMiB", DEFAULT_MEMORY_LIMIT_MIB, 1, MAX_MEMORY_LIMIT_MIB);
    }

    private static int intOption(Map<String, String> options, String name, int fallback, int min, int max)
            throws IOException {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("7z option '" + name + "' must be a whole number " + min + "-" + max + ", was '"
                + value + "'");
    }

    /** Describes a failure of the archive itself (not of the visitor) as an {@link IOException}. */
    private static IOException damaged(Path archive, String entry, int limitMiB, Exception e) {
        String where = "7z archive " + archive + (entry == null ? "" : ", entry '" + entry + "'");
        if (e instanceof MemoryLimitException m) {
            return new IOException(where + " needs " + (m.getMemoryNeededInKb() + 1023) / 1024
                    + " MiB of memory to decode, more than option 'memoryLimitMiB' " + limitMiB
                    + " allows; raise the limit only for an archive you trust", e);
        }
        if (e instanceof EOFException) {
            return new IOException(where + " ends early: the archive is truncated", e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new IOException(where + " cannot be read, it is damaged or not a 7z archive: " + message, e);
    }

    /** The current entry's content, valid during one visit; failures name the archive and the entry. */
    private static final class EntryStream extends InputStream {
        private final SevenZFile file;
        private final Path archive;
        private final String name;
        private final int limitMiB;
        private boolean valid = true;

        EntryStream(SevenZFile file, Path archive, String name, int limitMiB) {
            this.file = file;
            this.archive = archive;
            this.name = name;
            this.limitMiB = limitMiB;
        }

        @Override
        public int read() throws IOException {
            check();
            try {
                return file.read();
            } catch (IOException | RuntimeException e) {
                throw damaged(archive, name, limitMiB, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            if (len == 0) {
                return 0;
            }
            try {
                return file.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw damaged(archive, name, limitMiB, e);
            }
        }

        private void check() throws IOException {
            if (!valid) {
                throw new IOException("the content of '" + name + "' in " + archive
                        + " can only be read while its entry is visited");
            }
        }
    }

    @Override
    public String toString() {
        return "SevenZArchiver";
    }
}
