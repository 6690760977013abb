package io.backupkit;

import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static io.backupkit.SnapshotForger.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Restore writes small files on a pool of writer threads while the reading thread goes on decompressing and
 * hashing: the result is the same as one thread writing everything, a file a writer cannot write fails the restore
 * like before (naming the file, target untouched, no work folder), and no writer thread outlives the restore.
 */
class RestoreWritersTest {

    private static final String WRITER = "backupkit-restore-writer-";
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @AfterEach
    void noWriterLeft() {
        assertThat(writerThreads()).as("writer threads alive after the restore").isEmpty();
    }

    private static List<String> writerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(WRITER)).toList();
    }

    @Test
    void shouldRestoreThousandsOfSmallFilesAndSomeBigOnesByteForByteWithTimesAndModes() throws Exception {
        Path source = tmp.resolve("source");
        Random random = new Random(7);
        String[] modes = {"rw-r--r--", "rw-------", "rwxr-xr-x", "rw-r-----", "r--r--r--", "rwx------"};
        int files = 3000;
        for (int i = 0; i < files; i++) {
            Path f = source.resolve("d" + random.nextInt(40) + "/e" + random.nextInt(5) + "/f" + i + ".bin");
            int size = random.nextInt(10) == 0 ? random.nextInt(256 * 1024) : random.nextInt(8 * 1024);
            write(f, random, size);
        }
        // above, at and just below the size that goes to the writers; written in between the small ones' folders
        write(source.resolve("d3/big-above.bin"), random, MIB + 1);
        write(source.resolve("d3/e1/big-far-above.bin"), random, 6 * MIB + 12345);
        write(source.resolve("d17/at-threshold.bin"), random, MIB);
        write(source.resolve("d17/e4/just-below.bin"), random, MIB - 1);
        write(source.resolve("empty.txt"), random, 0);
        List<Path> all;
        try (var s = Files.walk(source)) {
            all = s.filter(p -> !p.equals(source)).sorted().toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(modes[random.nextInt(modes.length)]));
            }
        }
        // folders last, deepest first, so that writing their files does not change their times
        List<Path> deepestFirst = new ArrayList<>(all);
        java.util.Collections.reverse(deepestFirst);
        for (Path p : deepestFirst) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2021-03-04T05:06:07Z")
                    .plusMillis(random.nextInt(1_000_000_000)).plusNanos(random.nextInt(1000) * 1000L)));
        }
        TreeMap<String, String> expected = TestTrees.describe(source);
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        BackupResult backup = plan.backup();

        Path target = tmp.resolve("restored");
        RestoreResult restore = plan.restore(RestoreRequest.latest().target(target));

        assertThat(restore.files()).isEqualTo(backup.files()).isEqualTo(files + 5);
        assertThat(TestTrees.describe(target)).isEqualTo(expected);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("source", "dest", "restored");
        assertThat(writerThreads()).isEmpty();
    }

    @Test
    void shouldFailNamingAFileAWriterCannotWriteAndLeaveTheTargetAsItWas() throws Exception {
        Path dest = tmp.resolve("dest");
        Path target = tmp.resolve("target");
        TestTrees.write(target.resolve("live/data.db"), "live data");
        TreeMap<String, String> before = TestTrees.describe(target);
        // a name longer than any Linux file system allows: creating it fails whoever the user is, root included
        String tooLong = "n".repeat(300) + ".txt";
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            entries.add(Entry.file("before-" + i + ".txt", "content " + i));
        }
        entries.add(Entry.file(tooLong, "small enough for a writer thread"));
        for (int i = 0; i < 300; i++) {
            entries.add(Entry.file("after-" + i + ".txt", "content " + i));
        }
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, entries);
        BackupPlan plan = BackupPlan.builder().source(Files.createDirectories(tmp.resolve("source")))
                .destination(dest).build();
        assertThat(plan.verify(id).ok()).as("the snapshot itself is sound").isTrue();

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> plan.restore(RestoreRequest.of(id).target(target)));

        assertThat(e).as("the restore fails").isNotNull().isNotInstanceOf(CorruptSnapshotException.class);
        assertThat(e.getMessage()).startsWith("Cannot write '" + tooLong + "': ").contains("File name too long");
        assertThat(TestTrees.describe(target)).isEqualTo(before);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .as("no work folder is left").containsExactlyInAnyOrder("dest", "target", "source");
        assertThat(writerThreads()).isEmpty();
    }

    @Test
    void shouldFailAForeignArchiveAsBeforeWhenAWriterCannotWriteAFile() throws Exception {
        Path target = tmp.resolve("target");
        TestTrees.write(target.resolve("live/data.db"), "live data");
        TreeMap<String, String> before = TestTrees.describe(target);
        String tooLong = "n".repeat(300) + ".txt";
        Path zip = tmp.resolve("other-tool.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (String name : List.of("a.txt", "dir/b.txt", "dir/" + tooLong, "dir/c.txt", "z.txt")) {
                ZipArchiveEntry ze = new ZipArchiveEntry(name);
                ze.setUnixMode(UnixStat.FILE_FLAG | 0644);
                out.putArchiveEntry(ze);
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        BackupPlan plan = BackupPlan.builder().destination(tmp.resolve("dest")).build();

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> plan.restore(RestoreRequest.fromArchive(zip).target(target)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("Restore of archive " + zip + " into " + target + " failed: ")
                .contains(tooLong, "File name too long");
        assertThat(TestTrees.describe(target)).isEqualTo(before);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("target", "other-tool.zip");
        assertThat(writerThreads()).isEmpty();
    }

    private static void write(Path file, Random random, int size) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(file, b);
    }
}
