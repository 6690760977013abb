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
            for (String taken : new String[] {"a-file", "a-link"}) {
                java.nio.file.FileAlreadyExistsException e = catchThrowableOfType(
                        java.nio.file.FileAlreadyExistsException.class, () -> sink.directory(folder(taken)));
                assertThat(e).as(taken).isNotNull();
                assertThat(e.getFile()).isEqualTo(tmp.resolve(taken).toString());
                assertThat(e.getReason()).isEqualTo("a file of the snapshot is already there");
            }
            sink.finish();
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
