package io.backupkit.archivers.tar;

import io.backupkit.archivers.tar.TarFixtures.Compression;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading archives BackupKit did not write: hostile names and types, damage, truncation and resource limits. */
@Timeout(60)
class TarReaderTest {

    private static final String LONG_ABSOLUTE = "/" + "x".repeat(120) + "/etc/passwd";

    @TempDir
    Path tmp;

    private final TarZstArchiver reader = new TarZstArchiver();

    private List<ArchivedEntry> read(byte[] archive) throws IOException {
        Path file = TarFixtures.file(tmp, "archive-" + System.nanoTime(), archive);
        List<ArchivedEntry> out = new ArrayList<>();
        reader.read(file, Map.of(), (e, in) -> {
            out.add(e);
            in.readAllBytes();
        });
        return out;
    }

    private static byte[] hostile(int longFileMode) {
        return TarFixtures.tar(longFileMode, t -> {
            TarFixtures.file(t, "/etc/x", "absolute");
            TarFixtures.file(t, "../x", "parent");
            TarFixtures.file(t, "./a/b", "dot");
            TarFixtures.file(t, "a//b/../../c", "unnormalised");
            TarFixtures.file(t, LONG_ABSOLUTE, "long absolute");
            TarFixtures.special(t, "hard", TarConstants.LF_LINK, "/etc/x");
            TarFixtures.special(t, "fifo", TarConstants.LF_FIFO, null);
            TarFixtures.special(t, "tty", TarConstants.LF_CHR, null);
            TarFixtures.special(t, "disk", TarConstants.LF_BLK, null);
            TarFixtures.special(t, "/abs-link", TarConstants.LF_SYMLINK, "/etc/shadow");
            TarFixtures.special(t, "./", TarConstants.LF_DIR, null);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU})
    void shouldReportHostileNamesRawAndTypesAsStored(int longFileMode) throws IOException {
        List<ArchivedEntry> entries = read(hostile(longFileMode));

        assertThat(entries).extracting(ArchivedEntry::path, ArchivedEntry::type, ArchivedEntry::linkTarget)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/etc/x", EntryType.FILE, null),
                        org.assertj.core.groups.Tuple.tuple("../x", EntryType.FILE, null),
                        org.assertj.core.groups.Tuple.tuple("./a/b", EntryType.FILE, null),
                        org.assertj.core.groups.Tuple.tuple("a//b/../../c", EntryType.FILE, null),
                        // Commons Compress alone would strip this leading slash (pax path / GNU long name)
                        org.assertj.core.groups.Tuple.tuple(LONG_ABSOLUTE, EntryType.FILE, null),
                        org.assertj.core.groups.Tuple.tuple("hard", EntryType.HARDLINK, "/etc/x"),
                        org.assertj.core.groups.Tuple.tuple("fifo", EntryType.OTHER, null),
                        org.assertj.core.groups.Tuple.tuple("tty", EntryType.OTHER, null),
                        org.assertj.core.groups.Tuple.tuple("disk", EntryType.OTHER, null),
                        org.assertj.core.groups.Tuple.tuple("/abs-link", EntryType.SYMLINK, "/etc/shadow"),
                        org.assertj.core.groups.Tuple.tuple("./", EntryType.DIRECTORY, null));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void shouldReadHostileArchivesInEveryCompression(Compression compression) throws IOException {
        List<ArchivedEntry> entries = read(compression.compress(hostile(TarArchiveOutputStream.LONGFILE_POSIX)));

        assertThat(entries).extracting(ArchivedEntry::path).contains("/etc/x", "../x", LONG_ABSOLUTE);
    }

    @Test
    void shouldReadAFolderMarkedOnlyByATrailingSlashAsAFolder() throws IOException {
        List<ArchivedEntry> entries = read(TarFixtures.tar(t -> TarFixtures.special(t, "old/",
                TarConstants.LF_NORMAL, null)));

        assertThat(entries).extracting(ArchivedEntry::path, ArchivedEntry::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("old/", EntryType.DIRECTORY));
    }

    @Test
    void shouldReadTheModeBitsAndMtimeOfForeignEntries() throws IOException {
        byte[] tar = TarFixtures.tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry("suid");
            e.setMode(0100000 | 04755);
            e.setLastModifiedTime(FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        });

        ArchivedEntry e = read(tar).get(0);

        assertThat(e.mode()).isEqualTo(04755);
        assertThat(e.mtime().toInstant()).isEqualTo(Instant.parse("2001-02-03T04:05:06Z"));
        assertThat(e.size()).isZero();
    }

    @Test
    void shouldReadABigNumberSizeFromAPaxHeader() throws IOException {
        // only the header: 9 GiB of content would cost 9 GiB of bytes; the archive is therefore truncated
        long size = 9L * 1024 * 1024 * 1024;
        byte[] header;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes, "UTF-8")) {
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("huge.bin");
            e.setSize(size);
            t.putArchiveEntry(e);
            t.write(new byte[4096]);
            header = bytes.toByteArray();
        } catch (IOException expected) {
            header = bytes.toByteArray(); // closing complains about the missing content
        }
        List<Long> sizes = new ArrayList<>();
        Path file = TarFixtures.file(tmp, "huge.tar", header);

        assertThatThrownBy(() -> reader.read(file, Map.of(), (e, in) -> {
            sizes.add(e.size());
            in.readAllBytes();
        })).isInstanceOf(IOException.class).hasMessageContaining(file.toString()).hasMessageContaining("huge.bin");
        assertThat(sizes).containsExactly(size);
    }

    // ------------------------------------------------------------------ damage and truncation

    private byte[] written(String id, int fileSize) throws IOException {
        Path archive = tmp.resolve("w-" + System.nanoTime() + "." + id);
        List<UnitEntry> entries = new ArrayList<>();
        FileTime t = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
        for (int i = 0; i < 20; i++) {
            entries.add(new UnitEntry("f" + i + ".txt", EntryType.FILE, fileSize, t, 0644, null));
        }
        TarFixtures.write(TarFixtures.archiver(id), archive, entries, Map.of(), Set.of());
        return Files.readAllBytes(archive);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldFailClearlyOnATruncatedArchive(String id) throws IOException {
        byte[] whole = written(id, 20_000);
        for (int cut : new int[] {whole.length / 2, whole.length - 1, 20}) {
            Path file = TarFixtures.file(tmp, "cut-" + cut + "." + id, Arrays.copyOf(whole, cut));

            assertThatThrownBy(() -> read(Files.readAllBytes(file))).as("cut at " + cut)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("damaged or truncated");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldFailClearlyOnACorruptArchive(String id) throws IOException {
        byte[] whole = written(id, 20_000);
        byte[] corrupt = whole.clone();
        for (int i = whole.length / 2; i < whole.length / 2 + 16; i++) {
            corrupt[i] ^= 0x5a;
        }

        assertThatThrownBy(() -> read(corrupt)).isInstanceOf(IOException.class)
                .hasMessageContaining("damaged or truncated");
    }

    @Test
    void shouldFailOnAPlainTarCutAtAnEntryBoundary() {
        byte[] tar = TarFixtures.tar(t -> {
            TarFixtures.file(t, "a", "x".repeat(100));
            TarFixtures.file(t, "b", "y".repeat(100));
        });
        byte[] cut = Arrays.copyOf(tar, 1024); // header and one content record of "a": no end marker

        assertThatThrownBy(() -> read(cut)).isInstanceOf(EOFException.class)
                .hasMessageContaining("truncated").hasMessageContaining("after 'a'")
                .hasMessageContaining("end-of-archive marker");
    }

    @Test
    void shouldFailOnAPlainTarCutInsideAHeader() {
        byte[] tar = TarFixtures.tar(t -> {
            TarFixtures.file(t, "a", "x".repeat(100));
            TarFixtures.file(t, "b", "y".repeat(100));
        });

        assertThatThrownBy(() -> read(Arrays.copyOf(tar, 1024 + 300))).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldFailOnABadHeaderChecksum() {
        byte[] tar = TarFixtures.tar(t -> TarFixtures.file(t, "a", "x"));
        tar[0] = 'b'; // the name changes, the checksum does not

        assertThatThrownBy(() -> read(tar)).isInstanceOf(IOException.class)
                .hasMessageContaining("damaged or truncated");
    }

    @Test
    void shouldFailOnAnEmptyFileAndOnGarbage() {
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(IOException.class).hasMessageContaining("empty");
        byte[] garbage = new byte[5000];
        new java.util.Random(1).nextBytes(garbage);
        garbage[0] = 'G';
        assertThatThrownBy(() -> read(garbage)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldNameBzip2AsUnsupported() {
        assertThatThrownBy(() -> read("BZh91AY&SY".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IOException.class).hasMessageContaining("bzip2");
    }

    // ------------------------------------------------------------------ limits

    @Test
    void shouldRefuseAnOversizedPaxHeader() {
        byte[] tar = TarFixtures.tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry("a");
            e.addPaxHeader("comment", "z".repeat(TarReader.MAX_HEADER_BYTES + 1));
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        });

        assertThatThrownBy(() -> read(Compression.ZSTD.compress(tar))).isInstanceOf(IOException.class)
                .hasMessageContaining("headers of one entry exceed 8 MiB");
    }

    @Test
    void shouldRefuseAnOversizedGnuLongName() {
        byte[] name = "n".repeat(TarReader.MAX_HEADER_BYTES + 10).getBytes(StandardCharsets.US_ASCII);
        byte[] tar = TarFixtures.tar(t -> {
            // written by hand: Commons Compress takes quadratic time to write a name this long
            TarArchiveEntry longName = new TarArchiveEntry(TarConstants.GNU_LONGLINK,
                    TarConstants.LF_GNUTYPE_LONGNAME);
            longName.setSize(name.length);
            t.putArchiveEntry(longName);
            t.write(name);
            t.closeArchiveEntry();
            TarFixtures.file(t, "a", "x");
        });

        assertThatThrownBy(() -> read(Compression.ZSTD.compress(tar))).isInstanceOf(IOException.class)
                .hasMessageContaining("headers of one entry exceed 8 MiB");
    }

    @Test
    void shouldRefuseALongChainOfExtendedHeadersWithoutOverflowingTheStack() {
        byte[] tar = TarFixtures.tar(t -> {
            byte[] record = "12 comment=\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 5_000; i++) {
                TarArchiveEntry pax = new TarArchiveEntry("PaxHeader/" + i, TarConstants.LF_PAX_EXTENDED_HEADER_LC);
                pax.setSize(record.length);
                t.putArchiveEntry(pax);
                t.write(record);
                t.closeArchiveEntry();
            }
            TarFixtures.file(t, "a", "x");
        });

        assertThatThrownBy(() -> read(tar)).isInstanceOf(IOException.class)
                .hasMessageContaining("more than " + TarReader.MAX_HEADER_CHAIN + " extended headers");
    }

    @Test
    void shouldRefuseAZstdWindowAboveTheLimit() throws IOException {
        byte[] tar = TarFixtures.tar(t -> TarFixtures.file(t, "a", "x".repeat(1000)));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var out = new com.github.luben.zstd.ZstdOutputStreamNoFinalizer(bytes, 3)) {
            out.setWindowLog(TarReader.ZSTD_WINDOW_LOG_MAX + 1);
            out.write(tar);
        }

        assertThatThrownBy(() -> read(bytes.toByteArray())).isInstanceOf(IOException.class)
                .hasMessageContaining("zstd window larger than the 128 MiB");
    }

    @Test
    void shouldReadConcatenatedGzipMembers() throws IOException {
        byte[] tar = TarFixtures.tar(t -> {
            TarFixtures.file(t, "a", "first");
            TarFixtures.file(t, "b", "second");
        });
        byte[] first = Compression.GZIP.compress(Arrays.copyOf(tar, 700));
        byte[] second = Compression.GZIP.compress(Arrays.copyOfRange(tar, 700, tar.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Map<String, byte[]> contents = new HashMap<>();

        TarFixtures.readAll(reader, TarFixtures.file(tmp, "two.tar.gz", both), Map.of(), contents);

        assertThat(contents).containsOnlyKeys("a", "b");
        assertThat(new String(contents.get("b"), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void shouldReadZstdArchivesStartingWithASkippableFrame() throws IOException {
        byte[] tar = TarFixtures.tar(t -> TarFixtures.file(t, "a", "x"));
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4}; // as pzstd writes
        byte[] frame = Compression.ZSTD.compress(tar);
        byte[] all = Arrays.copyOf(skippable, skippable.length + frame.length);
        System.arraycopy(frame, 0, all, skippable.length, frame.length);

        assertThat(read(all)).extracting(ArchivedEntry::path).containsExactly("a");
    }
}
