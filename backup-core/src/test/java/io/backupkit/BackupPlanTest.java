package io.backupkit;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BackupPlanTest {

    @TempDir
    Path tmp;

    private BackupPlan.Builder valid() {
        return BackupPlan.builder().source(tmp.resolve("src")).destination(tmp.resolve("dest"));
    }

    @Test
    void shouldBuildWithDefaults() {
        BackupPlan plan = valid().build();
        assertThat(plan.archiver().id()).isEqualTo("zip");
        assertThat(plan.excludes()).isEmpty();
        assertThat(plan.retention().id()).isEqualTo("keep-all");
        assertThat(plan.dryRun()).isFalse();
    }

    @Test
    void shouldRequireASourceToBackUpButNotToRead() {
        BackupPlan readOnly = BackupPlan.builder().destination(tmp).build();
        assertThat(readOnly.snapshots()).isEmpty();
        assertThatThrownBy(readOnly::backup).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("source is required to back up");
        assertThatThrownBy(readOnly::resume).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("source is required to resume");
        assertThatThrownBy(() -> readOnly.restore(RestoreRequest.latest())).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("source is required to restore without a target");
    }

    @Test
    void shouldRequireDestination() {
        assertThatThrownBy(() -> BackupPlan.builder().source(tmp).build())
                .isInstanceOf(InvalidPlanException.class).hasMessage("Invalid backup plan: destination is required");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        InvalidPlanException e = catchThrowableOfType(InvalidPlanException.class,
                () -> BackupPlan.builder().archiver("nope").build());
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).anyMatch(p -> p.contains("destination is required"))
                .anyMatch(p -> p.contains("'nope'") && p.contains("available: zip"));
    }

    @Test
    void shouldRejectDestinationEqualToSource() {
        assertThatThrownBy(() -> BackupPlan.builder().source(tmp).destination(tmp.resolve(".")).build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("is the source folder");
    }

    @Test
    void shouldRejectDestinationInsideSource() {
        assertThatThrownBy(() -> BackupPlan.builder().source(tmp).destination(tmp.resolve("backups/plex")).build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining(tmp.resolve("backups/plex").toString()).hasMessageContaining("inside the source");
    }

    @Test
    void shouldRejectDestinationInsideSourceThroughALink() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-src"), src);
        assertThatThrownBy(() -> BackupPlan.builder().source(src).destination(link.resolve("dest")).build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("inside the source");
    }

    @Test
    void shouldRejectDestinationThatIsAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> valid().destination(file).build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining(file + " is a file");
    }

    @Test
    void shouldListAvailableArchiversForAnUnknownId() {
        assertThatThrownBy(() -> valid().archiver("7z").build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("No archiver with id '7z'; available: zip")
                .hasMessageContaining("backup-archivers");
    }

    @Test
    void shouldRejectAnUnknownArchiverOption() {
        assertThatThrownBy(() -> valid().archiverOption("speed", "max").build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("has no option 'speed'")
                .hasMessageContaining("level");
    }

    @Test
    void shouldRejectABlankArchiverId() {
        assertThatThrownBy(() -> valid().archiver(" ")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("archiver id must not be blank");
    }

    @Test
    void shouldPreferAnArchiverInstanceOverDiscovery() {
        Archiver mine = new Archiver() {
            @Override
            public String id() {
                return "mine";
            }

            @Override
            public String extension() {
                return "mine";
            }

            @Override
            public void write(ArchiveWriteRequest request) {
            }

            @Override
            public void read(Path archive, Map<String, String> options, EntryVisitor visitor) {
            }
        };
        assertThat(valid().archiver(mine).build().archiver()).isSameAs(mine);
    }

    @Test
    void shouldRejectMalformedExcludes() {
        assertThatThrownBy(() -> valid().exclude("/abs/**")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'/abs/**'");
        assertThatThrownBy(() -> valid().exclude("a\\b")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'/'");
        assertThatThrownBy(() -> valid().exclude("[abc")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("unclosed '['");
        assertThatThrownBy(() -> valid().exclude("")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void shouldRejectSpecialFoldersThatLeaveTheSource() {
        assertThatThrownBy(() -> valid().special("../x")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> valid().special("/x")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("relative");
    }

    @Test
    void shouldRejectASpecialFolderThatIsAlsoExcluded() {
        assertThatThrownBy(() -> valid().special("Media/localhost").exclude("Media/**").build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("special folder 'Media/localhost' is also excluded by 'Media/**'");
    }

    @Test
    void shouldRejectKeepLastBelowOne() {
        assertThatThrownBy(() -> RetentionPolicies.keepLast(0)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("was 0");
    }

    @Test
    void shouldRejectNullsWithAMessage() {
        assertThatThrownBy(() -> valid().source((Path) null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("source must not be null");
        assertThatThrownBy(() -> valid().destination(" ")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("destination must not be blank");
        assertThatThrownBy(() -> valid().retention(null)).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> RestoreRequest.of(" ")).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldDeriveAChangedCopyWithToBuilder() {
        BackupPlan plan = valid().exclude("Logs/**").retention(RetentionPolicies.keepLast(3)).build();
        BackupPlan copy = plan.toBuilder().exclude("Cache/**").build();
        assertThat(plan.excludes()).containsExactly("Logs/**");
        assertThat(copy.excludes()).containsExactly("Logs/**", "Cache/**");
        assertThat(copy.retention()).isSameAs(plan.retention());
        assertThat(copy.source()).isEqualTo(plan.source());
    }

    @Test
    void shouldFindProvidersThroughTheGivenClassLoader() {
        ClassLoader empty = new ClassLoader(null) { };
        assertThatThrownBy(() -> valid().classLoader(empty).build()).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("available: none");
    }

    @Test
    void shouldReportABadArchiverOptionValueWhenBuilt() {
        assertThatThrownBy(() -> BackupPlan.builder().destination(Path.of("/tmp/x")).archiverOption("level", "11")
                .build()).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("archiver 'zip': zip option 'level' must be 0-9, was '11'");
    }
}
