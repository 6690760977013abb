package io.backupkit.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRefuseEncryptionToALocalFolder() {
        CliRun run = CliRun.of("backup", "--source", tmp.toString(), "--dest", tmp.resolve("b").toString(),
                "--encrypt-to", "age1fklu99vgq6zgmc4203x580kcwylrrzuddy88qrymk8w4w5qc53jqvmr24w");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("--encrypt-to and --identity need a remote --dest");
    }

    @Test
    void shouldRefuseSshOptionsForAnS3Destination() {
        CliRun run = CliRun.of("list", "--dest", "s3://bucket/plex", "--ssh-key", tmp.resolve("key").toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("--ssh-key, --ssh-password-env and --known-hosts are for an sftp:// --dest");
    }

    @Test
    void shouldRefuseAnUnknownScheme() {
        CliRun run = CliRun.of("list", "--dest", "ftp://nas/plex");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("'ftp://nas/plex' is not an s3:// or sftp:// URL");
    }

    @Test
    void shouldRefuseABadRecipient() {
        CliRun run = CliRun.of("backup", "--source", tmp.toString(), "--dest", "s3://bucket/plex",
                "--encrypt-to", "not-a-key");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("age recipient 'not-a-key' is not an X25519 public key");
    }
}
