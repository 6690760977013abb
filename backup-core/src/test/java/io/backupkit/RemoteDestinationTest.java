package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteDestinationTest {

    @TempDir
    Path tmp;

    private BackupPlan plan(Path source, FolderStore store) {
        return BackupPlan.builder().source(source).destination(store).cache(tmp.resolve("cache")).workers(1).build();
    }

    @Test
    void shouldBackUpListVerifyAndRestoreThroughARemoteDestination() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote"));
        BackupPlan plan = plan(source, store);

        BackupResult backup = plan.backup();

        assertThat(store.root.resolve(backup.snapshotId()).resolve("manifest.json")).isRegularFile();
        assertThat(store.root.resolve(".backupkit.lock")).doesNotExist();
        assertThat(plan.snapshots()).extracting(Snapshot::id, Snapshot::complete, Snapshot::files)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup.snapshotId(), true, backup.files()));
        assertThat(plan.verify(backup.snapshotId()).problems()).isEmpty();
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
        assertThat(tmp.resolve("cache/.backupkit-downloads")).doesNotExist();
        assertThat(tmp.resolve("cache/.backupkit-logs")).isDirectory();
    }

    @Test
    void shouldListNothingAfterAnInterruptedUploadAndUploadOnlyWhatIsMissingOnResume() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote"));
        BackupPlan plan = plan(source, store);
        store.failAfter = 3;

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("resume() uploads what is missing");

        assertThat(plan.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
        assertThat(store.root.resolve(".backupkit.lock")).doesNotExist();
        int total = List.of(store.root.toFile().list()).size();
        assertThat(total).isEqualTo(1);
        store.failAfter = Integer.MAX_VALUE;
        store.uploads.set(0);

        BackupResult resumed = plan.resume();

        long files = Files.walk(tmp.resolve("cache").resolve(resumed.snapshotId())).filter(Files::isRegularFile)
                .count();
        assertThat(store.uploads.get()).isEqualTo(files - 3);
        assertThat(plan.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldApplyRetentionToTheRemoteSnapshotsAndCopyUnchangedArchivesThere() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote"));
        BackupPlan plan = plan(source, store).toBuilder().retention(RetentionPolicies.keepLast(2)).build();

        String first = plan.backup().snapshotId();
        String second = plan.backup().snapshotId();
        BackupResult third = plan.backup();

        assertThat(third.pruned()).containsExactly(first);
        assertThat(third.unitsReused()).isPositive();
        assertThat(store.copies.get()).isPositive();
        assertThat(plan.snapshots()).extracting(Snapshot::id).containsExactly(third.snapshotId(), second);
        assertThat(store.list(first + "/")).isEmpty();
        assertThat(tmp.resolve("cache").resolve(second)).doesNotExist();
        assertThat(plan.verify(third.snapshotId()).problems()).isEmpty();
    }

    @Test
    void shouldRefuseToRunWhileAnotherHostHoldsTheLock() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote"));
        Files.writeString(store.root.resolve(".backupkit.lock"), "pid 1 on host elsewhere, backup since now",
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> plan(source, store).backup()).isInstanceOf(DestinationLockedException.class)
                .hasMessageContaining("pid 1 on host elsewhere");
    }

    @Test
    void shouldTakeOverALockLeftByThisHostsEndedRun() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote"));
        Files.writeString(store.root.resolve(".backupkit.lock"), "pid " + ProcessHandle.current().pid()
                + " on host " + io.backupkit.internal.DestinationLock.hostName() + ", backup since then");

        assertThat(plan(source, store).backup().snapshotId()).isNotBlank();
        assertThat(store.root.resolve(".backupkit.lock")).doesNotExist();
    }

    @Test
    void shouldKeepALockWhoseCreateWasRetriedAfterALostResponse() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        FolderStore store = new FolderStore(tmp.resolve("remote")) {
            @Override
            public boolean createNew(String name, byte[] content) throws java.io.IOException {
                super.createNew(name, content);
                return false;   // written, but the answer said it already existed (a retried conditional put)
            }
        };

        assertThat(plan(source, store).backup().snapshotId()).isNotBlank();
        assertThat(store.root.resolve(".backupkit.lock")).doesNotExist();
    }

    @Test
    void shouldRefuseEncryptionWithALocalDestination() {
        assertThatThrownBy(() -> BackupPlan.builder().destination(tmp).encryption(new io.backupkit.spi.Encryption() {
            public String id() {
                return "test";
            }

            public void encrypt(Path plain, Path encrypted) {
            }

            public void decrypt(java.io.InputStream encrypted, Path plain) {
            }
        }).build()).isInstanceOf(InvalidPlanException.class).hasMessageContaining("encryption needs a remote");
    }
}
