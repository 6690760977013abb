package io.backupkit.internal.zip;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Counts a zip archive's central directory headers by streaming over them, without building an entry per header.
 * A zip reader (Commons Compress's {@code ZipFile}) builds every entry of the central directory in memory before the
 * first one can be looked at, so a hostile archive of millions of empty entries would exhaust memory before the
 * restore's entry limit is reached; this count lets the restore refuse it first.
 *
 * <pre>{@code
 * if (ZipCentralDirectory.count(zip, limit).entries() > limit) { refuse(...); }
 * }</pre>
 */
public final class ZipCentralDirectory {

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int HEADER = 0x02014b50;
    private static final int EOCD_SIZE = 22;

    private ZipCentralDirectory() {
    }

    /**
     * @param entries central directory headers found (at most {@code stopAt + 1}), or -1 when the archive has no
     *        end-of-central-directory record (not a zip, or damaged: the zip reader reports it)
     * @param firstOver the name in the header one past {@code stopAt}, or {@code null} when there is none
     */
    public record Count(long entries, String firstOver) {
    }

    /**
     * @param zip a zip archive
     * @param stopAt count no further than one past this
     * @return the count, and the name of the first header past {@code stopAt}
     * @throws IOException if the file cannot be read
     */
    public static Count count(Path zip, long stopAt) throws IOException {
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < EOCD_SIZE) {
                return new Count(-1, null);
            }
            int tail = (int) Math.min(size, EOCD_SIZE + 0xffff + 20); // the record, its comment, a zip64 locator
            ByteBuffer b = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b, size - tail);
            int eocd = -1;
            for (int i = tail - EOCD_SIZE; i >= 0; i--) {
                if (b.getInt(i) == EOCD) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                return new Count(-1, null);
            }
            long offset = b.getInt(eocd + 16) & 0xffffffffL;
            if (offset == 0xffffffffL && eocd >= 20 && b.getInt(eocd - 20) == ZIP64_LOCATOR) {
                long record = b.getLong(eocd - 20 + 8);
                if (record >= 0 && record + 56 <= size) {
                    ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(ch, z, record);
                    if (z.getInt(0) == ZIP64_EOCD) {
                        offset = z.getLong(48);
                    }
                }
            }
            if (offset < 0 || offset >= size) {
                return new Count(-1, null);
            }
            ch.position(offset);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            byte[] h = new byte[46];
            ByteBuffer header = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            long n = 0;
            String firstOver = null;
            while (n <= stopAt && in.readNBytes(h, 0, h.length) == h.length && header.getInt(0) == HEADER) {
                n++;
                int nameLength = header.getShort(28) & 0xffff;
                long skip = nameLength + (header.getShort(30) & 0xffff) + (header.getShort(32) & 0xffff);
                if (n > stopAt) {
                    byte[] name = in.readNBytes(nameLength);
                    // zip names are UTF-8 when flagged, else CP437; ASCII names read the same either way
                    firstOver = new String(name, (header.getShort(8) & 0x800) != 0
                            ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.StandardCharsets.ISO_8859_1);
                    break;
                }
                if (endsWithin(in, skip)) {
                    break;
                }
            }
            return new Count(n, firstOver);
        }
    }

    /** Skips n bytes; @return whether the stream ended first */
    private static boolean endsWithin(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    return true;
                }
                s = 1;
            }
            n -= s;
        }
        return false;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException("zip archive ends early");
            }
        }
    }
}
