package io.backupkit.archivers.tar;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver.EntryVisitor;
import io.backupkit.spi.EntryType;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a tar archive, plain or compressed with gzip (concatenated members too), xz or Zstandard, recognised by its
 * magic bytes, and hands every entry to a visitor in the order stored, with names exactly as stored.
 *
 * <pre>{@code
 * TarReader.read(Path.of("unit.tar.zst"), TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB, (entry, in) -> { ... });
 * }</pre>
 *
 * <p>The tar stream itself is parsed by {@link TarParser}, which reports names as stored (a leading {@code /} is
 * kept, so the engine sees and refuses absolute names). Against hostile archives: the xz decoder's memory is limited, the zstd window is
 * limited to {@value #ZSTD_WINDOW_LOG_MAX} (128 MiB, what the {@code zstd} tool accepts without {@code --long}), the
 * headers of one entry may not exceed {@value #MAX_HEADER_BYTES} bytes nor chain more than
 * {@value #MAX_HEADER_CHAIN} extended headers, and an archive that ends before tar's end-of-archive marker, or whose
 * compressed stream is damaged, fails with an {@link IOException} naming the archive.
 */
final class TarReader {

    /** Default xz decoder memory limit; xz's largest preset (9) needs 65 MiB. */
    static final int DEFAULT_XZ_MEMORY_LIMIT_MIB = 256;

    /** Largest zstd window accepted when reading: 2^27 bytes, 128 MiB (zstd's own default decoding limit). */
    static final int ZSTD_WINDOW_LOG_MAX = 27;

    /** The most header bytes (pax, GNU long names, sparse maps) one entry may have. */
    static final int MAX_HEADER_BYTES = 8 * 1024 * 1024;

    /** The most extended headers one entry may chain (one pax and two GNU headers are usual). */
    static final int MAX_HEADER_CHAIN = 32;

    private static final int INPUT_BUFFER = 256 * 1024;

    /** Between the decompressor and the parser: headers are read 512 bytes at a time, content in large reads. */
    private static final int HEADER_BUFFER = 64 * 1024;

    private TarReader() {
    }

    /**
     * @param archive the archive
     * @param xzMemoryLimitMiB the most memory the xz decoder may use
     * @param visitor receives each entry
     * @throws IOException if the archive is damaged or truncated, or the visitor throws
     */
    static void read(Path archive, int xzMemoryLimitMiB, EntryVisitor visitor) throws IOException {
        try (InputStream file = Files.newInputStream(archive)) {
            read(archive, file, xzMemoryLimitMiB, visitor);
        }
    }

    /**
     * Reads an archive from its bytes; {@code bytes} is read up to the end of the compressed stream (or of the tar
     * stream) and is not closed.
     *
     * @param archive the archive, for messages
     * @param bytes its bytes, from the first
     * @param xzMemoryLimitMiB the most memory the xz decoder may use
     * @param visitor receives each entry
     * @throws IOException if the archive is damaged or truncated, or the visitor throws
     */
    static void read(Path archive, InputStream bytes, int xzMemoryLimitMiB, EntryVisitor visitor)
            throws IOException {
        try (InputStream file = new BufferedInputStream(new java.io.FilterInputStream(bytes) {
                @Override
                public void close() {
                    // the caller's stream: it reads what is left, and closes it
                }
            }, INPUT_BUFFER);
             InputStream data = decompress(archive, file, xzMemoryLimitMiB);
             InputStream buffered = new BufferedInputStream(data, HEADER_BUFFER)) {
            TarParser tar = new TarParser(buffered);
            String lastName = null;
            while (true) {
                TarParser.Header h;
                try {
                    h = tar.next();
                } catch (IOException | RuntimeException e) {
                    throw damaged(archive, lastName == null ? "at its first entry" : "after '" + lastName + "'", e,
                            xzMemoryLimitMiB);
                }
                if (h == null) {
                    break;
                }
                String name = h.name();
                lastName = name;
                EntryType type = type(h.type(), name, h.size());
                if (type == EntryType.FILE) {
                    EntryContent content = new EntryContent(archive, name, tar, xzMemoryLimitMiB);
                    try {
                        visitor.visit(new ArchivedEntry(name, type, h.size(), h.mode(), h.mtime(), null), content);
                    } finally {
                        content.open = false;
                    }
                } else {
                    String link = type == EntryType.SYMLINK || type == EntryType.HARDLINK ? h.linkName() : null;
                    visitor.visit(new ArchivedEntry(name, type, h.size(), h.mode(), h.mtime(), link),
                            InputStream.nullInputStream());
                }
            }
            if (!tar.sawEndMarker()) {
                throw new EOFException("tar archive " + archive + " is truncated: it ends "
                        + (lastName == null ? "before its first entry" : "after '" + lastName + "'")
                        + " without tar's end-of-archive marker");
            }
            try {
                // the rest (block padding) is read too, so the compressed stream's own checksum is checked
                buffered.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                throw damaged(archive, "after its end-of-archive marker", e, xzMemoryLimitMiB);
            }
        }
    }

    private static EntryType type(byte flag, String name, long size) {
        return switch (flag) {
            case TarConstants.LF_SYMLINK -> EntryType.SYMLINK;
            case TarConstants.LF_LINK -> EntryType.HARDLINK;
            case TarConstants.LF_DIR, 'D' /* GNU dumpdir: a folder with a listing */ -> EntryType.DIRECTORY;
            // pre-POSIX archives mark folders by a trailing slash only, as GNU tar still reads them
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG,
                    TarConstants.LF_GNUTYPE_SPARSE -> name.endsWith("/") && size == 0
                    ? EntryType.DIRECTORY : EntryType.FILE;
            default -> EntryType.OTHER; // devices, FIFOs, volume labels, anything unknown
        };
    }

    /** Recognises the compression by its magic bytes. */
    private static InputStream decompress(Path archive, InputStream in, int xzMemoryLimitMiB) throws IOException {
        in.mark(8);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length == 0) {
            throw new EOFException("tar archive " + archive + " is empty");
        }
        try {
            if (startsWith(magic, 0x1f, 0x8b)) {
                return new GZIPInputStream(in, INPUT_BUFFER);
            }
            if (startsWith(magic, 0xfd, '7', 'z', 'X', 'Z', 0)) {
                return new XZInputStream(in, xzMemoryLimitMiB * 1024);
            }
            boolean skippableFrame = magic.length >= 4 && (magic[0] & 0xf0) == 0x50
                    && startsWith(magic, magic[0] & 0xff, 0x2a, 0x4d, 0x18); // as pzstd writes first
            if (startsWith(magic, 0x28, 0xb5, 0x2f, 0xfd) || skippableFrame) {
                return zstd(in);
            }
        } catch (IOException | RuntimeException e) {
            throw damaged(archive, "at its start", e, xzMemoryLimitMiB);
        }
        if (startsWith(magic, 'B', 'Z', 'h')) {
            throw new IOException("tar archive " + archive + " is compressed with bzip2, which BackupKit does not read;"
                    + " it reads plain, gzip, xz and zstd tar archives");
        }
        return in;
    }

    private static InputStream zstd(InputStream in) throws IOException {
        try {
            return new ZstdInputStreamNoFinalizer(in).setLongMax(ZSTD_WINDOW_LOG_MAX);
        } catch (LinkageError e) {
            throw new IOException("zstd is not available on this platform (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "): " + e, e);
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Wraps a failure of the archive (not of the visitor) with the archive's name and a readable reason. */
    static IOException damaged(Path archive, String where, Throwable e, int xzMemoryLimitMiB) {
        if (e instanceof MemoryLimitException m) {
            return new IOException("tar archive " + archive + " needs " + (m.getMemoryNeeded() / 1024 + 1)
                    + " MiB to decompress (xz), more than the memoryLimitMiB option allows (" + xzMemoryLimitMiB
                    + " MiB)", e);
        }
        if (e instanceof ZstdIOException z && z.getErrorCode() == Zstd.errFrameParameterWindowTooLarge()) {
            return new IOException("tar archive " + archive + " uses a zstd window larger than the "
                    + (1 << (ZSTD_WINDOW_LOG_MAX - 20)) + " MiB BackupKit accepts (window log "
                    + ZSTD_WINDOW_LOG_MAX + ")", e);
        }
        String reason = e.getMessage() == null || e.getMessage().isBlank()
                ? (e instanceof EOFException ? "unexpected end of data" : e.getClass().getSimpleName())
                : e.getMessage();
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && !reason.contains(e.getCause().getMessage())) {
            reason += ": " + e.getCause().getMessage();
        }
        IOException out = e instanceof EOFException
                ? new EOFException("tar archive " + archive + " is damaged or truncated " + where + ": " + reason)
                : new IOException("tar archive " + archive + " is damaged or truncated " + where + ": " + reason);
        out.initCause(e);
        return out;
    }

    /** One file's content, valid during its visit only; closing it does not close the archive. */
    private static final class EntryContent extends InputStream {
        private final Path archive;
        private final String name;
        private final TarParser tar;
        private final int xzMemoryLimitMiB;
        private boolean open = true;

        EntryContent(Path archive, String name, TarParser tar, int xzMemoryLimitMiB) {
            this.archive = archive;
            this.name = name;
            this.tar = tar;
            this.xzMemoryLimitMiB = xzMemoryLimitMiB;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            try {
                return tar.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                if (e instanceof IndexOutOfBoundsException) {
                    throw e;
                }
                throw damaged(archive, "in '" + name + "'", e, xzMemoryLimitMiB);
            }
        }

        @Override
        public int available() throws IOException {
            return open ? tar.available() : 0;
        }

        @Override
        public void close() {
            // the archive stays open for the next entry
        }

        private void check() throws IOException {
            if (!open) {
                throw new IOException("the content of '" + name + "' in " + archive
                        + " can only be read while its entry is visited");
            }
        }
    }
}
