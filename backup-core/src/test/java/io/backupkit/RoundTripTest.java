package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRestoreByteForByteIntoANewFolder() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();

        BackupResult backup = plan.backup();
        assertThat(backup.warnings()).isEmpty();
        assertThat(plan.snapshots()).extracting(Snapshot::id, Snapshot::complete)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup.snapshotId(), true));
        assertThat(plan.verify(backup.snapshotId()).problems()).isEmpty();

        Path target = tmp.resolve("restored");
        RestoreResult restore = plan.restore(RestoreRequest.latest().target(target));

        assertThat(restore.files()).isEqualTo(backup.files());
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("source", "dest", "restored");
    }

    @Test
    void shouldWriteSnapshotsReadableByTheirOwnerOnly() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();

        BackupResult backup = plan.backup();

        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView("posix"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backup.location()))).isEqualTo("rwx------");
    }

    @Test
    void shouldKeepExcludedPathsOfTheTargetAndReplaceTheRest() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest"))
                .exclude("Logs/**", "Cache/**", "**/*.bif").build();
        BackupResult backup = plan.backup();
        var before = TestTrees.describe(source);

        // the live folder moves on: new logs, a changed database, a new file that the restore must remove
        TestTrees.write(source.resolve("Logs/Plex Media Server.log"), "newer log\n");
        TestTrees.write(source.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db"), "broken");
        TestTrees.write(source.resolve("Metadata/new-file.xml"), "<new/>");
        var liveLogs = TestTrees.describe(source.resolve("Logs"));

        RestoreResult restore = plan.restore(RestoreRequest.of(backup.snapshotId()));

        assertThat(restore.kept()).isEqualTo(3);
        assertThat(TestTrees.describe(source.resolve("Logs"))).isEqualTo(liveLogs);
        assertThat(Files.readString(source.resolve("Logs/Plex Media Server.log"))).isEqualTo("newer log\n");
        assertThat(source.resolve("Metadata/new-file.xml")).doesNotExist();
        assertThat(TestTrees.describe(source, "Logs")).isEqualTo(withoutPrefix(before, "Logs"));
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("source", "dest");
    }

    private static java.util.TreeMap<String, String> withoutPrefix(java.util.TreeMap<String, String> m, String p) {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>(m);
        out.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
        return out;
    }

    @Test
    void shouldStoreSpecialFoldersAsPlainFiles() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest"))
                .special("Media/localhost").build();
        BackupResult backup = plan.backup();
        Path copy = backup.location().resolve("units/Media%2Flocalhost/Media/localhost/0/abc.bundle/Contents/"
                + "Indexes/index-sd.bif");
        assertThat(copy).isRegularFile();
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
        assertThat(backup.units()).isEqualTo(7);
    }
}
