package io.backupkit;

import io.backupkit.internal.DestinationLock;
import io.backupkit.spi.Notification;
import io.backupkit.spi.Notifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Notifiers are told after every run whose condition matches, also runs that fail before they start their real
 * work, with the run log attached when the log condition matches; a failing notifier is a warning, never a failed
 * run. Every run leaves its own log, and an error-only log when something went wrong.
 */
class NotifyTest {

    @TempDir
    Path tmp;

    /** Records what it is sent, with the attachment's content read at once. */
    static final class Recorder implements Notifier {
        final List<Notification> sent = new CopyOnWriteArrayList<>();
        final List<String> attached = new CopyOnWriteArrayList<>();

        @Override
        public String id() {
            return "recorder";
        }

        @Override
        public void send(Notification n) throws Exception {
            sent.add(n);
            if (n.attachment() != null) {
                attached.add(Files.readString(n.attachment()));
            }
        }
    }

    private BackupPlan.Builder plan() throws Exception {
        return BackupPlan.builder().source(TestTrees.plexLike(tmp.resolve("source"))).destination(tmp.resolve("dest"))
                .retries(0);
    }

    @Test
    void shouldReportASuccessfulBackupAndAttachItsLogWhenAsked() throws Exception {
        Recorder always = new Recorder();
        Recorder onError = new Recorder();
        BackupResult r = plan().notify(always, NotifyWhen.ALWAYS, AttachLog.ALWAYS)
                .notify(onError, NotifyWhen.ON_ERROR, AttachLog.ALWAYS).build().backup();

        assertThat(onError.sent).isEmpty();
        assertThat(always.sent).singleElement().satisfies(n -> {
            RunReport report = n.report();
            assertThat(report.operation()).isEqualTo(Operation.BACKUP);
            assertThat(report.success()).isTrue();
            assertThat(report.snapshotId()).isEqualTo(r.snapshotId());
            assertThat(report.files()).isEqualTo(r.files());
            assertThat(report.units()).isEqualTo(r.units());
            assertThat(report.host()).isEqualTo(DestinationLock.hostName());
            assertThat(report.log()).isEqualTo(r.location().resolve("backup.log"));
            assertThat(n.attachment()).isEqualTo(report.log());
            assertThat(report.summary()).startsWith("BackupKit backup of snapshot " + r.snapshotId())
                    .contains("succeeded: " + r.files() + " files");
        });
        assertThat(always.attached).singleElement().asString().contains("BackupKit").contains(r.snapshotId());
    }

    @Test
    void shouldReportARunThatFailedBeforeItStartedWithItsLog() throws Exception {
        Recorder recorder = new Recorder();
        BackupPlan plan = plan().notify(recorder).build();
        TestTrees.write(tmp.resolve("dest/placeholder"), "x");
        Path source = plan.source();
        io.backupkit.internal.Fs.deleteTree(source);

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class).hasMessageContaining("does not exist");

        assertThat(recorder.sent).singleElement().satisfies(n -> {
            assertThat(n.report().success()).isFalse();
            assertThat(n.report().snapshotId()).isNull();
            assertThat(n.report().errors()).anySatisfy(e -> assertThat(e).contains(source + " does not exist"));
            assertThat(n.report().summary()).contains("FAILED: Source folder " + source + " does not exist");
            assertThat(n.attachment()).isNotNull().startsWith(tmp.resolve("dest/.backupkit-logs"));
        });
        assertThat(recorder.attached).singleElement().asString().contains("does not exist");
    }

    @Test
    void shouldReportABackupRefusedBecauseTheDestinationIsLocked() throws Exception {
        Recorder recorder = new Recorder();
        BackupPlan plan = plan().notify(recorder, NotifyWhen.ON_BACKUP_ERROR, AttachLog.NEVER).build();
        Files.createDirectories(tmp.resolve("dest"));
        try (DestinationLock held = DestinationLock.acquire(tmp.resolve("dest"), "restore")) {
            assertThatThrownBy(plan::backup).isInstanceOf(DestinationLockedException.class);
        }
        assertThat(recorder.sent).singleElement().satisfies(n -> {
            assertThat(n.report().success()).isFalse();
            assertThat(n.attachment()).isNull();
        });
    }

    @Test
    void shouldTurnAFailingNotifierIntoAWarning() throws Exception {
        Notifier broken = new Notifier() {
            @Override
            public String id() {
                return "email:smtp.example.org";
            }

            @Override
            public void send(Notification n) {
                throw new IllegalStateException("connection refused");
            }
        };

        BackupResult r = plan().notify(broken).build().backup();

        assertThat(r.warnings()).anySatisfy(w -> assertThat(w)
                .contains("Notifier email:smtp.example.org failed: IllegalStateException: connection refused"));
        assertThat(BackupPlan.builder().destination(tmp.resolve("dest")).build().snapshots())
                .singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
    }

    @Test
    void shouldReportRestoresAndVerifiesAndKeepTheRestoreLog() throws Exception {
        Recorder restores = new Recorder();
        Recorder all = new Recorder();
        BackupPlan plan = plan().notify(restores, NotifyWhen.ON_RESTORE, AttachLog.ON_SUCCESS)
                .notify(all, NotifyWhen.ALWAYS, AttachLog.NEVER).build();
        String id = plan.backup().snapshotId();

        plan.restore(RestoreRequest.of(id).target(tmp.resolve("restored")));
        plan.verify(id);

        assertThat(restores.sent).singleElement().satisfies(n -> {
            assertThat(n.report().operation()).isEqualTo(Operation.RESTORE);
            assertThat(n.report().snapshotId()).isEqualTo(id);
            assertThat(n.attachment()).isNotNull();
            assertThat(n.attachment().getFileName().toString()).endsWith("-restore-" + id + ".log");
        });
        assertThat(restores.attached).singleElement().asString().contains("Restored snapshot " + id);
        assertThat(all.sent).extracting(n -> n.report().operation())
                .containsExactly(Operation.BACKUP, Operation.RESTORE, Operation.VERIFY);
        assertThat(all.sent.get(2).report().success()).isTrue();
    }

    @Test
    void shouldReportAVerifyThatFailsOnTheManifestItself() throws Exception {
        Recorder recorder = new Recorder();
        BackupPlan plan = plan().notify(recorder, NotifyWhen.ALWAYS, AttachLog.NEVER).build();
        String id = plan.backup().snapshotId();
        Path manifest = tmp.resolve("dest").resolve(id).resolve("manifest.json");
        // still valid JSON, but no longer the manifest its hash was taken of
        Files.writeString(manifest, Files.readString(manifest).replace("\"host\"",
                "\"host\" : \"elsewhere\", \"hostWas\""));

        assertThat(plan.verify(id).ok()).isFalse();
        Files.writeString(manifest, "{");
        Files.delete(tmp.resolve("dest").resolve(id).resolve("manifest.sha256"));
        assertThatThrownBy(() -> plan.verify(id)).isInstanceOf(BackupException.class);

        assertThat(recorder.sent).extracting(n -> n.report().operation())
                .containsExactly(Operation.BACKUP, Operation.VERIFY, Operation.VERIFY);
        assertThat(recorder.sent.get(1).report().success()).isFalse();
        assertThat(recorder.sent.get(1).report().errors()).anySatisfy(e -> assertThat(e).contains("manifest"));
        assertThat(recorder.sent.get(2).report().success()).isFalse();
        assertThat(recorder.sent.get(2).report().errors()).anySatisfy(e -> assertThat(e).contains("manifest"));
    }

    @Test
    void shouldReportAPrune() throws Exception {
        Recorder recorder = new Recorder();
        BackupPlan plan = plan().build();
        plan.backup();
        plan.backup();
        plan.toBuilder().retention(RetentionPolicies.keepLast(1)).notify(recorder).build().prune();

        assertThat(recorder.sent).singleElement().satisfies(n -> {
            assertThat(n.report().operation()).isEqualTo(Operation.PRUNE);
            assertThat(n.report().success()).isTrue();
            assertThat(n.report().units()).as("snapshots removed").isEqualTo(1);
        });
    }

    @Test
    void shouldWriteAnErrorOnlyLogBesideTheRunLogWhenSomethingWentWrong() throws Exception {
        BackupPlan.Builder b = plan();
        Path source = tmp.resolve("source");
        Process mkfifo = new ProcessBuilder("mkfifo", source.resolve("Logs/pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        BackupResult r = b.build().backup();

        assertThat(r.warnings()).isNotEmpty();
        Path errors = r.location().resolve("backup-errors.log");
        assertThat(errors).exists();
        assertThat(Files.readAllLines(errors)).isNotEmpty().allSatisfy(l -> assertThat(l).contains(" WARN "));
        assertThat(Files.readString(r.location().resolve("backup.log"))).contains(" INFO ").contains(" WARN ");

        BackupResult clean = BackupPlan.builder().source(source.resolve("Metadata")).destination(tmp.resolve("d2"))
                .build().backup();
        assertThat(clean.location().resolve("backup-errors.log")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({
            "NEVER, BACKUP, true, false", "ALWAYS, VERIFY, false, true",
            "ON_ERROR, RESTORE, false, true", "ON_ERROR, BACKUP, true, false",
            "ON_SUCCESS, PRUNE, true, true", "ON_SUCCESS, BACKUP, false, false",
            "ON_BACKUP, RESUME, false, true", "ON_BACKUP, RESTORE, true, false",
            "ON_BACKUP_ERROR, BACKUP, false, true", "ON_BACKUP_ERROR, BACKUP, true, false",
            "ON_BACKUP_SUCCESS, RESUME, true, true", "ON_BACKUP_SUCCESS, RESTORE, true, false",
            "ON_RESTORE, RESTORE, false, true", "ON_RESTORE, BACKUP, true, false",
            "ON_RESTORE_ERROR, RESTORE, false, true", "ON_RESTORE_ERROR, RESTORE, true, false",
            "ON_RESTORE_SUCCESS, RESTORE, true, true", "ON_RESTORE_SUCCESS, VERIFY, true, false"})
    void shouldMatchTheConditionsAsPlexBackupDoes(NotifyWhen when, Operation op, boolean success, boolean told) {
        assertThat(when.matches(report(op, success))).isEqualTo(told);
    }

    @ParameterizedTest
    @CsvSource({"NEVER, true, false", "NEVER, false, false", "ON_ERROR, false, true", "ON_ERROR, true, false",
            "ON_SUCCESS, true, true", "ON_SUCCESS, false, false", "ALWAYS, true, true", "ALWAYS, false, true"})
    void shouldAttachTheLogAsPlexBackupDoes(AttachLog attach, boolean success, boolean attached) {
        assertThat(attach.matches(report(Operation.BACKUP, success))).isEqualTo(attached);
    }

    @Test
    void shouldRejectAnIncompleteNotifyRule() {
        assertThatThrownBy(() -> BackupPlan.builder().notify(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("notify needs a notifier");
        assertThatThrownBy(() -> BackupPlan.builder().notify(new Recorder(), null, AttachLog.NEVER))
                .isInstanceOf(InvalidPlanException.class);
    }

    private static RunReport report(Operation op, boolean success) {
        Instant now = Instant.now();
        return new RunReport(op, success ? RunReport.Outcome.SUCCEEDED : RunReport.Outcome.FAILED, null, now, now,
                0, 0, 0, 0, List.of(), success ? List.of() : List.of("boom"), null, "host", null, null, false);
    }
}
