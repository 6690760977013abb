package io.backupkit;

import io.backupkit.spi.Archiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service lifecycle of backups and restores, with real child processes standing in for the media server: the
 * server is stopped and confirmed stopped before anything is read, started again afterwards (also after a failure),
 * left alone when it will not stop, and down only for the swap on restore; versions are recorded and checked.
 */
class ServiceLifecycleTest {

    @TempDir
    Path tmp;

    private final List<TestServer> servers = new ArrayList<>();
    private final List<String> journal = TestServer.journal();

    @AfterEach
    void killServers() {
        servers.forEach(TestServer::kill);
    }

    private Path source() throws IOException {
        return TestTrees.plexLike(tmp.resolve("source"));
    }

    private TestServer server(String id, Path data) {
        TestServer s = TestServer.started(id, data, journal);
        servers.add(s);
        return s;
    }

    private BackupPlan.Builder plan(Path source) {
        return BackupPlan.builder().source(source).destination(tmp.resolve("dest")).retries(0)
                .stopTimeout(Duration.ofSeconds(5)).exclude("Logs/**");
    }

    private List<String> destinationTree() throws IOException {
        Path dest = tmp.resolve("dest");
        if (!Files.exists(dest)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dest)) {
            return s.map(p -> dest.relativize(p).toString()).filter(p -> !p.isEmpty() && !p.equals(".backupkit.lock"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void shouldStopTheServerBeforeReadingAndStartItAgainAfterwards() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);
        List<Boolean> runningWhileWriting = new ArrayList<>();
        BackupPlan plan = plan(source).service(plex).listener(e -> {
            if (e instanceof ProgressEvent.UnitStarted) {
                runningWhileWriting.add(plex.isRunning());
            }
        }).build();

        BackupResult r = plan.backup();

        assertThat(runningWhileWriting).isNotEmpty().containsOnly(false);
        assertThat(plex.isRunning()).as("started again").isTrue();
        assertThat(journal).containsExactly("stop plex", "start plex");
        Path restored = tmp.resolve("restored");
        plan.restore(RestoreRequest.of(r.snapshotId()).target(restored));
        assertThat(restored.resolve("Metadata/heartbeat")).as("read after the server wrote its last heartbeat")
                .hasContent("stopped");
    }

    @Test
    void shouldStopInOrderAndStartInReverse() throws Exception {
        Path source = source();
        TestServer db = server("database", tmp.resolve("db-data"));
        TestServer web = server("web", tmp.resolve("web-data"));

        plan(source).service(web, db).build().backup();

        assertThat(journal).containsExactly("stop web", "stop database", "start database", "start web");
    }

    @Test
    void shouldFailBeforeWritingAnythingWhenAServiceWillNotStopAndStartTheOthersAgain() throws Exception {
        Path source = source();
        TestServer first = server("first", tmp.resolve("first-data"));
        TestServer stubborn = TestServer.stubborn("stubborn", source, journal);
        servers.add(stubborn);
        BackupPlan plan = plan(source).service(first, stubborn).stopTimeout(Duration.ofMillis(500)).build();

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("Service stubborn is still running PT0.5S after it was asked to stop")
                .hasMessageContaining("nothing was read or written");

        assertThat(destinationTree()).isEmpty();
        assertThat(first.isRunning()).as("the service already stopped is started again").isTrue();
        assertThat(journal).containsExactly("stop first", "stop stubborn", "start stubborn", "start first");
    }

    @Test
    void shouldStartTheServiceAgainAfterAFailedBackup() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);
        Archiver broken = FailingZip.always("destination vanished");

        assertThatThrownBy(plan(source).service(plex).archiver(broken).build()::backup)
                .isInstanceOf(BackupException.class).hasMessageContaining("destination vanished");

        assertThat(plex.isRunning()).isTrue();
        assertThat(journal).containsExactly("stop plex", "start plex");
    }

    @Test
    void shouldLeaveTheServiceStoppedWithNoRestart() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);

        BackupResult r = plan(source).service(plex).noRestart(true).build().backup();

        assertThat(plex.isRunning()).isFalse();
        assertThat(journal).containsExactly("stop plex");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("Service plex is left stopped")
                .contains("noRestart"));
    }

    @Test
    void shouldLeaveAStoppedServiceAloneAndRefuseWhenItMustRun() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);
        plex.kill();

        plan(source).service(plex).build().backup();
        assertThat(journal).isEmpty();
        assertThat(plex.isRunning()).isFalse();

        List<String> before = destinationTree();
        assertThatThrownBy(plan(source).service(plex).requireRunning(true).build()::backup)
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("Service plex is not running, and the plan requires it to be");
        assertThat(destinationTree()).isEqualTo(before);
    }

    @Test
    void shouldRecordTheApplicationVersionInTheSnapshot() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source).version("1.40.2.8395-c67dce28e");

        BackupResult r = plan(source).service(plex).build().backup();

        BackupPlan reader = BackupPlan.builder().destination(tmp.resolve("dest")).build();
        assertThat(reader.snapshots()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(r.snapshotId());
            assertThat(s.appVersion()).isEqualTo("1.40.2.8395-c67dce28e");
        });
        assertThat(Files.readString(r.location().resolve("manifest.json"))).contains("1.40.2.8395-c67dce28e");
    }

    @Test
    void shouldCheckTheRecordedVersionAgainstTheRunningOneBeforeStoppingAnything() throws Exception {
        Path source = source();
        TestServer jellyfin = server("jellyfin", source).version("10.9.11");
        String id = plan(source).service(jellyfin).build().backup().snapshotId();
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("live.txt"), "live");
        journal.clear();

        jellyfin.version("10.9.2"); // older than the backup
        assertThatThrownBy(() -> plan(source).service(jellyfin).build()
                .restore(RestoreRequest.of(id).target(target)))
                .isInstanceOfSatisfying(AppVersionMismatchException.class, e -> {
                    assertThat(e.snapshotVersion()).isEqualTo("10.9.11");
                    assertThat(e.runningVersion()).isEqualTo("10.9.2");
                })
                .hasMessageContaining("taken from application version 10.9.11 and 10.9.2 is running")
                .hasMessageContaining("--ignore-version");
        assertThat(target.resolve("live.txt")).hasContent("live");
        assertThat(journal).as("nothing stopped").isEmpty();

        jellyfin.version("10.10.0");
        plan(source).service(jellyfin).build().restore(RestoreRequest.of(id).target(target));
        assertThatThrownBy(() -> plan(source).service(jellyfin).versionCheck(VersionCheck.EXACT).build()
                .restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(AppVersionMismatchException.class).hasMessageContaining("VersionCheck.EXACT");
        jellyfin.version("10.9.11");
        plan(source).service(jellyfin).versionCheck(VersionCheck.EXACT).build()
                .restore(RestoreRequest.of(id).target(target));
        jellyfin.version("9.0");
        plan(source).service(jellyfin).versionCheck(VersionCheck.IGNORE).build()
                .restore(RestoreRequest.of(id).target(target));
        assertThat(target.resolve("Preferences.xml")).exists();
    }

    @Test
    void shouldKeepTheServerRunningWhileExtractingAndStopItOnlyForTheSwap() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);
        String id = plan(source).service(plex).build().backup().snapshotId();
        journal.clear();
        List<Boolean> runningWhileExtracting = new ArrayList<>();
        List<Boolean> runningAfterSwap = new ArrayList<>();

        RestoreResult r = plan(source).service(plex)
                .listener(e -> {
                    if (e instanceof ProgressEvent.UnitStarted) {
                        runningWhileExtracting.add(plex.isRunning());
                    }
                })
                .afterRestore(ctx -> runningAfterSwap.add(plex.isRunning()))
                .build().restore(RestoreRequest.of(id));

        assertThat(r.files()).isPositive();
        assertThat(runningWhileExtracting).isNotEmpty().containsOnly(true);
        assertThat(runningAfterSwap).containsExactly(false);
        assertThat(plex.isRunning()).isTrue();
        assertThat(journal).containsExactly("stop plex", "start plex");
        assertThat(source.resolve("Logs/server.log")).as("excluded live log kept").exists();
    }

    @Test
    void shouldLeaveTheServiceStoppedAfterAFailedRestoreUnlessTold() throws Exception {
        Path source = source();
        TestServer plex = server("plex", source);
        String id = plan(source).service(plex).build().backup().snapshotId();
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("live.txt"), "live");
        Path work = tmp.resolve(".target.backupkit-restore");
        // the disk loses the extracted files while the server stops: the swap fails and is rolled back
        plex.onStop = () -> {
            try {
                io.backupkit.internal.Fs.deleteTree(work.resolve("new"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        journal.clear();

        assertThatThrownBy(() -> plan(source).service(plex).build().restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining("rolled back");
        assertThat(target.resolve("live.txt")).hasContent("live");
        assertThat(plex.isRunning()).isFalse();
        assertThat(journal).containsExactly("stop plex");

        plex.start();
        journal.clear();
        assertThatThrownBy(() -> plan(source).service(plex).restartAfterFailedRestore(true).build()
                .restore(RestoreRequest.of(id).target(target))).isInstanceOf(BackupException.class);
        assertThat(plex.isRunning()).isTrue();
        assertThat(journal).containsExactly("stop plex", "start plex");
    }

    @Test
    void shouldDriveARealProcessWithTheBuiltInProcessController() throws Exception {
        Path source = source();
        Path script = tmp.resolve("media-server.sh");
        Files.writeString(script, "trap 'echo stopped > \"" + source + "/Metadata/heartbeat\"; exit 0' TERM\n"
                + "while :; do date +%s%N > \"" + source + "/Metadata/heartbeat\"; sleep 0.02; done\n");
        new ProcessBuilder("sh", script.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessServiceController server = ServiceControllers.process(java.util.regex.Pattern.quote(script.toString()),
                "sh", script.toString()).withStartLog(tmp.resolve("server.log"));
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!server.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Boolean> runningWhileWriting = new ArrayList<>();
            BackupPlan plan = plan(source).service(server).listener(e -> {
                if (e instanceof ProgressEvent.UnitStarted) {
                    runningWhileWriting.add(server.isRunning());
                }
            }).build();

            BackupResult r = plan.backup();

            assertThat(runningWhileWriting).isNotEmpty().containsOnly(false);
            assertThat(server.isRunning()).as("started again, detached").isTrue();
            Path restored = tmp.resolve("restored");
            plan.restore(RestoreRequest.of(r.snapshotId()).target(restored));
            assertThat(restored.resolve("Metadata/heartbeat")).hasContent("stopped");
        } finally {
            server.processes().forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void shouldRejectBadServiceSettings() {
        assertThatThrownBy(() -> BackupPlan.builder().service((io.backupkit.spi.ServiceController) null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("service controller must not be null");
        assertThatThrownBy(() -> BackupPlan.builder().stopTimeout(Duration.ZERO))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("stop timeout must be positive");
        assertThatThrownBy(() -> BackupPlan.builder().versionCheck(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("version check must not be null");
    }
}
