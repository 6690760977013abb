package io.backupkit.examples.plexbackup;

import io.backupkit.BackupPlan;
import io.backupkit.RawZipEntry;
import io.backupkit.Refusals;
import io.backupkit.RestoreLimits;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.examples.demo.TreeComparison;
import io.backupkit.examples.plexbackup.PlexBackupFixtures.Kind;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PlexBackup.ps1 backups, built in the script's layout, restore to the data folder they were taken from, byte for
 * byte; hostile ones in that layout are refused naming the entry, the target untouched.
 */
class PlexBackupRestoreTest {

    @TempDir
    Path tmp;

    private Path data;

    private Path backup(Kind kind) throws IOException {
        data = PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
        return PlexBackupFixtures.backup(data, tmp.resolve("PlexBackup"), "20240131235959", kind, "1.40.1.8227");
    }

    private BackupPlan plan(PlexBackupLayout layout) {
        BackupPlan.Builder b = BackupPlan.builder().destination(layout.root());
        layout.keptFolders().forEach(f -> b.exclude(f + "/**"));
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRestoreTheDataFolderByteForByte(Kind kind) throws IOException {
        Assumptions.assumeTrue(kind != Kind.ZIP_TOOL || PlexBackupFixtures.installed("zip"), "zip is not installed");
        Assumptions.assumeTrue(kind != Kind.SEVEN_ZIP_TOOL || PlexBackupFixtures.installed("7z"),
                "7z is not installed");
        backup(kind);
        PlexBackupLayout layout = PlexBackupLayout.read(tmp.resolve("PlexBackup"));
        Path target = tmp.resolve("restored");

        RestoreResult r = plan(layout).restore(layout.request().target(target));

        assertThat(TreeComparison.differences(data, target, PlexBackupFixtures::excluded, 20)).isEmpty();
        assertThat(r.snapshotId()).isEqualTo("20240131235959");
        assertThat(r.files()).isEqualTo(8);
    }

    @Test
    void shouldKeepTheTargetsOwnCopiesOfTheFoldersPlexBackupLeavesOut() throws IOException {
        backup(Kind.ZIP);
        Path target = tmp.resolve("live");
        PlexBackupFixtures.write(target, "Logs/Plex Media Server.log", "the live log");
        PlexBackupFixtures.write(target, "Preferences.xml", "<Preferences changed=\"1\"/>");
        PlexBackupFixtures.write(target, "Metadata/stale.xml", "gone after the restore");
        PlexBackupLayout layout = PlexBackupLayout.read(tmp.resolve("PlexBackup"));

        RestoreResult r = plan(layout).restore(layout.request().target(target));

        assertThat(r.kept()).isEqualTo(1);
        assertThat(target.resolve("Logs/Plex Media Server.log")).hasContent("the live log");
        assertThat(target.resolve("Preferences.xml")).hasSameTextualContentAs(data.resolve("Preferences.xml"));
        assertThat(target.resolve("Metadata/stale.xml")).doesNotExist();
    }

    /** Replaces a part of a sound backup with a crafted zip of unix-flagged entries (links need the unix mode). */
    private static void craftZip(Path zip, Object[]... items) throws IOException {
        Files.deleteIfExists(zip);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Object[] item : items) {
                String name = (String) item[0];
                boolean link = item.length > 2 && (Boolean) item[2];
                RawZipEntry e = new RawZipEntry(name, false);
                e.setUnixMode((link ? UnixStat.LINK_FLAG : UnixStat.FILE_FLAG) | 0644);
                out.putArchiveEntry(e);
                out.write(((String) item[1]).getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
    }

    private void assertRefused(Path backupFolder, String entry, String why) throws IOException {
        assertRefused(backupFolder, RestoreLimits.defaults(), entry, why);
    }

    private void assertRefused(Path backupFolder, RestoreLimits limits, String entry, String why) throws IOException {
        PlexBackupLayout layout = PlexBackupLayout.read(backupFolder);
        BackupPlan plan = plan(layout).toBuilder().restoreLimits(limits).build();
        Refusals.assertRefused(tmp, plan, layout.request(), entry, why);
    }

    @Test
    void shouldRefuseAnEntryThatClimbsOutOrIsAbsolute() throws IOException {
        Path b = backup(Kind.ZIP);
        Path metadata = b.resolve("2/Metadata.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(metadata)) {
            out.putArchiveEntry(new RawZipEntry("Movies\\a.xml", true));
            out.write("<a/>".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
            out.putArchiveEntry(new RawZipEntry("..\\..\\evil.txt", true));
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        assertRefused(b, "../../evil.txt", "'..'");

        craftZip(metadata, new Object[] {"/tmp/evil.txt", "x"});
        assertRefused(b, "/tmp/evil.txt", "absolute");
        craftZip(metadata, new Object[] {"C:\\Windows\\evil.txt", "x"});
        assertRefused(b, "C:\\Windows\\evil.txt", "absolute");
    }

    @Test
    void shouldRefuseALinkThatEscapesAndAFileWrittenThroughIt() throws IOException {
        Path b = backup(Kind.ZIP);
        craftZip(b.resolve("2/Metadata.zip"), new Object[] {"Movies", "../../../../outside", true},
                new Object[] {"Movies/evil.txt", "x"});
        assertRefused(b, "Movies/evil.txt", "through the link 'Metadata/Movies'");

        craftZip(b.resolve("2/Metadata.zip"), new Object[] {"Movies", "../../../../outside", true});
        assertRefused(b, "Movies", "outside the restore target");
    }

    @Test
    void shouldRefuseA7zEntryThatClimbsOutWithBackslashes() throws IOException {
        Path b = backup(Kind.SEVEN_ZIP);
        Path metadata = b.resolve("2/Metadata.7z");
        Files.delete(metadata);
        try (SevenZOutputFile out = new SevenZOutputFile(Files.newByteChannel(metadata, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE))) {
            SevenZArchiveEntry e = new SevenZArchiveEntry();
            e.setName("..\\..\\evil.txt");
            out.putArchiveEntry(e);
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        assertRefused(b, "..\\..\\evil.txt", "'..'");
    }

    @Test
    void shouldRefuseAHardLinkedFileInARobocopyMirror() throws IOException {
        Path b = backup(Kind.ROBOCOPY);
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "not for the restore");
        Files.createLink(b.resolve("1/Plug-in Support/secret.txt"), secret);
        assertRefused(b, "Plug-in Support/secret.txt", "hard links");
    }

    @Test
    void shouldRefuseTheSamePathInTwoParts() throws IOException {
        Path b = backup(Kind.ZIP);
        // the special folder both in its folder's archive and in 4/, as an interrupted PlexBackup 1.x run could leave
        String special = PlexBackupFixtures.SPECIAL.substring("Plug-in Support/".length());
        String file = special + "/" + "d".repeat(100) + "/" + "e".repeat(100) + "/f.xml";
        craftZip(b.resolve("2/Plug-in Support.zip"), new Object[] {"Databases/com.plexapp.plugins.library.db", "db"},
                new Object[] {file, "twice"});
        assertRefused(b, "Plug-in Support/" + file, "two parts of the restore write the same path");
    }

    @Test
    void shouldRefuseAZipBombBeyondTheLimits() throws IOException {
        Path b = backup(Kind.ZIP);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(b.resolve("2/Metadata.zip"))) {
            out.putArchiveEntry(new RawZipEntry("zeros.bin", true));
            out.write(new byte[20 << 20]);
            out.closeArchiveEntry();
        }
        assertThat(Files.size(b.resolve("2/Metadata.zip"))).isLessThan(100_000);
        assertRefused(b, RestoreLimits.defaults().maxRatio(100), "zeros.bin", "RestoreLimits.maxRatio");
        assertRefused(b, RestoreLimits.defaults().maxBytes(10 << 20), "zeros.bin", "RestoreLimits.maxBytes");
        assertRefused(b, RestoreLimits.defaults().maxEntries(5), "Preferences/com.plexapp.system.xml",
                "RestoreLimits.maxEntries");
    }

    @Test
    void shouldRefuseASpecialFolderLinkPointingOutside() throws IOException {
        Path b = backup(Kind.ZIP);
        Path link = b.resolve("4/Plug-in Support/Data/etc");
        Files.createSymbolicLink(link, Path.of("/etc"));
        assertRefused(b, "Plug-in Support/Data/etc", "absolute");
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("../../../../../.."));
        assertRefused(b, "Plug-in Support/Data/etc", "outside the restore target");
        Files.delete(link);

        Path real = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.move(b.resolve("4"), real.resolve("4"));
        Files.createSymbolicLink(b.resolve("4"), real.resolve("4"));
        Path target = Refusals.target(tmp);
        PlexBackupLayout layout = PlexBackupLayout.read(b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan(layout).restore(layout.request()
                .target(target))).hasMessageContaining(b.resolve("4").toString()).hasMessageContaining("symbolic link");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");
    }

    @Test
    void shouldRestoreAPlexBackup1Layout() throws IOException {
        Path two = backup(Kind.ZIP);
        Path one = tmp.resolve("v1/20200101000000");
        PlexBackupFixtures.copy(two.resolve("1"), one.resolve("0"), rel -> false);
        PlexBackupFixtures.copy(two.resolve("2"), one.resolve("1"), rel -> false);
        PlexBackupFixtures.copy(two.resolve("3"), one.resolve("2"), rel -> false);
        PlexBackupFixtures.copy(two.resolve("4"), one.resolve("3"), rel -> false);
        PlexBackupLayout layout = PlexBackupLayout.read(one.getParent());
        Path target = tmp.resolve("restored");

        plan(layout).restore(layout.request().target(target));

        assertThat(layout.firstLayout()).isTrue();
        assertThat(TreeComparison.differences(data, target, PlexBackupFixtures::excluded, 20)).isEmpty();
        assertThat(List.of(layout.registryFiles().get(0).getParent().getFileName().toString())).containsExactly("2");
    }
}
