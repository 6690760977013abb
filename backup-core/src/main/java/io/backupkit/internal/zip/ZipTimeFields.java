package io.backupkit.internal.zip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

/**
 * An entry's modification time as a zip stores it, byte for byte as Commons Compress 1.28 wrote it for
 * {@code entry.setTime(mtime.toMillis())} followed by one extended-timestamp (or, past 2038, NTFS) extra field:
 * <ul>
 *   <li>the DOS date and time, in the local time zone, to two seconds; 1980-01-01 00:00 for earlier times;</li>
 *   <li>an Info-ZIP extended timestamp field ({@code 0x5455}, modification time only, flag 1) when the time in
 *       seconds fits in an {@code int} (1901-12-13 to 2038-01-19);</li>
 *   <li>otherwise a PKWARE NTFS field ({@code 0x000a}: 4 reserved bytes, tag 1 of 24 bytes holding the
 *       modification, access and creation times in 100 ns since 1601, the latter two 0), with the time to 100 ns;</li>
 *   <li>when the time is outside what Commons took for DOS times (before 1980, or from about 2098), the other
 *       field too, from the time in milliseconds (in front of the extended timestamp; behind the NTFS field only in
 *       the second before 1901-12-13 20:45:52, when its seconds rounded toward zero still fit).</li>
 * </ul>
 * The same fields go into the local header and the central directory record.
 *
 * <pre>{@code
 * ZipTimeFields times = new ZipTimeFields(ZoneId.systemDefault());
 * long dos = times.dosTime(mtime);
 * byte[] extra = times.extra(mtime);
 * }</pre>
 */
final class ZipTimeFields {

    /** DOS date and time of 1980-01-01 00:00:00, the earliest a DOS time holds. */
    static final long DOS_TIME_BEFORE_1980 = 1 << 21 | 1 << 16;
    /** About 128 years in milliseconds from 1970: later times are not taken for DOS times (as in Commons). */
    private static final long DOS_TIME_UPPER_BOUND = 128L * 365 * 24 * 60 * 60 * 1000;
    static final int EXTENDED_TIMESTAMP = 0x5455;
    static final int NTFS = 0x000a;
    /** 100 ns intervals from 1601-01-01 to 1970-01-01. */
    private static final long NTFS_EPOCH_OFFSET = 116_444_736_000_000_000L;

    private final ZoneId zone;
    /** 1980-01-01 00:00:00 in {@link #zone}, in milliseconds. */
    private final long before1980Millis;

    /**
     * @param zone the time zone of the DOS times (the zip's readers take them as their own local time)
     */
    ZipTimeFields(ZoneId zone) {
        this.zone = zone;
        this.before1980Millis = LocalDateTime.of(1980, 1, 1, 0, 0).atZone(zone).toInstant().toEpochMilli();
    }

    /**
     * @param mtime a modification time
     * @return its DOS date (high 16 bits) and time (low 16 bits); {@link #DOS_TIME_BEFORE_1980} for earlier times
     */
    long dosTime(FileTime mtime) {
        return dosTime(mtime.toMillis());
    }

    private long dosTime(long millis) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone);
        if (t.getYear() < 1980) {
            return DOS_TIME_BEFORE_1980;
        }
        // as Commons: a year past 2107 overflows the 7 bits it has and is cut off
        return ((long) (t.getYear() - 1980) << 25 | t.getMonthValue() << 21 | t.getDayOfMonth() << 16
                | t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() >> 1) & 0xffffffffL;
    }

    /**
     * @param mtime a modification time
     * @return the extra fields that hold it, for the local header and the central directory record alike
     * @throws ArithmeticException if the time is too far from today for the NTFS field (beyond about 30,000 years)
     */
    byte[] extra(FileTime mtime) {
        long millis = mtime.toMillis();
        long seconds = mtime.to(TimeUnit.SECONDS); // rounded down
        boolean fits = fitsInt(seconds);
        if (isDosTime(millis)) {
            return fits ? extendedTimestamp((int) seconds) : ntfs(mtime.toInstant());
        }
        // Commons added both fields itself first, from the time in milliseconds (the extended timestamp when those
        // seconds, rounded toward zero, fit), and the one field of ours then replaced the field of its kind, last
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        if (fits) {
            fields.writeBytes(ntfs(Instant.ofEpochMilli(millis)));
            fields.writeBytes(extendedTimestamp((int) seconds));
        } else {
            long truncated = millis / 1000;
            if (fitsInt(truncated)) {
                fields.writeBytes(extendedTimestamp((int) truncated));
            }
            fields.writeBytes(ntfs(mtime.toInstant()));
        }
        return fields.toByteArray();
    }

    private static boolean fitsInt(long seconds) {
        return seconds >= Integer.MIN_VALUE && seconds <= Integer.MAX_VALUE;
    }

    /** As Commons' {@code ZipUtil.isDosTime}: within the DOS range and not mapped onto its minimum. */
    private boolean isDosTime(long millis) {
        return millis <= DOS_TIME_UPPER_BOUND
                && (millis == before1980Millis || dosTime(millis) != DOS_TIME_BEFORE_1980);
    }

    private static byte[] extendedTimestamp(int seconds) {
        return ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) EXTENDED_TIMESTAMP).putShort((short) 5)
                .put((byte) 1) // the modification time is present
                .putInt(seconds)
                .array();
    }

    private static byte[] ntfs(Instant time) {
        long ntfs = Math.addExact(Math.addExact(Math.multiplyExact(time.getEpochSecond(), 10_000_000L),
                time.getNano() / 100), NTFS_EPOCH_OFFSET);
        return ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) NTFS).putShort((short) 32)
                .putInt(0) // reserved
                .putShort((short) 1).putShort((short) 24) // tag 1: the three times
                .putLong(ntfs).putLong(0).putLong(0) // modified; accessed and created not recorded
                .array();
    }
}
