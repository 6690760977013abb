package io.backupkit;

import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupRunTest {

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;

    private BackupPlan.Builder plan() throws IOException {
        source = TestTrees.plexLike(tmp.resolve("source"));
        dest = tmp.resolve("dest");
        // no retries: a failing unit stands for a crash here; retries are tested on their own below
        return BackupPlan.builder().source(source).destination(dest).retries(0);
    }

    @Test
    void shouldLeaveAnInterruptedBackupUnfinishedAndResumeIt() throws Exception {
        BackupPlan good = plan().workers(1).build();
        BackupPlan failing = good.toBuilder().archiver(FailingZip.atWrite(3)).build();

        assertThatThrownBy(failing::backup).isInstanceOf(BackupException.class).hasMessageContaining("disk on fire")
                .hasMessageContaining("unit 'Logs'");
        assertThat(good.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
        assertThatThrownBy(() -> good.restore(RestoreRequest.latest().target(tmp.resolve("r"))))
                .isInstanceOf(SnapshotNotFoundException.class);

        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        BackupResult resumed = good.toBuilder().listener(events::add).build().resume();

        assertThat(resumed.unitsReused()).isEqualTo(2);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.UnitFinished f && f.reused()).hasSize(2);
        assertThat(good.snapshots()).singleElement().satisfies(s -> {
            assertThat(s.complete()).isTrue();
            assertThat(s.id()).isEqualTo(resumed.snapshotId());
        });
        assertThat(good.verify(resumed.snapshotId()).ok()).isTrue();
        good.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRewriteUnitsThatChangedSinceTheInterruption() throws Exception {
        BackupPlan good = plan().workers(1).build();
        assertThatThrownBy(good.toBuilder().archiver(FailingZip.atWrite(4)).build()::backup)
                .isInstanceOf(BackupException.class);
        TestTrees.write(source.resolve("Cache/cache.bin"), "changed after the crash");

        BackupResult resumed = good.resume();

        assertThat(resumed.unitsReused()).isEqualTo(2); // _root and Logs kept, Cache rewritten
        good.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldResumeARunKilledWhileItCompletedTheSnapshot() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        // the state a kill leaves between removing partial.json and renaming the folder: only the manifest says how
        Files.move(dest.resolve(first.snapshotId()), dest.resolve(first.snapshotId() + ".partial"));

        BackupResult resumed = p.resume();

        assertThat(resumed.snapshotId()).isEqualTo(first.snapshotId());
        assertThat(resumed.unitsReused()).isEqualTo(first.units());
        assertThat(p.verify(resumed.snapshotId()).ok()).isTrue();
        assertThat(dest.resolve(first.snapshotId()).resolve("state")).doesNotExist();
    }

    @Test
    void shouldResumeARunKilledBeforeItWroteAnything() throws Exception {
        BackupPlan p = plan().build();
        Files.createDirectories(dest.resolve("20260101T000000Z.partial"));

        BackupResult resumed = p.resume();

        assertThat(resumed.snapshotId()).isEqualTo("20260101T000000Z");
        assertThat(resumed.unitsReused()).isZero();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRefuseToResumeWithAnotherArchiver() throws Exception {
        BackupPlan p = plan().build();
        assertThatThrownBy(p.toBuilder().archiver(FailingZip.atWrite(2)).build()::backup)
                .isInstanceOf(BackupException.class);
        Path state = Files.list(dest).filter(f -> f.toString().endsWith(".partial")).findFirst().orElseThrow()
                .resolve("partial.json");
        Files.writeString(state, Files.readString(state).replace("\"id\" : \"zip\"", "\"id\" : \"7z\""));
        assertThatThrownBy(p::resume).isInstanceOf(BackupException.class)
                .hasMessageContaining("started with archiver '7z', this plan uses 'zip'");
    }

    @Test
    void shouldRefuseToResumeWhenNothingIsUnfinished() throws Exception {
        BackupPlan p = plan().build();
        assertThatThrownBy(p::resume).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("No unfinished snapshot").hasMessageContaining(dest.toString());
    }

    @Test
    void shouldFailClearlyWhenTheSourceIsMissing() throws Exception {
        BackupPlan p = plan().source(tmp.resolve("nope")).build();
        assertThatThrownBy(p::backup).isInstanceOf(BackupException.class)
                .hasMessage("Source folder " + tmp.resolve("nope") + " does not exist");
        assertThat(dest).doesNotExist();
    }

    @Test
    void shouldFailClearlyWhenTheSourceIsAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        BackupPlan p = plan().source(file).build();
        assertThatThrownBy(p::backup).isInstanceOf(BackupException.class).hasMessageContaining(file + " is not a folder");
    }

    @Test
    void shouldWriteNothingInADryRun() throws Exception {
        BackupResult r = plan().dryRun(true).build().backup();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.files()).isEqualTo(11);
        assertThat(dest).doesNotExist();
    }

    @Test
    void shouldRefuseASecondRunWhileTheLockIsHeld() throws Exception {
        BackupPlan p = plan().build();
        Files.createDirectories(dest);
        try (DestinationLock ignored = DestinationLock.acquire(dest, "test")) {
            assertThatThrownBy(p::backup).isInstanceOf(DestinationLockedException.class)
                    .hasMessageContaining(dest.toString())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        assertThat(p.backup().snapshotId()).isNotBlank();
    }

    @Test
    void shouldTakeOverALockLeftByADeadRun() throws Exception {
        BackupPlan p = plan().build();
        Files.createDirectories(dest);
        Files.writeString(dest.resolve(".backupkit.lock"), "pid 999999 on host elsewhere, backup since 2020-01-01");
        assertThat(p.backup().snapshotId()).isNotBlank();
        assertThat(Files.readString(dest.resolve(".backupkit.lock"))).isEmpty();
    }

    @Test
    void shouldKeepTheNewestSnapshotsAndNeverTheJustWrittenOneLast() throws Exception {
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(2)).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BackupResult r = p.backup();
            ids.add(r.snapshotId());
            if (i >= 2) {
                assertThat(r.pruned()).containsExactly(ids.get(i - 2));
            }
        }
        assertThat(p.snapshots()).extracting(Snapshot::id).containsExactly(ids.get(3), ids.get(2));
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void shouldNeverRemoveTheSnapshotJustWrittenWhateverThePolicySays() throws Exception {
        BackupPlan p = plan().retention(new io.backupkit.spi.RetentionPolicy() {
            @Override
            public String id() {
                return "keep-none";
            }

            @Override
            public List<Snapshot> keep(List<Snapshot> complete, java.time.Instant now) {
                return List.of();
            }
        }).build();
        String first = p.backup().snapshotId();
        BackupResult second = p.backup();
        assertThat(second.pruned()).containsExactly(first);
        assertThat(p.snapshots()).extracting(Snapshot::id).containsExactly(second.snapshotId());
    }

    @Test
    void shouldWriteAFailedUnitAgainAfterTheRetryWaitAndWarn() throws Exception {
        BackupPlan p = plan().workers(1).retries(1).retryWait(java.time.Duration.ofMillis(300))
                .archiver(FailingZip.atWrite(2)).build();
        long t0 = System.nanoTime();

        BackupResult r = p.backup();

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(
                java.time.Duration.ofMillis(300));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("failed (attempt 1 of 2)")
                .contains("disk on fire").contains("trying again in PT0.3S"));
        BackupPlan reader = BackupPlan.builder().destination(dest).build();
        assertThat(reader.verify(r.snapshotId()).ok()).isTrue();
        reader.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldFailAfterTheLastRetryNamingTheUnit() throws Exception {
        BackupPlan p = plan().workers(1).retries(2).retryWait(java.time.Duration.ZERO).archiver(FailingZip.onUnit("Logs", "share went away")).build();

        assertThatThrownBy(p::backup).isInstanceOf(BackupException.class).hasMessageContaining("unit 'Logs'")
                .hasMessageContaining("share went away (attempt 3)");
        assertThat(p.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
    }

    @Test
    void shouldRejectBadRetrySettings() {
        assertThatThrownBy(() -> BackupPlan.builder().retries(-1)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("retries must be between 0 and 100, was -1");
        assertThatThrownBy(() -> BackupPlan.builder().retryWait(java.time.Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("retry wait must be zero or more");
    }

    @Test
    void shouldNotRunRetentionAfterAFailedBackup() throws Exception {
        BackupPlan good = plan().retention(RetentionPolicies.keepLast(1)).build();
        String first = good.backup().snapshotId();
        Files.writeString(source.resolve("Preferences.xml"), "<Preferences changed=\"1\"/>"); // not reused
        assertThatThrownBy(good.toBuilder().archiver(FailingZip.atWrite(1)).build()::backup)
                .isInstanceOf(BackupException.class);
        assertThat(good.snapshots()).filteredOn(Snapshot::complete).extracting(Snapshot::id).containsExactly(first);
    }

    @Test
    void shouldReportProgress() throws Exception {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        BackupResult r = plan().listener(events::add).build().backup();
        assertThat(events.get(0)).isInstanceOf(ProgressEvent.RunStarted.class);
        assertThat(events.get(events.size() - 1)).isEqualTo(
                new ProgressEvent.RunFinished(Operation.BACKUP, r.snapshotId(), true));
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.Progress).hasSize((int) r.files());
        ProgressEvent.Progress last = events.stream().filter(e -> e instanceof ProgressEvent.Progress)
                .map(ProgressEvent.Progress.class::cast).reduce((a, b) -> b).orElseThrow();
        assertThat(last.filesDone()).isEqualTo(last.filesTotal());
        assertThat(last.bytesDone()).isEqualTo(last.bytesTotal()).isEqualTo(r.bytes());
        // units are written on several threads: the counts a listener sees still only grow, one file at a time
        List<Long> done = events.stream().filter(e -> e instanceof ProgressEvent.Progress)
                .map(e -> ((ProgressEvent.Progress) e).filesDone()).toList();
        assertThat(done).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, r.files()).boxed()
                .toList());
        List<Long> bytes = events.stream().filter(e -> e instanceof ProgressEvent.Progress)
                .map(e -> ((ProgressEvent.Progress) e).bytesDone()).toList();
        assertThat(bytes).isSorted();
    }

    @Test
    void shouldStartTheCostliestUnitFirstAndStillRecordUnitsInOrder() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("costs"));
        for (String small : List.of("A", "B", "C")) {
            Files.writeString(Files.createDirectories(src.resolve(small)).resolve("f.txt"), small);
        }
        Path big = Files.createDirectories(src.resolve("Z"));
        for (int i = 0; i < 50; i++) {
            Files.write(big.resolve("f" + i + ".bin"), new byte[20_000]);
        }
        List<String> started = new CopyOnWriteArrayList<>();
        BackupResult r = BackupPlan.builder().source(src).destination(tmp.resolve("costs-dest")).workers(2)
                .listener(e -> {
                    if (e instanceof ProgressEvent.UnitStarted u) {
                        started.add(u.unit());
                    }
                }).build().backup();
        // two workers: written in unit order ("" holds the root's loose files), Z could only start third
        assertThat(started.subList(0, 2)).contains("Z");
        assertThat(started).containsExactlyInAnyOrder("", "A", "B", "C", "Z");
        List<String> recorded = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("costs-dest")
                .resolve(r.snapshotId()).resolve("manifest.json").toFile()).get("units")
                .forEach(u -> recorded.add(u.get("name").asText()));
        assertThat(recorded).containsExactly("", "A", "B", "C", "Z");
    }

    @Test
    void shouldIgnoreAFailingListener() throws Exception {
        BackupResult r = plan().listener(e -> {
            throw new IllegalStateException("listener bug");
        }).build().backup();
        assertThat(r.files()).isEqualTo(11);
    }

    @Test
    void shouldWriteTheManifestAndRunLog() throws Exception {
        BackupResult r = plan().exclude("Logs/**").build().backup();
        Path snapshot = dest.resolve(r.snapshotId());
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        assertThat(Files.readString(snapshot.resolve("manifest.json"))).contains("\"formatVersion\" : 1")
                .contains("\"excludes\" : [ \"Logs/**\" ]");
        assertThat(Files.readString(snapshot.resolve("backup.log"))).contains("Writing unit 'Metadata'");
        assertThat(snapshot.resolve("units/_root.zip")).isRegularFile();
        assertThat(snapshot.resolve("index/Plug-in Support.jsonl")).isRegularFile();
        assertThat(snapshot.resolve("units/Logs.zip")).doesNotExist();
        assertThat(snapshot.resolve("state")).doesNotExist();
        assertThat(snapshot.resolve("partial.json")).doesNotExist();
    }
}
