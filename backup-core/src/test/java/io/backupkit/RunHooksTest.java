package io.backupkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hooks before and after backups and restores, and the extra files a hook stores in the snapshot (a registry
 * export, say): hashed in the manifest, verified, handed back to the restore hooks.
 */
class RunHooksTest {

    @TempDir
    Path tmp;

    private final List<String> journal = TestServer.journal();
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void killServers() {
        servers.forEach(TestServer::kill);
    }

    private BackupPlan.Builder plan() throws IOException {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        return BackupPlan.builder().source(source).destination(tmp.resolve("dest")).retries(0);
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldStoreTheHooksExtraFilesInTheSnapshotAndHandThemToTheRestoreHooks() throws Exception {
        List<String> imported = new ArrayList<>();
        BackupPlan plan = plan()
                .beforeBackup(ctx -> {
                    assertThat(ctx.operation()).isEqualTo(Operation.BACKUP);
                    write(ctx.extras().resolve("registry/plex.reg"), "Windows Registry Editor Version 5.00");
                })
                .afterRestore(ctx -> {
                    try {
                        imported.add(Files.readString(ctx.extras().resolve("registry/plex.reg")));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    imported.add(ctx.snapshotId() + " into " + ctx.target().getFileName());
                })
                .build();

        BackupResult r = plan.backup();

        Path extra = r.location().resolve("extras/registry/plex.reg");
        assertThat(extra).hasContent("Windows Registry Editor Version 5.00");
        assertThat(Files.readString(r.location().resolve("manifest.json"))).contains("registry/plex.reg")
                .contains(TestTrees.sha256(extra));
        assertThat(plan.verify(r.snapshotId()).ok()).isTrue();
        plan.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(imported).containsExactly("Windows Registry Editor Version 5.00",
                r.snapshotId() + " into restored");
        assertThat(tmp.resolve("restored/extras")).as("extras are not application data").doesNotExist();
    }

    @Test
    void shouldReportADamagedExtraFileAndRefuseToRestore() throws Exception {
        BackupPlan plan = plan().beforeBackup(ctx -> write(ctx.extras().resolve("plex.reg"), "original")).build();
        BackupResult r = plan.backup();
        Files.writeString(r.location().resolve("extras/plex.reg"), "tampered");

        VerifyResult v = plan.verify(r.snapshotId());

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.EXTRA);
            assertThat(p.path()).isEqualTo("extras/plex.reg");
        });
        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(tmp.resolve("restored"))))
                .isInstanceOf(CorruptSnapshotException.class);
        assertThat(tmp.resolve("restored")).doesNotExist();
    }

    @Test
    void shouldRunBeforeBackupFirstOfAllAndAfterBackupOnceTheServicesRunAgain() throws Exception {
        BackupPlan.Builder b = plan();
        TestServer plex = TestServer.started("plex", tmp.resolve("plex-data"), journal);
        servers.add(plex);
        BackupResult r = b.service(plex)
                .beforeBackup(ctx -> journal.add("before, destination exists: " + Files.exists(tmp.resolve("dest"))))
                .afterBackup(ctx -> journal.add("after " + ctx.snapshotId() + ", plex running: " + plex.isRunning()))
                .build().backup();

        assertThat(journal).containsExactly("before, destination exists: false", "stop plex", "start plex",
                "after " + r.snapshotId() + ", plex running: true");
    }

    @Test
    void shouldNotStartWhenABeforeHookFails() throws Exception {
        BackupPlan plan = plan().beforeBackup(ctx -> {
            throw new IllegalStateException("NAS share did not wake up");
        }).build();

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("beforeBackup hook").hasMessageContaining("NAS share did not wake up");
        assertThat(tmp.resolve("dest")).doesNotExist();

        BackupPlan good = plan.toBuilder().build();
        BackupPlan restoring = BackupPlan.builder().destination(tmp.resolve("dest2")).beforeRestore(ctx -> {
            throw new IllegalStateException("no");
        }).build();
        BackupPlan.builder().source(good.source()).destination(tmp.resolve("dest2")).build().backup();
        assertThatThrownBy(() -> restoring.restore(RestoreRequest.latest().target(tmp.resolve("t"))))
                .isInstanceOf(BackupException.class).hasMessageContaining("beforeRestore hook");
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    @Test
    void shouldTurnAFailingAfterHookIntoAWarning() throws Exception {
        BackupResult r = plan().afterBackup(ctx -> {
            throw new IllegalStateException("webhook down");
        }).build().backup();

        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("afterBackup hook")
                .contains("webhook down").contains("is complete"));
        assertThat(BackupPlan.builder().destination(tmp.resolve("dest")).build().snapshots())
                .singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
    }

    @Test
    void shouldRejectNullHooks() {
        assertThatThrownBy(() -> BackupPlan.builder().beforeBackup(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("beforeBackup hook must not be null");
        assertThatThrownBy(() -> BackupPlan.builder().afterRestore(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("afterRestore hook must not be null");
    }
}
