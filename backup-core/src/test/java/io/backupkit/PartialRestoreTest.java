package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Partial restores (Emby's "restore an earlier database copy"): only the selected paths of an earlier snapshot
 * replace the same paths in the live folder; everything else stays as it is.
 */
class PartialRestoreTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRestoreOnlyTheDatabasesOfAnEarlierSnapshotAndLeaveTheRestAlone() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        Path db = source.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db");
        String earlier = TestTrees.sha256(db);
        String id = plan.backup().snapshotId();
        Files.writeString(db, "a database that went bad");
        Files.writeString(source.resolve("Preferences.xml"), "<Preferences changed=\"after the backup\"/>");
        TestTrees.write(source.resolve("Plug-in Support/Databases/new-since.db"), "made after the backup");

        RestoreResult r = plan.restore(RestoreRequest.of(id).only("Plug-in Support/Databases"));

        assertThat(TestTrees.sha256(db)).isEqualTo(earlier);
        assertThat(source.resolve("Plug-in Support/Databases/new-since.db")).as("the folder is replaced as a whole")
                .doesNotExist();
        assertThat(source.resolve("Preferences.xml")).hasContent("<Preferences changed=\"after the backup\"/>");
        assertThat(source.resolve("Logs/Plex Media Server.log")).exists();
        assertThat(r.files()).isEqualTo(1);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain(".source.backupkit-restore");
        }
    }

    @Test
    void shouldRestoreSingleFilesIntoAnotherTargetCreatingTheirFolders() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("elsewhere");

        plan.restore(RestoreRequest.of(id).target(target).only("Preferences.xml",
                "Plug-in Support/Preferences/com.plexapp.system.xml", "Metadata/link-to-info"));

        assertThat(target.resolve("Preferences.xml")).hasSameTextualContentAs(source.resolve("Preferences.xml"));
        assertThat(target.resolve("Plug-in Support/Preferences/com.plexapp.system.xml")).hasContent("<x/>");
        assertThat(Files.readSymbolicLink(target.resolve("Metadata/link-to-info")))
                .isEqualTo(Files.readSymbolicLink(source.resolve("Metadata/link-to-info")));
        try (var s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("Preferences.xml",
                    "Plug-in Support", "Metadata");
        }
    }

    @Test
    void shouldRefuseAPathTheSnapshotDoesNotHoldBeforeTouchingTheTarget() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).exclude("Cache/**")
                .build();
        String id = plan.backup().snapshotId();
        Files.writeString(source.resolve("Preferences.xml"), "live");

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).only("Preferences.xml", "Cache", "Nope/x")))
                .isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("Snapshot " + id + " holds no 'Cache', 'Nope/x'");
        assertThat(source.resolve("Preferences.xml")).hasContent("live");
    }

    @Test
    void shouldRejectBadPaths() {
        for (String bad : new String[] {"", "/etc", "../up", "a/../b", "C:/x", "a\\\\b"}) {
            assertThatThrownBy(() -> RestoreRequest.latest().only(bad)).as(bad)
                    .isInstanceOf(InvalidPlanException.class).hasMessageContaining("restore path '" + bad + "'");
        }
        assertThatThrownBy(() -> RestoreRequest.fromArchive(Path.of("x.zip")).only("a"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("not of an archive");
        assertThat(RestoreRequest.latest().only("a/", "b").only("a").only()).containsExactly("a", "b");
    }
}
