package io.backupkit.archivers.tar;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver.EntryVisitor;
import io.backupkit.spi.EntryType;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a tar archive, plain or compressed with gzip (concatenated members too), xz or Zstandard, recognised by its
 * magic bytes, and hands every entry to a visitor in the order stored, with names exactly as stored.
 *
 * <pre>{@code
 * TarReader.read(Path.of("unit.tar.zst"), TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB, (entry, in) -> { ... });
 * }</pre>
 *
 * <p>Commons Compress strips a leading {@code /} from names that come from a pax {@code path} header or a GNU long
 * name; this reader keeps the raw header bytes of those entries and reports the name as stored, so the engine sees
 * (and refuses) absolute names. Against hostile archives: the xz decoder's memory is limited, the zstd window is
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

    private TarReader() {
    }

    /**
     * @param archive the archive
     * @param xzMemoryLimitMiB the most memory the xz decoder may use
     * @param visitor receives each entry
     * @throws IOException if the archive is damaged or truncated, or the visitor throws
     */
    static void read(Path archive, int xzMemoryLimitMiB, EntryVisitor visitor) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), INPUT_BUFFER);
             InputStream data = decompress(archive, file, xzMemoryLimitMiB);
             HeaderBudget budget = new HeaderBudget(data);
             RawNameTarInputStream tar = new RawNameTarInputStream(budget)) {
            while (true) {
                TarArchiveEntry te;
                try {
                    te = tar.getNextEntry();
                } catch (IOException | RuntimeException e) {
                    throw damaged(archive, tar.lastName() == null ? "at its first entry"
                            : "after '" + tar.lastName() + "'", e, xzMemoryLimitMiB);
                }
                if (te == null) {
                    break;
                }
                String name = tar.rawName(te);
                EntryType type = type(te, name);
                int mode = te.getMode() & 07777;
                if (type == EntryType.FILE) {
                    EntryContent content = new EntryContent(archive, name, tar, xzMemoryLimitMiB);
                    try {
                        visitor.visit(new ArchivedEntry(name, type, te.isSparse() ? te.getRealSize() : te.getSize(),
                                mode, te.getLastModifiedTime(), null), content);
                    } finally {
                        content.open = false;
                    }
                } else {
                    String link = type == EntryType.SYMLINK || type == EntryType.HARDLINK ? te.getLinkName() : null;
                    visitor.visit(new ArchivedEntry(name, type, te.getSize(), mode, te.getLastModifiedTime(), link),
                            InputStream.nullInputStream());
                }
            }
            if (!tar.sawEndMarker()) {
                throw new EOFException("tar archive " + archive + " is truncated: it ends "
                        + (tar.lastName() == null ? "before its first entry" : "after '" + tar.lastName() + "'")
                        + " without tar's end-of-archive marker");
            }
            try {
                // the rest (block padding) is read too, so the compressed stream's own checksum is checked
                data.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                throw damaged(archive, "after its end-of-archive marker", e, xzMemoryLimitMiB);
            }
        }
    }

    private static EntryType type(TarArchiveEntry te, String name) {
        return switch (te.getLinkFlag()) {
            case TarConstants.LF_SYMLINK -> EntryType.SYMLINK;
            case TarConstants.LF_LINK -> EntryType.HARDLINK;
            case TarConstants.LF_DIR, 'D' /* GNU dumpdir: a folder with a listing */ -> EntryType.DIRECTORY;
            // pre-POSIX archives mark folders by a trailing slash only, as GNU tar still reads them
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG,
                    TarConstants.LF_GNUTYPE_SPARSE -> name.endsWith("/") && te.getRealSize() == 0
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
        private final TarArchiveInputStream tar;
        private final int xzMemoryLimitMiB;
        private boolean open = true;

        EntryContent(Path archive, String name, TarArchiveInputStream tar, int xzMemoryLimitMiB) {
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
        public long skip(long n) throws IOException {
            check();
            try {
                return tar.skip(n);
            } catch (IOException | RuntimeException e) {
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

    /**
     * Counts what the tar parser reads while it parses one entry's headers, and fails past
     * {@link #MAX_HEADER_BYTES}, so a crafted pax header, GNU long name or sparse map cannot exhaust memory.
     */
    private static final class HeaderBudget extends InputStream {
        private final InputStream in;
        private boolean counting;
        private long left;

        HeaderBudget(InputStream in) {
            this.in = in;
        }

        void start() {
            counting = true;
            left = MAX_HEADER_BYTES;
        }

        void stop() {
            counting = false;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                spend(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                spend(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            if (skipped > 0) {
                spend(skipped);
            }
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private void spend(long n) throws IOException {
            if (counting) {
                left -= n;
                if (left < 0) {
                    throw new IOException("the headers of one entry exceed " + MAX_HEADER_BYTES / (1024 * 1024)
                            + " MiB");
                }
            }
        }
    }

    /**
     * Commons Compress's tar reader, keeping what it normalises: the raw {@code path} of pax headers and the raw
     * GNU long names, and whether the archive ended with tar's end-of-archive marker.
     */
    private static final class RawNameTarInputStream extends TarArchiveInputStream {
        private final HeaderBudget budget;
        private final List<byte[]> paxHeaders = new ArrayList<>();
        private final List<byte[]> longNames = new ArrayList<>();
        private final byte[] skipBuffer = new byte[64 * 1024];
        private ByteArrayOutputStream capture;
        private TarArchiveEntry captured;
        private int depth;
        private boolean sawEndMarker;
        private String lastName;

        RawNameTarInputStream(HeaderBudget budget) {
            super(budget, StandardCharsets.UTF_8.name());
            this.budget = budget;
        }

        boolean sawEndMarker() {
            return sawEndMarker;
        }

        /** @return the name of the last entry returned, or {@code null} before the first */
        String lastName() {
            return lastName;
        }

        @Override
        public TarArchiveEntry getNextEntry() throws IOException {
            if (depth >= MAX_HEADER_CHAIN) {
                throw new IOException("more than " + MAX_HEADER_CHAIN + " extended headers in a row");
            }
            if (depth > 0) {
                depth++;
                try {
                    return super.getNextEntry();
                } finally {
                    depth--;
                }
            }
            // the rest of the previous entry is skipped here, so only header bytes count against the budget
            if (getCurrentEntry() != null) {
                while (read(skipBuffer, 0, skipBuffer.length) >= 0) {
                    // skipping what the visitor left unread
                }
            }
            paxHeaders.clear();
            longNames.clear();
            budget.start();
            depth++;
            try {
                TarArchiveEntry entry = super.getNextEntry();
                endCapture();
                if (entry != null) {
                    checkSum(entry);
                    lastName = rawName(entry);
                }
                return entry;
            } finally {
                depth--;
                budget.stop();
                capture = null;
                captured = null;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && depth > 0) {
                TarArchiveEntry current = getCurrentEntry();
                if (current != null && (current.isPaxHeader() || current.isGNULongNameEntry())) {
                    if (current != captured) {
                        checkSum(current);
                        endCapture();
                        captured = current;
                        capture = new ByteArrayOutputStream();
                    }
                    capture.write(b, off, n);
                }
            }
            return n;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null && isEOFRecord(record)) {
                sawEndMarker = true;
            }
            return record;
        }

        /** Commons Compress records a wrong header checksum but reads on; GNU tar refuses such a header. */
        private static void checkSum(TarArchiveEntry entry) throws IOException {
            if (!entry.isCheckSumOK()) {
                throw new IOException("the header of '" + entry.getName() + "' has a wrong checksum");
            }
        }

        private void endCapture() {
            if (captured != null) {
                (captured.isPaxHeader() ? paxHeaders : longNames).add(capture.toByteArray());
                captured = null;
                capture = null;
            }
        }

        /**
         * @return the entry's name as stored: Commons Compress's name, or the raw pax path or GNU long name it was
         *         made from when Commons Compress stripped leading slashes (or, on Windows, changed separators)
         */
        String rawName(TarArchiveEntry entry) {
            String name = entry.getName();
            List<String> candidates = new ArrayList<>();
            for (byte[] pax : paxHeaders) {
                String path = paxPath(pax);
                if (path != null) {
                    candidates.add(path);
                }
            }
            for (byte[] longName : longNames) {
                int end = longName.length;
                while (end > 0 && longName[end - 1] == 0) {
                    end--;
                }
                candidates.add(new String(longName, 0, end, StandardCharsets.UTF_8));
            }
            for (String raw : candidates) {
                if (raw.equals(name)) {
                    return raw;
                }
            }
            for (String raw : candidates) {
                String normalised = raw.replace(File.separatorChar, '/');
                while (normalised.startsWith("/")) {
                    normalised = normalised.substring(1);
                }
                if (normalised.equals(name) || (normalised + "/").equals(name)) {
                    return raw;
                }
            }
            return name;
        }

        /** @return the last {@code path} record of a pax header, or {@code null} */
        private static String paxPath(byte[] pax) {
            String path = null;
            int at = 0;
            while (at < pax.length) {
                int space = at;
                long length = 0;
                while (space < pax.length && pax[space] >= '0' && pax[space] <= '9' && length < pax.length) {
                    length = length * 10 + (pax[space] - '0');
                    space++;
                }
                if (space >= pax.length || pax[space] != ' ' || length <= space - at || at + length > pax.length) {
                    break; // not a record (Commons Compress has refused malformed headers already)
                }
                int end = (int) (at + length);
                int equals = space + 1;
                while (equals < end && pax[equals] != '=') {
                    equals++;
                }
                if (equals < end && end - 1 > equals && pax[end - 1] == '\n') {
                    String key = new String(pax, space + 1, equals - space - 1, StandardCharsets.UTF_8);
                    if (key.equals("path")) {
                        path = new String(Arrays.copyOfRange(pax, equals + 1, end - 1), StandardCharsets.UTF_8);
                    }
                }
                at = end;
            }
            return path;
        }
    }
}
