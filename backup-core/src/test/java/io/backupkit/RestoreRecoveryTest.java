package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRollBackASwapThatWasInterruptedBeforeRestoringAgain() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).exclude("Logs/**")
                .build();
        plan.backup();
        TestTrees.write(source.resolve("Logs/today.log"), "precious live log");

        // a restore killed mid-swap: the excluded Logs folder was moved into the staging tree, then the process died
        Path work = tmp.resolve(".source.backupkit-restore");
        Files.createDirectories(work.resolve("new"));
        Files.move(source.resolve("Logs"), work.resolve("new/Logs"));
        Files.writeString(work.resolve("journal.jsonl"), "{\"from\":\"" + source.resolve("Logs") + "\",\"to\":\""
                + work.resolve("new/Logs") + "\"}\n");

        RestoreResult r = plan.restore(RestoreRequest.latest());

        assertThat(r.warnings()).anyMatch(w -> w.contains("interrupted during its swap"));
        assertThat(Files.readString(source.resolve("Logs/today.log"))).isEqualTo("precious live log");
        assertThat(work).doesNotExist();
    }

    @Test
    void shouldRemoveLeftoversOfACommittedRestore() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        plan.backup();
        Path work = tmp.resolve(".source.backupkit-restore");
        TestTrees.write(work.resolve("old/stale.txt"), "old content");
        Files.writeString(work.resolve("journal.jsonl"), "{\"committed\":true}\n");

        plan.restore(RestoreRequest.latest());

        assertThat(work).doesNotExist();
        assertThat(TestTrees.describe(source)).doesNotContainKey("stale.txt");
    }

    @Test
    void shouldVerifyWithoutTouchingTheTargetInADryRun() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        BackupResult b = plan.backup();
        Path target = tmp.resolve("target");
        RestoreResult r = plan.restore(RestoreRequest.latest().target(target).dryRun(true));
        assertThat(r.dryRun()).isTrue();
        assertThat(r.files()).isEqualTo(b.files());
        assertThat(target).doesNotExist();
    }
}
