package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.CompressedFormats;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.X000A_NTFS;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipExtraField;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipShort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ZipStreamWriter} through {@link ZipArchiver#write}, against what Commons Compress's
 * {@code ZipArchiveOutputStream} wrote for the same unit before it (the former writer is kept here, as it was).
 */
class ZipStreamWriterTest {

    @TempDir
    Path tmp;

    private static final FileTime TIME = time("2025-06-01T12:34:56.789Z");

    private static FileTime time(String instant) {
        return FileTime.from(Instant.parse(instant));
    }

    /** Times inside and outside what the DOS fields, the Unix timestamp and Commons' DOS check take. */
    private static final List<FileTime> TIMES = List.of(TIME, time("2025-06-01T12:34:57Z"),
            time("1970-01-01T00:00:00Z"), time("1980-01-01T00:00:00Z"), time("1980-01-01T00:00:01Z"),
            time("1980-01-01T00:00:02Z"), time("1979-12-31T23:59:59.999Z"), time("1975-01-01T00:00:01.999999Z"),
            time("1960-05-05T05:05:05.123456789Z"), time("1901-12-13T20:45:52Z"), time("1901-12-13T20:45:51.5Z"),
            time("1700-01-01T00:00:00.0000001Z"), time("2038-01-19T03:14:07Z"), time("2038-01-19T03:14:08Z"),
            time("2040-03-01T10:00:01.123456789Z"), time("2097-12-31T23:59:59Z"), time("2098-06-01T00:00:00Z"),
            time("2107-12-31T23:59:59Z"), time("2108-06-01T00:00:00Z"), time("2250-01-01T00:00:00.0000001Z"));

    /** Content of {@code size} bytes, text-like (deflates) and different per path. */
    private static byte[] content(String path, int size) {
        byte[] b = new byte[size];
        Random r = new Random(path.hashCode());
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + r.nextInt(r.nextBoolean() ? 4 : 26));
        }
        return b;
    }

    /** Serves each listed size, except the grew.log files (200 KiB since the walk: streamed), shrank.db (empty) and the
     *  gone files (vanished). */
    private static InputStream open(UnitEntry e) throws IOException {
        if (e.path().contains("gone")) {
            throw new NoSuchFileException(e.path());
        }
        int size = e.path().endsWith("grew.log") ? 200 * 1024 : e.path().endsWith("shrank.db") ? 0 : (int) e.size();
        return new ByteArrayInputStream(content(e.path(), size));
    }

    /** Every kind of entry the archiver writes, with every time of {@link #TIMES} and modes with odd bits. */
    private static List<UnitEntry> everyKind() {
        List<UnitEntry> entries = new ArrayList<>();
        entries.add(new UnitEntry("Métadonnées", EntryType.DIRECTORY, 0, TIME, 0755, null));
        entries.add(new UnitEntry("Métadonnées/read-only", EntryType.DIRECTORY, 0, TIME, 0555, null));
        entries.add(new UnitEntry("Métadonnées/sticky", EntryType.DIRECTORY, 0, TIME, 01777, null));
        entries.add(new UnitEntry("Métadonnées/日本語.xml", EntryType.FILE, 3000, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/🎬 poster.jpg", EntryType.FILE, 3000, TIME, 0444, null));
        entries.add(new UnitEntry("Métadonnées/odd\uD800name.txt", EntryType.FILE, 10, TIME, 0600, null));
        entries.add(new UnitEntry("Métadonnées/setuid.sh", EntryType.FILE, 40, TIME, 04755, null));
        entries.add(new UnitEntry("Métadonnées/empty.txt", EntryType.FILE, 0, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/gone.xml", EntryType.FILE, 50, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/big.db", EntryType.FILE, 3 * 1024 * 1024 + 7, TIME, 0600, null));
        entries.add(new UnitEntry("Métadonnées/big.mp4", EntryType.FILE, 2 * 1024 * 1024, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/shrank.db", EntryType.FILE, 2 * 1024 * 1024, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/big-gone.db", EntryType.FILE, 2 * 1024 * 1024, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/grew.log", EntryType.FILE, 10, TIME, 0644, null));
        entries.add(new UnitEntry("Métadonnées/link", EntryType.SYMLINK, 0, TIME, 0777, "日本語.xml"));
        entries.add(new UnitEntry("Métadonnées/dangling", EntryType.SYMLINK, 0, TIME, 0777, "../nowhere"));
        for (int i = 0; i < TIMES.size(); i++) {
            FileTime t = TIMES.get(i);
            entries.add(new UnitEntry("times/d" + i, EntryType.DIRECTORY, 0, t, 0750, null));
            entries.add(new UnitEntry("times/d" + i + "/small.txt", EntryType.FILE, 100, t, 0640, null));
            entries.add(new UnitEntry("times/d" + i + "/grew.log", EntryType.FILE, 10, t, 0640, null)); // streamed
            entries.add(new UnitEntry("times/d" + i + "/link", EntryType.SYMLINK, 0, t, 0777, "small.txt"));
        }
        return entries;
    }

    private static ArchiveWriteRequest request(Path zip, List<UnitEntry> entries, String level, String workers) {
        return new ArchiveWriteRequest("", zip.getParent(), zip, entries, Map.of("level", level, "workers", workers),
                (e, exact) -> open(e));
    }

    @Test
    void shouldWriteTheBytesCommonsCompressWrote() throws Exception {
        List<UnitEntry> entries = everyKind();
        for (String[] options : new String[][] {{"6", "0"}, {"1", "2"}, {"9", "1"}, {"0", "auto"}}) {
            Path commons = tmp.resolve("commons-" + options[0] + ".zip");
            Path ours = tmp.resolve("ours-" + options[0] + ".zip");
            writeWithCommons(request(commons, entries, options[0], options[1]));
            new ZipArchiver().write(request(ours, entries, options[0], options[1]));

            List<String> want = describe(commons);
            List<String> got = describe(ours);
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                assertThat(got.get(i)).as("level " + options[0] + ", entry " + i).isEqualTo(want.get(i));
            }
            assertThat(got).hasSameSizeAs(want);
            assertThat(Files.readAllBytes(ours)).as("level " + options[0]).isEqualTo(Files.readAllBytes(commons));
        }
    }

    @Test
    void shouldWriteTheBytesCommonsCompressWroteForZip64ByEntryCount() throws Exception {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            entries.add(new UnitEntry("d" + i % 100 + "/f" + i, EntryType.FILE, 4, TIME, 0644, null));
        }
        Path commons = tmp.resolve("commons.zip");
        Path ours = tmp.resolve("ours.zip");
        writeWithCommons(request(commons, entries, "1", "0"));
        new ZipArchiver().write(request(ours, entries, "1", "0"));

        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(commons));
    }

    /** Writes 4 GiB of zeros (deflated to 18 MB: about 8 s) and has 7-Zip check them. */
    @Test
    void shouldUseZip64SizesForAStreamedFileOfMoreThan4GiB() throws Exception {
        long size = (4L << 30) + 12_345;
        Path zip = tmp.resolve("huge.zip");
        List<UnitEntry> entries = List.of(new UnitEntry("before.txt", EntryType.FILE, 6, TIME, 0644, null),
                new UnitEntry("zeros.db", EntryType.FILE, size, TIME, 0644, null),
                new UnitEntry("after.txt", EntryType.FILE, 5, TIME, 0644, null));
        new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries, Map.of("level", "1", "workers", "0"),
                (e, exact) -> e.path().equals("zeros.db") ? zeros(size) : open(e)));

        long offset;
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            ZipArchiveEntry zeros = z.getEntry("zeros.db");
            assertThat(zeros.getSize()).isEqualTo(size);
            assertThat(zeros.getCompressedSize()).isLessThan(size / 100);
            assertThat(zeros.getExtraField(new ZipShort(ZipEntryHeader.ZIP64_EXTRA))).isNotNull();
            assertThat(zeros.getVersionRequired()).isEqualTo(45);
            assertThat(read(z, z.getEntry("after.txt"))).isEqualTo(content("after.txt", 5));
            offset = zeros.getLocalHeaderOffset();
        }
        byte[] head = new byte[30];
        try (InputStream in = Files.newInputStream(zip)) {
            in.skipNBytes(offset);
            in.readNBytes(head, 0, 30);
        }
        ByteBuffer local = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(local.getInt(0)).as("local header of zeros.db").isEqualTo(0x04034b50);
        assertThat(local.getInt(18)).as("compressed size: in the ZIP64 field").isEqualTo(-1);
        assertThat(local.getInt(22)).as("size: in the ZIP64 field").isEqualTo(-1);
        Process p = new ProcessBuilder("7z", "t", zip.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Everything is Ok").contains("Size:       " + (size + 11));
    }

    /** {@code size} zero bytes, made as they are read. */
    private static InputStream zeros(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    @Test
    void shouldDeleteTheSpillFileOnceTheArchiveIsWritten() throws Exception {
        Path zip = tmp.resolve("a.zip");
        new ZipArchiver().write(request(zip, everyKind(), "1", "2"));

        assertThat(ZipStreamWriter.spillFile(zip)).isEqualTo(tmp.resolve("a.zip.cd.tmp"));
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(zip);
        }
    }

    @Test
    void shouldDeleteTheSpillFileWhenAStreamedFileCannotBeRead() throws Exception {
        Path zip = tmp.resolve("a.zip");
        List<UnitEntry> entries = everyKind();
        assertThatThrownBy(() -> new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries,
                Map.of("workers", "2"), (e, exact) -> {
                    if (e.path().equals("Métadonnées/big.db")) {
                        InputStream in = open(e);
                        return new InputStream() { // fails half way through
                            private int read;

                            @Override
                            public int read() throws IOException {
                                if (++read > 700_000) {
                                    throw new IOException("Cannot read " + e.path() + ": Input/output error");
                                }
                                return in.read();
                            }
                        };
                    }
                    return open(e);
                }))).isInstanceOf(IOException.class).hasMessage("Cannot read Métadonnées/big.db: Input/output error");

        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
    }

    @Test
    void shouldDeleteTheSpillFileWhenAFileCannotBeOpened() throws Exception {
        Path zip = tmp.resolve("a.zip");
        List<UnitEntry> entries = everyKind();
        assertThatThrownBy(() -> new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries,
                Map.of("workers", "0"), (e, exact) -> {
                    if (e.path().equals("Métadonnées/big.mp4")) {
                        throw new java.nio.file.AccessDeniedException(e.path());
                    }
                    return open(e);
                }))).isInstanceOf(java.nio.file.AccessDeniedException.class).hasMessage("Métadonnées/big.mp4");

        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
    }

    @Test
    void shouldReplaceTheSpillFileOfAnInterruptedRun() throws Exception {
        Path zip = tmp.resolve("a.zip");
        Files.writeString(ZipStreamWriter.spillFile(zip), "left by a killed run");
        new ZipArchiver().write(request(zip, everyKind(), "1", "2"));

        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            assertThat(Collections.list(z.getEntries())).hasSize(everyKind().size() - 2); // the two gone files
        }
    }

    @Test
    void shouldRefuseAnArchiveThatExists() throws Exception {
        Path zip = tmp.resolve("a.zip");
        Files.writeString(zip, "someone else's");

        assertThatThrownBy(() -> new ZipArchiver().write(request(zip, everyKind(), "1", "0")))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(zip).hasContent("someone else's");
        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
    }

    @Test
    void shouldNameTheEntryWhoseNameIsTooLong() throws Exception {
        Path zip = tmp.resolve("a.zip");
        String name = "x".repeat(70_000);
        try (ZipStreamWriter w = new ZipStreamWriter(zip, 1)) {
            assertThatThrownBy(() -> w.writeStored(new ZipStreamWriter.Entry(name, UnixStat.FILE_FLAG | 0644, TIME),
                    new byte[0])).isInstanceOf(IOException.class)
                    .hasMessage("Cannot write '" + name + "' to " + zip + ": its name is 70000 bytes in UTF-8, a zip"
                            + " holds at most 65535");
        }
        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
    }

    /** One line per entry of what Commons reads from the archive: every field a reader relies on. */
    private static List<String> describe(Path zip) throws IOException {
        List<String> lines = new ArrayList<>();
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry e : Collections.list(z.getEntriesInPhysicalOrder())) {
                lines.add(String.join(" | ", e.getName(), "method " + e.getMethod(),
                        "crc " + Long.toHexString(e.getCrc()), "size " + e.getSize(),
                        "compressed " + e.getCompressedSize(), "platform " + e.getPlatform(),
                        "mode " + Integer.toOctalString(e.getUnixMode()),
                        "attributes " + Long.toHexString(e.getExternalAttributes()),
                        "link " + e.isUnixSymlink(), "dir " + e.isDirectory(), "time " + e.getLastModifiedTime(),
                        "dos " + e.getTime(), "made by " + e.getVersionMadeBy(),
                        "needed " + e.getVersionRequired(), "utf8 " + e.getGeneralPurposeBit().usesUTF8ForNames(),
                        "central extra " + ids(e.getExtraFields()),
                        "local extra " + Arrays.toString(e.getLocalFileDataExtra()),
                        "content " + Arrays.hashCode(read(z, e))));
            }
        }
        return lines;
    }

    private static List<String> ids(ZipExtraField[] fields) {
        List<String> ids = new ArrayList<>();
        for (ZipExtraField f : fields) {
            ids.add(Integer.toHexString(f.getHeaderId().getValue()) + ":"
                    + Arrays.toString(f.getCentralDirectoryData()));
        }
        return ids;
    }

    private static byte[] read(ZipFile z, ZipArchiveEntry e) throws IOException {
        try (InputStream in = z.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    /** The zip writer as it was before {@link ZipStreamWriter}: Commons Compress over a buffered channel. */
    private static void writeWithCommons(ArchiveWriteRequest request) throws IOException {
        int level = Integer.parseInt(request.options().get("level"));
        String w = request.options().get("workers");
        byte[] buffer = new byte[128 * 1024];
        try (ZipAhead ahead = new ZipAhead(request, level, w.equals("auto") ? ZipArchiver.autoWorkers()
                : Integer.parseInt(w));
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(new BufferedWriteChannel(FileChannel.open(
                     request.archive(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1024 * 1024))) {
            zip.setEncoding(StandardCharsets.UTF_8.name());
            zip.setUseLanguageEncodingFlag(true);
            zip.setUseZip64(Zip64Mode.AsNeeded);
            zip.setLevel(level);
            List<UnitEntry> entries = request.entries();
            for (int i = 0; i < entries.size(); i++) {
                UnitEntry e = entries.get(i);
                switch (e.type()) {
                    case DIRECTORY -> {
                        ZipArchiveEntry ze = entry(e.path() + "/", UnixStat.DIR_FLAG | e.mode(), e.mtime());
                        ze.setMethod(ZipEntry.STORED);
                        ze.setSize(0);
                        zip.putArchiveEntry(ze);
                        zip.closeArchiveEntry();
                    }
                    case SYMLINK -> {
                        byte[] target = e.linkTarget().getBytes(StandardCharsets.UTF_8);
                        ZipArchiveEntry ze = entry(e.path(), UnixStat.LINK_FLAG | 0777, e.mtime());
                        ze.setMethod(ZipEntry.STORED);
                        ze.setSize(target.length);
                        zip.putArchiveEntry(ze);
                        zip.write(target);
                        zip.closeArchiveEntry();
                    }
                    case FILE -> {
                        ZipArchiveEntry ze = entry(e.path(), UnixStat.FILE_FLAG | e.mode(), e.mtime());
                        ZipAhead.Packed packed = ahead.take(i);
                        if (packed == ZipAhead.VANISHED) {
                            continue;
                        }
                        if (packed != null && packed != ZipAhead.TOO_BIG) {
                            ze.setMethod(packed.deflated() ? ZipEntry.DEFLATED : ZipEntry.STORED);
                            ze.setSize(packed.size());
                            ze.setCompressedSize(packed.length());
                            ze.setCrc(packed.crc());
                            zip.addRawArchiveEntry(ze, new ByteArrayInputStream(packed.data(), 0, packed.length()));
                            continue;
                        }
                        InputStream in;
                        try {
                            in = request.open(e);
                        } catch (NoSuchFileException vanished) {
                            continue;
                        }
                        try (in) {
                            byte[] head = in.readNBytes(CompressedFormats.SIGNATURE_BYTES);
                            ze.setMethod(ZipArchiver.deflates(level, e, head, head.length) ? ZipEntry.DEFLATED
                                    : ZipEntry.STORED);
                            zip.putArchiveEntry(ze);
                            zip.write(head);
                            int n;
                            while ((n = in.read(buffer)) > 0) {
                                zip.write(buffer, 0, n);
                            }
                            zip.closeArchiveEntry();
                        }
                    }
                    default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
                }
            }
            zip.finish();
        }
    }

    private static ZipArchiveEntry entry(String name, int unixMode, FileTime mtime) {
        ZipArchiveEntry ze = new ZipArchiveEntry(name);
        ze.setUnixMode(unixMode);
        ze.setTime(mtime.toMillis());
        long seconds = mtime.to(java.util.concurrent.TimeUnit.SECONDS);
        if (seconds >= Integer.MIN_VALUE && seconds <= Integer.MAX_VALUE) {
            X5455_ExtendedTimestamp ts = new X5455_ExtendedTimestamp();
            ts.setModifyFileTime(mtime);
            ze.addExtraField(ts);
        } else {
            X000A_NTFS ntfs = new X000A_NTFS();
            ntfs.setModifyFileTime(mtime);
            ze.addExtraField(ntfs);
        }
        return ze;
    }
}
