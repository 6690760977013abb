package io.backupkit.internal.zip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.ZipEntry;

/**
 * What the two headers of one zip entry say besides its sizes and checksum, rendered as its local file header and
 * its central directory record, in the layout Commons Compress wrote: UTF-8 names with the language-encoding flag,
 * "made by" Unix with the mode in the high 16 bits of the external attributes (plus the MS-DOS read-only bit when
 * the owner may not write, and the directory bit for a name ending in {@code /}), no comments, one disk.
 *
 * <p>ZIP64: the local header carries a ZIP64 extra field only when the writer reserved one ({@code zip64Extra}),
 * with the sizes in it; the sizes in the header itself then read {@code 0xFFFFFFFF} if either passes 4 GiB. The
 * central record carries a ZIP64 extra field with the sizes when either is at or past {@code 0xFFFFFFFF}, and the
 * local header's offset when that is; version 4.5 is then needed to extract the entry and stated as made by.
 *
 * <pre>{@code
 * ZipEntryHeader h = new ZipEntryHeader(name, times.extra(mtime), times.dosTime(mtime), ZipEntry.DEFLATED, mode);
 * channel.write(ByteBuffer.wrap(h.local(crc, compressed, size, false)));
 * spill.add(h.central(crc, compressed, size, offset));
 * }</pre>
 *
 * @param name the entry's name in UTF-8, at most 65,535 bytes
 * @param timeExtra the time extra fields ({@link ZipTimeFields#extra})
 * @param dosTime the DOS date and time ({@link ZipTimeFields#dosTime})
 * @param method {@link ZipEntry#STORED} or {@link ZipEntry#DEFLATED}
 * @param unixMode the file type and permission bits ({@code 0100644})
 */
record ZipEntryHeader(byte[] name, byte[] timeExtra, long dosTime, int method, int unixMode) {

    /** Sizes and offsets from this value on are held in the ZIP64 extra field. */
    static final long ZIP64_MAGIC = 0xffffffffL;
    /** Size of the ZIP64 extra field the local header reserves: header, size and compressed size. */
    static final int LOCAL_ZIP64_EXTRA = 20;
    static final int LOCAL_HEADER = 0x04034b50;
    static final int CENTRAL_HEADER = 0x02014b50;
    static final int ZIP64_EXTRA = 0x0001;
    /** Version 4.5: ZIP64. */
    static final int ZIP64_VERSION = 45;
    /** General purpose bit 11: the name is UTF-8. */
    private static final int UTF8_NAMES = 1 << 11;
    private static final int UNIX = 3;
    /** The version Commons states as made by for an entry without ZIP64: 2.0. */
    private static final int MADE_BY_VERSION = 20;
    private static final int MAX_SHORT = 0xffff;

    /**
     * @throws IllegalArgumentException if the name is too long for a zip header, or the method is neither
     */
    ZipEntryHeader {
        if (name.length > MAX_SHORT) {
            throw new IllegalArgumentException("name of " + name.length + " bytes, at most " + MAX_SHORT);
        }
        if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
            throw new IllegalArgumentException("method " + method);
        }
    }

    /**
     * @param crc the CRC-32 of the content (0 until it is known)
     * @param compressedSize the bytes of data stored (0 until known)
     * @param size the content's size (0 until known)
     * @param zip64Extra whether the header reserves a ZIP64 extra field for the sizes; without one, both sizes
     *        must be below {@link #ZIP64_MAGIC}
     * @return the local file header, name and extra fields; with and without known sizes the same length
     */
    byte[] local(long crc, long compressedSize, long size, boolean zip64Extra) {
        boolean big = compressedSize >= ZIP64_MAGIC || size >= ZIP64_MAGIC;
        if (big && !zip64Extra) {
            throw new IllegalArgumentException("sizes " + compressedSize + "/" + size + " need a ZIP64 extra field");
        }
        int extraLength = (zip64Extra ? LOCAL_ZIP64_EXTRA : 0) + timeExtra.length;
        ByteBuffer b = ByteBuffer.allocate(30 + name.length + extraLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(LOCAL_HEADER);
        b.putShort((short) (big ? ZIP64_VERSION : methodVersion()));
        b.putShort((short) UTF8_NAMES);
        b.putShort((short) method);
        b.putInt((int) dosTime);
        b.putInt((int) crc);
        b.putInt((int) (big ? ZIP64_MAGIC : compressedSize));
        b.putInt((int) (big ? ZIP64_MAGIC : size));
        b.putShort((short) name.length);
        b.putShort((short) extraLength);
        b.put(name);
        if (zip64Extra) {
            // the uncompressed size comes first here, unlike in the header
            b.putShort((short) ZIP64_EXTRA).putShort((short) 16).putLong(size).putLong(compressedSize);
        }
        b.put(timeExtra);
        return b.array();
    }

    /**
     * @param crc the CRC-32 of the content
     * @param compressedSize the bytes of data stored
     * @param size the content's size
     * @param offset where the entry's local header starts in the archive
     * @return the central directory record
     */
    byte[] central(long crc, long compressedSize, long size, long offset) {
        boolean bigSizes = compressedSize >= ZIP64_MAGIC || size >= ZIP64_MAGIC;
        boolean bigOffset = offset >= ZIP64_MAGIC;
        boolean zip64 = bigSizes || bigOffset;
        int zip64Length = zip64 ? 4 + (bigSizes ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
        int extraLength = zip64Length + timeExtra.length;
        ByteBuffer b = ByteBuffer.allocate(46 + name.length + extraLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(CENTRAL_HEADER);
        b.putShort((short) (UNIX << 8 | (zip64 ? ZIP64_VERSION : MADE_BY_VERSION)));
        b.putShort((short) (zip64 ? ZIP64_VERSION : methodVersion()));
        b.putShort((short) UTF8_NAMES);
        b.putShort((short) method);
        b.putInt((int) dosTime);
        b.putInt((int) crc);
        b.putInt((int) (bigSizes ? ZIP64_MAGIC : compressedSize));
        b.putInt((int) (bigSizes ? ZIP64_MAGIC : size));
        b.putShort((short) name.length);
        b.putShort((short) extraLength);
        b.putShort((short) 0); // comment length
        b.putShort((short) 0); // disk number start
        b.putShort((short) 0); // internal attributes
        b.putInt(externalAttributes());
        b.putInt((int) (bigOffset ? ZIP64_MAGIC : offset));
        b.put(name);
        if (zip64) {
            b.putShort((short) ZIP64_EXTRA).putShort((short) (zip64Length - 4));
            if (bigSizes) {
                b.putLong(size).putLong(compressedSize);
            }
            if (bigOffset) {
                b.putLong(offset);
            }
        }
        b.put(timeExtra);
        return b.array();
    }

    /**
     * @param compressedSize the bytes of data stored
     * @param size the content's size
     * @param offset where the entry's local header starts
     * @return whether {@link #central} writes a ZIP64 extra field for these
     */
    static boolean centralNeedsZip64(long compressedSize, long size, long offset) {
        return compressedSize >= ZIP64_MAGIC || size >= ZIP64_MAGIC || offset >= ZIP64_MAGIC;
    }

    /** @return the mode in the high 16 bits, the MS-DOS read-only and directory bits in the low ones (as Commons) */
    int externalAttributes() {
        boolean directory = name.length > 0 && name[name.length - 1] == '/';
        return unixMode << 16 | ((unixMode & 0200) == 0 ? 1 : 0) | (directory ? 0x10 : 0);
    }

    /** @return the version needed to extract without ZIP64: 2.0 to inflate, 1.0 to copy */
    private int methodVersion() {
        return method == ZipEntry.DEFLATED ? 20 : 10;
    }
}
