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
    void shouldRecoverOnItsOwnWithoutAPlanAndSayWhichContentTheTargetHolds() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        String before = TestTrees.describe(source).toString();
        // killed mid-swap: two children already moved to old/, the journal says so, the third move never happened
        Path work = tmp.resolve(".source.backupkit-restore");
        Files.createDirectories(work.resolve("old"));
        Files.createDirectories(work.resolve("new"));
        StringBuilder journal = new StringBuilder();
        for (String child : new String[] {"Cache", "Logs", "Media"}) {
            journal.append("{\"from\":\"").append(source.resolve(child)).append("\",\"to\":\"")
                    .append(work.resolve("old/" + child)).append("\"}\n");
        }
        Files.move(source.resolve("Cache"), work.resolve("old/Cache"));
        Files.move(source.resolve("Logs"), work.resolve("old/Logs"));
        Files.writeString(work.resolve("journal.jsonl"), journal + "{\"from\":\"torn");

        RestoreRecovery r = BackupPlan.recoverRestore(source);

        assertThat(r.outcome()).isEqualTo(RestoreRecovery.Outcome.ROLLED_BACK);
        assertThat(r.workFolder()).isEqualTo(work);
        assertThat(work).doesNotExist();
        assertThat(TestTrees.describe(source).toString()).isEqualTo(before);
        assertThat(BackupPlan.recoverRestore(source).outcome()).isEqualTo(RestoreRecovery.Outcome.NONE);

        Files.createDirectories(work.resolve("new/half-extracted"));
        assertThat(BackupPlan.recoverRestore(source).outcome()).isEqualTo(RestoreRecovery.Outcome.DISCARDED);
        assertThat(work).doesNotExist();
        Files.createDirectories(work.resolve("old"));
        Files.writeString(work.resolve("journal.jsonl"), "{\"committed\":true}\n");
        assertThat(BackupPlan.recoverRestore(source).outcome()).isEqualTo(RestoreRecovery.Outcome.FINISHED);
        assertThat(BackupPlan.recoverRestore(tmp.resolve("missing")).outcome())
                .isEqualTo(RestoreRecovery.Outcome.NONE);
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
