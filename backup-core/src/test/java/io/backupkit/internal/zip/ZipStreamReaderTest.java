package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Streaming a zip's entries one at a time, checked against what Commons Compress's {@code ZipFile} reads. */
class ZipStreamReaderTest {

    @TempDir
    Path tmp;

    private static final FileTime TIME = FileTime.from(Instant.parse("2025-06-01T12:34:56.789Z"));
    private static final FileTime BEFORE_1980 = FileTime.from(Instant.parse("1975-03-04T05:06:07Z"));
    private static final FileTime BEFORE_1970 = FileTime.from(Instant.parse("1960-01-02T03:04:05Z"));
    private static final FileTime AFTER_2038 = FileTime.from(Instant.parse("2100-07-08T09:10:11.1234567Z"));

    // ---- archives to read

    /** Content of {@code size} bytes, text-like (deflates well) and different per path; random bytes if not text. */
    private static byte[] content(String path, int size, boolean text) {
        byte[] b = new byte[size];
        Random r = new Random(path.hashCode());
        if (!text) {
            r.nextBytes(b);
            return b;
        }
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + r.nextInt(r.nextBoolean() ? 4 : 26));
        }
        return b;
    }

    private static byte[] content(UnitEntry e) {
        return content(e.path(), (int) e.size(), !e.path().endsWith(".jpg"));
    }

    /** Files deflated and stored, small and big, empty; folders; links; modes; times from 1960 to 2100; Unicode. */
    private static List<UnitEntry> tree() {
        return List.of(
                new UnitEntry("Metadata", EntryType.DIRECTORY, 0, TIME, 0755, null),
                new UnitEntry("Metadata/Info.xml", EntryType.FILE, 5000, TIME, 0644, null),
                new UnitEntry("Metadata/poster.jpg", EntryType.FILE, 70_000, TIME, 0600, null),
                new UnitEntry("Metadata/empty.txt", EntryType.FILE, 0, TIME, 0644, null),
                new UnitEntry("Metadata/big.db", EntryType.FILE, 3 * 1024 * 1024, TIME, 0640, null),
                new UnitEntry("Metadata/big-random.jpg", EntryType.FILE, 1024 * 1024 + 17, TIME, 0644, null),
                new UnitEntry("Metadata/run.sh", EntryType.FILE, 30, BEFORE_1980, 04755, null),
                new UnitEntry("Metadata/old.txt", EntryType.FILE, 40, BEFORE_1970, 0444, null),
                new UnitEntry("Metadata/future.txt", EntryType.FILE, 50, AFTER_2038, 0664, null),
                new UnitEntry("Metadata/Ünïcødé 日本語 🎬.txt", EntryType.FILE, 60, TIME, 0644, null),
                new UnitEntry("Metadata/private", EntryType.DIRECTORY, 0, BEFORE_1980, 0700, null),
                new UnitEntry("Metadata/private/link", EntryType.SYMLINK, 0, TIME, 0777, "../Info.xml"),
                new UnitEntry("Metadata/Ordner 📁", EntryType.DIRECTORY, 0, AFTER_2038, 0750, null),
                new UnitEntry("Metadata/Ordner 📁/verknüpfung", EntryType.SYMLINK, 0, TIME, 0777, "../Ünïcødé"));
    }

    private Path ours(String name, List<UnitEntry> entries, String level) throws IOException {
        Path zip = tmp.resolve(name);
        new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries, Map.of("level", level),
                (e, exact) -> new ByteArrayInputStream(content(e))));
        return zip;
    }

    /** A zip written by Commons Compress to a stream that cannot seek: deflated entries get data descriptors. */
    private Path streamed(String name, Zip64Mode zip64) throws IOException {
        Path zip = tmp.resolve(name);
        // a plain OutputStream: the writer cannot seek back to fill in sizes, so it writes data descriptors
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(zip));
             ZipArchiveOutputStream out = new ZipArchiveOutputStream(file)) {
            out.setUseZip64(zip64);
            writeCommons(out);
        }
        return zip;
    }

    /** A zip written by Commons Compress to a file, ZIP64 records and fields forced. */
    private Path zip64(String name) throws IOException {
        Path zip = tmp.resolve(name);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            out.setUseZip64(Zip64Mode.Always);
            writeCommons(out);
        }
        return zip;
    }

    private static void writeCommons(ZipArchiveOutputStream out) throws IOException {
        for (int i = 0; i < 40; i++) {
            ZipArchiveEntry e = new ZipArchiveEntry("dir/entry-" + i + (i % 3 == 0 ? ".bin" : ".txt"));
            e.setUnixMode(UnixStat.FILE_FLAG | 0644);
            byte[] data = content(e.getName(), i * 997, i % 3 != 0);
            if (i % 3 == 0) { // stored: sizes and CRC must be known before the data when the stream cannot seek
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                e.setCrc(crc.getValue());
            }
            out.putArchiveEntry(e);
            out.write(data);
            out.closeArchiveEntry();
        }
        ZipArchiveEntry dir = new ZipArchiveEntry("dir/sub/");
        dir.setUnixMode(UnixStat.DIR_FLAG | 0755);
        out.putArchiveEntry(dir);
        out.closeArchiveEntry();
    }

    /** A tree zipped by Info-ZIP's {@code zip -r -y -q}: links stored as links, Unix modes, UT times. */
    private Path infoZip() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src/tree"));
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.write(root.resolve("sub/text.xml"), content("text.xml", 200_000, true));
        Files.write(root.resolve("sub/random.bin"), content("random.bin", 300_000, false));
        Files.write(root.resolve("empty"), new byte[0]);
        Files.write(root.resolve("run.sh"), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        for (String file : new String[] {"sub/text.xml", "sub/random.bin", "empty"}) {
            Files.setPosixFilePermissions(root.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(root.resolve("sub/deeper"), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(root.resolve("run.sh"), BEFORE_1980);
        Files.setLastModifiedTime(root.resolve("empty"), BEFORE_1970); // a negative extended timestamp
        Files.createSymbolicLink(root.resolve("link"), Path.of("sub/text.xml"));
        // a UTF-8 name made by the shell, whatever the encoding of file names in this JVM
        run(tmp.resolve("src"), "sh", "-c", "f=\"tree/$(printf 'Gr\\303\\274\\303\\237e.txt')\"; "
                + "printf 'gr\\303\\274\\303\\237e' > \"$f\" && chmod 644 \"$f\"");
        Path zip = tmp.resolve("info.zip");
        run(tmp.resolve("src"), "zip", "-r", "-y", "-q", zip.toString(), "tree");
        return zip;
    }

    private static void run(Path dir, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    // ---- what is read

    /** What {@link ZipArchiver#read} gives a visitor, one line per entry, content as its SHA-256. */
    private static List<String> visited(Path zip) throws IOException {
        List<String> seen = new ArrayList<>();
        new ZipArchiver().read(zip, Map.of(), (e, in) -> seen.add(e.path() + " " + e.type() + " " + e.size() + " "
                + Integer.toOctalString(e.mode()) + " " + e.mtime().toInstant() + " " + e.linkTarget() + " "
                + sha256(in.readAllBytes())));
        return seen;
    }

    /** What {@link ZipArchiver#read} gave before it streamed: the same visit through Commons Compress's ZipFile. */
    private static List<String> visitedThroughZipFile(Path zip) throws IOException {
        List<String> seen = new ArrayList<>();
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            Enumeration<ZipArchiveEntry> entries = z.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry ze = entries.nextElement();
                int unixMode = ze.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? ze.getUnixMode() : 0;
                int typeBits = unixMode & 0170000;
                String mode = Integer.toOctalString(unixMode == 0 ? -1 : unixMode & 07777);
                String name = ze.getName();
                String time = ze.getLastModifiedTime().toInstant().toString();
                if (ze.isUnixSymlink()) {
                    String target;
                    try (InputStream in = z.getInputStream(ze)) {
                        target = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    seen.add(name + " SYMLINK 0 " + mode + " " + time + " " + target + " " + sha256(new byte[0]));
                } else if (ze.isDirectory() || typeBits == UnixStat.DIR_FLAG) {
                    String dir = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    seen.add(dir + " DIRECTORY 0 " + mode + " " + time + " null " + sha256(new byte[0]));
                } else if (typeBits != 0 && typeBits != UnixStat.FILE_FLAG) {
                    seen.add(name + " OTHER " + ze.getSize() + " " + mode + " " + time + " null "
                            + sha256(new byte[0]));
                } else {
                    try (InputStream in = z.getInputStream(ze)) {
                        seen.add(name + " FILE " + ze.getSize() + " " + mode + " " + time + " null "
                                + sha256(in.readAllBytes()));
                    }
                }
            }
        }
        return seen;
    }

    /** Every field of every entry as the reader gives it, beside what ZipFile gives, in central directory order. */
    private static void assertSameEntriesAsZipFile(Path zip) throws IOException {
        List<String> streamed = new ArrayList<>();
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            for (ZipStreamReader.Entry e = reader.next(); e != null; e = reader.next()) {
                byte[] data;
                try (InputStream in = reader.content(e)) {
                    data = in.readAllBytes();
                }
                streamed.add(e.name() + " method=" + e.method() + " crc=" + e.crc() + " csize=" + e.compressedSize()
                        + " size=" + e.size() + " offset=" + e.localHeaderOffset() + " made=" + e.versionMadeBy()
                        + " platform=" + e.platform() + " unix=" + Integer.toOctalString(e.unixMode())
                        + " ext=" + e.externalAttributes() + " flags=" + e.flags()
                        + " mtime=" + e.lastModifiedTime().toInstant() + " content=" + sha256(data));
            }
        }
        List<String> commons = new ArrayList<>();
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            for (Enumeration<ZipArchiveEntry> en = z.getEntries(); en.hasMoreElements(); ) {
                ZipArchiveEntry e = en.nextElement();
                byte[] data;
                try (InputStream in = z.getInputStream(e)) {
                    data = in.readAllBytes();
                }
                commons.add(e.getName() + " method=" + e.getMethod() + " crc=" + e.getCrc() + " csize="
                        + e.getCompressedSize() + " size=" + e.getSize() + " offset=" + e.getLocalHeaderOffset()
                        + " made=" + e.getVersionMadeBy() + " platform=" + e.getPlatform()
                        + " unix=" + Integer.toOctalString(e.getUnixMode()) + " ext=" + e.getExternalAttributes()
                        + " flags=" + e.getRawFlag() + " mtime=" + e.getLastModifiedTime().toInstant()
                        + " content=" + sha256(data));
            }
        }
        assertThat(streamed).isNotEmpty().containsExactlyElementsOf(commons);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- round trips

    @Test
    void shouldReadBackWhatZipArchiverWritesAsZipFileDid() throws Exception {
        for (String level : new String[] {"6", "0"}) {
            Path zip = ours("ours-" + level + ".zip", tree(), level);
            assertSameEntriesAsZipFile(zip);
            assertThat(visited(zip)).as("level " + level).containsExactlyElementsOf(visitedThroughZipFile(zip));
        }
    }

    @Test
    void shouldGiveTheVisitorEachEntryAsItWasArchived() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        List<String> want = new ArrayList<>();
        for (UnitEntry e : tree()) {
            Instant time = e.mtime().toInstant();
            // the extended timestamp holds seconds; the NTFS field, used past 2038, 100 ns units
            Instant stored = e.mtime() == AFTER_2038 ? time : Instant.ofEpochSecond(time.getEpochSecond());
            byte[] data = e.type() == EntryType.FILE ? content(e) : new byte[0];
            want.add(e.path() + " " + e.type() + " " + data.length + " " + Integer.toOctalString(e.mode()) + " "
                    + stored + " " + e.linkTarget() + " " + sha256(data));
        }
        assertThat(visited(zip)).containsExactlyElementsOf(want);
    }

    @Test
    void shouldDeflateStoredAndDeflatedEntriesAsTheirMethodSays() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        List<String> methods = new ArrayList<>();
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            for (ZipStreamReader.Entry e = reader.next(); e != null; e = reader.next()) {
                methods.add(e.name() + " " + e.method());
            }
        }
        assertThat(methods).contains("Metadata/Info.xml 8", "Metadata/big.db 8", "Metadata/poster.jpg 0",
                "Metadata/big-random.jpg 0", "Metadata/private/link 0");
    }

    @Test
    void shouldReadInfoZipArchivesWithLinksFoldersAndModes() throws Exception {
        Path zip = infoZip();
        assertSameEntriesAsZipFile(zip);
        List<String> seen = visited(zip);
        assertThat(seen).containsExactlyElementsOf(visitedThroughZipFile(zip));
        assertThat(seen)
                .anySatisfy(s -> assertThat(s).startsWith("tree/link SYMLINK 0 777 ").contains(" sub/text.xml "))
                .anySatisfy(s -> assertThat(s).startsWith("tree/sub/deeper DIRECTORY 0 700 "))
                .anySatisfy(s -> assertThat(s).startsWith("tree/run.sh FILE 10 750 " + BEFORE_1980.toInstant()))
                .anySatisfy(s -> assertThat(s).startsWith("tree/Grüße.txt FILE 7 644 "))
                .anySatisfy(s -> assertThat(s).startsWith("tree/empty FILE 0 644 " + BEFORE_1970.toInstant()))
                .anySatisfy(s -> assertThat(s).startsWith("tree/sub/random.bin FILE 300000 644 "));
    }

    @Test
    void shouldReadEntriesWithDataDescriptorsFromTheirCentralDirectory() throws Exception {
        Path zip = streamed("streamed.zip", Zip64Mode.AsNeeded);
        assertSameEntriesAsZipFile(zip);
        assertThat(visited(zip)).containsExactlyElementsOf(visitedThroughZipFile(zip));
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            ZipStreamReader.Entry deflated = reader.next();
            deflated = reader.next(); // entry-1.txt, deflated
            assertThat(deflated.name()).isEqualTo("dir/entry-1.txt");
            assertThat(deflated.flags() & 8).as("data descriptor flag").isEqualTo(8);
            assertThat(reader.content(deflated).readAllBytes()).isEqualTo(content("dir/entry-1.txt", 997, true));
        }
    }

    @Test
    void shouldReadZip64Archives() throws Exception {
        for (Path zip : new Path[] {zip64("zip64.zip"), streamed("zip64-streamed.zip", Zip64Mode.Always)}) {
            byte[] bytes = Files.readAllBytes(zip);
            assertThat(indexOf(bytes, 0x06064b50, 0)).as("ZIP64 end record in " + zip).isPositive();
            assertSameEntriesAsZipFile(zip);
            assertThat(visited(zip)).hasSize(41).containsExactlyElementsOf(visitedThroughZipFile(zip));
        }
    }

    @Test
    void shouldTakeTheSaturatedFieldsOfTheEndRecordFromTheZip64EndRecord() throws Exception {
        Path zip = zip64("saturated.zip");
        byte[] bytes = Files.readAllBytes(zip);
        int eocd = indexOf(bytes, 0x06054b50, indexOf(bytes, 0x06064b50, 0));
        patch(zip, eocd + 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        assertSameEntriesAsZipFile(zip);
        assertThat(visited(zip)).hasSize(41);
        assertThat(ZipCentralDirectory.count(zip, 100).entries()).isEqualTo(41);
    }

    @Test
    void shouldNameTheArchiveWhoseEndRecordIsSaturatedWithoutAZip64EndRecord() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        int eocd = indexOf(Files.readAllBytes(zip), 0x06054b50, 0);
        patch(zip, eocd + 16, 0xff, 0xff, 0xff, 0xff);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessage(zip + " is damaged: its end record says the central directory is described in a ZIP64 "
                        + "end record, and there is none");
    }

    @Test
    void shouldReadZip64PastTheEntryLimitOfTheEndRecord() throws Exception {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 66_000; i++) {
            entries.add(new UnitEntry("d/f" + i, EntryType.FILE, 1 + i % 3, TIME, 0644, null));
        }
        Path zip = ours("many.zip", entries, "1");
        long[] count = new long[1];
        String[] last = new String[1];
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            for (ZipStreamReader.Entry e = reader.next(); e != null; e = reader.next()) {
                count[0]++;
                last[0] = e.name();
                if (count[0] % 1000 == 0) {
                    assertThat(reader.content(e).readAllBytes()).isEqualTo(content(entries.get((int) count[0] - 1)));
                }
            }
        }
        assertThat(count[0]).isEqualTo(66_000);
        assertThat(last[0]).isEqualTo("d/f65999");
    }

    @Test
    void shouldReadUnflaggedNamesAsUnicodePathFieldUtf8OrCp437() throws Exception {
        Path zip = tmp.resolve("cp437.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            out.setEncoding("IBM437");
            out.setUseLanguageEncodingFlag(false);
            out.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
            add(out, "Grüße.txt");
            add(out, "Metadata\\Movies\\a.xml"); // made on FAT (no Unix mode): \ separates folders
            out.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.ALWAYS);
            add(out, "日本.txt"); // not in CP437: the name is written %U-escaped, the Unicode path field has it
        }
        List<String> names = new ArrayList<>();
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            for (ZipStreamReader.Entry e = reader.next(); e != null; e = reader.next()) {
                assertThat(e.flags() & 0x800).isZero();
                names.add(e.name());
            }
        }
        assertThat(names).containsExactly("Grüße.txt", "Metadata/Movies/a.xml", "日本.txt");
    }

    private static void add(ZipArchiveOutputStream out, String name) throws IOException {
        out.putArchiveEntry(new ZipArchiveEntry(name));
        out.write(name.getBytes(StandardCharsets.UTF_8));
        out.closeArchiveEntry();
    }

    @Test
    void shouldReadAnEmptyArchive() throws Exception {
        Path zip = ours("empty.zip", List.of(), "6");
        assertThat(visited(zip)).isEmpty();
    }

    // ---- content read in part, or out of turn

    @Test
    void shouldGiveTheNextEntryRightAfterOneReadOnlyInPart() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        List<String> seen = new ArrayList<>();
        new ZipArchiver().read(zip, Map.of(), (e, in) -> {
            if (e.path().equals("Metadata/big.db") || e.path().equals("Metadata/poster.jpg")) {
                in.readNBytes((int) e.size() / 2); // half, deflated and stored
                seen.add(e.path() + " half");
            } else {
                seen.add(e.path() + " " + sha256(in.readAllBytes()));
            }
        });
        List<String> want = new ArrayList<>();
        for (UnitEntry e : tree()) {
            boolean half = e.path().equals("Metadata/big.db") || e.path().equals("Metadata/poster.jpg");
            want.add(e.path() + " " + (half ? "half" : sha256(e.type() == EntryType.FILE ? content(e) : new byte[0])));
        }
        assertThat(seen).containsExactlyElementsOf(want);
    }

    @Test
    void shouldRefuseToReadContentAfterMovingOn() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        try (ZipStreamReader reader = ZipStreamReader.open(zip)) {
            reader.next();
            ZipStreamReader.Entry info = reader.next();
            InputStream in = reader.content(info);
            in.read();
            reader.next();
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("Metadata/Info.xml")
                    .hasMessageContaining("moved to another entry");
        }
    }

    // ---- damage

    /** @return the index of the first little-endian {@code signature} at or after {@code from}, or -1 */
    private static int indexOf(byte[] bytes, int signature, int from) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i + 4 <= bytes.length; i++) {
            if (b.getInt(i) == signature) {
                return i;
            }
        }
        return -1;
    }

    /** @return the index of the central directory header of {@code name} */
    private static int centralHeader(byte[] bytes, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int at = indexOf(bytes, 0x02014b50, 0); at >= 0; at = indexOf(bytes, 0x02014b50, at + 4)) {
            if (java.util.Arrays.equals(bytes, at + 46, at + 46 + n.length, n, 0, n.length)) {
                return at;
            }
        }
        throw new AssertionError("no central header for " + name);
    }

    private static long localHeader(Path zip, String name) throws IOException {
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            return z.getEntry(name).getLocalHeaderOffset();
        }
    }

    private static long dataOffset(Path zip, String name) throws IOException {
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            return z.getEntry(name).getDataOffset();
        }
    }

    private static void patch(Path zip, long at, int... values) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        for (int i = 0; i < values.length; i++) {
            bytes[(int) at + i] = (byte) values[i];
        }
        Files.write(zip, bytes);
    }

    @Test
    void shouldNameTheEntryWhoseStoredContentFailsItsCrc() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        long at = dataOffset(zip, "Metadata/poster.jpg") + 1000;
        patch(zip, at, Files.readAllBytes(zip)[(int) at] ^ 0x01);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("CRC-32 of 'Metadata/poster.jpg' in " + zip + " differs");
    }

    @Test
    void shouldNameTheEntryWhoseDeflatedContentIsDamaged() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        long at = dataOffset(zip, "Metadata/big.db") + 5000;
        patch(zip, at, Files.readAllBytes(zip)[(int) at] ^ 0x10);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessageContaining("'Metadata/big.db' in " + zip);
    }

    @Test
    void shouldNameTheArchiveWhenItIsCutShort() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        byte[] bytes = Files.readAllBytes(zip);
        for (int cut : new int[] {bytes.length - 1, bytes.length - 30, bytes.length / 2, 100, 10, 0}) {
            Path cutZip = Files.write(tmp.resolve("cut-" + cut + ".zip"), java.util.Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> visited(cutZip)).as("cut at " + cut).isInstanceOf(IOException.class)
                    .hasMessageContaining(cutZip.toString());
        }
    }

    @Test
    void shouldNameTheEntryWhoseLocalHeaderSignatureIsWrong() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        long local = localHeader(zip, "Metadata/Info.xml");
        patch(zip, local, 'P', 'K', 9, 9);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessage("'Metadata/Info.xml' in " + zip + " is damaged: no local header at byte " + local
                        + " (found 0x9094b50)");
    }

    @Test
    void shouldNameTheArchiveWhoseCentralDirectoryOffsetLiesPastItsEnd() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        byte[] bytes = Files.readAllBytes(zip);
        int eocd = indexOf(bytes, 0x06054b50, 0);
        long past = bytes.length + 1000L;
        patch(zip, eocd + 16, (int) past, (int) (past >> 8), (int) (past >> 16), (int) (past >> 24));
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(zip + " is damaged: its central directory")
                .hasMessageContaining("at byte " + past);
        assertThat(ZipCentralDirectory.count(zip, 10).entries()).isEqualTo(-1);
    }

    @Test
    void shouldNameTheArchiveWhenANameRunsPastTheCentralDirectory() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        int header = centralHeader(Files.readAllBytes(zip), "Metadata/future.txt");
        patch(zip, header + 28, 0xff, 0xff);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(zip + " is damaged: central directory header 9 at byte " + header)
                .hasMessageContaining("past the central directory's end");
    }

    @Test
    void shouldRefuseAnEncryptedEntryNamingIt() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        byte[] bytes = Files.readAllBytes(zip);
        int header = centralHeader(bytes, "Metadata/Info.xml");
        long local = localHeader(zip, "Metadata/Info.xml");
        patch(zip, header + 8, bytes[header + 8] | 1);
        patch(zip, local + 6, bytes[(int) local + 6] | 1);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessage("'Metadata/Info.xml' in " + zip + " is encrypted; encrypted zip entries cannot be read");
    }

    @Test
    void shouldRefuseAnUnsupportedMethodNamingItAndTheEntry() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        int header = centralHeader(Files.readAllBytes(zip), "Metadata/big.db");
        long local = localHeader(zip, "Metadata/big.db");
        patch(zip, header + 10, 14, 0);
        patch(zip, local + 8, 14, 0);
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessage("'Metadata/big.db' in " + zip + " uses compression method 14 (LZMA); only methods 0 "
                        + "(stored), 8 (deflated), 9 (Deflate64) and 12 (bzip2) can be read");
    }

    @Test
    void shouldReadBzip2AndDeflate64EntriesOfOtherToolsCheckingTheirCrc() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("methods"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("<Item id=\"").append(i * 7919 % 10007).append("\"/>\n");
        }
        Files.writeString(src.resolve("a.xml"), text);
        byte[] expected = Files.readAllBytes(src.resolve("a.xml"));
        Path bzip2 = tmp.resolve("bzip2.zip");
        run(src, "zip", "-q", "-Z", "bzip2", bzip2.toString(), "a.xml");
        Path deflate64 = tmp.resolve("deflate64.zip");
        run(src, "7z", "a", "-bd", "-tzip", "-mm=Deflate64", deflate64.toString(), "a.xml");
        for (Path zip : List.of(bzip2, deflate64)) {
            int method = zip == bzip2 ? 12 : 9;
            assertThat(ZipExtraFields.u16(Files.readAllBytes(zip), 8)).as(zip + " method").isEqualTo(method);
            List<byte[]> contents = new ArrayList<>();
            new ZipArchiver().read(zip, Map.of(), (e, in) -> contents.add(in.readAllBytes()));
            assertThat(contents).singleElement().isEqualTo(expected);
            // a flipped byte of the compressed data: the decoder or the CRC-32 names the entry
            byte[] bytes = Files.readAllBytes(zip);
            bytes[30 + "a.xml".length() + ZipExtraFields.u16(bytes, 28) + 2000] ^= 0x10;
            Path damaged = tmp.resolve("damaged-" + zip.getFileName());
            Files.write(damaged, bytes);
            assertThatThrownBy(() -> new ZipArchiver().read(damaged, Map.of(), (e, in) -> in.readAllBytes()))
                    .isInstanceOf(IOException.class).hasMessageContaining("'a.xml' in " + damaged);
        }
    }

    @Test
    void shouldRefuseContentLongerThanItsListedSize() throws Exception {
        Path zip = ours("ours.zip", tree(), "0");
        int header = centralHeader(Files.readAllBytes(zip), "Metadata/Info.xml");
        patch(zip, header + 24, 100, 0, 0, 0); // 100 bytes listed, 5000 stored
        assertThatThrownBy(() -> visited(zip)).isInstanceOf(IOException.class)
                .hasMessage("'Metadata/Info.xml' in " + zip + " is damaged: its content holds more than the 100 bytes "
                        + "its central directory header lists");
    }

    @Test
    void shouldFailOnlyWithIOExceptionsWhateverBytesOfTheEndAreDamaged() throws Exception {
        Path zip = ours("ours.zip", tree(), "6");
        byte[] good = Files.readAllBytes(zip);
        int cd = indexOf(good, 0x02014b50, 0);
        Random random = new Random(42);
        Path bad = tmp.resolve("bad.zip");
        int failures = 0;
        for (int trial = 0; trial < 250; trial++) {
            byte[] bytes = good.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                int at = trial % 4 == 0 ? random.nextInt(bytes.length) : cd + random.nextInt(bytes.length - cd);
                bytes[at] = (byte) (trial % 3 == 0 ? 0xff : random.nextInt(256));
            }
            Files.write(bad, bytes);
            String as = "trial " + trial;
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> visited(bad), as);
            } catch (Exception e) { // an unchecked exception fails the test here, as would a hang or an error
                assertThat(e).as(as).isInstanceOf(IOException.class);
                assertThat(e.getMessage()).as(as).contains(bad.toString());
                failures++;
            }
        }
        assertThat(failures).isPositive();
    }
}
