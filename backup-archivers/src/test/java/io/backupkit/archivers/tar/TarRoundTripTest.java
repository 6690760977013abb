package io.backupkit.archivers.tar;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.TestTrees;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Back up, verify and restore through the public API, found by id. */
@Timeout(120)
class TarRoundTripTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldRestoreAPlexLikeTreeByteForByte(String id) throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).archiver(id).build();

        BackupResult backup = plan.backup();

        assertThat(backup.warnings()).isEmpty();
        List<String> archives;
        try (Stream<Path> s = Files.list(backup.location().resolve("units"))) {
            archives = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("." + id)).toList();
        }
        assertThat(archives).isNotEmpty();
        assertThat(plan.verify(backup.snapshotId()).ok()).isTrue();

        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));

        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
    }
}
