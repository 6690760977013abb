package io.backupkit.internal.zip;

import org.apache.commons.compress.archivers.zip.ExtraFieldUtils;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64ExtendedInformationExtraField;
import org.apache.commons.compress.archivers.zip.ZipExtraField;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The header layouts, the ZIP64 ones in particular, which a test archive cannot reach (past 4 GiB of archive). */
class ZipEntryHeaderTest {

    private static final long GIB = 1L << 30;
    private static final byte[] NAME = "Library/db".getBytes(StandardCharsets.UTF_8);
    private final ZipTimeFields times = new ZipTimeFields(ZoneOffset.UTC);
    private final FileTime mtime = FileTime.from(Instant.parse("2025-06-01T12:34:56Z"));
    private final ZipEntryHeader header = new ZipEntryHeader(NAME, times.extra(mtime), times.dosTime(mtime),
            ZipEntry.DEFLATED, UnixStat.FILE_FLAG | 0644);

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void shouldWriteACentralRecordWithoutZip64BelowTheLimits() {
        ByteBuffer b = le(header.central(0x12345678L, 1000, 3000, ZipEntryHeader.ZIP64_MAGIC - 1));

        assertThat(b.getInt(0)).isEqualTo(0x02014b50);
        assertThat(b.getShort(4)).as("made by Unix, 2.0").isEqualTo((short) 0x0314);
        assertThat(b.getShort(6)).as("needed").isEqualTo((short) 20);
        assertThat(b.getShort(8)).as("UTF-8 names").isEqualTo((short) 0x0800);
        assertThat(b.getInt(16)).isEqualTo(0x12345678);
        assertThat(b.getInt(20)).isEqualTo(1000);
        assertThat(b.getInt(24)).isEqualTo(3000);
        assertThat(b.getShort(30)).as("extra length: the extended timestamp").isEqualTo((short) 9);
        assertThat(b.getInt(38)).as("external attributes").isEqualTo(0100644 << 16);
        assertThat(b.getInt(42) & 0xffffffffL).isEqualTo(ZipEntryHeader.ZIP64_MAGIC - 1);
    }

    @Test
    void shouldMoveSizesOfFourGibibytesIntoTheZip64Field() throws Exception {
        byte[] record = header.central(1, 5 * GIB, 6 * GIB, 100);
        ByteBuffer b = le(record);

        assertThat(b.getShort(4)).as("made by Unix, 4.5").isEqualTo((short) 0x032d);
        assertThat(b.getShort(6)).as("needed").isEqualTo((short) 45);
        assertThat(b.getInt(20)).isEqualTo(-1);
        assertThat(b.getInt(24)).isEqualTo(-1);
        assertThat(b.getInt(42)).as("offset stays").isEqualTo(100);
        Zip64ExtendedInformationExtraField z64 = zip64(record, true, true, false);
        assertThat(z64.getSize().getLongValue()).isEqualTo(6 * GIB);
        assertThat(z64.getCompressedSize().getLongValue()).isEqualTo(5 * GIB);
        assertThat(z64.getRelativeHeaderOffset()).isNull();
    }

    @Test
    void shouldMoveAnOffsetOfFourGibibytesIntoTheZip64Field() throws Exception {
        byte[] record = header.central(1, 10, 20, 4 * GIB);
        ByteBuffer b = le(record);

        assertThat(b.getShort(6)).as("needed").isEqualTo((short) 45);
        assertThat(b.getInt(20)).as("sizes stay").isEqualTo(10);
        assertThat(b.getInt(24)).isEqualTo(20);
        assertThat(b.getInt(42)).isEqualTo(-1);
        Zip64ExtendedInformationExtraField z64 = zip64(record, false, false, true);
        assertThat(z64.getRelativeHeaderOffset().getLongValue()).isEqualTo(4 * GIB);
        assertThat(ZipEntryHeader.centralNeedsZip64(10, 20, 4 * GIB)).isTrue();
        assertThat(ZipEntryHeader.centralNeedsZip64(10, 20, 4 * GIB - 2)).isFalse();
    }

    @Test
    void shouldFillTheReservedZip64FieldOfALocalHeader() throws Exception {
        byte[] placeholder = header.local(0, 0, 0, true);
        byte[] small = header.local(7, 10, 20, true);
        byte[] big = header.local(7, 5 * GIB, 6 * GIB, true);

        assertThat(small).hasSameSizeAs(placeholder).hasSameSizeAs(big);
        assertThat(le(small).getShort(4)).isEqualTo((short) 20);
        assertThat(le(small).getInt(18)).isEqualTo(10);
        assertThat(le(big).getShort(4)).isEqualTo((short) 45);
        assertThat(le(big).getInt(18)).isEqualTo(-1);
        assertThat(le(big).getInt(22)).isEqualTo(-1);
        ZipExtraField[] fields = ExtraFieldUtils.parse(Arrays.copyOfRange(big, 30 + NAME.length, big.length), true);
        assertThat(fields).hasSize(2);
        Zip64ExtendedInformationExtraField z64 = (Zip64ExtendedInformationExtraField) fields[0];
        assertThat(z64.getSize().getLongValue()).isEqualTo(6 * GIB);
        assertThat(z64.getCompressedSize().getLongValue()).isEqualTo(5 * GIB);
        assertThat(fields[1]).isInstanceOf(X5455_ExtendedTimestamp.class);
    }

    @Test
    void shouldRefuseSizesOfFourGibibytesWithoutAReservedField() {
        assertThatThrownBy(() -> header.local(7, 10, 4 * GIB, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMarkFoldersAndReadOnlyModesInTheDosAttributes() {
        byte[] folder = "Library/".getBytes(StandardCharsets.UTF_8);
        assertThat(new ZipEntryHeader(folder, new byte[0], 0, ZipEntry.STORED, UnixStat.DIR_FLAG | 0555)
                .externalAttributes()).isEqualTo(040555 << 16 | 0x11);
        assertThat(new ZipEntryHeader(NAME, new byte[0], 0, ZipEntry.STORED, UnixStat.LINK_FLAG | 0777)
                .externalAttributes()).isEqualTo(0120777 << 16);
    }

    /** Parses the ZIP64 field of a central record as Commons does, told which values it holds. */
    private static Zip64ExtendedInformationExtraField zip64(byte[] record, boolean size, boolean compressed,
                                                            boolean offset) throws Exception {
        ByteBuffer b = le(record);
        int extraStart = 46 + (b.getShort(28) & 0xffff);
        ZipExtraField[] fields = ExtraFieldUtils.parse(Arrays.copyOfRange(record, extraStart,
                extraStart + (b.getShort(30) & 0xffff)), false);
        assertThat(fields[0]).isInstanceOf(Zip64ExtendedInformationExtraField.class);
        Zip64ExtendedInformationExtraField z64 = (Zip64ExtendedInformationExtraField) fields[0];
        z64.reparseCentralDirectoryData(size, compressed, offset, false);
        assertThat(fields[1]).isInstanceOf(X5455_ExtendedTimestamp.class);
        return z64;
    }
}
