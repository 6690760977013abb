package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.examples.demo.TreeComparison;
import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreCommandTest {

    @TempDir
    Path tmp;

    private Path source;
    private String dest;

    private String backup() throws IOException {
        source = Fixtures.source(tmp.resolve("Plex Media Server"));
        dest = tmp.resolve("backups").toString();
        return Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest,
                "--exclude", "Logs/**"));
    }

    @Test
    void shouldRoundTripBackupListVerifyAndRestore() throws IOException {
        String id = backup();

        CliRun list = CliRun.of("list", "--dest", dest);
        assertThat(list.exit()).isZero();
        assertThat(list.outLines()).hasSize(2);
        assertThat(list.outLines().get(1)).startsWith(id).contains("complete").contains(" 5 ").endsWith("zip");

        CliRun verify = CliRun.of("verify", "--dest", dest);
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.out()).matches("Snapshot " + id + " is sound: 5 files, \\d+ bytes checked\\R");

        Path target = tmp.resolve("restored");
        CliRun restore = CliRun.of("restore", "--dest", dest, "--target", target.toString());
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(restore.out()).matches("Restored snapshot " + id + " into " + target.toAbsolutePath()
                .normalize() + ": 5 files, \\d+ bytes in \\d+\\.\\d\\ds \\(0 excluded paths kept\\)\\R");
        assertThat(restore.err()).isEmpty();
        assertThat(TreeComparison.differences(source, target, rel -> rel.startsWith("Logs"), 10)).isEmpty();
        assertThat(target.resolve("Logs")).doesNotExist();
        assertThat(target.resolve("Codecs")).isEmptyDirectory();
        assertThat(Files.readSymbolicLink(target.resolve("Plug-in Support/Databases/current.db")))
                .isEqualTo(Path.of("com.plexapp.plugins.library.db"));
    }

    @Test
    void shouldRestoreANamedSnapshotInPlaceKeepingExcludedPaths() throws IOException {
        String id = backup();
        Fixtures.write(source, "Preferences.xml", "changed after the backup");
        Fixtures.write(source, "Metadata/new.xml", "added after the backup");

        CliRun run = CliRun.of("restore", "--dest", dest, "--source", source.toString(), "--snapshot", id);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(1 excluded paths kept)");
        assertThat(source.resolve("Preferences.xml")).content().startsWith("<Preferences");
        assertThat(source.resolve("Metadata/new.xml")).doesNotExist();
        assertThat(source.resolve("Logs/Plex Media Server.log")).hasContent("log line");
    }

    @Test
    void shouldTouchNothingOnADryRun() throws IOException {
        String id = backup();
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString(), "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Dry run: snapshot " + id + " is sound; would restore 5 files");
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldPrintTheResultAsJson() throws IOException {
        String id = backup();

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", tmp.resolve("r").toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("snapshotId").asText()).isEqualTo(id);
        assertThat(json.get("files").asLong()).isEqualTo(5);
        assertThat(json.get("target").asText()).isEqualTo(tmp.resolve("r").toString());
    }

    @Test
    void shouldExitWithUsageErrorWithoutTargetOrSource() throws IOException {
        backup();

        CliRun run = CliRun.of("restore", "--dest", dest);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--target").contains("Try 'backupkit restore --help'");
    }

    @Test
    void shouldFailNamingAnUnknownSnapshotId() throws IOException {
        String id = backup();
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString(), "--snapshot",
                "20000101T000000Z");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("20000101T000000Z").contains(id);
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldFailWhenTheTargetIsAFile() throws IOException {
        backup();
        Path file = tmp.resolve("target.txt");
        Files.writeString(file, "precious");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", file.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(file.toString()).contains("is a file");
        assertThat(file).hasContent("precious");
    }

    @Test
    void shouldFailWhenTheDestinationHoldsNoSnapshot() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliRun run = CliRun.of("restore", "--dest", empty.toString(), "--target", tmp.resolve("t").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("No complete snapshot").contains(empty.toString());
    }

    @Test
    void shouldRefuseACorruptedSnapshotAndLeaveTheTargetUnchanged() throws IOException {
        backup();
        VerifyCommandTest.corruptUnit(Path.of(dest), "Metadata");
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: ").contains("damaged").contains("Metadata");
        assertThat(run.errLines().subList(1, run.errLines().size())).isNotEmpty()
                .allMatch(line -> line.startsWith("  "))
                .anyMatch(line -> line.contains("unit 'Metadata'"));
        assertThat(run.out()).isEmpty();
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);
        assertThat(Fixtures.snapshotOf(tmp).keySet()).noneMatch(p -> p.contains(".backupkit-restore"));
    }

    @Test
    void shouldFailNamingTheHolderWhileTheDestinationIsLocked() throws IOException {
        backup();
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);
        CliRun run;
        DestinationLock lock = DestinationLock.acquire(Path.of(dest), "test");
        try {
            run = CliRun.of("restore", "--dest", dest, "--target", target.toString());
        } finally {
            lock.close();
        }

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("locked").contains("pid " + ProcessHandle.current().pid());
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);
    }

    @Test
    void shouldRefuseATargetThatHoldsTheDestinationThroughALink() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Fixtures.write(real, "other.txt", "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        Path source = Fixtures.source(tmp.resolve("source"));
        String backups = real.resolve("backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Map<String, String> before = Fixtures.snapshotOf(real);

        CliRun run = CliRun.of("restore", "--dest", backups, "--source", source.toString(), "--target",
                link.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(link.toString()).contains("contains the destination")
                .contains("symbolic link");
        assertThat(Fixtures.snapshotOf(real)).isEqualTo(before);
    }

    @Test
    void shouldRefuseATargetInsideTheDestination() throws IOException {
        backup();
        Path inside = Path.of(dest).resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", inside.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("inside the destination");
        assertThat(inside).doesNotExist();
    }

    @Test
    void shouldRestoreAnArchiveMadeByAnotherTool() throws IOException {
        String id = backup();
        Path zip = tmp.resolve("backups").resolve(id).resolve("units/Metadata.zip");
        Path copy = tmp.resolve("downloads/Metadata.zip");
        Files.createDirectories(copy.getParent());
        Files.copy(zip, copy);
        Path target = tmp.resolve("from-archive");

        CliRun run = CliRun.of("restore", "--archive", copy.toString(), "--target", target.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Restored archive Metadata.zip into ");
        assertThat(target.resolve("Metadata/Movies/a/bc.bundle/Contents/_combined/Info.xml"))
                .hasContent("<Movie title=\"A\"/>\n");
    }

    @Test
    void shouldRefuseAnArchiveBeyondTheLimitsNamingTheEntry() throws IOException {
        String id = backup();
        Path zip = tmp.resolve("backups").resolve(id).resolve("units/Metadata.zip");

        CliRun run = CliRun.of("restore", "--archive", zip.toString(), "--target", tmp.resolve("t").toString(),
                "--max-entries", "2");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("Refused entry 'Metadata/Movies/a").contains("RestoreLimits.maxEntries");
    }

    @Test
    void shouldRequireDestOrArchive() {
        CliRun run = CliRun.of("restore", "--target", tmp.resolve("t").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--dest DIR (or --archive FILE, or --from-plexbackup PATH)");
    }

    @Test
    void shouldRestoreOnlyTheGivenPaths() throws IOException {
        Path source = Fixtures.source(tmp.resolve("only-source"));
        String backups = tmp.resolve("only-dest").toString();
        String id = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Path target = tmp.resolve("only-target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "live");

        CliRun run = CliRun.of("restore", "--dest", backups, "--snapshot", id, "--target", target.toString(),
                "--only", "Metadata");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(target.resolve("keep.txt")).hasContent("live");
        assertThat(target.resolve("Metadata")).isDirectory();
        assertThat(target.resolve("Logs")).doesNotExist();

        CliRun missing = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--only", "Nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("holds no 'Nope'");
        CliRun bad = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--only", "../x");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("restore path '../x'");
    }

    @Test
    void shouldGiveTheRestoredFilesTheOwnerAskedOrRefuseABadOne() throws IOException {
        Path source = Fixtures.source(tmp.resolve("owner-source"));
        String backups = tmp.resolve("owner-dest").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Path target = tmp.resolve("owner-target");

        CliRun unknown = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner",
                "no-such-user-4711");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no user 'no-such-user-4711'");
        CliRun malformed = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner", "a:b:c");
        assertThat(malformed.exit()).isEqualTo(2);
        if ("root".equals(System.getProperty("user.name"))) {
            CliRun run = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner",
                    "nobody:nogroup");
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(Files.getOwner(target.resolve("Metadata"), java.nio.file.LinkOption.NOFOLLOW_LINKS).getName())
                    .isEqualTo("nobody");
        }
    }
}
