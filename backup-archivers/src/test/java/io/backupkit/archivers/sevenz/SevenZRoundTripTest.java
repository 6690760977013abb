package io.backupkit.archivers.sevenz;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.TestTrees;
import io.backupkit.VerifyResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Backs up and restores through the public API with the archiver found by its id. */
class SevenZRoundTripTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "5", "9"})
    void shouldRestoreAPlexLikeTreeByteForByte(String level) throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest"))
                .archiver("7z").archiverOption("level", level).build();

        BackupResult backup = plan.backup();
        assertThat(backup.warnings()).isEmpty();
        List<Path> archives;
        try (Stream<Path> s = Files.list(backup.location().resolve("units"))) {
            archives = s.filter(p -> p.getFileName().toString().endsWith(".7z")).toList();
        }
        assertThat(archives).isNotEmpty();
        VerifyResult verify = plan.verify(backup.snapshotId());
        assertThat(verify.problems()).isEmpty();
        assertThat(verify.ok()).isTrue();

        Path target = tmp.resolve("restored");
        RestoreResult restore = plan.restore(RestoreRequest.latest().target(target));

        assertThat(restore.files()).isEqualTo(backup.files());
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldDetectADamagedArchiveOnVerify() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).archiver("7z").build();
        BackupResult backup = plan.backup();
        Path archive = backup.location().resolve("units/Plug-in Support.7z");
        assertThat(archive).isRegularFile();
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length - 10));

        VerifyResult verify = plan.verify(backup.snapshotId());

        assertThat(verify.ok()).isFalse();
        assertThat(verify.problems()).anySatisfy(p -> assertThat(p.toString()).contains("Plug-in Support"));
    }
}
