package io.backupkit.archivers.tar;

import io.backupkit.archivers.tar.TarFixtures.TrackedStream;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing and reading back, the same for every compression. */
@Timeout(60)
class TarArchiverTest {

    private static final FileTime TIME = FileTime.from(Instant.parse("2025-06-01T12:34:56.123456789Z"));

    @TempDir
    Path tmp;

    private static UnitEntry file(String path, long size, int mode) {
        return new UnitEntry(path, EntryType.FILE, size, TIME, mode, null);
    }

    private static UnitEntry dir(String path) {
        return new UnitEntry(path, EntryType.DIRECTORY, 0, TIME, 0755, null);
    }

    private Path archive(String id) {
        return tmp.resolve("unit." + id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldReadBackNamesTypesModesTimesAndContent(String id) throws IOException {
        Archiver archiver = TarFixtures.archiver(id);
        String long150 = "Metadata/Movies/" + "a".repeat(60) + "/" + "b".repeat(60) + "/poster.jpg";
        String long300 = "Cache/" + "c".repeat(200) + "/" + "d".repeat(90) + ".xml";
        String unicode = "Metadata/Ünïcödé ファイル – 日本語 (2019)/Info.xml";
        String longTarget = "../" + "t".repeat(120) + "/target";
        List<UnitEntry> entries = List.of(
                dir("Metadata"),
                file("Preferences.xml", 10_000, 0600),
                file("run.sh", 12, 0750),
                file("empty.txt", 0, 0644),
                file(long150, 3_000, 0644),
                file(long300, 70_000, 0644),
                file(unicode, 40, 0644),
                new UnitEntry("link", EntryType.SYMLINK, 0, TIME, 0777, "Preferences.xml"),
                new UnitEntry("long-link", EntryType.SYMLINK, 0, TIME, 0777, longTarget),
                dir("Empty Folder"));
        assertThat(long150.length()).isGreaterThan(100);
        assertThat(long300.length()).isGreaterThan(255);

        TarFixtures.write(archiver, archive(id), entries, Map.of(), Set.of());
        Map<String, byte[]> contents = new HashMap<>();
        Map<String, ArchivedEntry> read = TarFixtures.readAll(archiver, archive(id), Map.of(), contents);

        assertThat(read.keySet()).containsExactly("Metadata/", "Preferences.xml", "run.sh", "empty.txt", long150,
                long300, unicode, "link", "long-link", "Empty Folder/");
        for (UnitEntry e : entries) {
            String name = e.type() == EntryType.DIRECTORY ? e.path() + "/" : e.path();
            ArchivedEntry a = read.get(name);
            assertThat(a.type()).as(name).isEqualTo(e.type());
            assertThat(a.mode()).as(name).isEqualTo(e.type() == EntryType.SYMLINK ? 0777 : e.mode());
            // pax keeps the time to 100 ns
            assertThat(a.mtime().toInstant()).as(name).isEqualTo(Instant.parse("2025-06-01T12:34:56.1234567Z"));
            if (e.type() == EntryType.FILE) {
                assertThat(a.size()).as(name).isEqualTo(e.size());
                assertThat(contents.get(name)).as(name).isEqualTo(TarFixtures.content(e));
            } else {
                assertThat(contents.get(name)).as(name).isEmpty();
            }
        }
        assertThat(read.get("link").linkTarget()).isEqualTo("Preferences.xml");
        assertThat(read.get("long-link").linkTarget()).isEqualTo(longTarget);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldWriteAPosixTarThatCommonsCompressReadsAsSuch(String id) throws IOException {
        String unicode = "Ünïcödé.xml";
        TarFixtures.write(TarFixtures.archiver(id), archive(id), List.of(dir("d"), file(unicode, 5, 0640)),
                Map.of(), Set.of());

        List<TarArchiveEntry> entries = new ArrayList<>();
        byte[] tar = decompressed(archive(id));
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.add(e);
            }
        }
        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("d/", unicode);
        assertThat(entries.get(0).isDirectory()).isTrue();
        assertThat(entries.get(1).getMode()).isEqualTo(0640);
        // no owner looked up or invented
        assertThat(entries.get(1).getUserName()).isEmpty();
        assertThat(entries.get(1).getLongUserId()).isZero();
        // the end-of-archive marker: two zero records
        assertThat(tar.length % 512).isZero();
        assertThat(java.util.Arrays.copyOfRange(tar, tar.length - 1024, tar.length)).containsOnly((byte) 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldLeaveOutAFileThatVanishedAndReadEveryOtherFileToItsEndAndClose(String id) throws IOException {
        List<UnitEntry> entries = List.of(file("a.xml", 100_000, 0644), file("gone.xml", 50, 0644),
                file("b.xml", 0, 0644), file("c.xml", 300_000, 0644));

        List<TrackedStream> opened = TarFixtures.write(TarFixtures.archiver(id), archive(id), entries, Map.of(),
                Set.of("gone.xml"));

        assertThat(opened).extracting(s -> s.path).containsExactly("a.xml", "b.xml", "c.xml");
        assertThat(opened).allSatisfy(s -> {
            assertThat(s.atEnd).as(s.path + " read to its end").isTrue();
            assertThat(s.closed).as(s.path + " closed").isTrue();
        });
        assertThat(TarFixtures.readAll(TarFixtures.archiver(id), archive(id), Map.of(), null).keySet())
                .containsExactly("a.xml", "b.xml", "c.xml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldCopeWithAVisitorThatReadsPartOrNothingOrClosesTheStream(String id) throws IOException {
        List<UnitEntry> entries = List.of(file("a.bin", 200_000, 0644), file("b.bin", 100_000, 0644),
                file("c.bin", 1_000, 0644), file("d.bin", 5_000, 0644));
        TarFixtures.write(TarFixtures.archiver(id), archive(id), entries, Map.of(), Set.of());

        Map<String, byte[]> seen = new HashMap<>();
        List<InputStream> streams = new ArrayList<>();
        TarFixtures.archiver(id).read(archive(id), Map.of(), (entry, in) -> {
            streams.add(in);
            switch (entry.path()) {
                case "a.bin" -> seen.put("a.bin", in.readNBytes(10)); // part
                case "b.bin" -> { } // nothing
                case "c.bin" -> in.close(); // closing must not close the archive
                default -> seen.put(entry.path(), in.readAllBytes());
            }
        });

        assertThat(seen.get("a.bin")).isEqualTo(java.util.Arrays.copyOf(TarFixtures.content(entries.get(0)), 10));
        assertThat(seen.get("d.bin")).isEqualTo(TarFixtures.content(entries.get(3)));
        assertThatThrownBy(() -> streams.get(0).read()).isInstanceOf(IOException.class)
                .hasMessageContaining("a.bin").hasMessageContaining("only be read while its entry is visited");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldPassOnTheVisitorsOwnExceptionUnchanged(String id) throws IOException {
        TarFixtures.write(TarFixtures.archiver(id), archive(id), List.of(file("a", 5, 0644)), Map.of(), Set.of());
        IOException stop = new IOException("stop here");

        assertThatThrownBy(() -> TarFixtures.archiver(id).read(archive(id), Map.of(), (e, in) -> {
            throw stop;
        })).isSameAs(stop);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldNotOverwriteAnExistingArchive(String id) throws IOException {
        Files.writeString(archive(id), "keep me");

        assertThatThrownBy(() -> TarFixtures.write(TarFixtures.archiver(id), archive(id),
                List.of(file("a", 5, 0644)), Map.of(), Set.of()))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readString(archive(id))).isEqualTo("keep me");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldWriteExtensionEqualToIdAndCarryTheRightMagic(String id) throws IOException {
        Archiver archiver = TarFixtures.archiver(id);
        TarFixtures.write(archiver, archive(id), List.of(file("a", 5, 0644)), Map.of(), Set.of());

        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(archive(id)), 4);
        byte[] expected = switch (id) {
            case "tar.gz" -> new byte[] {0x1f, (byte) 0x8b, 8, 0};
            case "tar.xz" -> new byte[] {(byte) 0xfd, '7', 'z', 'X'};
            default -> new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
        };
        assertThat(archiver.id()).isEqualTo(id);
        assertThat(archiver.extension()).isEqualTo(id);
        assertThat(head).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldReadArchivesOfTheOtherCompressionsAndPlainTar(String id) throws IOException {
        byte[] tar = TarFixtures.tar(t -> TarFixtures.file(t, "./a/b.txt", "hello"));
        for (TarFixtures.Compression c : TarFixtures.Compression.values()) {
            Path file = TarFixtures.file(tmp, "foreign-" + c, c.compress(tar));
            Map<String, byte[]> contents = new HashMap<>();

            TarFixtures.readAll(TarFixtures.archiver(id), file, Map.of(), contents);

            assertThat(contents).as(c.toString()).containsOnlyKeys("./a/b.txt");
            assertThat(new String(contents.get("./a/b.txt"), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    /** The uncompressed tar inside an archive. */
    private static byte[] decompressed(Path archive) throws IOException {
        byte[] all = Files.readAllBytes(archive);
        InputStream raw = new ByteArrayInputStream(all);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = all[0] == 0x1f ? new java.util.zip.GZIPInputStream(raw)
                : all[0] == (byte) 0xfd ? new org.tukaani.xz.XZInputStream(raw)
                : new com.github.luben.zstd.ZstdInputStreamNoFinalizer(raw)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldWriteTheSameBytesWithAnyNumberOfReaders(String id) throws Exception {
        List<UnitEntry> entries = new ArrayList<>();
        entries.add(dir("Metadata"));
        for (int i = 0; i < 700; i++) { // more than the readers queue ahead, by count and by bytes
            entries.add(file("Metadata/f" + (1000 + i) + ".xml", i % 7 == 0 ? 0 : 1 + (i * 7919L) % 40_000, 0644));
            if (i % 100 == 0) {
                entries.add(file("Metadata/big" + i + ".bif", TarAhead.SMALL_FILE + 1 + i, 0600)); // streamed
                entries.add(new UnitEntry("Metadata/link" + i, EntryType.SYMLINK, 0, TIME, 0777, "f1000.xml"));
                entries.add(file("Metadata/gone" + i, 10, 0644));
            }
        }
        entries.add(file("Metadata/exactly-small.jpg", TarAhead.SMALL_FILE, 0644));
        Set<String> vanished = Set.of("Metadata/gone0", "Metadata/gone300", "Metadata/gone600");
        Map<String, String> level = id.equals("tar.xz") ? Map.of("level", "0") : Map.of("level", "1");

        Map<String, byte[]> archives = new java.util.LinkedHashMap<>();
        for (String readers : List.of("0", "1", "3", "auto")) {
            Path archive = tmp.resolve("r" + readers + "." + id);
            Map<String, String> options = new HashMap<>(level);
            options.put("readers", readers);
            List<TrackedStream> opened = TarFixtures.write(TarFixtures.archiver(id), archive, entries, options,
                    vanished);
            assertThat(opened).as("readers=" + readers).hasSize(700 + 7 + 4 + 1).allSatisfy(s -> {
                assertThat(s.atEnd).as(s.path + " read to its end").isTrue();
                assertThat(s.closed).as(s.path + " closed").isTrue();
            });
            archives.put(readers, Files.readAllBytes(archive));
        }
        assertThat(archives.values()).allSatisfy(a -> assertThat(a).isEqualTo(archives.get("0")));
        Map<String, ArchivedEntry> read = TarFixtures.readAll(TarFixtures.archiver(id), tmp.resolve("r3." + id),
                Map.of(), null);
        assertThat(read).doesNotContainKeys(vanished.toArray(String[]::new)).hasSize(entries.size() - 3);
        assertNoReaderRunning();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldFailWithTheReadersErrorAndLeaveNoReaderRunning(String id) throws Exception {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            entries.add(file("f" + (1000 + i), 5_000, 0644));
        }
        Path archive = archive(id);
        assertThatThrownBy(() -> TarArchiverTest.writeFailingAt(id, archive, entries, "f1100"))
                .isInstanceOf(IOException.class).hasMessage("cannot read f1100");
        assertNoReaderRunning();
    }

    /**
     * Every reader has ended its work when the archiver returns; a pool's thread may take a moment more to end
     * after its last task, so each is given 5 s to do so: one still reading would not end.
     */
    private static void assertNoReaderRunning() throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(TarAhead.THREAD_NAME)) {
                t.join(5_000);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .noneMatch(t -> t.getName().startsWith(TarAhead.THREAD_NAME));
    }

    private static void writeFailingAt(String id, Path archive, List<UnitEntry> entries, String failing)
            throws IOException {
        TarFixtures.archiver(id).write(new io.backupkit.spi.ArchiveWriteRequest("", archive.getParent(), archive,
                entries, Map.of("readers", "2"), (e, exact) -> {
                    if (e.path().equals(failing)) {
                        throw new IOException("cannot read " + failing);
                    }
                    return new ByteArrayInputStream(TarFixtures.content(e));
                }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "17", "many", "1.5", ""})
    void shouldRejectReadersOtherThanAutoOrZeroToSixteen(String readers) {
        for (String id : List.of("tar.gz", "tar.xz", "tar.zst")) {
            Archiver archiver = TarFixtures.archiver(id);
            String message = id + " option 'readers' must be 'auto' or a whole number 0-16, was '" + readers + "'";
            assertThat(archiver.checkOptions(Map.of("readers", readers))).containsExactly(message);
            assertThatThrownBy(() -> TarFixtures.write(archiver, archive(id), List.of(file("a", 1, 0644)),
                    Map.of("readers", readers), Set.of())).isInstanceOf(IOException.class).hasMessage(message);
        }
    }
}
