package io.backupkit.examples.plexbackup;

import io.backupkit.BackupException;
import io.backupkit.RestorePart;
import io.backupkit.examples.plexbackup.PlexBackupFixtures.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlexBackupLayoutTest {

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        return PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
    }

    private Path root() {
        return tmp.resolve("PlexBackup");
    }

    @Test
    void shouldUseTheNewestTimestampFolderOfTheRoot() throws IOException {
        Path data = data();
        for (String ts : List.of("20230101000000", "20240131235959", "20231231235959")) {
            PlexBackupFixtures.backup(data, root(), ts, Kind.ZIP, "1.40.1.8227");
        }
        Files.createDirectories(root().resolve("2099-01-01"));
        Files.createDirectories(root().resolve("209901010000001"));
        Files.writeString(root().resolve("20990101000000"), "a file, not a backup folder");

        PlexBackupLayout b = PlexBackupLayout.read(root());

        assertThat(b.timestamp()).isEqualTo("20240131235959");
        assertThat(b.folder()).isEqualTo(root().resolve("20240131235959"));
        assertThat(b.root()).isEqualTo(root());
        assertThat(b.backups()).isEqualTo(3);
    }

    @Test
    void shouldReadAGivenBackupFolderItself() throws IOException {
        Path data = data();
        PlexBackupFixtures.backup(data, root(), "20230101000000", Kind.ZIP, null);
        Path newest = PlexBackupFixtures.backup(data, root(), "20240131235959", Kind.ZIP, null);

        PlexBackupLayout b = PlexBackupLayout.read(root().resolve("20230101000000"));

        assertThat(b.timestamp()).isEqualTo("20230101000000");
        assertThat(b.root()).isEqualTo(root());
        assertThat(b.backups()).isEqualTo(1);
        assertThat(PlexBackupLayout.read(newest).timestamp()).isEqualTo("20240131235959");
    }

    @Test
    void shouldReadTheZipLayoutIntoPartsVersionAndRegistryFiles() throws IOException {
        Path b = PlexBackupFixtures.backup(data(), root(), "20240131235959", Kind.ZIP, "1.40.1.8227-c0dd5a73e");

        PlexBackupLayout layout = PlexBackupLayout.read(root());

        assertThat(layout.mode()).isEqualTo(PlexBackupLayout.Mode.ZIP);
        assertThat(layout.firstLayout()).isFalse();
        assertThat(layout.parts()).containsExactly(
                RestorePart.archive(b.resolve("1/Plex.zip"), "").windowsSeparators(true),
                RestorePart.archive(b.resolve("2/Media.zip"), "Media").windowsSeparators(true),
                RestorePart.archive(b.resolve("2/Metadata.zip"), "Metadata").windowsSeparators(true),
                RestorePart.archive(b.resolve("2/Plug-in Support.zip"), "Plug-in Support").windowsSeparators(true),
                RestorePart.folder(b.resolve("4"), ""));
        assertThat(layout.plexVersion()).contains("1.40.1.8227-c0dd5a73e");
        assertThat(layout.request().appVersion()).contains("1.40.1.8227-c0dd5a73e");
        assertThat(layout.request().parts()).isEqualTo(layout.parts());
        assertThat(layout.registryFiles()).hasSize(1).allMatch(f -> f.getParent().equals(b.resolve("3"))
                && f.getFileName().toString().matches("[0-9a-f]{32}\\.reg"));
        assertThat(PlexBackupLayout.registryKey(layout.registryFiles().get(0)))
                .contains("HKEY_CURRENT_USER\\Software\\Plex, Inc.\\Plex Media Server");
        assertThat(layout.keptFolders()).containsExactlyElementsOf(PlexBackupLayout.EXCLUDED_FOLDERS);
        assertThat(layout.notes()).isEmpty();

        Files.delete(b.resolve("1/Plex.zip"));
        PlexBackupLayout noRoot = PlexBackupLayout.read(root());
        assertThat(noRoot.parts()).hasSize(4);
        assertThat(noRoot.notes()).singleElement().asString().contains(b.resolve("1").toString())
                .contains("holds no Plex.zip").contains("will not be restored");
    }

    @Test
    void shouldReadARobocopyMirrorAndA7zBackup() throws IOException {
        Path data = data();
        Path mirror = PlexBackupFixtures.backup(data, root(), "20240101000000", Kind.ROBOCOPY, null);
        PlexBackupLayout m = PlexBackupLayout.read(mirror);
        assertThat(m.mode()).isEqualTo(PlexBackupLayout.Mode.ROBOCOPY);
        assertThat(m.parts()).containsExactly(RestorePart.folder(mirror.resolve("1"), ""));
        assertThat(m.plexVersion()).isEmpty();
        assertThat(m.request().appVersion()).isEmpty();

        Files.createDirectories(mirror.resolve("1/Logs"));   // a mirror that holds Logs keeps no target Logs
        assertThat(PlexBackupLayout.read(mirror).keptFolders()).doesNotContain("Logs").contains("Updates");

        Path seven = PlexBackupFixtures.backup(data, root(), "20240102000000", Kind.SEVEN_ZIP, "1.40.1.8227");
        PlexBackupLayout s = PlexBackupLayout.read(seven);
        assertThat(s.mode()).isEqualTo(PlexBackupLayout.Mode.SEVEN_ZIP);
        assertThat(s.parts()).first().isEqualTo(RestorePart.archive(seven.resolve("1/Plex.7z"), "")
                .windowsSeparators(true));
    }

    @Test
    void shouldReadPlexBackup1NumberingFromZero() throws IOException {
        Path b = root().resolve("20200101000000");
        Path two = PlexBackupFixtures.backup(data(), tmp.resolve("v2"), "20200101000000", Kind.ZIP, null);
        Files.createDirectories(b.resolve("0"));
        Files.copy(two.resolve("1/Plex.zip"), b.resolve("0/Plex.zip"));
        Files.createDirectories(b.resolve("1"));
        Files.copy(two.resolve("2/Metadata.zip"), b.resolve("1/Metadata.zip"));
        Files.createDirectories(b.resolve("2"));
        PlexBackupFixtures.writeRegistry(b.resolve("2"), "HKCU\\Software\\Plex, Inc.\\Plex Media Server");
        Files.createDirectories(b.resolve("3"));
        Files.writeString(b.resolve("version.txt"), "1.18.4.2171-ac2afe5f8\r\n");

        PlexBackupLayout layout = PlexBackupLayout.read(root());

        assertThat(layout.firstLayout()).isTrue();
        assertThat(layout.parts()).containsExactly(
                RestorePart.archive(b.resolve("0/Plex.zip"), "").windowsSeparators(true),
                RestorePart.archive(b.resolve("1/Metadata.zip"), "Metadata").windowsSeparators(true));
        assertThat(layout.registryFiles()).hasSize(1);
        assertThat(layout.plexVersion()).contains("1.18.4.2171-ac2afe5f8");
    }

    @Test
    void shouldReadVersionFilesInEveryEncodingPowerShellWrites() throws IOException {
        Path b = PlexBackupFixtures.backup(data(), root(), "20240131235959", Kind.ZIP, null);
        Path v = b.resolve("Version.txt");
        Files.write(v, ("\uFEFF1.40.1.8227\n").getBytes(StandardCharsets.UTF_8));
        assertThat(PlexBackupLayout.read(b).plexVersion()).contains("1.40.1.8227");
        Files.write(v, ("\uFEFF1.40.1.8228\r\n").getBytes(StandardCharsets.UTF_16LE));
        assertThat(PlexBackupLayout.read(b).plexVersion()).contains("1.40.1.8228");
        Files.write(v, ("\uFEFF1.40.1.8229").getBytes(StandardCharsets.UTF_16BE));
        assertThat(PlexBackupLayout.read(b).plexVersion()).contains("1.40.1.8229");
    }

    private static void assertFails(Path path, String... contains) {
        assertThatThrownBy(() -> PlexBackupLayout.read(path)).isInstanceOf(BackupException.class)
                .satisfies(e -> {
                    for (String c : contains) {
                        assertThat(e.getMessage()).contains(c);
                    }
                });
    }

    @Test
    void shouldNameThePathWhenThereIsNoBackupFolder() throws IOException {
        assertFails(root(), root().toString(), "does not exist");
        Files.createDirectories(root().resolve("old backups"));
        Files.createDirectories(root().resolve("2024013123595"));
        assertFails(root(), "No PlexBackup backup folder in " + root(), "yyyyMMddHHmmss");
    }

    @Test
    void shouldNameThePathOfAnUnknownLayout() throws IOException {
        Path b = root().resolve("20240131235959");
        Files.createDirectories(b.resolve("files"));
        Files.writeString(b.resolve("backup.zip"), "x");
        assertFails(root(), "Unknown layout in PlexBackup folder " + b, "found backup.zip, files");

        assertFails(b, "Unknown layout in PlexBackup folder " + b, "found backup.zip, files");

        Files.createDirectories(b.resolve("1"));
        Files.createDirectories(b.resolve("2"));
        assertFails(root(), b.toString(), "holds no backed-up data");

        Path both = PlexBackupFixtures.backup(PlexBackupFixtures.dataFolder(tmp.resolve("d")), tmp.resolve("r"),
                "20240131235959", Kind.ZIP, null);
        Files.writeString(both.resolve("1/Preferences.xml"), "<Preferences/>");
        assertFails(both, "Unknown layout in PlexBackup folder " + both, "Plex.zip and also Preferences.xml");
        Files.delete(both.resolve("1/Preferences.xml"));

        Files.createDirectories(both.resolve("0"));
        assertFails(both, "both 0/", "and 4/");
        Files.delete(both.resolve("0"));

        Files.copy(both.resolve("2/Metadata.zip"), both.resolve("2/Metadata.7z"));
        assertFails(both, both.resolve("2/Metadata.7z").toString(), "both hold the folder 'Metadata'");
    }

    @Test
    void shouldNameAFoldersEntryThatIsNeitherAnArchiveNorAFolder() throws IOException {
        Path b = PlexBackupFixtures.backup(data(), root(), "20240131235959", Kind.ZIP, null);
        Files.writeString(b.resolve("2/Metadata.rar"), "not ours");
        assertFails(root(), b.resolve("2/Metadata.rar").toString(), "must be .zip or .7z archives", "another kind");
        Files.delete(b.resolve("2/Metadata.rar"));

        Files.createSymbolicLink(b.resolve("2/Cache"), Path.of("/var/cache"));
        assertFails(root(), b.resolve("2/Cache").toString(), "a symbolic link");
        Files.delete(b.resolve("2/Cache"));

        Files.createDirectories(b.resolve("2/Codecs"));   // a plain folder copy is fine
        assertThat(PlexBackupLayout.read(root()).parts()).contains(RestorePart.folder(b.resolve("2/Codecs"),
                "Codecs"));
    }

    @Test
    void shouldNameAnUnreadableVersionFile() throws IOException {
        Path b = PlexBackupFixtures.backup(data(), root(), "20240131235959", Kind.ZIP, null);
        Path v = b.resolve("Version.txt");
        Files.writeString(v, "<html>Not Found</html>");
        assertFails(root(), "Cannot read the Plex version from " + v, "'<html>Not Found</html>'",
                "not a version");
        Files.writeString(v, "");
        assertFails(root(), v.toString(), "holds nothing");
        Files.writeString(v, "1.40.1.8227\r\n1.40.2.1\r\n");
        assertFails(root(), v.toString(), "not a version");
        Files.write(v, new byte[5000]);
        assertFails(root(), v.toString(), "more than 4096 bytes");
        Files.delete(v);
        Files.createDirectories(v);
        assertFails(root(), v.toString(), "not a regular file");
    }
}
