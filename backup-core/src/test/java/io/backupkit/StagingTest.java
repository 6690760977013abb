package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A local staging folder for slow destinations: archives are written there and moved, the snapshot is the same as
 * without staging, and what a killed run left there is removed, but never what a live run holds.
 */
class StagingTest {

    @TempDir
    Path tmp;

    private List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldWriteArchivesInTheStagingFolderAndLeaveNothingThere() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        Path staging = tmp.resolve("local-staging");
        List<String> stagedWhileWriting = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("nas")).staging(staging)
                .listener(e -> {
                    if (e instanceof ProgressEvent.UnitStarted) {
                        try {
                            stagedWhileWriting.addAll(names(staging));
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }
                }).build();

        BackupResult r = plan.backup();

        assertThat(stagedWhileWriting).isNotEmpty().allSatisfy(n -> assertThat(n).startsWith(".backupkit-staging-"));
        assertThat(names(staging)).isEmpty();
        assertThat(plan.verify(r.snapshotId()).ok()).isTrue();
        plan.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void shouldRemoveWhatAKilledRunLeftButNotWhatALiveRunHolds() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        Path staging = tmp.resolve("staging");
        Path killed = staging.resolve(".backupkit-staging-20260101T000000Z-123");
        Files.createDirectories(killed);
        Files.writeString(killed.resolve("lock"), "");
        Files.writeString(killed.resolve("Metadata.zip"), "half written");
        Path live = staging.resolve(".backupkit-staging-20260101T000001Z-456");
        Files.createDirectories(live);
        Path other = staging.resolve("someone-elses-file.txt");
        Files.writeString(other, "keep");

        try (FileChannel c = FileChannel.open(live.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock l = c.lock()) {
            BackupPlan.builder().source(source).destination(tmp.resolve("nas")).staging(staging).build().backup();
            assertThat(killed).doesNotExist();
            assertThat(live).exists();
        }
        assertThat(other).hasContent("keep");
    }

    @Test
    void shouldRejectAStagingFolderInsideTheDestinationOrTheSource() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        assertThatThrownBy(() -> BackupPlan.builder().source(source).destination(tmp.resolve("nas"))
                .staging(tmp.resolve("nas/staging")).build()).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("staging folder " + tmp.resolve("nas/staging") + " is inside the destination");
        assertThatThrownBy(() -> BackupPlan.builder().source(source).destination(tmp.resolve("nas"))
                .staging(source.resolve("tmp")).build()).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("is inside the source");
    }
}
