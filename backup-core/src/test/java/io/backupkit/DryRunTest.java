package io.backupkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dry runs write, delete, stop and start nothing and report each step a real run would take; the free-space check
 * fails a backup early, before any service is stopped, with both figures.
 */
class DryRunTest {

    @TempDir
    Path tmp;

    private final List<String> journal = TestServer.journal();
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void killServers() {
        servers.forEach(TestServer::kill);
    }

    @Test
    void shouldReportEveryStepOfABackupAndChangeNothing() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        Path dest = tmp.resolve("dest");
        TestServer plex = TestServer.started("plex", tmp.resolve("plex-data"), journal).version("1.2.3");
        servers.add(plex);
        BackupPlan real = BackupPlan.builder().source(source).destination(dest).retention(RetentionPolicies.keepLast(1))
                .build();
        String first = real.backup().snapshotId();
        Files.writeString(source.resolve("Preferences.xml"), "<Preferences changed=\"yes\"/>");
        List<String> hooks = new ArrayList<>();
        BackupPlan dry = real.toBuilder().service(plex).staging(tmp.resolve("staging")).dryRun(true)
                .beforeBackup(ctx -> hooks.add("before")).afterBackup(ctx -> hooks.add("after")).build();
        TreeSnapshot before = TreeSnapshot.of(tmp, "plex-data");

        BackupResult r = dry.backup();

        assertThat(r.dryRun()).isTrue();
        assertThat(TreeSnapshot.of(tmp, "plex-data")).isEqualTo(before);
        assertThat(journal).isEmpty();
        assertThat(plex.isRunning()).isTrue();
        assertThat(hooks).isEmpty();
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).startsWith("run the beforeBackup hook"))
                .anySatisfy(s -> assertThat(s).isEqualTo("record application version 1.2.3"))
                .anySatisfy(s -> assertThat(s).startsWith("check free space: The backup needs about"))
                .anySatisfy(s -> assertThat(s).startsWith("stop service plex and confirm it stopped"))
                .anySatisfy(s -> assertThat(s).startsWith("start service plex again"))
                .anySatisfy(s -> assertThat(s).startsWith("write archives in the staging folder"))
                .anySatisfy(s -> assertThat(s).isEqualTo("write unit '_root' (2 files, 28 bytes)"))
                .anySatisfy(s -> assertThat(s).startsWith("reuse unit 'Metadata' unchanged from snapshot " + first))
                .anySatisfy(s -> assertThat(s).startsWith("remove snapshot " + first))
                .anySatisfy(s -> assertThat(s).startsWith("run the afterBackup hook"));
        assertThat(r.unitsReused()).isEqualTo(r.units() - 1);
        assertThat(r.pruned()).containsExactly(first);
    }

    @Test
    void shouldReportEveryStepOfARestoreAndChangeNothing() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        TestServer plex = TestServer.started("plex", tmp.resolve("plex-data"), journal);
        servers.add(plex);
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).service(plex).build();
        plan.backup();
        journal.clear();
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("live.txt"), "live");
        TreeSnapshot before = TreeSnapshot.of(tmp, "plex-data");

        RestoreResult r = plan.restore(RestoreRequest.latest().target(target).dryRun(true));

        assertThat(TreeSnapshot.of(tmp, "plex-data")).isEqualTo(before);
        assertThat(journal).isEmpty();
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("is sound: extract"))
                .anySatisfy(s -> assertThat(s).startsWith("stop service plex"))
                .anySatisfy(s -> assertThat(s).startsWith("swap the extracted files into " + target))
                .anySatisfy(s -> assertThat(s).startsWith("start service plex again after the swap"));
    }

    @Test
    void shouldFailEarlyWithBothFiguresWhenTheDestinationIsTooSmall() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        try (RandomAccessFile huge = new RandomAccessFile(source.resolve("Plug-in Support/huge.db").toFile(), "rw")) {
            huge.setLength(1L << 43); // sparse: 8 TiB listed, nothing stored
        }
        TestServer plex = TestServer.started("plex", tmp.resolve("plex-data"), journal);
        servers.add(plex);
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).service(plex)
                .stopTimeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class)
                .hasMessageMatching("(?s)The backup needs about 847\\d{4}\\.\\d MiB on .*dest and [0-9.]+ MiB is "
                        + "free; free some space.*");
        assertThat(journal).as("nothing stopped").isEmpty();
        assertThat(tmp.resolve("dest").resolve(".backupkit.lock")).exists();
        try (var s = Files.list(tmp.resolve("dest"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(".backupkit.lock");
        }

        BackupResult dry = plan.toBuilder().dryRun(true).build().backup();
        assertThat(dry.steps()).anySatisfy(s -> assertThat(s).contains("a real run would fail here"));
    }

    /** Every path under a folder with its size and modification time. */
    record TreeSnapshot(java.util.SortedMap<String, String> entries) {
        static TreeSnapshot of(Path root, String... skip) throws IOException {
            java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
            try (var s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String rel = root.relativize(p).toString();
                    if (java.util.Arrays.stream(skip).anyMatch(rel::startsWith)) {
                        continue;
                    }
                    var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    out.put(rel, a.isDirectory() ? "dir" : a.size() + "@" + a.lastModifiedTime());
                }
            }
            return new TreeSnapshot(out);
        }
    }
}
