package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.X000A_NTFS;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZipArchiverTest {

    @TempDir
    Path tmp;

    private static final FileTime TIME = FileTime.from(Instant.parse("2025-06-01T12:34:56.789Z"));

    private void write(Path zip, List<UnitEntry> entries, Map<String, String> options) throws Exception {
        new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries, options,
                (e, exact) -> new ByteArrayInputStream(("content of " + e.path()).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void shouldStoreCompressedFormatsAndDeflateTheRest() throws Exception {
        Path zip = tmp.resolve("a.zip");
        write(zip, List.of(
                new UnitEntry("poster.JPG", EntryType.FILE, 0, TIME, 0644, null),
                new UnitEntry("index-sd.bif", EntryType.FILE, 0, TIME, 0644, null),
                new UnitEntry("Preferences.xml", EntryType.FILE, 0, TIME, 0600, null)), Map.of());
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            assertThat(z.getEntry("poster.JPG").getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(z.getEntry("index-sd.bif").getMethod()).isEqualTo(ZipEntry.STORED);
            ZipArchiveEntry xml = z.getEntry("Preferences.xml");
            assertThat(xml.getMethod()).isEqualTo(ZipEntry.DEFLATED);
            assertThat(xml.getUnixMode() & 07777).isEqualTo(0600);
            assertThat(xml.getLastModifiedTime().toInstant()).isEqualTo(Instant.parse("2025-06-01T12:34:56Z"));
            assertThat(xml.getGeneralPurposeBit().usesUTF8ForNames()).isTrue();
        }
    }

    @Test
    void shouldStoreFilesWhoseContentIsCompressedWhateverTheirName() throws Exception {
        // Plex names posters by hash, without an extension; some are read ahead, the big ones streamed
        byte[] jpeg = jpeg(300_000);
        byte[] bigJpeg = jpeg((int) ZipAhead.SMALL_FILE + 100_000);
        byte[] xml = "<MediaContainer size=\"0\"/>\n".repeat(60_000).getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> contents = Map.of("posters/f7661a0b", jpeg, "posters/big", bigJpeg,
                "Info", xml, "tiny", new byte[] {(byte) 0xFF, (byte) 0xD8});
        List<UnitEntry> entries = List.of(
                new UnitEntry("posters/f7661a0b", EntryType.FILE, jpeg.length, TIME, 0644, null),
                new UnitEntry("posters/big", EntryType.FILE, bigJpeg.length, TIME, 0644, null),
                new UnitEntry("Info", EntryType.FILE, xml.length, TIME, 0644, null),
                new UnitEntry("tiny", EntryType.FILE, 2, TIME, 0644, null));
        for (String workers : List.of("0", "2")) {
            Path zip = tmp.resolve("sniff-" + workers + ".zip");
            new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries,
                    Map.of("level", "1", "workers", workers),
                    (e, exact) -> new ByteArrayInputStream(contents.get(e.path()))));
            try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
                assertThat(z.getEntry("posters/f7661a0b").getMethod()).as(workers).isEqualTo(ZipEntry.STORED);
                assertThat(z.getEntry("posters/big").getMethod()).as(workers).isEqualTo(ZipEntry.STORED);
                assertThat(z.getEntry("Info").getMethod()).as(workers).isEqualTo(ZipEntry.DEFLATED);
                assertThat(z.getEntry("tiny").getMethod()).as("too short for a signature")
                        .isEqualTo(ZipEntry.DEFLATED);
                for (Map.Entry<String, byte[]> c : contents.entrySet()) {
                    try (InputStream in = z.getInputStream(z.getEntry(c.getKey()))) {
                        assertThat(in.readAllBytes()).as(c.getKey()).isEqualTo(c.getValue());
                    }
                }
            }
        }
        assertThat(Files.readAllBytes(tmp.resolve("sniff-0.zip"))).as("the same bytes with any number of workers")
                .isEqualTo(Files.readAllBytes(tmp.resolve("sniff-2.zip")));
    }

    /** JPEG's start of image and JFIF marker, then bytes that do not compress. */
    private static byte[] jpeg(int length) {
        byte[] b = new byte[length];
        new Random(length).nextBytes(b);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'},
                0, b, 0, 10);
        return b;
    }

    @Test
    void shouldStoreEverythingAtLevelZero() throws Exception {
        Path zip = tmp.resolve("a.zip");
        write(zip, List.of(new UnitEntry("a.xml", EntryType.FILE, 0, TIME, 0644, null)), Map.of("level", "0"));
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            assertThat(z.getEntry("a.xml").getMethod()).isEqualTo(ZipEntry.STORED);
        }
    }

    @Test
    void shouldUseZip64PastTheEntryLimitAndReadItBack() throws Exception {
        Path zip = tmp.resolve("big.zip");
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            entries.add(new UnitEntry("d/f" + i + ".txt", EntryType.FILE, 0, TIME, 0644, null));
        }
        write(zip, entries, Map.of("level", "1"));
        AtomicInteger count = new AtomicInteger();
        new ZipArchiver().read(zip, Map.of(), (entry, in) -> {
            if (new String(in.readAllBytes(), StandardCharsets.UTF_8).equals("content of " + entry.path())) {
                count.incrementAndGet();
            }
        });
        assertThat(count).hasValue(70_000);
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer end = ByteBuffer.wrap(bytes, bytes.length - 22 - 20 - 56, 22 + 20 + 56).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(end.getInt(0)).as("ZIP64 end record").isEqualTo(0x06064b50);
        assertThat(end.getLong(24)).as("entries in the ZIP64 end record").isEqualTo(70_000);
        assertThat(end.getInt(56)).as("ZIP64 locator").isEqualTo(0x07064b50);
        assertThat(end.getInt(76)).as("end record").isEqualTo(0x06054b50);
        assertThat(end.getShort(76 + 10) & 0xffff).as("entries in the end record").isEqualTo(0xffff);
        assertThat(tool("unzip", "-t", "-q", zip.toString())).startsWith("0 ");
        assertThat(tool("7z", "t", zip.toString())).startsWith("0 ").contains("Files: 70000");
    }

    @Test
    void shouldPassTheArchiveToolsWithModesAndLinks() throws Exception {
        Path zip = tmp.resolve("a.zip");
        write(zip, List.of(
                new UnitEntry("Plug-ins", EntryType.DIRECTORY, 0, TIME, 0750, null),
                new UnitEntry("Plug-ins/run.sh", EntryType.FILE, 0, TIME, 0755, null),
                new UnitEntry("Plug-ins/Préférences.xml", EntryType.FILE, 0, TIME, 0600, null),
                new UnitEntry("Plug-ins/read-only.txt", EntryType.FILE, 0, TIME, 0444, null),
                new UnitEntry("Plug-ins/current", EntryType.SYMLINK, 0, TIME, 0777, "run.sh")), Map.of());

        assertThat(tool("unzip", "-t", "-q", zip.toString())).startsWith("0 ");
        assertThat(tool("7z", "t", zip.toString())).startsWith("0 ").contains("Everything is Ok");
        String listing = tool("unzip", "-Z", "-l", zip.toString());
        assertThat(listing).startsWith("0 ").contains("number of entries: 5");
        assertThat(listing.lines().filter(l -> l.contains(" unx ")).map(l -> l.substring(0, 10) + " "
                + l.substring(l.lastIndexOf(' ') + 1))).containsExactly(
                "drwxr-x--- Plug-ins/", "-rwxr-xr-x Plug-ins/run.sh", "-rw------- Plug-ins/Préférences.xml",
                "-r--r--r-- Plug-ins/read-only.txt", "lrwxrwxrwx Plug-ins/current");
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            ZipArchiveEntry link = z.getEntry("Plug-ins/current");
            assertThat(link.isUnixSymlink()).isTrue();
            assertThat(z.getUnixSymlink(link)).isEqualTo("run.sh");
            assertThat(z.getEntry("Plug-ins/").isDirectory()).isTrue();
            try (InputStream in = z.getInputStream(z.getEntry("Plug-ins/Préférences.xml"))) {
                assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8)
                        .isEqualTo("content of Plug-ins/Préférences.xml");
            }
        }
    }

    @Test
    void shouldStreamBigFilesDeflatedAndStored() throws Exception {
        Path zip = tmp.resolve("a.zip");
        List<UnitEntry> entries = List.of(
                new UnitEntry("library.db", EntryType.FILE, 3 * 1024 * 1024 + 1, TIME, 0644, null),
                new UnitEntry("movie.mkv", EntryType.FILE, 2 * 1024 * 1024 + 3, TIME, 0644, null));
        new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries, Map.of("level", "1", "workers", "0"),
                (e, exact) -> open(e)));

        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            for (UnitEntry e : entries) {
                ZipArchiveEntry ze = z.getEntry(e.path());
                assertThat(ze.getMethod()).as(e.path())
                        .isEqualTo(e.path().endsWith(".db") ? ZipEntry.DEFLATED : ZipEntry.STORED);
                assertThat(ze.getSize()).as(e.path()).isEqualTo(e.size());
                if (ze.getMethod() == ZipEntry.DEFLATED) {
                    assertThat(ze.getCompressedSize()).as(e.path()).isLessThan(e.size() * 3 / 4);
                } else {
                    assertThat(ze.getCompressedSize()).as(e.path()).isEqualTo(e.size());
                }
                try (InputStream in = z.getInputStream(ze); InputStream want = open(e)) {
                    assertThat(in.readAllBytes()).as(e.path()).isEqualTo(want.readAllBytes());
                }
            }
        }
        assertThat(tool("unzip", "-t", "-q", zip.toString())).startsWith("0 ");
        assertThat(tool("7z", "t", zip.toString())).startsWith("0 ").contains("Everything is Ok");
    }

    @Test
    void shouldKeepTimesPast2038AndBefore1980() throws Exception {
        Path zip = tmp.resolve("a.zip");
        FileTime future = FileTime.from(Instant.parse("2040-03-01T10:00:01.123456789Z"));
        FileTime past = FileTime.from(Instant.parse("1975-06-01T08:09:10.5Z"));
        write(zip, List.of(
                new UnitEntry("future.txt", EntryType.FILE, 0, future, 0644, null),
                new UnitEntry("past.txt", EntryType.FILE, 0, past, 0644, null),
                new UnitEntry("past", EntryType.DIRECTORY, 0, past, 0755, null)), Map.of());

        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            ZipArchiveEntry f = z.getEntry("future.txt");
            assertThat(f.getLastModifiedTime().toInstant()).isEqualTo(Instant.parse("2040-03-01T10:00:01.1234567Z"));
            assertThat(f.getExtraField(X000A_NTFS.HEADER_ID)).isNotNull();
            assertThat(f.getExtraField(X5455_ExtendedTimestamp.HEADER_ID)).isNull();
            for (String name : new String[] {"past.txt", "past/"}) {
                ZipArchiveEntry p = z.getEntry(name);
                // before 1980 the NTFS field (to the millisecond) comes with the extended timestamp (to the second)
                assertThat(p.getLastModifiedTime().toInstant()).as(name).isEqualTo(past.toInstant());
                assertThat(p.getExtraField(X5455_ExtendedTimestamp.HEADER_ID)).as(name).isNotNull();
                assertThat(p.getExtraField(X000A_NTFS.HEADER_ID)).as(name).isNotNull();
            }
        }
        assertThat(tool("unzip", "-t", "-q", zip.toString())).startsWith("0 ");
        String listing = tool("unzip", "-Z", "-l", zip.toString());
        assertThat(listing).contains("40-Mar-01 10:00 future.txt").contains("75-Jun-01 08:09 past.txt");
    }

    @Test
    void shouldWriteAnEmptyUnit() throws Exception {
        Path zip = tmp.resolve("a.zip");
        write(zip, List.of(), Map.of());

        assertThat(Files.readAllBytes(zip)).hasSize(22).startsWith(0x50, 0x4b, 0x05, 0x06);
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            assertThat(z.getEntries().hasMoreElements()).isFalse();
        }
        assertThat(tool("unzip", "-t", "-q", zip.toString())).startsWith("1 ").contains("zipfile is empty");
        assertThat(tool("7z", "t", zip.toString())).startsWith("0 ").contains("Everything is Ok");
        assertThat(ZipStreamWriter.spillFile(zip)).doesNotExist();
    }

    /**
     * Runs one of the real archive tools (installed here and in CI), as a user without BackupKit would.
     *
     * @return its exit code, a space, and what it printed
     */
    private String tool(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return p.exitValue() + " " + output;
    }

    @Test
    void shouldReadLinksAndFoldersBackWithTheirTypes() throws Exception {
        Path zip = tmp.resolve("a.zip");
        write(zip, List.of(
                new UnitEntry("dir", EntryType.DIRECTORY, 0, TIME, 0750, null),
                new UnitEntry("dir/link", EntryType.SYMLINK, 0, TIME, 0777, "../target")), Map.of());
        List<String> seen = new ArrayList<>();
        new ZipArchiver().read(zip, Map.of(), (e, in) -> seen.add(e.path() + " " + e.type() + " "
                + Integer.toOctalString(e.mode()) + " " + e.linkTarget()));
        assertThat(seen).containsExactly("dir DIRECTORY 750 null", "dir/link SYMLINK 777 ../target");
    }

    /** Content of {@code size} bytes, text-like (deflates) and different per path. */
    private static byte[] content(String path, int size) {
        byte[] b = new byte[size];
        java.util.Random r = new java.util.Random(path.hashCode());
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + r.nextInt(r.nextBoolean() ? 4 : 26));
        }
        return b;
    }

    /** Small and big, deflated and stored files, folders and a link; one file grows past what is read ahead. */
    private static List<UnitEntry> mixed() {
        List<UnitEntry> entries = new ArrayList<>();
        entries.add(new UnitEntry("Metadata", EntryType.DIRECTORY, 0, TIME, 0755, null));
        for (int i = 0; i < 600; i++) {
            String dir = "Metadata/m" + (i % 40);
            if (i < 40) {
                entries.add(new UnitEntry(dir, EntryType.DIRECTORY, 0, TIME, 0755, null));
            }
            entries.add(new UnitEntry(dir + "/Info" + i + ".xml", EntryType.FILE, 100 + i * 37L, TIME, 0644, null));
            entries.add(new UnitEntry(dir + "/poster" + i + ".jpg", EntryType.FILE, 3000, TIME, 0644, null));
        }
        entries.add(new UnitEntry("Metadata/big.db", EntryType.FILE, 3 * 1024 * 1024, TIME, 0600, null));
        entries.add(new UnitEntry("Metadata/grew.log", EntryType.FILE, 10, TIME, 0644, null));
        entries.add(new UnitEntry("Metadata/link", EntryType.SYMLINK, 0, TIME, 0777, "m1"));
        return entries;
    }

    /** Serves each listed size, except grew.log (200 KiB since the walk) and gone.xml (vanished). */
    private static InputStream open(UnitEntry e) throws IOException {
        if (e.path().endsWith("gone.xml")) {
            throw new NoSuchFileException(e.path());
        }
        int size = e.path().endsWith("grew.log") ? 200 * 1024 : (int) e.size();
        return new ByteArrayInputStream(content(e.path(), size));
    }

    @Test
    void shouldWriteTheSameBytesWithAnyNumberOfWorkers() throws Exception {
        List<UnitEntry> entries = new ArrayList<>(mixed());
        entries.add(5, new UnitEntry("Metadata/m0/gone.xml", EntryType.FILE, 50, TIME, 0644, null));
        byte[] first = null;
        for (String workers : new String[] {"0", "1", "4"}) {
            Path zip = tmp.resolve("w" + workers + ".zip");
            new ZipArchiver().write(new ArchiveWriteRequest("", tmp, zip, entries,
                    Map.of("level", "1", "workers", workers), (e, exact) -> open(e)));
            byte[] bytes = Files.readAllBytes(zip);
            if (first == null) {
                first = bytes;
            } else {
                assertThat(bytes).as("workers=" + workers).isEqualTo(first);
            }
        }
        try (ZipFile z = ZipFile.builder().setPath(tmp.resolve("w4.zip")).get()) {
            assertThat(z.getEntry("Metadata/m0/gone.xml")).isNull();
            for (UnitEntry e : mixed()) {
                ZipArchiveEntry ze = z.getEntry(e.type() == EntryType.DIRECTORY ? e.path() + "/" : e.path());
                assertThat(ze).as(e.path()).isNotNull();
                if (e.type() == EntryType.FILE) {
                    assertThat(ze.getMethod()).as(e.path())
                            .isEqualTo(e.path().endsWith(".jpg") ? ZipEntry.STORED : ZipEntry.DEFLATED);
                    try (InputStream in = z.getInputStream(ze); InputStream want = open(e)) {
                        assertThat(in.readAllBytes()).as(e.path()).isEqualTo(want.readAllBytes());
                    }
                }
            }
        }
    }

    @Test
    void shouldFailWithTheReadErrorOfAFileReadAhead() {
        List<UnitEntry> entries = mixed();
        assertThatThrownBy(() -> new ZipArchiver().write(new ArchiveWriteRequest("", tmp, tmp.resolve("f.zip"),
                entries, Map.of("workers", "2"), (e, exact) -> {
                    if (e.path().endsWith("Info123.xml")) {
                        throw new IOException("Cannot read " + e.path() + ": Input/output error");
                    }
                    return open(e);
                }))).isInstanceOf(IOException.class)
                .hasMessage("Cannot read Metadata/m3/Info123.xml: Input/output error");
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(t ->
                assertThat(t.getName().startsWith("backupkit-zip-") && t.isAlive()).isTrue());
    }

    @Test
    void shouldNameABadWorkersOption() {
        assertThat(new ZipArchiver().checkOptions(Map.of("level", "6", "workers", "many")))
                .containsExactly("zip option 'workers' must be 0-16 or auto, was 'many'");
        assertThat(new ZipArchiver().checkOptions(Map.of("level", "6", "workers", "auto"))).isEmpty();
        assertThat(new ZipArchiver().contentOptions()).containsExactly("level");
    }
}
