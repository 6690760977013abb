package io.backupkit.it;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RetentionPolicies;
import io.backupkit.Snapshot;
import io.backupkit.it.ItSupport.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A destination that fails part-way: a 2 MiB tmpfs that fills during the backup (needs root and {@code mount}; the
 * test is skipped otherwise), and a file where the destination folder should be. A clear error, no snapshot that
 * looks complete, the older snapshot intact and retention not run (the snapshot {@code keepLast(1)} would remove is
 * still there).
 */
@Timeout(300)
class DestinationFaultsIT {

    @TempDir
    Path tmp;

    private Path mounted;

    @AfterEach
    void unmount() {
        if (mounted != null) {
            ItSupport.run(List.of("umount", mounted.toString()), Duration.ofSeconds(30));
        }
    }

    @Test
    void shouldFailCleanlyWhenTheDestinationFillsUpAndKeepTheOlderSnapshot() throws IOException {
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Run mount = ItSupport.run(List.of("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", volume.toString()),
                Duration.ofSeconds(30));
        Assumptions.assumeTrue(mount.exit() == 0, "cannot mount a small tmpfs here: " + mount.stderr());
        mounted = volume;
        Path dest = volume.resolve("backups");
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 21, 2, 2, 64 * 1024);
        BackupPlan plan = BackupPlan.builder().source(source).destination(dest).retries(0).spaceCheck(false)
                .retention(RetentionPolicies.keepLast(1)).build();
        BackupResult old = plan.backup();

        // 3 MiB of random data more than the 2 MiB volume holds: the write fails part-way
        ItSupport.writeRandomTree(source.resolve("Big"), 22, 3, 4, 256 * 1024);
        BackupException e = catchThrowableOfType(BackupException.class, plan::backup);

        assertThat(e).as("the backup onto a full volume fails").isNotNull();
        assertThat(e.getMessage()).as(String.valueOf(e)).isNotBlank().containsAnyOf("No space left", "space");
        List<Snapshot> snapshots = plan.snapshots();
        assertThat(snapshots.stream().filter(Snapshot::complete).map(Snapshot::id))
                .as("only the older snapshot is complete; retention did not run").containsExactly(old.snapshotId());
        assertThat(plan.verify(old.snapshotId()).ok()).as("the older snapshot is intact").isTrue();

        // with the space check on, the same backup is refused before it writes, naming both figures
        BackupException refused = catchThrowableOfType(BackupException.class,
                () -> plan.toBuilder().spaceCheck(true).build().backup());
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("free");
        assertThat(plan.verify(old.snapshotId()).ok()).isTrue();
    }

    @Test
    void shouldNameADestinationThatIsAFile() throws IOException {
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 23, 1, 1, 1024);
        Path file = tmp.resolve("backups");
        Files.writeString(file, "not a folder");
        Run r = ItSupport.cli("backup", "--source", source.toString(), "--dest", file.toString());
        assertThat(r.exit()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).startsWith(ItSupport.ERROR_PREFIX).contains(file.toString());
        assertThat(Files.readString(file)).isEqualTo("not a folder");

        Path below = file.resolve("nightly");
        Run nested = ItSupport.cli("backup", "--source", source.toString(), "--dest", below.toString());
        assertThat(nested.exit()).as(nested.describe()).isEqualTo(1);
        assertThat(nested.stderr()).as(nested.describe()).startsWith(ItSupport.ERROR_PREFIX).contains("backups");
    }
}
