package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restore steps: changes made to the extracted files before the swap, seeing the live target, failing safely.
 */
class RestoreStepTest {

    @TempDir
    Path tmp;

    @Test
    void shouldChangeTheExtractedFilesWhileSeeingTheLiveTargetBeforeTheSwap() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("new-server");
        TestTrees.write(target.resolve("Preferences.xml"), "<Preferences MachineIdentifier=\"the new one\"/>");
        List<String> seen = new ArrayList<>();
        RestoreStep keep = RestoreStep.named("keep the target's Preferences.xml", staged -> {
            seen.add(staged.snapshotId() + " " + Files.readString(staged.target().resolve("Preferences.xml")));
            Files.copy(staged.target().resolve("Preferences.xml"), staged.extracted().resolve("Preferences.xml"),
                    StandardCopyOption.REPLACE_EXISTING);
            staged.warn("kept the target's identity");
        });

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target).step(keep));

        assertThat(seen).containsExactly(id + " <Preferences MachineIdentifier=\"the new one\"/>");
        assertThat(target.resolve("Preferences.xml")).hasContent("<Preferences MachineIdentifier=\"the new one\"/>");
        assertThat(target.resolve("Plug-in Support/Preferences/com.plexapp.system.xml")).hasContent("<x/>");
        assertThat(r.warnings()).anyMatch(w -> w.contains("kept the target's identity"));
    }

    @Test
    void shouldReportTheStepsNotesOnTheResultInOrder() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(tmp.resolve("target"))
                .step(RestoreStep.named("first", staged -> staged.note("kept the target's device.txt")))
                .step(RestoreStep.named("second", staged -> staged.note("removed MachineIdentifier"))));

        assertThat(r.notes()).containsExactly("kept the target's device.txt", "removed MachineIdentifier");
        assertThat(r.warnings()).noneMatch(w -> w.contains("device.txt"));
        RestoreResult dry = plan.restore(RestoreRequest.of(id).target(tmp.resolve("target")).dryRun(true)
                .step(RestoreStep.named("first", staged -> staged.note("never"))));
        assertThat(dry.notes()).isEmpty();
    }

    @Test
    void shouldLeaveTheTargetUntouchedWhenAStepFails() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        Files.writeString(source.resolve("Preferences.xml"), "live");
        RestoreStep broken = RestoreStep.named("rewrite the media paths", staged -> {
            Files.writeString(staged.extracted().resolve("Preferences.xml"), "half done");
            throw new IOException("options.xml is not XML");
        });

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).step(broken)))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("The restore step \"rewrite the media paths\" failed, so nothing was swapped")
                .hasMessageContaining("options.xml is not XML");
        assertThat(source.resolve("Preferences.xml")).hasContent("live");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain(".source.backupkit-restore");
        }
    }

    @Test
    void shouldSeeOnlyTheSelectedPathsInAPartialRestoreAndBeListedByADryRun() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        List<String> seen = new ArrayList<>();
        RestoreStep look = RestoreStep.named("look", staged -> {
            seen.add(String.join(",", staged.only()));
            seen.add(String.valueOf(Files.exists(staged.extracted().resolve("Preferences.xml"))));
        });

        RestoreResult dry = plan.restore(RestoreRequest.of(id).only("Plug-in Support").step(look).dryRun(true));
        assertThat(seen).as("a dry run only lists the step").isEmpty();
        assertThat(dry.steps()).anyMatch(s -> s.contains("apply the restore step \"look\""));

        plan.restore(RestoreRequest.of(id).only("Plug-in Support").step(look));
        assertThat(seen).containsExactly("Plug-in Support", "false");
    }

    @Test
    void shouldRunStepsOnAnArchiveFromAnotherTool() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        plan.backup();
        Path archive;
        try (var s = Files.walk(tmp.resolve("dest"))) {
            archive = s.filter(p -> p.getFileName().toString().equals("Plug-in Support.zip")).findFirst()
                    .orElseThrow();
        }
        Path target = tmp.resolve("from-archive");

        plan.restore(RestoreRequest.fromArchive(archive).target(target).step(RestoreStep.named("mark",
                staged -> Files.writeString(staged.extracted().resolve("marked"), staged.snapshotId()))));

        assertThat(target.resolve("marked")).hasContent("Plug-in Support.zip");
    }

    @Test
    void shouldRefuseNullAndBlank() {
        assertThatThrownBy(() -> RestoreRequest.latest().step(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("restore step must not be null");
        assertThatThrownBy(() -> RestoreStep.named(" ", s -> { })).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("description must not be blank");
        RestoreStep a = RestoreStep.named("a", s -> { });
        assertThat(RestoreRequest.latest().step(a).steps()).containsExactly(a);
        assertThat(RestoreRequest.latest().step(a).toString()).contains("steps=[a]");
    }
}
