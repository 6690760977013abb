package io.backupkit.archivers.sevenz;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class SevenZArchiverTest {

    private static final FileTime TIME = FileTime.from(Instant.parse("2025-06-01T12:34:56.123456789Z"));

    @TempDir
    Path tmp;

    /** Content per path; a path mapped to {@code null} has vanished. Unlisted files hold "content of PATH". */
    private final Map<String, byte[]> contents = new HashMap<>();
    private final Map<String, Tracked> opened = new ConcurrentHashMap<>();

    private Path write(List<UnitEntry> entries, Map<String, String> options) throws IOException {
        Path archive = tmp.resolve("unit.7z");
        new SevenZArchiver().write(new ArchiveWriteRequest("", tmp, archive, entries, options, (e, exact) -> {
            if (contents.containsKey(e.path()) && contents.get(e.path()) == null) {
                throw new NoSuchFileException(e.path());
            }
            byte[] bytes = contents.getOrDefault(e.path(),
                    ("content of " + e.path()).getBytes(StandardCharsets.UTF_8));
            Tracked in = new Tracked(new ByteArrayInputStream(bytes));
            opened.put(e.path(), in);
            return in;
        }));
        return archive;
    }

    private static UnitEntry file(String path, int mode) {
        return new UnitEntry(path, EntryType.FILE, 0, TIME, mode, null);
    }

    /** Reads an archive into "name -> entry", keeping the order, with each file's content as UTF-8. */
    private static Map<String, Read> read(Path archive, Map<String, String> options) throws IOException {
        Map<String, Read> out = new LinkedHashMap<>();
        new SevenZArchiver().read(archive, options, (entry, in) -> {
            assertThat(out).as("names are unique in these archives").doesNotContainKey(entry.path());
            out.put(entry.path(), new Read(entry, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        });
        return out;
    }

    private record Read(ArchivedEntry entry, String content) {
    }

    // ------------------------------------------------------------------ options

    @Test
    void shouldListLevelAndMemoryLimitWithTheirDefaults() {
        assertThat(new SevenZArchiver().defaultOptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("level", "5", "memoryLimitMiB", "256"));
        assertThat(new SevenZArchiver().id()).isEqualTo("7z");
        assertThat(new SevenZArchiver().extension()).isEqualTo("7z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "-1", "fast", "", "5.0"})
    void shouldRefuseALevelOutsideZeroToNine(String value) {
        assertThatThrownBy(() -> write(List.of(file("a.xml", 0644)), Map.of("level", value)))
                .isInstanceOf(IOException.class)
                .hasMessage("7z option 'level' must be a whole number 0-9, was '" + value + "'");
        assertThat(tmp.resolve("unit.7z")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65537", "lots", "-256"})
    void shouldRefuseAMemoryLimitOutsideItsRange(String value) {
        assertThatThrownBy(() -> read(tmp.resolve("any.7z"), Map.of("memoryLimitMiB", value)))
                .isInstanceOf(IOException.class)
                .hasMessage("7z option 'memoryLimitMiB' must be a whole number 1-65536, was '" + value + "'");
        assertThatThrownBy(() -> write(List.of(file("a.xml", 0644)), Map.of("memoryLimitMiB", value)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'memoryLimitMiB'").hasMessageContaining("1-65536");
    }

    @Test
    void shouldRefuseADictionaryTheMemoryLimitCouldNotReadBack() {
        List<UnitEntry> entries = List.of(file("a.xml", 0644),
                new UnitEntry("big.db", EntryType.FILE, 100_000_000, TIME, 0644, null));
        assertThatThrownBy(() -> write(entries, Map.of("level", "9", "memoryLimitMiB", "32")))
                .isInstanceOf(IOException.class)
                .hasMessage("7z option 'level' 9 compresses 'big.db' with a 64 MiB dictionary, which needs 65 MiB to "
                        + "read back, more than option 'memoryLimitMiB' 32 allows; raise memoryLimitMiB or lower the "
                        + "level");
        assertThat(tmp.resolve("unit.7z")).doesNotExist();
    }

    @Test
    void shouldAcceptAHighLevelWhenEveryFileIsSmallEnoughForTheMemoryLimit() throws IOException {
        Path archive = write(List.of(new UnitEntry("a.xml", EntryType.FILE, 3_000_000, TIME, 0644, null),
                new UnitEntry("big.jpg", EntryType.FILE, 100_000_000, TIME, 0644, null)),
                Map.of("level", "9", "memoryLimitMiB", "5"));
        assertThat(read(archive, Map.of("level", "9", "memoryLimitMiB", "5"))).containsOnlyKeys("a.xml", "big.jpg");
    }

    @Test
    void shouldWriteOnlyHeadersTheMemoryLimitCanReadBack() throws IOException {
        List<UnitEntry> fits = new ArrayList<>();
        for (int i = 0; i < 2_400; i++) {
            fits.add(file("f" + i, 0644));
        }
        Map<String, String> options = Map.of("level", "0", "memoryLimitMiB", "1");
        assertThat(read(write(fits, options), options)).hasSize(2_400);
        Files.delete(tmp.resolve("unit.7z"));

        List<UnitEntry> tooMany = new ArrayList<>(fits);
        for (int i = 2_400; i < 2_600; i++) {
            tooMany.add(file("f" + i, 0644));
        }
        assertThatThrownBy(() -> write(tooMany, options))
                .isInstanceOf(IOException.class)
                .hasMessage("a 7z archive of 2600 entries needs about 2 MiB to read its header back, more than option "
                        + "'memoryLimitMiB' 1 allows; raise memoryLimitMiB to at least 2");
        assertThat(tmp.resolve("unit.7z")).doesNotExist();
    }

    @Test
    void shouldReportHeadersOverTheMemoryLimitAsTooLargeWhenReading() throws IOException {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2_600; i++) {
            entries.add(file("f" + i, 0644));
        }
        Path archive = write(entries, Map.of("level", "0"));
        assertThatThrownBy(() -> read(archive, Map.of("memoryLimitMiB", "1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("needs 2 MiB of memory to decode, more than option 'memoryLimitMiB' 1 allows");
    }

    @Test
    void shouldAcceptOptionsWithSurroundingSpaces() throws IOException {
        Path archive = write(List.of(file("a.xml", 0644)), Map.of("level", " 1 ", "memoryLimitMiB", "64 "));
        assertThat(read(archive, Map.of("memoryLimitMiB", " 64"))).containsOnlyKeys("a.xml");
    }

    // ------------------------------------------------------------------ writing

    @Test
    void shouldKeepLongAndNonAsciiNamesModesAndTimesTo100Nanoseconds() throws IOException {
        String longName = "Metadata/" + "a-long-folder-name-".repeat(10) + "/" + "é".repeat(200) + ".xml";
        String unicode = "Metadata/Movies/Ünïcödé ファイル/Info 😀.xml";
        assertThat(longName.length()).isGreaterThan(255);
        Path archive = write(List.of(
                new UnitEntry("Metadata", EntryType.DIRECTORY, 0, TIME, 0750, null),
                file(longName, 0600),
                file(unicode, 0644),
                file("run.sh", 0755)), Map.of());

        Map<String, Read> read = read(archive, Map.of());

        assertThat(read).containsOnlyKeys("Metadata", longName, unicode, "run.sh");
        assertThat(read.get(longName).content()).isEqualTo("content of " + longName);
        assertThat(read.get(longName).entry().mode()).isEqualTo(0600);
        assertThat(read.get(unicode).entry().mode()).isEqualTo(0644);
        assertThat(read.get("run.sh").entry().mode()).isEqualTo(0755);
        assertThat(read.get("Metadata").entry()).isEqualTo(new ArchivedEntry("Metadata", EntryType.DIRECTORY, 0,
                0750, FileTime.from(Instant.parse("2025-06-01T12:34:56.1234567Z")), null));
        assertThat(read.get("run.sh").entry().mtime().toInstant())
                .isEqualTo(Instant.parse("2025-06-01T12:34:56.1234567Z"));
    }

    @Test
    void shouldWriteAttributesTheWayP7zipDoes() throws IOException {
        Path archive = write(List.of(
                new UnitEntry("dir", EntryType.DIRECTORY, 0, TIME, 0755, null),
                file("dir/private.xml", 0600),
                file("dir/readonly.xml", 0444),
                new UnitEntry("dir/link", EntryType.SYMLINK, 0, TIME, 0777, "../target")), Map.of());
        Map<String, SevenZArchiveEntry> entries = new LinkedHashMap<>();
        try (SevenZFile z = SevenZFile.builder().setPath(archive).get()) {
            for (SevenZArchiveEntry e : z.getEntries()) {
                entries.put(e.getName(), e);
            }
        }
        assertThat(entries.get("dir").getWindowsAttributes()).isEqualTo(0x10 | 0x8000 | 040755 << 16);
        assertThat(entries.get("dir").isDirectory()).isTrue();
        assertThat(entries.get("dir/private.xml").getWindowsAttributes()).isEqualTo(0x20 | 0x8000 | 0100600 << 16);
        assertThat(entries.get("dir/readonly.xml").getWindowsAttributes())
                .isEqualTo(0x20 | 0x8000 | 0100444 << 16 | 0x1);
        assertThat(entries.get("dir/link").getWindowsAttributes()).isEqualTo(0x20 | 0x8000 | 0120777 << 16);
        assertThat(entries.get("dir/link").getSize()).isEqualTo("../target".length());
    }

    @Test
    void shouldStoreCompressedFormatsAndCompressTheRestWithLzma2() throws IOException {
        byte[] text = "<Item type=\"Movie\"/>\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);
        contents.put("poster.JPG", text);
        contents.put("index-sd.bif", text);
        contents.put("Preferences.xml", text);
        Path archive = write(List.of(file("poster.JPG", 0644), file("index-sd.bif", 0644),
                file("Preferences.xml", 0644)), Map.of());

        Map<String, SevenZArchiveEntry> entries = entries(archive);

        assertThat(methods(entries.get("poster.JPG"))).containsExactly(SevenZMethod.COPY);
        assertThat(methods(entries.get("index-sd.bif"))).containsExactly(SevenZMethod.COPY);
        assertThat(methods(entries.get("Preferences.xml"))).containsExactly(SevenZMethod.LZMA2);
        assertThat(Files.size(archive)).as("two stored copies and one compressed")
                .isBetween(2L * text.length, 2L * text.length + 2_000);
        assertThat(read(archive, Map.of()).get("Preferences.xml").content())
                .isEqualTo(new String(text, StandardCharsets.UTF_8));
    }

    @Test
    void shouldStoreFilesWhoseContentIsCompressedWhateverTheirName() throws IOException {
        // Plex names posters by hash, without an extension
        byte[] jpeg = new byte[3 * 1024 * 1024]; // more than one buffer
        new Random(7).nextBytes(jpeg);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, 0, jpeg, 0, 4);
        byte[] text = "<Item type=\"Movie\"/>\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);
        contents.put("posters/f7661a0b", jpeg);
        contents.put("Info", text);
        contents.put("empty", new byte[0]);
        Path archive = write(List.of(
                new UnitEntry("posters/f7661a0b", EntryType.FILE, jpeg.length, TIME, 0644, null),
                new UnitEntry("Info", EntryType.FILE, text.length, TIME, 0644, null),
                new UnitEntry("empty", EntryType.FILE, 0, TIME, 0644, null)), Map.of("level", "1"));

        Map<String, SevenZArchiveEntry> entries = entries(archive);

        assertThat(methods(entries.get("posters/f7661a0b"))).containsExactly(SevenZMethod.COPY);
        assertThat(methods(entries.get("Info"))).containsExactly(SevenZMethod.LZMA2);
        try (SevenZFile z = SevenZFile.builder().setPath(archive).get()) {
            for (SevenZArchiveEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                try (InputStream in = z.getInputStream(e)) {
                    assertThat(in.readAllBytes()).as(e.getName()).isEqualTo(contents.get(e.getName()));
                }
            }
        }
    }

    @Test
    void shouldStoreEverythingAtLevelZero() throws IOException {
        Path archive = write(List.of(file("a.xml", 0644), file("b.txt", 0644)), Map.of("level", "0"));
        assertThat(entries(archive).values()).allSatisfy(e -> assertThat(methods(e)).containsExactly(SevenZMethod.COPY));
    }

    @Test
    void shouldCutTheDictionaryToWhatEachFileNeeds() throws IOException {
        contents.put("small.xml", "x".repeat(100).getBytes(StandardCharsets.UTF_8));
        contents.put("medium.xml", new byte[100_000]);
        contents.put("large.xml", new byte[10_000_000]);
        Path archive = write(List.of(
                new UnitEntry("small.xml", EntryType.FILE, 100, TIME, 0644, null),
                new UnitEntry("medium.xml", EntryType.FILE, 100_000, TIME, 0644, null),
                new UnitEntry("large.xml", EntryType.FILE, 10_000_000, TIME, 0644, null)), Map.of());

        Map<String, SevenZArchiveEntry> entries = entries(archive);

        assertThat(dictionary(entries.get("small.xml"))).isEqualTo(4096);
        assertThat(dictionary(entries.get("medium.xml"))).isEqualTo(128 * 1024);
        assertThat(dictionary(entries.get("large.xml"))).as("level 5's 8 MiB").isEqualTo(8 << 20);
        assertThat(read(archive, Map.of()).get("large.xml").content()).hasSize(10_000_000);
    }

    @Test
    void shouldStillReadAFileThatGrewPastItsDictionary() throws IOException {
        byte[] grown = new byte[300_000];
        new Random(1).nextBytes(grown);
        contents.put("grew.db", grown);
        Path archive = write(List.of(new UnitEntry("grew.db", EntryType.FILE, 10, TIME, 0644, null)), Map.of());
        List<byte[]> read = new ArrayList<>();
        new SevenZArchiver().read(archive, Map.of(), (e, in) -> read.add(in.readAllBytes()));
        assertThat(read).singleElement().isEqualTo(grown);
    }

    @Test
    void shouldWriteSymlinksAsFilesHoldingTheirTarget() throws IOException {
        Path archive = write(List.of(
                new UnitEntry("link", EntryType.SYMLINK, 0, TIME, 0777, "Movies/with space/ and more.json"),
                new UnitEntry("dangling", EntryType.SYMLINK, 0, TIME, 0777, "../does-not-exist")), Map.of());

        Map<String, Read> read = read(archive, Map.of());

        assertThat(read.get("link").entry()).isEqualTo(new ArchivedEntry("link", EntryType.SYMLINK, 0, 0777,
                FileTime.from(Instant.parse("2025-06-01T12:34:56.1234567Z")), "Movies/with space/ and more.json"));
        assertThat(read.get("link").content()).as("links hand the visitor no content").isEmpty();
        assertThat(read.get("dangling").entry().linkTarget()).isEqualTo("../does-not-exist");
        assertThat(opened).as("links are not opened as files").isEmpty();
    }

    @Test
    void shouldWriteEmptyFilesAndEmptyFolders() throws IOException {
        contents.put("empty.txt", new byte[0]);
        Path archive = write(List.of(
                new UnitEntry("Empty Folder", EntryType.DIRECTORY, 0, TIME, 0755, null),
                file("empty.txt", 0640)), Map.of());

        Map<String, Read> read = read(archive, Map.of());

        assertThat(read.get("Empty Folder").entry().type()).isEqualTo(EntryType.DIRECTORY);
        assertThat(read.get("empty.txt").entry()).isEqualTo(new ArchivedEntry("empty.txt", EntryType.FILE, 0, 0640,
                FileTime.from(Instant.parse("2025-06-01T12:34:56.1234567Z")), null));
        assertThat(read.get("empty.txt").content()).isEmpty();
        assertThat(opened.get("empty.txt").eof).as("empty file read to its end").isTrue();
        assertThat(opened.get("empty.txt").closed).isTrue();
    }

    @Test
    void shouldLeaveOutAFileThatVanished() throws IOException {
        contents.put("gone.xml", null);
        Path archive = write(List.of(file("before.xml", 0644), file("gone.xml", 0644), file("after.xml", 0644)),
                Map.of());
        assertThat(read(archive, Map.of())).containsOnlyKeys("before.xml", "after.xml");
    }

    @Test
    void shouldReadEveryFileToItsEndAndCloseIt() throws IOException {
        byte[] big = new byte[3_000_000];
        new Random(7).nextBytes(big);
        contents.put("big.jpg", big);
        contents.put("big.bin", big);
        write(List.of(file("a.xml", 0644), file("big.jpg", 0644), file("big.bin", 0644)), Map.of("level", "1"));
        assertThat(opened).containsOnlyKeys("a.xml", "big.jpg", "big.bin");
        assertThat(opened.values()).allSatisfy(t -> {
            assertThat(t.eof).isTrue();
            assertThat(t.closed).isTrue();
        });
    }

    @Test
    void shouldPassAReadFailureOfASourceFileThrough() {
        assertThatThrownBy(() -> new SevenZArchiver().write(new ArchiveWriteRequest("", tmp, tmp.resolve("u.7z"),
                List.of(file("a.xml", 0644)), Map.of(), (e, exact) -> {
                    throw new IOException("disk on fire");
                }))).isInstanceOf(IOException.class).hasMessage("disk on fire");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingArchive() throws IOException {
        Files.writeString(tmp.resolve("unit.7z"), "keep me");
        assertThatThrownBy(() -> write(List.of(file("a.xml", 0644)), Map.of()))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(tmp.resolve("unit.7z")).hasContent("keep me");
    }

    // ------------------------------------------------------------------ reading

    @Test
    void shouldHandEntriesInStoredOrderAndCopeWithContentLeftUnread() throws IOException {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "f" + (19 - i) + (i % 3 == 0 ? ".jpg" : ".xml");
            contents.put(name, ("line " + i + "\n").repeat(1000 * i + 1).getBytes(StandardCharsets.UTF_8));
            entries.add(file(name, 0644));
        }
        Path archive = write(entries, Map.of());
        List<String> names = new ArrayList<>();
        List<InputStream> streams = new ArrayList<>();

        new SevenZArchiver().read(archive, Map.of(), (e, in) -> {
            names.add(e.path());
            streams.add(in);
            if (names.size() % 2 == 0) {
                assertThat(in.read()).isEqualTo('l'); // one byte, then leave the rest
            }
        });

        assertThat(names).containsExactlyElementsOf(entries.stream().map(UnitEntry::path).toList());
        assertThatThrownBy(() -> streams.get(3).read())
                .isInstanceOf(IOException.class).hasMessageContaining("only be read while its entry is visited");
    }

    @Test
    void shouldPassTheVisitorsOwnFailureThroughUnchanged() throws IOException {
        Path archive = write(List.of(file("a.xml", 0644), file("b.xml", 0644)), Map.of());
        IOException stop = new IOException("stop here");
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> new SevenZArchiver().read(archive, Map.of(), (e, in) -> {
            seen.add(e.path());
            throw stop;
        })).isSameAs(stop);
        assertThat(seen).containsExactly("a.xml");
    }

    @Test
    void shouldReturnHostileNamesRawWithTheTypesTheArchiveClaims() throws IOException {
        Path archive = tmp.resolve("hostile.7z");
        try (SevenZOutputFile out = new SevenZOutputFile(Files.newByteChannel(archive,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))) {
            add(out, "../x", 0x20 | 0x8000 | 0100644 << 16, "climb");
            add(out, "/etc/x", 0x20 | 0x8000 | 0100600 << 16, "absolute");
            add(out, "C:\\x", 0x20, "drive");
            add(out, "a/../../b", null, "dots");
            add(out, "fifo", 0x20 | 0x8000 | 0010644 << 16, null);
            add(out, "char-device", 0x20 | 0x8000 | 0020660 << 16, null);
            add(out, "block-device", 0x20 | 0x8000 | 0060660 << 16, null);
            add(out, "socket", 0x20 | 0x8000 | 0140755 << 16, null);
            add(out, "evil-link", 0x20 | 0x8000 | 0120777 << 16, "/etc/passwd");
            SevenZArchiveEntry dir = new SevenZArchiveEntry();
            dir.setName("dir-claiming-fifo");
            dir.setDirectory(true);
            dir.setWindowsAttributes(0x10 | 0x8000 | 0010755 << 16);
            dir.setHasWindowsAttributes(true);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            SevenZArchiveEntry anti = new SevenZArchiveEntry();
            anti.setName("deleted");
            anti.setAntiItem(true);
            out.putArchiveEntry(anti);
            out.closeArchiveEntry();
        }

        Map<String, Read> read = read(archive, Map.of());

        assertThat(read.keySet()).containsExactly("../x", "/etc/x", "C:\\x", "a/../../b", "fifo", "char-device",
                "block-device", "socket", "evil-link", "dir-claiming-fifo", "deleted");
        assertThat(read.get("../x").entry().type()).isEqualTo(EntryType.FILE);
        assertThat(read.get("../x").entry().mode()).isEqualTo(0644);
        assertThat(read.get("../x").content()).isEqualTo("climb");
        assertThat(read.get("/etc/x").entry().type()).isEqualTo(EntryType.FILE);
        assertThat(read.get("C:\\x").entry().mode()).as("no Unix extension").isEqualTo(-1);
        assertThat(read.get("a/../../b").entry().mode()).as("no attributes").isEqualTo(-1);
        assertThat(read.get("a/../../b").entry().mtime()).isNull();
        for (String other : List.of("fifo", "char-device", "block-device", "socket", "dir-claiming-fifo", "deleted")) {
            assertThat(read.get(other).entry().type()).as(other).isEqualTo(EntryType.OTHER);
            assertThat(read.get(other).content()).as(other).isEmpty();
        }
        assertThat(read.get("evil-link").entry().type()).isEqualTo(EntryType.SYMLINK);
        assertThat(read.get("evil-link").entry().linkTarget()).isEqualTo("/etc/passwd");
    }

    @Test
    void shouldRefuseALinkWithAnOversizedTarget() throws IOException {
        Path archive = tmp.resolve("hostile.7z");
        try (SevenZOutputFile out = new SevenZOutputFile(Files.newByteChannel(archive,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))) {
            add(out, "link", 0x20 | 0x8000 | 0120777 << 16, "a/".repeat(100_000));
        }
        assertThatThrownBy(() -> read(archive, Map.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("link 'link'").hasMessageContaining("more than 65536 bytes");
    }

    @Test
    void shouldRefuseADictionaryLargerThanTheMemoryLimitBeforeAllocatingIt() throws IOException {
        Path archive = write(List.of(file("a.xml", 0644)), Map.of());
        claimDictionary(archive, 36); // 1 GiB

        assertThatThrownBy(() -> read(archive, Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(archive.toString())
                .hasMessageContaining("needs 1025 MiB of memory to decode")
                .hasMessageContaining("'memoryLimitMiB' 256");
        assertThat(read(archive, Map.of("memoryLimitMiB", "1100")).get("a.xml").entry().type())
                .as("the limit, not the archive, refused it").isEqualTo(EntryType.FILE);
    }

    @Test
    void shouldApplyALowerMemoryLimitToRealDictionaries() throws IOException {
        contents.put("two-mib.xml", new byte[2 << 20]);
        Path archive = write(List.of(new UnitEntry("two-mib.xml", EntryType.FILE, 2 << 20, TIME, 0644, null)),
                Map.of());
        assertThatThrownBy(() -> read(archive, Map.of("memoryLimitMiB", "2")))
                .isInstanceOf(IOException.class).hasMessageContaining("needs 3 MiB of memory to decode");
        assertThat(read(archive, Map.of("memoryLimitMiB", "3"))).containsOnlyKeys("two-mib.xml");
    }

    @Test
    @Timeout(60)
    void shouldFailWithAClearIOExceptionAtEveryTruncation() throws IOException {
        Path archive = sample();
        byte[] whole = Files.readAllBytes(archive);
        Path cut = tmp.resolve("cut.7z");
        for (int length = 0; length < whole.length; length++) {
            Files.write(cut, Arrays.copyOf(whole, length));
            try {
                read(cut, Map.of());
                fail("an archive cut to " + length + " of " + whole.length + " bytes was read");
            } catch (IOException e) {
                assertThat(e).as("cut to " + length).hasMessageContaining("7z archive " + cut);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldNeverFailWithAnythingButAnIOExceptionWhenBytesAreDamaged() throws IOException {
        Path archive = sample();
        byte[] whole = Files.readAllBytes(archive);
        Path damaged = tmp.resolve("damaged.7z");
        int failures = 0;
        for (int i = 0; i < whole.length; i++) {
            byte[] bytes = whole.clone();
            bytes[i] ^= (byte) (0x55 + i);
            Files.write(damaged, bytes);
            try {
                read(damaged, Map.of());
            } catch (IOException e) {
                assertThat(e.getMessage()).as("flip at " + i).contains("7z archive " + damaged);
                failures++;
            }
        }
        assertThat(failures).as("damage detected (CRCs cover header and content)").isGreaterThan(whole.length / 2);
    }

    @Test
    void shouldFailClearlyOnDamagedContent() throws IOException {
        byte[] text = "<Item type=\"Movie\"/>\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        contents.put("a.xml", text);
        contents.put("b.jpg", text);
        Path archive = write(List.of(file("a.xml", 0644), file("b.jpg", 0644)), Map.of());
        byte[] bytes = Files.readAllBytes(archive);
        bytes[32 + 20] ^= 0x10; // inside a.xml's LZMA2 data, which starts right after the start header
        Files.write(archive, bytes);

        assertThatThrownBy(() -> read(archive, Map.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("7z archive " + archive + ", entry 'a.xml'");
    }

    @Test
    void shouldFailClearlyOnAFileThatIsNot7z() throws IOException {
        Path zip = tmp.resolve("not.7z");
        Files.writeString(zip, "PK\u0003\u0004 this is not a 7z archive at all, just some text");
        assertThatThrownBy(() -> read(zip, Map.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("7z archive " + zip + " cannot be read, it is damaged or not a 7z archive");
    }

    // ------------------------------------------------------------------ helpers

    private Path sample() throws IOException {
        contents.put("poster.jpg", new byte[300]);
        return write(List.of(
                new UnitEntry("d", EntryType.DIRECTORY, 0, TIME, 0755, null),
                file("d/a.xml", 0644),
                file("poster.jpg", 0644),
                new UnitEntry("d/link", EntryType.SYMLINK, 0, TIME, 0777, "a.xml")), Map.of());
    }

    private static void add(SevenZOutputFile out, String name, Integer attributes, String content) throws IOException {
        SevenZArchiveEntry e = new SevenZArchiveEntry();
        e.setName(name);
        if (attributes != null) {
            e.setWindowsAttributes(attributes);
            e.setHasWindowsAttributes(true);
        }
        out.putArchiveEntry(e);
        if (content != null) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        out.closeArchiveEntry();
    }

    private static Map<String, SevenZArchiveEntry> entries(Path archive) throws IOException {
        Map<String, SevenZArchiveEntry> entries = new LinkedHashMap<>();
        try (SevenZFile z = SevenZFile.builder().setPath(archive).get()) {
            SevenZArchiveEntry e;
            while ((e = z.getNextEntry()) != null) { // content methods are known once the entry is reached
                entries.put(e.getName(), e);
            }
        }
        return entries;
    }

    private static List<SevenZMethod> methods(SevenZArchiveEntry e) {
        List<SevenZMethod> methods = new ArrayList<>();
        for (SevenZMethodConfiguration c : e.getContentMethods()) {
            methods.add(c.getMethod());
        }
        return methods;
    }

    private static int dictionary(SevenZArchiveEntry e) {
        SevenZMethodConfiguration c = e.getContentMethods().iterator().next();
        assertThat(c.getMethod()).isEqualTo(SevenZMethod.LZMA2);
        return ((Number) c.getOptions()).intValue();
    }

    /**
     * Rewrites the LZMA2 dictionary-size property of every coder in the (uncompressed) header and fixes the CRCs,
     * as a crafted archive would.
     */
    private static void claimDictionary(Path archive, int property) throws IOException {
        byte[] bytes = Files.readAllBytes(archive);
        ByteBuffer start = ByteBuffer.wrap(bytes, 0, 32).order(ByteOrder.LITTLE_ENDIAN);
        int headerAt = (int) (32 + start.getLong(12));
        int headerSize = (int) start.getLong(20);
        int patched = 0;
        for (int i = headerAt; i + 3 < headerAt + headerSize; i++) {
            // coder: flags (id size 1, has properties), id LZMA2, properties size 1, dictionary property
            if (bytes[i] == 0x21 && bytes[i + 1] == 0x21 && bytes[i + 2] == 0x01) {
                bytes[i + 3] = (byte) property;
                patched++;
            }
        }
        assertThat(patched).as("LZMA2 coders in the header").isPositive();
        CRC32 crc = new CRC32();
        crc.update(bytes, headerAt, headerSize);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(28, (int) crc.getValue());
        crc.reset();
        crc.update(bytes, 12, 20);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        Files.write(archive, bytes);
    }

    /** Records whether a content stream was read to its end and closed. */
    private static final class Tracked extends FilterInputStream {
        volatile boolean eof;
        volatile boolean closed;

        Tracked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            eof |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            eof |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
