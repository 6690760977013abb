package io.backupkit.internal.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipException;

/**
 * Finds a zip archive's central directory from its end records, and counts its headers by streaming over them,
 * without building an entry per header. The restore of an archive BackupKit did not write counts them first, so an
 * archive of millions of empty entries is refused before any entry is extracted; {@link ZipStreamReader} reads the
 * same headers, found the same way ({@link #locate}, {@link CentralHeaders}), so both see the same entries.
 *
 * <pre>{@code
 * if (ZipCentralDirectory.count(zip, limit).entries() > limit) { refuse(...); }
 * }</pre>
 */
public final class ZipCentralDirectory {

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIZE = 56;
    /** The end record, its longest comment and a ZIP64 locator before it: where the end record is looked for. */
    private static final int TAIL = EOCD_SIZE + 0xffff + ZIP64_LOCATOR_SIZE;

    private ZipCentralDirectory() {
    }

    /**
     * @param entries central directory headers found (at most {@code stopAt + 1}), or -1 when the archive has no
     *        end-of-central-directory record or its end records are inconsistent (not a zip, or damaged: the zip
     *        reader reports it)
     * @param firstOver the name in the header one past {@code stopAt}, or {@code null} when there is none
     */
    public record Count(long entries, String firstOver) {
    }

    /**
     * Where an archive's central directory lies, from its end record (and its ZIP64 end record where the end
     * record's fields are saturated).
     *
     * @param offset the file position of the first central directory header
     * @param size the central directory's length in bytes
     */
    record Location(long offset, long size) {

        /** @return the file position just past the central directory */
        long end() {
            return offset + size;
        }
    }

    /**
     * @param zip a zip archive
     * @param stopAt count no further than one past this
     * @return the count of headers up to the first damaged one, and the name of the first header past
     *         {@code stopAt}
     * @throws IOException if the file cannot be read
     */
    public static Count count(Path zip, long stopAt) throws IOException {
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            Location at;
            try {
                at = locate(ch, zip);
            } catch (ZipException damaged) {
                return new Count(-1, null);
            }
            if (at == null) {
                return new Count(-1, null);
            }
            CentralHeaders headers = new CentralHeaders(ch, zip, at);
            long n = 0;
            try {
                while (n <= stopAt && headers.next()) {
                    n++;
                    if (n > stopAt) {
                        return new Count(n, headers.name());
                    }
                }
            } catch (ZipException damaged) {
                // counted up to the damage; the zip reader reports it
            }
            return new Count(n, null);
        }
    }

    /**
     * Finds the end-of-central-directory record (searching back from the end, over a comment of up to 65,535
     * bytes), and the ZIP64 end record when the end record's entry count, central directory size or offset is
     * saturated (0xFFFF, 0xFFFFFFFF) and a ZIP64 locator precedes it: a saturated size or offset is taken from the
     * ZIP64 record. The entry counts of both records are left aside: the headers are read until the central
     * directory ends (writers of old wrote counts past 65,535 cut to 16 bits).
     *
     * @param ch the archive, read through positional reads
     * @param archive its path, named in messages
     * @return where the central directory lies, or {@code null} when there is no end record (not a zip, or one cut
     *         short)
     * @throws ZipException if the end records contradict each other or the file: a saturated field without a ZIP64
     *         record, or a central directory that does not lie before the end records
     * @throws IOException if the file cannot be read
     */
    static Location locate(FileChannel ch, Path archive) throws IOException {
        long size = ch.size();
        if (size < EOCD_SIZE) {
            return null;
        }
        int tail = (int) Math.min(size, TAIL);
        long tailStart = size - tail;
        ByteBuffer b = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, tailStart, archive);
        int eocd = -1;
        for (int i = tail - EOCD_SIZE; i >= 0; i--) {
            if (b.getInt(i) == EOCD) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            return null;
        }
        int entries = b.getShort(eocd + 10) & 0xffff;
        long cdSize = b.getInt(eocd + 12) & 0xffffffffL;
        long offset = b.getInt(eocd + 16) & 0xffffffffL;
        long recordAt = tailStart + eocd;
        boolean saturated = entries == 0xffff || cdSize == 0xffffffffL || offset == 0xffffffffL;
        if (saturated && eocd >= ZIP64_LOCATOR_SIZE && b.getInt(eocd - ZIP64_LOCATOR_SIZE) == ZIP64_LOCATOR) {
            long zip64At = b.getLong(eocd - ZIP64_LOCATOR_SIZE + 8);
            long locatorAt = recordAt - ZIP64_LOCATOR_SIZE;
            if (zip64At < 0 || zip64At > locatorAt - ZIP64_EOCD_SIZE) {
                throw new ZipException(archive + " is damaged: its ZIP64 end record at byte " + zip64At
                        + " would not lie before its ZIP64 locator at byte " + locatorAt);
            }
            ByteBuffer z = ByteBuffer.allocate(ZIP64_EOCD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, z, zip64At, archive);
            if (z.getInt(0) != ZIP64_EOCD) {
                throw new ZipException(archive + " is damaged: no ZIP64 end record at byte " + zip64At
                        + ", where its ZIP64 locator points");
            }
            cdSize = cdSize == 0xffffffffL ? z.getLong(40) : cdSize;
            offset = offset == 0xffffffffL ? z.getLong(48) : offset;
            recordAt = zip64At;
        } else if (saturated && (cdSize == 0xffffffffL || offset == 0xffffffffL)) {
            throw new ZipException(archive + " is damaged: its end record says the central directory is described "
                    + "in a ZIP64 end record, and there is none");
        }
        if (offset < 0 || cdSize < 0 || offset > recordAt || cdSize > recordAt - offset) {
            throw new ZipException(archive + " is damaged: its central directory (" + cdSize + " bytes at byte "
                    + offset + ") would not lie before its end record at byte " + recordAt + " (the file has " + size
                    + " bytes)");
        }
        return new Location(offset, cdSize);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at, Path archive) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) <= 0) {
                throw new ZipException(archive + " ends at byte " + (at + b.position()) + ", inside its end records");
            }
        }
    }
}
