package io.backupkit.archivers.mirror;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.TestTrees;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MirrorArchiverTest {

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;

    private BackupPlan.Builder plan() throws IOException {
        source = TestTrees.plexLike(tmp.resolve("source"));
        dest = tmp.resolve("dest");
        // no unit retries: a crashing copy stands for a killed run here
        return BackupPlan.builder().source(source).destination(dest).archiver("mirror").retries(0);
    }

    @Test
    void shouldDeclareRetryOptionsThatDoNotChangeContent() {
        MirrorArchiver m = new MirrorArchiver();
        assertThat(m.id()).isEqualTo("mirror");
        assertThat(m.extension()).isEmpty();
        assertThat(m.defaultOptions()).containsEntry("retries", "5").containsEntry("retryWait", "10s")
                .containsEntry("threads", "auto");
        assertThat(m.contentOptions()).isEmpty();
    }

    @Test
    void shouldWriteABrowsableCopyThatRestoresAndVerifies() throws Exception {
        BackupPlan p = plan().build();
        BackupResult r = p.backup();

        Path copy = dest.resolve(r.snapshotId()).resolve("units/Plug-in Support/Plug-in Support/Preferences/"
                + "com.plexapp.system.xml");
        assertThat(copy).hasContent("<x/>");
        assertThat(Files.getLastModifiedTime(copy)).isEqualTo(
                Files.getLastModifiedTime(source.resolve("Plug-in Support/Preferences/com.plexapp.system.xml")));
        assertThat(p.verify(r.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldHardLinkUnchangedFilesSoASecondSnapshotCostsOnlyWhatChanged() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        Path changed = source.resolve("Plug-in Support/Preferences/com.plexapp.system.xml");
        Files.writeString(changed, "<changed/>");

        BackupResult second = p.toBuilder().archiverOption("retries", "1").build().backup();

        Path db = Path.of("units/Plug-in Support/Plug-in Support/Databases/com.plexapp.plugins.library.db");
        assertThat(Files.isSameFile(dest.resolve(first.snapshotId()).resolve(db),
                dest.resolve(second.snapshotId()).resolve(db))).isTrue();
        Path xml = Path.of("units/Plug-in Support/Plug-in Support/Preferences/com.plexapp.system.xml");
        assertThat(dest.resolve(second.snapshotId()).resolve(xml)).hasContent("<changed/>");
        assertThat(dest.resolve(first.snapshotId()).resolve(xml)).hasContent("<x/>");
        assertThat(second.unitsReused()).isEqualTo(second.units() - 1);
        long indexBytes = 0;
        try (Stream<Path> s = Files.list(dest.resolve(second.snapshotId()).resolve("index"))) {
            for (Path index : (Iterable<Path>) s::iterator) {
                indexBytes += Files.size(index);
            }
        }
        assertThat(second.storedBytes() - indexBytes).isEqualTo("<changed/>".length());
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        assertThat(p.verify(first.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldCopyInsteadOfLinkingWhenThePreviousIndexIsDamaged() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        Path index = dest.resolve(first.snapshotId()).resolve("index/Plug-in Support.jsonl");
        String text = Files.readString(index);
        Files.writeString(index, text.replaceFirst("\\{", "{ ")); // still valid JSON, no longer the indexed bytes

        BackupResult second = p.backup();

        Path db = Path.of("units/Plug-in Support/Plug-in Support/Databases/com.plexapp.plugins.library.db");
        assertThat(Files.isSameFile(dest.resolve(first.snapshotId()).resolve(db),
                dest.resolve(second.snapshotId()).resolve(db))).isFalse();
        assertThat(dest.resolve(second.snapshotId()).resolve("backup.log")).content()
                .contains("Files of unit 'Plug-in Support' are not reused from snapshot " + first.snapshotId())
                .contains("does not match its SHA-256 in the manifest");
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        Path xml = Path.of("units/Plug-in Support/Plug-in Support/Preferences/com.plexapp.system.xml");
        Path other = Path.of("units/Logs");
        assertThat(Files.exists(dest.resolve(second.snapshotId()).resolve(xml))).isTrue();
        assertThat(Files.exists(dest.resolve(second.snapshotId()).resolve(other))).isTrue();
    }

    /** The mirror archiver, for test archivers that change how it writes: all else is plain mirror's. */
    private abstract static class MirrorDelegate implements Archiver {
        protected final MirrorArchiver mirror = new MirrorArchiver();

        @Override
        public String id() {
            return "mirror";
        }

        @Override
        public String extension() {
            return "";
        }

        @Override
        public Map<String, String> defaultOptions() {
            return mirror.defaultOptions();
        }

        @Override
        public void write(ArchiveWriteRequest request) throws IOException {
            mirror.write(request);
        }

        @Override
        public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
            mirror.read(archive, options, visitor);
        }
    }

    /** Fails the unit after {@code copies} files, as a crash mid-copy would. */
    private static final class CrashingMirror extends MirrorDelegate {
        private final int copies;

        CrashingMirror(int copies) {
            this.copies = copies;
        }

        @Override
        public void write(ArchiveWriteRequest request) throws IOException {
            AtomicInteger opened = new AtomicInteger();
            ArchiveWriteRequest.Content real = request.content();
            mirror.write(new ArchiveWriteRequest(request.unit(), request.sourceRoot(), request.archive(),
                    request.entries(), Map.of("retries", "0", "retryWait", "0s"), (entry, exact) -> {
                        if (opened.incrementAndGet() > copies) {
                            throw new IOException("power cut");
                        }
                        return real.open(entry, exact);
                    }));
        }
    }

    @Test
    void shouldRefuseAnArchiverThatCallsAChangedFileReused() throws Exception {
        BackupPlan p = plan().build();
        p.backup();
        Files.writeString(source.resolve("Plug-in Support/Preferences/com.plexapp.system.xml"), "<changed/>");
        Archiver liar = new MirrorDelegate() {
            @Override
            public void write(ArchiveWriteRequest request) throws IOException {
                for (UnitEntry e : request.entries()) {
                    if (e.path().endsWith("com.plexapp.system.xml")) {
                        request.reused(e); // changed since the first snapshot: must not be taken
                    }
                }
                mirror.write(request);
            }
        };

        assertThatThrownBy(p.toBuilder().archiver(liar).build()::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("com.plexapp.system.xml' is not unchanged since the previous snapshot");
    }

    @Test
    void shouldBringAFailedFolderCopyUpToDateWhenTheUnitIsRetried() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        Archiver failsOnce = new MirrorDelegate() {
            private final CrashingMirror crashing = new CrashingMirror(1);

            @Override
            public void write(ArchiveWriteRequest request) throws IOException {
                if (request.unit().isEmpty() && attempts.incrementAndGet() == 1) {
                    crashing.write(request);
                } else {
                    mirror.write(request);
                }
            }
        };
        BackupPlan p = plan().workers(1).retries(1).retryWait(java.time.Duration.ZERO).archiver(failsOnce).build();

        BackupResult r = p.backup();

        assertThat(attempts).hasValue(2);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("failed (attempt 1 of 2)")
                .contains("power cut"));
        BackupPlan reader = BackupPlan.builder().destination(dest).build();
        assertThat(reader.verify(r.snapshotId()).ok()).isTrue();
        reader.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldResumeAnInterruptedCopyKeepingWhatIsDoneAndRemovingWhatIsGone() throws Exception {
        BackupPlan p = plan().workers(1).build();
        assertThatThrownBy(p.toBuilder().archiver(new CrashingMirror(1)).build()::backup)
                .isInstanceOf(BackupException.class).hasMessageContaining("power cut");
        Path partial;
        try (Stream<Path> s = Files.list(dest)) {
            partial = s.filter(d -> d.getFileName().toString().endsWith(".partial")).findFirst().orElseThrow();
        }
        Path unfinished = partial.resolve("units/_root.tmp");
        assertThat(unfinished.resolve("Preferences.xml")).exists();
        assertThat(unfinished.resolve("empty.txt")).doesNotExist();
        // a file of the interrupted copy that no longer exists in the source is removed on resume
        Files.writeString(unfinished.resolve("gone.txt"), "stale");
        Files.delete(source.resolve("Logs/Plex Media Server.log"));

        BackupResult resumed = p.resume();

        Path root = dest.resolve(resumed.snapshotId()).resolve("units/_root");
        assertThat(root.resolve("gone.txt")).doesNotExist();
        assertThat(root.resolve("Preferences.xml")).hasSameTextualContentAs(source.resolve("Preferences.xml"));
        assertThat(root.resolve("empty.txt")).exists();
        assertThat(p.verify(resumed.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRetryAFailedCopyAndGiveUpAfterTheRetries() throws Exception {
        Path root = tmp.resolve("unit");
        FileTime time = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));
        UnitEntry file = new UnitEntry("a.txt", io.backupkit.spi.EntryType.FILE, 5, time, 0644, null);
        AtomicInteger attempts = new AtomicInteger();
        ArchiveWriteRequest.Content flaky = (entry, exact) -> {
            if (attempts.incrementAndGet() < 3) {
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("network share went away");
                    }
                };
            }
            return new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8));
        };
        new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, root, List.of(file),
                Map.of("retries", "2", "retryWait", "10ms"), flaky));
        assertThat(root.resolve("a.txt")).hasContent("hello");
        assertThat(Files.getLastModifiedTime(root.resolve("a.txt"))).isEqualTo(time);
        assertThat(attempts).hasValue(3);

        attempts.set(0);
        Path again = tmp.resolve("unit2");
        assertThatThrownBy(() -> new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, again, List.of(file),
                Map.of("retries", "1", "retryWait", "0"), flaky)))
                .isInstanceOf(IOException.class).hasMessageContaining("'a.txt'").hasMessageContaining("2 attempts")
                .hasMessageContaining("network share went away");
        assertThat(again.resolve("a.txt")).doesNotExist();
    }

    @Test
    void shouldReplaceWhatChangedTypeInAnEarlierCopyWithoutWritingThroughLinks() throws Exception {
        Path root = tmp.resolve("unit");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        FileTime time = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));
        // what an interrupted run left: a file where a folder goes, a folder where a file goes, a link to a folder
        // outside where a folder goes, and a link where another link goes
        Files.createDirectories(root.resolve("was-folder/deep"));
        Files.writeString(root.resolve("was-folder/deep/x"), "old");
        Files.writeString(root.resolve("was-file"), "old");
        Files.createSymbolicLink(root.resolve("was-link"), outside);
        Files.createSymbolicLink(root.resolve("link"), Path.of("elsewhere"));
        List<UnitEntry> entries = List.of(
                new UnitEntry("was-file", io.backupkit.spi.EntryType.DIRECTORY, 0, time, 0755, null),
                new UnitEntry("was-file/a.txt", io.backupkit.spi.EntryType.FILE, 5, time, 0644, null),
                new UnitEntry("was-folder", io.backupkit.spi.EntryType.FILE, 5, time, 0644, null),
                new UnitEntry("was-link", io.backupkit.spi.EntryType.DIRECTORY, 0, time, 0755, null),
                new UnitEntry("was-link/b.txt", io.backupkit.spi.EntryType.FILE, 5, time, 0644, null),
                new UnitEntry("link", io.backupkit.spi.EntryType.SYMLINK, 0, time, 0777, "was-file/a.txt"),
                // no folder entry before this file: its folders are made all the same
                new UnitEntry("new/deeper/c.txt", io.backupkit.spi.EntryType.FILE, 5, time, 0644, null));
        ArchiveWriteRequest.Content hello =
                (entry, exact) -> new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8));

        new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, root, entries, Map.of(), hello));

        assertThat(root.resolve("was-file")).isDirectory();
        assertThat(root.resolve("was-file/a.txt")).hasContent("hello");
        assertThat(root.resolve("was-folder")).isRegularFile().hasContent("hello");
        assertThat(root.resolve("was-link")).isDirectory();
        assertThat(Files.isSymbolicLink(root.resolve("was-link"))).isFalse();
        assertThat(root.resolve("was-link/b.txt")).hasContent("hello");
        assertThat(outside).isEmptyDirectory();
        assertThat(Files.readSymbolicLink(root.resolve("link"))).isEqualTo(Path.of("was-file/a.txt"));
        assertThat(root.resolve("new/deeper/c.txt")).hasContent("hello");

        // the same entries into a folder that does not exist yet, under a parent that does not either
        Path fresh = tmp.resolve("not/yet/unit");
        new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, fresh, entries, Map.of(), hello));
        assertThat(withoutFolderTimes(TestTrees.describe(fresh))).isEqualTo(withoutFolderTimes(TestTrees.describe(root)));

        // a file where the unit's folder goes is refused, naming it
        Path notAFolder = Files.writeString(tmp.resolve("plain"), "x");
        assertThatThrownBy(() -> new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, notAFolder, entries,
                Map.of(), hello))).isInstanceOf(IOException.class).hasMessageContaining("plain");
    }

    @Test
    void shouldRejectBadRetryOptionsWhenThePlanIsBuilt() throws Exception {
        assertThatThrownBy(() -> plan().archiverOption("retries", "-1").archiverOption("retryWait", "2h").build())
                .isInstanceOf(io.backupkit.InvalidPlanException.class)
                .hasMessageContaining("option 'retries' must be a whole number from 0 to 1000, was '-1'")
                .hasMessageContaining("option 'retryWait'");
    }

    @Test
    void shouldRejectBadRetryOptionsNamingThem() {
        UnitEntry file = new UnitEntry("a.txt", io.backupkit.spi.EntryType.FILE, 0, FileTime.fromMillis(0), 0644,
                null);
        assertThatThrownBy(() -> new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, tmp.resolve("u"),
                List.of(file), Map.of("retries", "many"), (e, x) -> InputStream.nullInputStream())))
                .isInstanceOf(IOException.class).hasMessageContaining("'retries'").hasMessageContaining("'many'");
        assertThatThrownBy(() -> new MirrorArchiver().write(new ArchiveWriteRequest("", tmp, tmp.resolve("u"),
                List.of(file), Map.of("retryWait", "soon"), (e, x) -> InputStream.nullInputStream())))
                .isInstanceOf(IOException.class).hasMessageContaining("'retryWait'").hasMessageContaining("soon");
    }

    /** A unit of many entries: deep folders, empty ones, links, files, more than one thread's share of them. */
    private static Path manyEntries(Path root) throws IOException {
        for (int a = 0; a < 12; a++) {
            for (int b = 0; b < 25; b++) {
                Path bundle = Files.createDirectories(root.resolve("Metadata/Movies/" + a + "/" + b
                        + "0123456789abcdef.bundle/Contents/_combined"));
                Files.writeString(bundle.resolve("Info.xml"), "<info a='" + a + "' b='" + b + "'/>");
                Files.writeString(bundle.resolve("poster"), "poster " + a + "-" + b);
                Files.createDirectories(bundle.resolve("Empty"));
                if (b % 5 == 0) {
                    Files.createSymbolicLink(bundle.resolve("current"), Path.of("Info.xml"));
                }
            }
        }
        return root;
    }

    @Test
    void shouldCopyAUnitOfManyEntriesOnSeveralThreadsAsOneThreadCopiesIt() throws Exception {
        source = manyEntries(tmp.resolve("source"));
        // each copying thread waits in its first open until a second thread has opened a file too: the copy ends
        // only if the unit is copied on more than one thread at once
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch two = new java.util.concurrent.CountDownLatch(1);
        Archiver watched = new MirrorDelegate() {
            @Override
            public void write(ArchiveWriteRequest request) throws IOException {
                ArchiveWriteRequest.Content real = request.content();
                mirror.write(new ArchiveWriteRequest(request.unit(), request.sourceRoot(), request.archive(),
                        request.entries(), request.options(), new ArchiveWriteRequest.Content() {
                            @Override
                            public InputStream open(UnitEntry entry, boolean exact) throws IOException {
                                if (threads.add(Thread.currentThread().getName()) && threads.size() < 2) {
                                    try {
                                        two.await(20, java.util.concurrent.TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        throw new java.io.InterruptedIOException();
                                    }
                                }
                                if (threads.size() >= 2) {
                                    two.countDown();
                                }
                                return real.open(entry, exact);
                            }

                            @Override
                            public java.util.Optional<Path> previousArchive() {
                                return real.previousArchive();
                            }

                            @Override
                            public boolean unchanged(UnitEntry entry) {
                                return real.unchanged(entry);
                            }

                            @Override
                            public void reused(UnitEntry entry) throws IOException {
                                real.reused(entry);
                            }

                            @Override
                            public void kept(UnitEntry entry, Path copy) throws IOException {
                                real.kept(entry, copy);
                            }
                        }));
            }
        };
        BackupPlan parallel = BackupPlan.builder().source(source).destination(tmp.resolve("four")).archiver(watched)
                .archiverOption("threads", "4").build();
        BackupPlan serial = BackupPlan.builder().source(source).destination(tmp.resolve("one")).archiver("mirror")
                .archiverOption("threads", "1").build();

        BackupResult four = parallel.backup();
        BackupResult one = serial.backup();

        assertThat(threads).hasSizeGreaterThanOrEqualTo(2);
        assertThat(four.files()).isEqualTo(600);
        Path fourUnit = tmp.resolve("four").resolve(four.snapshotId()).resolve("units/Metadata");
        Path oneUnit = tmp.resolve("one").resolve(one.snapshotId()).resolve("units/Metadata");
        assertThat(withoutFolderTimes(TestTrees.describe(fourUnit)))
                .isEqualTo(withoutFolderTimes(TestTrees.describe(oneUnit)));
        assertThat(Files.readAllLines(tmp.resolve("four").resolve(four.snapshotId()).resolve("index/Metadata.jsonl")))
                .isEqualTo(Files.readAllLines(tmp.resolve("one").resolve(one.snapshotId())
                        .resolve("index/Metadata.jsonl")));
        assertThat(parallel.verify(four.snapshotId()).ok()).isTrue();

        // the second snapshot links every file from the first, on several threads as well
        BackupResult second = parallel.backup();
        assertThat(second.unitsReused()).isEqualTo(second.units());
        Path info = Path.of("units/Metadata/Metadata/Movies/11/240123456789abcdef.bundle/Contents/_combined/Info.xml");
        assertThat(Files.isSameFile(tmp.resolve("four").resolve(four.snapshotId()).resolve(info),
                tmp.resolve("four").resolve(second.snapshotId()).resolve(info))).isTrue();
        parallel.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldStopEveryCopyingThreadAtTheFirstFailureAndNameTheFile() throws Exception {
        source = manyEntries(tmp.resolve("source"));
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger afterFailure = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Archiver breaking = new MirrorDelegate() {
            @Override
            public void write(ArchiveWriteRequest request) throws IOException {
                ArchiveWriteRequest.Content real = request.content();
                mirror.write(new ArchiveWriteRequest(request.unit(), request.sourceRoot(), request.archive(),
                        request.entries(), Map.of("retries", "0", "retryWait", "0s", "threads", "4"),
                        (entry, exact) -> {
                            if (failed.get()) {
                                afterFailure.incrementAndGet();
                            }
                            if (entry.path().endsWith("0/30123456789abcdef.bundle/Contents/_combined/poster")) {
                                failed.set(true);
                                throw new IOException("disk unplugged");
                            }
                            opened.incrementAndGet();
                            return real.open(entry, exact);
                        }));
            }
        };
        BackupPlan p = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).archiver(breaking)
                .retries(0).build();

        assertThatThrownBy(p::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("0/30123456789abcdef.bundle/Contents/_combined/poster")
                .hasMessageContaining("disk unplugged");

        // the others stopped within a few entries: the failing file is among the first, and no thread took more
        assertThat(afterFailure.get()).isLessThan(50);
        assertThat(opened.get()).isLessThan(300);
        assertThat(BackupPlan.builder().destination(tmp.resolve("dest")).build().snapshots())
                .noneMatch(io.backupkit.Snapshot::complete);
    }

    @Test
    void shouldRejectABadThreadsOptionNamingIt() throws Exception {
        BackupPlan p = plan().build();
        for (String bad : List.of("0", "17", "many")) {
            assertThatThrownBy(() -> p.toBuilder().archiverOption("threads", bad).build())
                    .isInstanceOf(io.backupkit.InvalidPlanException.class)
                    .hasMessageContaining("option 'threads' must be 'auto' or a whole number from 1 to 16, was '"
                            + bad + "'");
        }
        assertThat(p.toBuilder().archiverOption("threads", "auto").build().archiverOptions())
                .containsEntry("threads", "auto");
    }

    /** A copy's folders carry the time they were made; files and links are compared whole. */
    private static Map<String, String> withoutFolderTimes(Map<String, String> tree) {
        Map<String, String> out = new java.util.TreeMap<>();
        tree.forEach((k, v) -> out.put(k, v.startsWith("dir ") ? v.replaceAll(" \\d+$", "") : v));
        return out;
    }
}
