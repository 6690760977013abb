package io.backupkit.internal.zip;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.GregorianCalendar;
import java.util.zip.CRC32;

/**
 * The extra fields of a zip central directory header that a restore needs, read from the header's bytes without
 * building an object per field: where a field lies, the modification time (NTFS field {@code 0x000a}, else the
 * Info-ZIP extended timestamp {@code 0x5455}, else the DOS date and time) and the Info-ZIP Unicode path
 * ({@code 0x7075}). The times are those Commons Compress's {@code ZipArchiveEntry.getLastModifiedTime()} gives.
 * Fields are read up to the first whose length runs past the end of the extra data; the rest is ignored, as Commons
 * Compress does.
 *
 * <pre>{@code
 * FileTime mtime = ZipExtraFields.modifiedTime(extra, extraLength, dosTime);
 * int zip64 = ZipExtraFields.find(extra, extraLength, ZipExtraFields.ZIP64);
 * }</pre>
 */
final class ZipExtraFields {

    /** Header id of the ZIP64 extended information field: the sizes and offset that do not fit in 32 bits. */
    static final int ZIP64 = 0x0001;
    /** Header id of the NTFS field: times in 100 ns units since 1601. */
    static final int NTFS = 0x000a;
    /** Header id of the Info-ZIP extended timestamp: times in seconds since 1970, signed 32 bits. */
    static final int EXTENDED_TIMESTAMP = 0x5455;
    /** Header id of the Info-ZIP Unicode path field: the UTF-8 name of an entry whose name is not flagged UTF-8. */
    static final int UNICODE_PATH = 0x7075;

    /** Seconds from 1601-01-01, the NTFS epoch, to 1970-01-01. */
    private static final long NTFS_EPOCH_SECONDS = 11_644_473_600L;
    private static final long NTFS_UNITS_PER_SECOND = 10_000_000L;

    private ZipExtraFields() {
    }

    /**
     * @param extra the extra data
     * @param length how many bytes of {@code extra} hold it
     * @param id the header id of the field wanted
     * @return the index in {@code extra} of the field's data, whose length is {@link #dataLength}; -1 if absent
     */
    static int find(byte[] extra, int length, int id) {
        int at = 0;
        while (at + 4 <= length) {
            int size = u16(extra, at + 2);
            if (at + 4 + size > length) {
                return -1;
            }
            if (u16(extra, at) == id) {
                return at + 4;
            }
            at += 4 + size;
        }
        return -1;
    }

    /**
     * @param extra the extra data
     * @param start what {@link #find} returned for a field
     * @return the length of that field's data
     */
    static int dataLength(byte[] extra, int start) {
        return u16(extra, start - 2);
    }

    /**
     * @param extra the central directory header's extra data
     * @param length how many bytes of {@code extra} hold it
     * @param dosTime the header's DOS date (high 16 bits) and time (low 16 bits)
     * @return the NTFS field's modification time if it has one that is not 0, else the extended timestamp's if
     *         its flag says it has one, else the DOS time read in the default time zone
     */
    static FileTime modifiedTime(byte[] extra, int length, long dosTime) {
        FileTime ntfs = ntfsTime(extra, length);
        if (ntfs != null) {
            return ntfs;
        }
        int at = find(extra, length, EXTENDED_TIMESTAMP);
        if (at >= 0 && dataLength(extra, at) >= 5 && (extra[at] & 1) != 0) {
            return FileTime.from(Instant.ofEpochSecond(s32(extra, at + 1)));
        }
        return FileTime.fromMillis(dosToMillis(dosTime));
    }

    /**
     * @param extra the extra data
     * @param length how many bytes of {@code extra} hold it
     * @param name the header's name bytes
     * @param nameLength how many bytes of {@code name} hold it
     * @return the Unicode path field's name when the field is there and was made for these name bytes (its CRC-32
     *         matches them), else {@code null}
     */
    static String unicodePath(byte[] extra, int length, byte[] name, int nameLength) {
        int at = find(extra, length, UNICODE_PATH);
        if (at < 0 || dataLength(extra, at) < 5 || extra[at] != 1) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(name, 0, nameLength);
        if (crc.getValue() != u32(extra, at + 1)) {
            return null;
        }
        return new String(extra, at + 5, dataLength(extra, at) - 5, StandardCharsets.UTF_8);
    }

    /** The NTFS field's modification time: reserved 4 bytes, then tagged attributes; tag 1 holds three times. */
    private static FileTime ntfsTime(byte[] extra, int length) {
        int at = find(extra, length, NTFS);
        if (at < 0) {
            return null;
        }
        int end = at + dataLength(extra, at);
        int p = at + 4;
        while (p + 4 <= end) {
            int tag = u16(extra, p);
            p += 2;
            if (tag == 1) {
                if (end - p >= 2 + 3 * 8 && u16(extra, p) == 3 * 8) {
                    long units = s64(extra, p + 2);
                    return units == 0 ? null : FileTime.from(Instant.ofEpochSecond(
                            Math.floorDiv(units, NTFS_UNITS_PER_SECOND) - NTFS_EPOCH_SECONDS,
                            Math.floorMod(units, NTFS_UNITS_PER_SECOND) * 100));
                }
                return null;
            }
            p += 2 + u16(extra, p);
        }
        return null;
    }

    /**
     * @param dosTime a DOS date and time
     * @return its moment in the default time zone; fields out of range carry over (month 0 is December of the
     *         year before), as Commons Compress and {@code java.util.Calendar} read them
     */
    static long dosToMillis(long dosTime) {
        GregorianCalendar c = new GregorianCalendar();
        c.clear();
        c.set((int) ((dosTime >> 25) & 0x7f) + 1980, (int) ((dosTime >> 21) & 0x0f) - 1,
                (int) (dosTime >> 16) & 0x1f, (int) (dosTime >> 11) & 0x1f, (int) (dosTime >> 5) & 0x3f,
                (int) (dosTime << 1) & 0x3e);
        return c.getTimeInMillis();
    }

    /** @return the unsigned little-endian 16-bit value at {@code at} */
    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    /** @return the unsigned little-endian 32-bit value at {@code at} */
    static long u32(byte[] b, int at) {
        return s32(b, at) & 0xffffffffL;
    }

    /** @return the little-endian 64-bit value at {@code at}, as a signed long */
    static long s64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
