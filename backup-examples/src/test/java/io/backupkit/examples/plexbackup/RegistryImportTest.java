package io.backupkit.examples.plexbackup;

import io.backupkit.BackupPlan;
import io.backupkit.RestoreResult;
import io.backupkit.ServiceControlException;
import io.backupkit.examples.plexbackup.PlexBackupFixtures.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code reg import} exists only on Windows: a stand-in script takes its place and records what it was given, so
 * the import runs here as it would there.
 */
class RegistryImportTest {

    @TempDir
    Path tmp;

    private Path standIn(String body) throws IOException {
        Path script = tmp.resolve("reg.sh");
        Files.writeString(script, "#!/bin/sh\n" + body);
        return script;
    }

    @Test
    void shouldImportEveryFileInOrderAfterTheSwap() throws IOException {
        Path data = PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
        Path b = PlexBackupFixtures.backup(data, tmp.resolve("PlexBackup"), "20240131235959", Kind.ZIP, null);
        Path second = PlexBackupFixtures.writeRegistry(b.resolve("3"), "HKU\\.DEFAULT\\Software\\Plex, Inc.\\Plex "
                + "Media Server");
        PlexBackupLayout layout = PlexBackupLayout.read(b);
        Path log = tmp.resolve("imported.txt");
        Path target = tmp.resolve("restored");
        Path script = standIn("[ -f \"" + target + "/Preferences.xml\" ] || exit 3\n"
                + "echo \"$1 $2\" >> \"" + log + "\"\n");
        RegistryImport imports = RegistryImport.of(layout.registryFiles()).withCommand(List.of("sh",
                script.toString(), "import"));
        BackupPlan plan = BackupPlan.builder().destination(layout.root()).afterRestore(imports).build();

        RestoreResult r = plan.restore(layout.request().target(target));

        assertThat(r.warnings()).isEmpty();
        assertThat(layout.registryFiles()).hasSize(2).contains(second);
        assertThat(Files.readAllLines(log)).containsExactly("import " + layout.registryFiles().get(0),
                "import " + layout.registryFiles().get(1));
        assertThat(imports.toString()).startsWith("import 2 registry files with `sh ").contains(second.getFileName()
                .toString());
    }

    @Test
    void shouldFailNamingTheFileAndTheExitCodeAWarningOnTheRestore() throws IOException {
        Path data = PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
        Path b = PlexBackupFixtures.backup(data, tmp.resolve("PlexBackup"), "20240131235959", Kind.ZIP, null);
        PlexBackupLayout layout = PlexBackupLayout.read(b);
        Path script = standIn("echo 'ERROR: Access is denied.' >&2\nexit 1\n");
        RegistryImport imports = RegistryImport.of(layout.registryFiles()).withCommand(List.of("sh",
                script.toString()));
        String file = layout.registryFiles().get(0).getFileName().toString();

        assertThatThrownBy(() -> imports.accept(null)).isInstanceOf(ServiceControlException.class)
                .hasMessageContaining(file).hasMessageContaining("exit code 1")
                .hasMessageContaining("Access is denied");

        BackupPlan plan = BackupPlan.builder().destination(layout.root()).afterRestore(imports).build();
        RestoreResult r = plan.restore(layout.request().target(tmp.resolve("restored")));
        assertThat(r.warnings()).singleElement().asString().contains("afterRestore hook import 1 registry file")
                .contains("Access is denied").contains("the restore itself succeeded");
        assertThat(tmp.resolve("restored/Preferences.xml")).exists();
    }

    @Test
    void shouldRunRegImportByDefault() {
        assertThat(RegistryImport.of(List.of(Path.of("a.reg"))).toString())
                .isEqualTo("import 1 registry file with `reg import` (a.reg)");
        assertThatThrownBy(() -> RegistryImport.of(List.of()).withCommand(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
