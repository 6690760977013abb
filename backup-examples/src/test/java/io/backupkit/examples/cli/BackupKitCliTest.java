package io.backupkit.examples.cli;

import io.backupkit.internal.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BackupKitCliTest {

    @TempDir
    Path tmp;

    @Test
    void shouldExitWithUsageErrorWhenDestIsMissing() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));

        CliRun run = CliRun.of("backup", "--source", source.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).isEqualTo("backupkit: error: --dest is required unless --config sets destination");
        assertThat(run.errLines().get(1)).isEqualTo("Try 'backupkit backup --help' for more information.");
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownOption() {
        CliRun run = CliRun.of("list", "--dest", tmp.toString(), "--colour");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--colour'").contains("Try 'backupkit list --help'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldSuggestTheOptionMeantByATypo() {
        CliRun run = CliRun.of("list", "--dets", tmp.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("Unknown option").contains("'--dets'");
        assertThat(run.err()).contains("Possible solutions").contains("--dest");
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownCommand() {
        CliRun run = CliRun.of("backpu");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("backpu").contains("Try 'backupkit --help'");
    }

    @Test
    void shouldExitWithUsageErrorWithoutACommand() {
        CliRun run = CliRun.of();

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command").contains("backup").contains("restore");
    }

    @Test
    void shouldPrintTheLibraryVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("backupkit " + Version.current());
    }

    @Test
    void shouldPrintHelpListingEveryCommandAndExitCode() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("backup", "resume", "restore", "list", "verify", "demo", "bad usage");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintCommandHelpWithCommonOptions() {
        CliRun run = CliRun.of("verify", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--dest", "--snapshot", "--json", "--quiet", "--debug");
    }

    @Test
    void shouldPrintOneErrorLineWithoutStackTrace() {
        CliRun run = CliRun.of("backup", "--source", tmp.resolve("missing").toString(), "--dest",
                tmp.resolve("backups").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("backupkit: error: ").doesNotContain("\tat ");
    }

    @Test
    void shouldPrintTheStackTraceWithDebug() {
        CliRun run = CliRun.of("backup", "--source", tmp.resolve("missing").toString(), "--dest",
                tmp.resolve("backups").toString(), "--debug");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: ");
        assertThat(run.err()).contains("io.backupkit.BackupException").contains("\tat ");
    }

    @Test
    void shouldReadTheConsoleLogLevelBeforeAnyLoggerExistsAndRejectABadOne() {
        assertThat(BackupKitCli.logLevel(new String[] {"backup", "--log-level", "info"})).isEqualTo("info");
        assertThat(BackupKitCli.logLevel(new String[] {"backup", "--log-level=debug"})).isEqualTo("debug");
        assertThat(BackupKitCli.logLevel(new String[] {"backup", "--log-level", "loud"})).isNull();
        assertThat(BackupKitCli.logLevel(new String[] {"backup"})).isNull();
        CliRun bad = CliRun.of("list", "--dest", "/nonexistent", "--log-level", "loud");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--log-level").contains("loud");
    }
}
