package io.backupkit.internal.zip;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
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
}
