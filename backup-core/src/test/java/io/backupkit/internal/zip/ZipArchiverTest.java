package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            if (in.readAllBytes().length > 0) {
                count.incrementAndGet();
            }
        });
        assertThat(count).hasValue(70_000);
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
