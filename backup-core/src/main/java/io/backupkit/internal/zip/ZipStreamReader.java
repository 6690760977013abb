package io.backupkit.internal.zip;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.util.zip.Inflater;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import java.util.zip.ZipException;

/**
 * Reads a zip archive entry by entry, in the order of its central directory, holding one entry at a time: memory
 * does not grow with the number of entries (a zip reader that builds every entry first held 770 MB for 300,000).
 * The central directory is found from the end records ({@link ZipCentralDirectory#locate}, ZIP64 included) and
 * streamed header by header ({@link CentralHeaders}); each entry's content is found from its own local header, so
 * content read only in part does not disturb the next entry. Sizes, CRC-32 and times come from the central
 * directory, which makes entries written with data descriptors (by a writer that could not seek) readable too.
 *
 * <p>Content is readable for methods 0 (stored), 8 (deflated, through one {@link Inflater} reused for the whole
 * archive and ended on {@link #close()}), and, for archives of other tools, 9 (Deflate64, which Windows uses for large
 * files) and 12 (bzip2), through Commons Compress's decoders; read to its end, its CRC-32 and size are checked against the central
 * directory. Encrypted entries and other methods are refused when their content is asked for. A damaged archive
 * (end records, headers or offsets that do not fit the file, bad signatures) fails with a {@link ZipException}
 * naming the archive, and the entry where one is known.
 *
 * <pre>{@code
 * try (ZipStreamReader zip = ZipStreamReader.open(archive)) {
 *     for (ZipStreamReader.Entry e = zip.next(); e != null; e = zip.next()) {
 *         try (InputStream in = zip.content(e)) { ... }
 *     }
 * }
 * }</pre>
 */
final class ZipStreamReader implements Closeable {

    /** Compression method 0: the content as it is. */
    static final int STORED = 0;
    /** Compression method 8: raw deflate. */
    static final int DEFLATED = 8;
    /** Compression method 9: Deflate64. */
    static final int DEFLATE64 = 9;
    /** Compression method 12: bzip2. */
    static final int BZIP2 = 12;

    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int LOCAL_FIXED = 30;
    private static final int BUFFER = 64 * 1024;

    private final Path archive;
    private final FileChannel channel;
    private final ZipCentralDirectory.Location at;
    private final CentralHeaders headers;
    private final ChannelInput data;
    private final byte[] local = new byte[LOCAL_FIXED];
    private final Inflater inflater;
    private Entry current;
    private EntryContent content;

    /**
     * One central directory entry.
     *
     * @param name the entry's name as stored (a folder's ends with {@code /})
     * @param method the compression method
     * @param crc the CRC-32 of the content
     * @param compressedSize the size of the stored data
     * @param size the content's size
     * @param localHeaderOffset the file position of the entry's local header
     * @param versionMadeBy the version-made-by field: the platform in the high byte (3 = Unix)
     * @param externalAttributes the external attributes: the Unix mode in the high 16 bits on Unix
     * @param flags the general purpose bit flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name)
     * @param lastModifiedTime the modification time, from the NTFS or extended-timestamp field, else the DOS time
     */
    record Entry(String name, int method, long crc, long compressedSize, long size, long localHeaderOffset,
                 int versionMadeBy, long externalAttributes, int flags, FileTime lastModifiedTime) {

        /** Platform number of Unix in the version-made-by field. */
        static final int PLATFORM_UNIX = 3;

        /** @return the platform the entry was made on, as Commons Compress reads it (high byte, low nibble) */
        int platform() {
            return (versionMadeBy >> 8) & 0x0f;
        }

        /** @return the Unix mode with its type bits, or 0 when the entry was not made on Unix */
        int unixMode() {
            return platform() == PLATFORM_UNIX ? (int) ((externalAttributes >> 16) & 0xffff) : 0;
        }

        /** @return whether the entry's content is encrypted (general purpose bit 0) */
        boolean encrypted() {
            return (flags & 1) != 0;
        }
    }

    private ZipStreamReader(Path archive, FileChannel channel, ZipCentralDirectory.Location at) {
        this.archive = archive;
        this.channel = channel;
        this.at = at;
        this.headers = new CentralHeaders(channel, archive, at);
        this.data = new ChannelInput(channel, archive, BUFFER);
        this.inflater = new Inflater(true);
    }

    /**
     * @param archive a zip archive
     * @return a reader positioned before its first entry
     * @throws ZipException if the archive has no end record, or its end records do not fit the file
     * @throws IOException if the file cannot be opened or read
     */
    static ZipStreamReader open(Path archive) throws IOException {
        FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ);
        try {
            ZipCentralDirectory.Location at = ZipCentralDirectory.locate(channel, archive);
            if (at == null) {
                throw new ZipException(archive + " is not a zip archive, or is cut short: it has no "
                        + "end-of-central-directory record");
            }
            return new ZipStreamReader(archive, channel, at);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Moves to the next entry; the content stream of the one before stops working.
     *
     * @return the next entry in central directory order, or {@code null} after the last
     * @throws ZipException if its central directory header is damaged or its local header offset lies past the
     *         central directory
     * @throws IOException if the archive cannot be read
     */
    Entry next() throws IOException {
        detach();
        current = null;
        try {
            if (!headers.next()) {
                return null;
            }
            String name = headers.name();
            long offset = headers.localHeaderOffset();
            if (offset > at.offset() - LOCAL_FIXED) {
                throw new ZipException("'" + name + "' in " + archive + " is damaged: its local header offset "
                        + offset + " lies past the start of the central directory at byte " + at.offset());
            }
            current = new Entry(name, headers.method(), headers.crc(), headers.compressedSize(), headers.size(),
                    offset, headers.versionMadeBy(), headers.externalAttributes(), headers.flags(),
                    ZipExtraFields.modifiedTime(headers.extra(), headers.extraLength(), headers.dosTime()));
            return current;
        } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException
                 | DateTimeException e) {
            ZipException damaged = new ZipException(archive + " is damaged: the central directory header at byte "
                    + headers.headerAt() + " cannot be read (" + e + ")");
            damaged.initCause(e);
            throw damaged;
        }
    }

    /**
     * Opens the content of the current entry, positioned from its local header. The stream checks the CRC-32 and
     * size when read to its end, and works until {@link #next()} or {@link #close()}; closing it is optional.
     *
     * @param entry the entry {@link #next()} returned last
     * @return its content, inflated
     * @throws ZipException if the entry is encrypted, uses a method other than stored or deflated, or its local
     *         header or data do not lie where the central directory says
     * @throws IOException if the archive cannot be read
     * @throws IllegalStateException if {@code entry} is not the current entry
     */
    InputStream content(Entry entry) throws IOException {
        if (entry == null || entry != current) {
            throw new IllegalStateException("content of an entry other than the current one of " + archive);
        }
        detach();
        String name = entry.name();
        if (entry.encrypted()) {
            throw new ZipException("'" + name + "' in " + archive + " is encrypted; encrypted zip entries cannot be "
                    + "read");
        }
        if (entry.method() != STORED && entry.method() != DEFLATED && entry.method() != DEFLATE64
                && entry.method() != BZIP2) {
            throw new ZipException("'" + name + "' in " + archive + " uses compression method " + entry.method()
                    + methodName(entry.method()) + "; only methods 0 (stored), 8 (deflated), 9 (Deflate64) and 12"
                    + " (bzip2) can be read");
        }
        long offset = entry.localHeaderOffset();
        data.seek(offset, at.offset());
        data.readFully(local, 0, LOCAL_FIXED);
        long signature = ZipExtraFields.u32(local, 0);
        if (signature != LOCAL_SIGNATURE) {
            throw new ZipException("'" + name + "' in " + archive + " is damaged: no local header at byte " + offset
                    + " (found 0x" + Long.toHexString(signature) + ")");
        }
        long dataAt = offset + LOCAL_FIXED + ZipExtraFields.u16(local, 26) + ZipExtraFields.u16(local, 28);
        if (dataAt > at.offset() || entry.compressedSize() > at.offset() - dataAt) {
            throw new ZipException("'" + name + "' in " + archive + " is damaged: its data (" + entry.compressedSize()
                    + " bytes from byte " + dataAt + ") would run past the start of the central directory at byte "
                    + at.offset());
        }
        data.seek(dataAt, dataAt + entry.compressedSize());
        Inflater inflating = null;
        InputStream decoder = null;
        if (entry.method() == DEFLATED) {
            inflater.reset();
            inflating = inflater;
        } else if (entry.method() == DEFLATE64) {
            decoder = new Deflate64CompressorInputStream(data);
        } else if (entry.method() == BZIP2) {
            try {
                decoder = new BZip2CompressorInputStream(data);
            } catch (IOException | RuntimeException e) {
                throw new ZipException("Compressed data of '" + name + "' in " + archive + " is damaged: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        content = new EntryContent(data, inflating, decoder, entry, archive);
        return content;
    }

    /** Ends the inflater and closes the archive; the last content stream stops working. */
    @Override
    public void close() throws IOException {
        detach();
        current = null;
        inflater.end();
        channel.close();
    }

    private void detach() {
        if (content != null) {
            content.detach();
            content = null;
        }
    }

    private static String methodName(int method) {
        return switch (method) {
            case 1 -> " (shrunk)";
            case 6 -> " (imploded)";
            case 9 -> " (Deflate64)";
            case 12 -> " (bzip2)";
            case 14 -> " (LZMA)";
            case 93 -> " (Zstandard)";
            case 95 -> " (XZ)";
            case 98 -> " (PPMd)";
            case 99 -> " (AES encrypted)";
            default -> "";
        };
    }
}
