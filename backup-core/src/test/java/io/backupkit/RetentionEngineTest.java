package io.backupkit;

import io.backupkit.internal.DestinationLock;
import io.backupkit.internal.Json;
import io.backupkit.internal.Manifest;
import io.backupkit.internal.SnapshotStore;
import io.backupkit.spi.RetentionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention in real destinations: after backups, prune, preview, pins and interrupted removals. */
class RetentionEngineTest {

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;

    private BackupPlan.Builder plan() throws IOException {
        if (source == null) {
            source = TestTrees.plexLike(tmp.resolve("source"));
            dest = tmp.resolve("dest");
        }
        return BackupPlan.builder().source(source).destination(dest);
    }

    private List<String> backups(BackupPlan p, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(p.backup().snapshotId());
        }
        return ids;
    }

    private List<String> ids(BackupPlan p) {
        return p.snapshots().stream().map(Snapshot::id).toList();
    }

    private static final RetentionPolicy KEEP_NONE = new RetentionPolicy() {
        @Override
        public String id() {
            return "keep-none";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            return List.of();
        }
    };

    @Test
    void shouldRemoveWhatThePolicyDoesNotKeepAfterASuccessfulBackup() throws Exception {
        List<String> first = backups(plan().build(), 3);
        BackupPlan p = plan().retention(RetentionPolicies.union(RetentionPolicies.keepLast(1),
                RetentionPolicies.gfs().daily(1))).build();

        BackupResult r = p.backup();

        assertThat(r.pruned()).containsExactlyInAnyOrderElementsOf(first);
        assertThat(ids(p)).containsExactly(r.snapshotId());
        assertThat(p.verify(r.snapshotId()).ok()).isTrue();
    }

    @Test
    void shouldRemoveNothingAfterAFailedBackup() throws Exception {
        List<String> before = backups(plan().build(), 2);
        Files.writeString(source.resolve("Preferences.xml"), "<Preferences changed=\"1\"/>"); // not reused
        BackupPlan failing = plan().retention(KEEP_NONE).archiver(FailingZip.always("disk on fire")).build();

        assertThatThrownBy(failing::backup).isInstanceOf(BackupException.class).hasMessageContaining("disk on fire");

        assertThat(plan().build().snapshots()).filteredOn(Snapshot::complete).extracting(Snapshot::id)
                .containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void shouldRemoveNothingWhenThePolicyThrows() throws Exception {
        List<String> before = backups(plan().build(), 2);
        BackupPlan p = plan().retention(new RetentionPolicy() {
            @Override
            public String id() {
                return "buggy";
            }

            @Override
            public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
                throw new IllegalStateException("bug in policy");
            }
        }).build();

        BackupResult r = p.backup();
        RetentionReport pruned = p.prune();

        assertThat(r.pruned()).isEmpty();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("buggy", "nothing removed"));
        assertThat(pruned.removed()).isEmpty();
        assertThat(pruned.warnings()).singleElement().asString().contains("bug in policy");
        assertThat(ids(p)).containsAll(before).contains(r.snapshotId());
    }

    @Test
    void shouldPruneOutsideABackupKeepingTheNewest() throws Exception {
        List<String> all = backups(plan().build(), 3);
        BackupPlan p = plan().retention(KEEP_NONE).build();

        RetentionReport report = p.prune();

        assertThat(report.dryRun()).isFalse();
        assertThat(report.policy()).contains("keep-none").doesNotContain("null");
        assertThat(report.removedIds()).containsExactly(all.get(1), all.get(0));
        assertThat(report.removed()).allSatisfy(x -> assertThat(x.reason()).contains("not kept by"));
        assertThat(report.kept()).extracting(Snapshot::id).containsExactly(all.get(2));
        assertThat(ids(p)).containsExactly(all.get(2));
        assertThat(Files.list(dest).map(f -> f.getFileName().toString()).toList())
                .noneMatch(n -> n.endsWith(SnapshotStore.DELETING));
    }

    @Test
    void shouldRefusePruneWhileTheLockIsHeldNamingTheHolder() throws Exception {
        List<String> all = backups(plan().build(), 2);
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(1)).build();

        try (DestinationLock lock = DestinationLock.acquire(dest, "backup")) {
            assertThatThrownBy(p::prune).isInstanceOf(DestinationLockedException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("backup since");
            assertThatThrownBy(() -> p.pin(all.get(0))).isInstanceOf(DestinationLockedException.class);
        }
        assertThat(ids(p)).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void shouldWriteNothingWhenPreviewing() throws Exception {
        List<String> all = backups(plan().build(), 3);
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(1)).build();
        Files.move(dest.resolve(all.get(0)), dest.resolve(all.get(0) + SnapshotStore.DELETING));
        var before = TestTrees.describe(dest);

        RetentionReport preview = p.previewRetention();
        RetentionReport dryPrune = p.toBuilder().dryRun(true).build().prune();

        assertThat(TestTrees.describe(dest)).isEqualTo(before);
        assertThat(preview.dryRun()).isTrue();
        assertThat(preview.removedIds()).containsExactly(all.get(1));
        assertThat(preview.kept()).extracting(Snapshot::id).containsExactly(all.get(2));
        assertThat(dryPrune.removedIds()).isEqualTo(preview.removedIds());
    }

    @Test
    void shouldNeverListASnapshotLeftHalfDeletedAndCleanItOnTheNextRun() throws Exception {
        List<String> all = backups(plan().build(), 2);
        // a crash after the rename and part of the delete: the folder still holds its manifest
        Path leftover = dest.resolve(all.get(0) + SnapshotStore.DELETING);
        Files.move(dest.resolve(all.get(0)), leftover);
        Files.delete(Files.list(leftover.resolve("units")).findFirst().orElseThrow());
        BackupPlan p = plan().build();

        assertThat(ids(p)).containsExactly(all.get(1));
        assertThatThrownBy(() -> p.verify(all.get(0))).isInstanceOf(SnapshotNotFoundException.class);

        BackupResult next = p.backup();

        assertThat(leftover).doesNotExist();
        assertThat(ids(p)).containsExactly(next.snapshotId(), all.get(1));
        assertThat(next.snapshotId()).isGreaterThan(all.get(1));
    }

    @Test
    void shouldCleanALeftoverWhenPruning() throws Exception {
        List<String> all = backups(plan().build(), 2);
        Path leftover = dest.resolve(all.get(0) + SnapshotStore.DELETING);
        Files.move(dest.resolve(all.get(0)), leftover);

        plan().build().prune();

        assertThat(leftover).doesNotExist();
        assertThat(dest.resolve(all.get(1))).isDirectory();
    }

    @Test
    void shouldKeepPinnedSnapshotsUntilUnpinned() throws Exception {
        List<String> all = backups(plan().build(), 3);
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(1)).build();

        Snapshot pinned = p.pin(all.get(0));
        BackupResult r = p.backup();

        assertThat(pinned.pinned()).isTrue();
        assertThat(r.pruned()).containsExactlyInAnyOrder(all.get(1), all.get(2));
        assertThat(plan().build().snapshots()).extracting(Snapshot::id, Snapshot::pinned)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(r.snapshotId(), false),
                        org.assertj.core.groups.Tuple.tuple(all.get(0), true));
        assertThat(p.verify(all.get(0)).problems()).as("pinning does not disturb verification").isEmpty();
        assertThat(p.unpin(all.get(0))).isTrue();
        assertThat(p.unpin(r.snapshotId())).as("not pinned").isFalse();
        assertThat(p.prune().removedIds()).containsExactly(all.get(0));
        assertThat(ids(p)).containsExactly(r.snapshotId());
    }

    @Test
    void shouldPersistPinsOutsideTheSnapshotFolder() throws Exception {
        String id = plan().build().backup().snapshotId();
        var snapshotBefore = TestTrees.describe(dest.resolve(id));

        plan().build().pin(id);
        plan().build().pin(id);

        assertThat(TestTrees.describe(dest.resolve(id))).isEqualTo(snapshotBefore);
        assertThat(Files.readString(dest.resolve(SnapshotStore.PINS))).contains(id);
        assertThat(plan().build().snapshots()).singleElement().satisfies(s -> assertThat(s.pinned()).isTrue());
    }

    @Test
    void shouldRefuseToPinAnUnknownOrUnfinishedSnapshotNamingIt() throws Exception {
        BackupPlan p = plan().build();
        p.backup();
        Files.createDirectory(dest.resolve("20991231T000000Z" + SnapshotStore.PARTIAL));

        assertThatThrownBy(() -> p.pin("20200101T000000Z")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("20200101T000000Z");
        assertThatThrownBy(() -> p.pin("20991231T000000Z")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("20991231T000000Z").hasMessageContaining("unfinished");
        assertThatThrownBy(() -> p.unpin("20200101T000000Z")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("20200101T000000Z");
        assertThatThrownBy(() -> p.pin(" ")).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRemoveNothingWhenThePinsFileIsUnreadable() throws Exception {
        List<String> all = backups(plan().build(), 2);
        Files.writeString(dest.resolve(SnapshotStore.PINS), "{ not json");
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(1)).build();

        RetentionReport report = p.prune();

        assertThat(report.removed()).isEmpty();
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains(SnapshotStore.PINS));
        assertThat(ids(p)).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void shouldCountEachSnapshotsArchivesAsItsStoredSize() throws Exception {
        BackupPlan p = plan().build();
        String id = p.backup().snapshotId();
        Manifest m = Json.read(dest.resolve(id).resolve(SnapshotStore.MANIFEST), Manifest.class);
        long archives = m.units().stream().mapToLong(Manifest.UnitRecord::archiveSize).sum();

        String reusing = p.backup().snapshotId();

        assertThat(p.snapshots()).extracting(Snapshot::storedBytes).containsExactly(archives, archives);
        assertThat(archives).isPositive();
        BackupPlan capped = plan().retention(RetentionPolicies.maxTotalSize(archives)).build();
        assertThat(capped.previewRetention().removedIds()).as("the reused snapshot counts its linked archives too")
                .containsExactly(id);
        assertThat(reusing).isNotEqualTo(id);
    }

    @Test
    void shouldFailNamingAMissingDestination() {
        BackupPlan p = BackupPlan.builder().destination(tmp.resolve("typo")).build();

        assertThatThrownBy(p::prune).isInstanceOf(BackupException.class).hasMessageContaining("typo")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(p::previewRetention).isInstanceOf(BackupException.class).hasMessageContaining("typo");
    }
}
