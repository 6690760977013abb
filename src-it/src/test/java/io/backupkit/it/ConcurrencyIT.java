package io.backupkit.it;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.DestinationLockedException;
import io.backupkit.ProgressEvent;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.it.ItSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two runs on one destination: while a backup or a restore of this JVM holds the destination (held still inside
 * its work by a listener, so the overlap is certain), a CLI backup in another process is refused with exit code 1
 * naming the holder's pid, and a backup in this JVM with {@link DestinationLockedException}; the held run then
 * completes normally. A schedule overlapping itself is covered by core's {@code BackupSchedulerRunTest}.
 */
@Timeout(300)
class ConcurrencyIT {

    @TempDir
    Path tmp;

    @Test
    void shouldRefuseASecondBackupWhileABackupRunsNamingTheHolder() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 11, 3, 4, 16 * 1024);
        Path dest = tmp.resolve("dest");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackupPlan held = BackupPlan.builder().source(source).destination(dest)
                .listener(holdAtFirstUnit(inside, release)).build();
        CompletableFuture<BackupResult> first = CompletableFuture.supplyAsync(held::backup);
        try {
            assertThat(inside.await(60, TimeUnit.SECONDS)).as("the first backup reached its first unit").isTrue();

            Run second = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString());
            assertThat(second.exit()).as(second.describe()).isEqualTo(1);
            assertThat(second.stderr()).as(second.describe()).startsWith(ItSupport.ERROR_PREFIX).contains("locked")
                    .contains("pid " + ProcessHandle.current().pid()).contains("backup");

            BackupPlan plain = BackupPlan.builder().source(source).destination(dest).build();
            assertThatThrownBy(plain::backup).isInstanceOf(DestinationLockedException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        } finally {
            release.countDown();
        }
        BackupResult done = first.get(60, TimeUnit.SECONDS);
        assertThat(held.verify(done.snapshotId()).ok()).isTrue();
        assertThat(held.snapshots()).as("only the first backup wrote a snapshot").hasSize(1);
    }

    @Test
    void shouldRefuseABackupWhileARestoreRuns() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 12, 3, 4, 16 * 1024);
        Path dest = tmp.resolve("dest");
        BackupPlan plan = BackupPlan.builder().source(source).destination(dest).build();
        plan.backup();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackupPlan held = plan.toBuilder().listener(holdAtFirstUnit(inside, release)).build();
        Path target = tmp.resolve("target");
        CompletableFuture<RestoreResult> restore = CompletableFuture.supplyAsync(() ->
                held.restore(RestoreRequest.latest().target(target)));
        try {
            assertThat(inside.await(60, TimeUnit.SECONDS)).as("the restore reached its first unit").isTrue();

            Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString());
            assertThat(backup.exit()).as(backup.describe()).isEqualTo(1);
            assertThat(backup.stderr()).as(backup.describe()).contains("locked").contains("restore")
                    .contains("pid " + ProcessHandle.current().pid());
            assertThatThrownBy(plan::backup).isInstanceOf(DestinationLockedException.class)
                    .hasMessageContaining("restore");
        } finally {
            release.countDown();
        }
        restore.get(60, TimeUnit.SECONDS);
        ItSupport.assertSameTree("restored while a backup was refused", ItSupport.describe(target),
                ItSupport.describe(source), ItSupport.Times.MILLIS);
        assertThat(plan.snapshots()).as("the refused backup wrote nothing").hasSize(1);
    }

    /** A listener that, at the run's first unit, says so and waits until released. */
    private static io.backupkit.ProgressListener holdAtFirstUnit(CountDownLatch inside, CountDownLatch release) {
        return event -> {
            if (event instanceof ProgressEvent.UnitStarted && inside.getCount() > 0) {
                inside.countDown();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
