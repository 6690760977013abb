package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.spi.EntryType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The restore's staging writer: small files go to writer threads, within a bound on the bytes they hold. */
class ExtractSinkTest {

    private static final String TIME = "2022-05-06T07:08:09.123456Z";

    @TempDir
    Path tmp;

    @AfterEach
    void noWriterLeft() {
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .noneMatch(t -> t.getName().startsWith(RestoreEngine.ExtractSink.THREAD_NAME));
    }

    private static IndexEntry file(String path, long size, int mode) {
        return new IndexEntry(path, EntryType.FILE, size, TIME, mode, null, null);
    }

    @Test
    void shouldMakeFoldersOverExistingOnesAndRefuseAFileOrALinkInAFoldersPlace() throws Exception {
        Files.createDirectories(tmp.resolve("kept/inner"));
        Files.writeString(tmp.resolve("a-file"), "x");
        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(tmp.resolve("a-link"), tmp.resolve("elsewhere"));
        try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp)) {
            sink.directory(folder("kept"));
            sink.directory(folder("kept/inner"));
            sink.directory(folder("new/deeper"));
            sink.finish();
        }
        for (String taken : new String[] {"a-file", "a-link"}) {
            // folders are made by the writers: the refusal comes at the next entry or at the end, naming the folder
            try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp)) {
                sink.directory(folder(taken));
                BackupException e = catchThrowableOfType(BackupException.class, sink::finish);
                assertThat(e).as(taken).isNotNull();
                assertThat(e.getMessage()).startsWith("Cannot write '" + taken + "': ");
                java.nio.file.FileAlreadyExistsException cause = (java.nio.file.FileAlreadyExistsException)
                        RestoreEngine.ExtractSink.writeFailure(e);
                assertThat(cause.getFile()).isEqualTo(tmp.resolve(taken).toString());
                assertThat(cause.getReason()).isEqualTo("a file of the snapshot is already there");
            }
        }
        assertThat(tmp.resolve("new/deeper")).isDirectory();
        assertThat(Files.getLastModifiedTime(tmp.resolve("new/deeper"))).isEqualTo(FileTime.from(Instant.parse(TIME)));
        assertThat(Files.readString(tmp.resolve("a-file"))).isEqualTo("x");
        assertThat(Files.isSymbolicLink(tmp.resolve("a-link"))).isTrue();
        assertThat(tmp.resolve("elsewhere")).isEmptyDirectory();
    }

    private static IndexEntry folder(String path) {
        return new IndexEntry(path, EntryType.DIRECTORY, 0, TIME, 0755, null, null);
    }

    @Test
    void shouldKeepTheBytesHeldForTheWritersWithinTheBound() throws Exception {
        int bound = 256 * 1024;
        int small = 64 * 1024;
        Random random = new Random(3);
        Map<String, byte[]> written = new HashMap<>();
        long total = 0;
        try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp, small, bound, 2)) {
            for (int i = 0; i < 2000; i++) {
                byte[] content = new byte[random.nextInt(small + 1)];
                random.nextBytes(content);
                String path = "d" + (i % 17) + "/f" + i;
                written.put(path, content);
                total += content.length;
                sink.file(file(path, content.length, 0640), new ByteArrayInputStream(content));
            }
            sink.finish();
            assertThat(total).as("far more than the bound passes through").isGreaterThan(100L * bound);
            assertThat(sink.highWater()).as("bytes held for the writers at once")
                    .isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
            assertThat(sink.buffersMade()).as("content buffers made for 2,000 files, each charged whole")
                    .isLessThanOrEqualTo(bound / (small + RestoreEngine.ExtractSink.PER_FILE) + 1);
        }
        for (Map.Entry<String, byte[]> e : written.entrySet()) {
            Path p = tmp.resolve(e.getKey());
            assertThat(Files.readAllBytes(p)).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(Files.getLastModifiedTime(p)).isEqualTo(FileTime.from(Instant.parse(TIME)));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r-----");
        }
    }

    @Test
    void shouldWriteBigFilesAndContentLongerThanItsEntryOnTheReadingThread() throws Exception {
        byte[] big = new byte[100_000];
        new Random(5).nextBytes(big);
        try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp, 10_000, 50_000, 2)) {
            sink.file(file("big", big.length, 0600), new ByteArrayInputStream(big));
            // an archive of another tool that did not know the size: all of the content is written
            sink.file(file("unknown-size", 0, 0644), new ByteArrayInputStream(big, 0, 20_000));
            sink.file(file("small", 3, 0644), new ByteArrayInputStream(big, 0, 3));
            sink.finish();
            // the small file's buffer is charged whole
            assertThat(sink.highWater()).isEqualTo(10_000 + RestoreEngine.ExtractSink.PER_FILE);
        }
        assertThat(Files.readAllBytes(tmp.resolve("big"))).isEqualTo(big);
        assertThat(Files.size(tmp.resolve("unknown-size"))).isEqualTo(20_000);
        assertThat(Files.size(tmp.resolve("small"))).isEqualTo(3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("big"))))
                .isEqualTo("rw-------");
    }

    @Test
    void shouldMakeEveryFolderOnTheWritersWhateverOrderTheyRunIn() throws Exception {
        Map<String, byte[]> written = new HashMap<>();
        byte[] big = new byte[30_000];
        new Random(9).nextBytes(big);
        try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp, 10_000, 200_000, 4)) {
            for (int a = 0; a < 40; a++) {
                sink.directory(new IndexEntry("m/" + a, EntryType.DIRECTORY, 0, TIME, 0750, null, null));
                for (int b = 0; b < 10; b++) {
                    String dir = "m/" + a + "/" + b + ".bundle/Contents";
                    sink.directory(new IndexEntry("m/" + a + "/" + b + ".bundle", EntryType.DIRECTORY, 0, TIME, 0755,
                            null, null));
                    sink.directory(folder(dir));
                    sink.directory(folder(dir + "/Empty"));
                    byte[] content = ("info " + a + "/" + b).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    sink.file(file(dir + "/Info.xml", content.length, 0644), new ByteArrayInputStream(content));
                    written.put(dir + "/Info.xml", content);
                }
                // a big file, written on the reading thread, right after its folder was handed to a writer
                sink.directory(folder("m/" + a + "/big"));
                sink.file(file("m/" + a + "/big/index.bif", big.length, 0644), new ByteArrayInputStream(big));
                written.put("m/" + a + "/big/index.bif", big);
                // and a file whose folders no entry names, as an archive of another tool may hold
                sink.file(file("loose/" + a + "/deep/x", 1, 0644), new ByteArrayInputStream(new byte[] {(byte) a}));
                written.put("loose/" + a + "/deep/x", new byte[] {(byte) a});
            }
            sink.finish();
        }
        for (Map.Entry<String, byte[]> w : written.entrySet()) {
            assertThat(Files.readAllBytes(tmp.resolve(w.getKey()))).as(w.getKey()).isEqualTo(w.getValue());
        }
        for (int a = 0; a < 40; a++) {
            Path top = tmp.resolve("m/" + a);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(top))).isEqualTo("rwxr-x---");
            assertThat(Files.getLastModifiedTime(top)).isEqualTo(FileTime.from(Instant.parse(TIME)));
            assertThat(tmp.resolve("m/" + a + "/9.bundle/Contents/Empty")).isEmptyDirectory();
            assertThat(Files.getLastModifiedTime(tmp.resolve("m/" + a + "/3.bundle/Contents")))
                    .isEqualTo(FileTime.from(Instant.parse(TIME)));
        }
    }

    @Test
    void shouldThrowAWritersFailureOnTheReadingThreadNamingTheFile() throws Exception {
        String tooLong = "x".repeat(300);
        try (RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp, 1000, 10_000, 2)) {
            sink.file(file("ok", 2, 0644), new ByteArrayInputStream(new byte[2]));
            sink.file(file("sub/" + tooLong, 2, 0644), new ByteArrayInputStream(new byte[2]));

            BackupException e = catchThrowableOfType(BackupException.class, sink::finish);

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).startsWith("Cannot write 'sub/" + tooLong + "': FileSystem (")
                    .contains("File name too long");
            assertThat(e.getCause()).isInstanceOf(SnapshotReader.SinkFailure.class);
            assertThat(RestoreEngine.ExtractSink.writeFailure(e)).isSameAs(e.getCause().getCause());
            // and at the next entry as well, before anything more is written
            BackupException again = catchThrowableOfType(BackupException.class,
                    () -> sink.file(file("later", 1, 0644), new ByteArrayInputStream(new byte[1])));
            assertThat(again).hasMessage(e.getMessage());
            assertThat(tmp.resolve("later")).doesNotExist();
        }
    }

    @Test
    void shouldStopTheWritersWhenClosedBeforeFinishing() throws Exception {
        RestoreEngine.ExtractSink sink = new RestoreEngine.ExtractSink(tmp, 1000, 1_000_000, 4);
        for (int i = 0; i < 500; i++) {
            sink.file(file("f" + i, 100, 0644), new ByteArrayInputStream(new byte[100]));
        }
        sink.close();
        long count;
        try (var s = Files.list(tmp)) {
            count = s.count();
        }
        // nothing is written after close returns
        Thread.sleep(50);
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).isEqualTo(count);
        }
    }
}
