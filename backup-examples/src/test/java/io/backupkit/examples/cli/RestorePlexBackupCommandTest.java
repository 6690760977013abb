package io.backupkit.examples.cli;

import io.backupkit.RawZipEntry;
import io.backupkit.examples.demo.TreeComparison;
import io.backupkit.examples.plexbackup.PlexBackupFixtures;
import io.backupkit.examples.plexbackup.PlexBackupFixtures.Kind;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code backupkit restore --from-plexbackup PATH}: PlexBackup.ps1 backups in the script's layout. */
class RestorePlexBackupCommandTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path root;

    /** Two backups: an older one of other content, and the newest of {@link #data}. */
    private Path backups(Kind kind, String version) throws IOException {
        Path old = PlexBackupFixtures.dataFolder(tmp.resolve("old data"));
        Files.writeString(old.resolve("Preferences.xml"), "<Preferences old=\"1\"/>");
        root = tmp.resolve("PlexBackup");
        PlexBackupFixtures.backup(old, root, "20231231235959", kind, "1.32.5.7349");
        data = PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
        return PlexBackupFixtures.backup(data, root, "20240131235959", kind, version);
    }

    private static String[] args(String... args) {
        return args;
    }

    /** A service that is stopped, whose version command prints {@code version}. */
    private static List<String> service(String version) {
        return List.of("--status-cmd", "false", "--stop-cmd", "true", "--start-cmd", "true", "--version-cmd",
                "echo " + version);
    }

    private static CliRun run(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void shouldRestoreTheNewestBackupSayingWhichWithItsVersionAndRegistryFiles() throws IOException {
        Path b = backups(Kind.ZIP, "1.40.1.8227-c0dd5a73e");
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--from-plexbackup", root.toString(), "--target", target.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String reg;
        try (var s = Files.list(b.resolve("3"))) {
            reg = s.findFirst().orElseThrow().getFileName().toString();
        }
        assertThat(run.outLines()).containsSubsequence(
                "PlexBackup backup 20240131235959 in " + root + " (the newest of 2; zip archives)",
                "Plex version it recorded: 1.40.1.8227-c0dd5a73e",
                "Registry files (not imported; Plex on Windows reads its settings from them: --import-registry "
                        + "there):",
                "  3/" + reg + " (HKEY_CURRENT_USER\\Software\\Plex, Inc.\\Plex Media Server)");
        assertThat(run.outLines().get(run.outLines().size() - 1)).matches("Restored PlexBackup backup 20240131235959 "
                + "into " + target + ": 8 files, \\d+ bytes in \\d+\\.\\d\\ds \\(0 excluded paths kept\\)");
        assertThat(run.err()).isEmpty();
        assertThat(TreeComparison.differences(data, target, PlexBackupFixtures::excluded, 20)).isEmpty();
    }

    @Test
    void shouldRestoreA7zBackupAndARobocopyMirrorGivenByTheirFolder() throws IOException {
        Path seven = backups(Kind.SEVEN_ZIP, "1.40.1.8227");
        CliRun run = CliRun.of("restore", "--from-plexbackup", seven.toString(), "--target",
                tmp.resolve("from-7z").toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("PlexBackup backup 20240131235959 in " + root + " (7z archives)");
        assertThat(TreeComparison.differences(data, tmp.resolve("from-7z"), PlexBackupFixtures::excluded, 20))
                .isEmpty();

        Files.delete(seven.resolve("1/Plex.7z"));
        CliRun noRoot = CliRun.of("restore", "--from-plexbackup", seven.toString(), "--target",
                tmp.resolve("no-root").toString(), "--dry-run", "--quiet");
        assertThat(noRoot.exit()).as(noRoot.toString()).isZero();
        assertThat(noRoot.errLines()).singleElement().asString().startsWith("warning: ")
                .contains("holds no Plex.zip or Plex.7z");

        Path mirror = PlexBackupFixtures.backup(data, tmp.resolve("Robocopy"), "20240201000000", Kind.ROBOCOPY,
                null);
        CliRun copy = CliRun.of("restore", "--from-plexbackup", mirror.toString(), "--target",
                tmp.resolve("from-mirror").toString());
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.out()).contains("(a robocopy mirror)").contains("Plex version it recorded: none (no "
                + "Version.txt): not checked");
        assertThat(TreeComparison.differences(data, tmp.resolve("from-mirror"), PlexBackupFixtures::excluded, 20))
                .isEmpty();
    }

    @Test
    void shouldKeepTheTargetsLogsAndRestoreInPlaceWithSource() throws IOException {
        backups(Kind.ZIP, "1.40.1.8227");
        Path live = tmp.resolve("live");
        PlexBackupFixtures.write(live, "Logs/Plex Media Server.log", "today's log");
        PlexBackupFixtures.write(live, "Preferences.xml", "<Preferences changed=\"1\"/>");

        CliRun run = CliRun.of("restore", "--from-plexbackup", root.toString(), "--source", live.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(1 excluded paths kept)");
        assertThat(live.resolve("Logs/Plex Media Server.log")).hasContent("today's log");
        assertThat(live.resolve("Preferences.xml")).hasSameTextualContentAs(data.resolve("Preferences.xml"));
    }

    @Test
    void shouldRefuseABackupOfANewerPlexUnlessTheVersionIsIgnored() throws IOException {
        backups(Kind.ZIP, "1.40.1.8227");
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);
        List<String> restore = List.of("restore", "--from-plexbackup", root.toString(), "--target",
                target.toString());

        CliRun older = run(restore, service("1.32.5.7349-8f4248874"));
        assertThat(older.exit()).as(older.toString()).isEqualTo(1);
        assertThat(older.errLines()).hasSize(1);
        assertThat(older.err()).contains("Backup 20240131235959 was taken from application version 1.40.1.8227 and "
                + "1.32.5.7349-8f4248874 is running").contains("--ignore-version");
        assertThat(older.out()).contains("Plex version it recorded: 1.40.1.8227");
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);

        CliRun exact = run(restore, concat(service("1.40.1.8227-c0dd5a73e"), "--exact-version"));
        assertThat(exact.exit()).as(exact.toString()).isEqualTo(1);
        assertThat(exact.err()).contains("VersionCheck.EXACT");
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);

        CliRun same = run(restore, concat(service("1.40.1.8227-c0dd5a73e"), "--dry-run"));
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(same.out()).contains("  would check the application version: 1.40.1.8227 recorded vs running "
                + "1.40.1.8227-c0dd5a73e: accepted");

        CliRun ignored = run(restore, concat(service("1.32.5.7349"), "--ignore-version"));
        assertThat(ignored.exit()).as(ignored.toString()).isZero();
        assertThat(ignored.out()).contains("(1 excluded paths kept)");
        assertThat(target.resolve("Logs/Plex Media Server.log")).hasContent("log line\n"); // the target's own
        io.backupkit.internal.Fs.deleteTree(target.resolve("Logs"));
        assertThat(TreeComparison.differences(data, target, PlexBackupFixtures::excluded, 20)).isEmpty();
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(Arrays.asList(b));
        return out;
    }

    @Test
    void shouldTouchNothingOnADryRun() throws IOException {
        backups(Kind.ZIP, "1.40.1.8227");
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--from-plexbackup", root.toString(), "--target", target.toString(),
                "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("PlexBackup backup 20240131235959").contains("Dry run: PlexBackup backup "
                + "20240131235959 is sound; would restore 8 files").contains("  would swap the extracted files into");
        assertThat(target).doesNotExist();
        assertThat(Fixtures.snapshotOf(tmp).keySet()).noneMatch(p -> p.contains(".backupkit-restore"));
    }

    @Test
    void shouldRefuseAHostileArchiveNamingTheEntryWithTheTargetUntouched() throws IOException {
        Path b = backups(Kind.ZIP, null);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(b.resolve("2/Metadata.zip"))) {
            out.putArchiveEntry(new RawZipEntry("..\\..\\escape.txt", true));
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);

        CliRun run = CliRun.of("restore", "--from-plexbackup", root.toString(), "--target", target.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("Refused entry '../../escape.txt' of " + b.resolve("2/Metadata.zip"))
                .contains("'..'");
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
        assertThat(Fixtures.snapshotOf(tmp).keySet()).noneMatch(p -> p.contains(".backupkit-restore"));
    }

    @Test
    void shouldFailNamingThePathWhenThereIsNoPlexBackupThere() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliRun run = CliRun.of("restore", "--from-plexbackup", empty.toString(), "--target", tmp.resolve("t")
                .toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("No PlexBackup backup folder in " + empty).contains("yyyyMMddHHmmss");
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    @Test
    void shouldRefuseOptionsThatDoNotGoWithIt() throws IOException {
        backups(Kind.ZIP, null);
        String r = root.toString();
        String t = tmp.resolve("t").toString();
        for (String[] bad : List.of(
                args("restore", "--from-plexbackup", r, "--target", t, "--snapshot", "20240101T000000Z"),
                args("restore", "--from-plexbackup", r, "--target", t, "--archive", "a.zip"),
                args("restore", "--from-plexbackup", r, "--target", t, "--dest", r),
                args("restore", "--from-plexbackup", r, "--target", t, "--only", "Metadata"),
                args("restore", "--dest", r, "--target", t, "--import-registry"))) {
            CliRun run = CliRun.of(bad);
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).startsWith("backupkit: error: ");
        }
        assertThat(CliRun.of("restore", "--from-plexbackup", r, "--target", t, "--snapshot", "x").err())
                .contains("without --snapshot");
        assertThat(CliRun.of("restore", "--dest", r, "--target", t, "--import-registry").err())
                .contains("needs --from-plexbackup PATH");
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    @Test
    void shouldRefuseToImportTheRegistryWhereThereIsNoRegImport() throws IOException {
        backups(Kind.ZIP, null);
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"));

        CliRun run = CliRun.of("restore", "--from-plexbackup", root.toString(), "--target",
                tmp.resolve("t").toString(), "--import-registry");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--import-registry runs Windows' reg import")
                .contains(System.getProperty("os.name"));
        assertThat(tmp.resolve("t")).doesNotExist();
    }
}
