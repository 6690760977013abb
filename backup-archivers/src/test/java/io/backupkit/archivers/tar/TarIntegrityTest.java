package io.backupkit.archivers.tar;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.CorruptSnapshotException;
import io.backupkit.RestoreRequest;
import io.backupkit.TestTrees;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The tar archivers read from a stream, so verify and restore check each archive's SHA-256 on the read that extracts
 * it: damage must still be found, named, and refused before the target changes.
 */
class TarIntegrityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldReportTheArchiveHashAndRefuseTheRestoreWhenAByteFlips(String id) throws Exception {
        BackupPlan plan = plan(id);
        BackupResult r = plan.backup();
        Path archive = largestArchive(r);
        flip(archive, Files.size(archive) / 2);
        String unit = unitOf(archive);

        VerifyResult v = plan.verify(r.snapshotId());

        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.ARCHIVE_HASH);
            assertThat(p.unit()).isEqualTo(unit);
            assertThat(p.detail()).isEqualTo("archive SHA-256 differs from the manifest");
        });
        assertRefusedAndUntouched(plan, r.snapshotId(), unit);
    }

    @Test
    void shouldCatchDamageThatLeavesEveryFileIntact() throws Exception {
        // byte 4 of a gzip member is its modification time, which no decoder checks: every file still hashes right,
        // only the archive's own SHA-256, taken on the same read, shows the change
        BackupPlan plan = plan("tar.gz");
        BackupResult r = plan.backup();
        Path archive = largestArchive(r);
        flip(archive, 4);

        VerifyResult v = plan.verify(r.snapshotId());

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.ARCHIVE_HASH);
            assertThat(p.unit()).isEqualTo(unitOf(archive));
        });
        assertRefusedAndUntouched(plan, r.snapshotId(), unitOf(archive));
    }

    @Test
    void shouldReadEachArchiveOnceAndStillVerifyASoundSnapshot() throws Exception {
        BackupPlan plan = plan("tar.zst");
        BackupResult r = plan.backup();

        assertThat(plan.verify(r.snapshotId()).problems()).isEmpty();
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(tmp.resolve("source")));
    }

    private BackupPlan plan(String id) throws IOException {
        return BackupPlan.builder().source(TestTrees.plexLike(tmp.resolve("source"))).destination(tmp.resolve("dest"))
                .archiver(id).build();
    }

    private void assertRefusedAndUntouched(BackupPlan plan, String snapshot, String unit) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.writeString(target.resolve("live.db"), "live data");
        TreeMap<String, String> before = TestTrees.describe(target);

        CorruptSnapshotException e = catchThrowableOfType(CorruptSnapshotException.class,
                () -> plan.restore(RestoreRequest.of(snapshot).target(target)));

        assertThat(e).as("the restore must refuse").isNotNull();
        assertThat(e.getMessage()).contains(unit);
        assertThat(TestTrees.describe(target)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("source", "dest", "target");
        }
    }

    private static Path largestArchive(BackupResult r) throws IOException {
        try (Stream<Path> s = Files.list(r.location().resolve("units"))) {
            return s.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    private static String unitOf(Path archive) {
        String name = archive.getFileName().toString();
        return name.substring(0, name.indexOf(".tar."));
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }
}
