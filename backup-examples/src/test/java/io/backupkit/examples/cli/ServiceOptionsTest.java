package io.backupkit.examples.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service options of {@code backup} and {@code restore}, with a real child process as the server, controlled
 * through {@code --status-cmd}, {@code --stop-cmd} and {@code --start-cmd} scripts that record what they did.
 */
class ServiceOptionsTest {

    @TempDir
    Path tmp;

    private Path source;
    private Path ctl;

    private Path source() throws IOException {
        if (source == null) {
            source = Fixtures.source(tmp.resolve("Jellyfin"));
        }
        return source;
    }

    /** Writes server.sh, status.sh, stop.sh, start.sh; returns the folder. */
    private Path controlScripts() throws IOException {
        ctl = tmp.resolve("ctl");
        Files.createDirectories(ctl);
        script("server.sh", "echo $$ > \"" + ctl + "/pid\"\ntrap 'exit 0' TERM\nwhile :; do date > \"" + source()
                + "/heartbeat\"; sleep 0.05; done\n");
        script("status.sh", "[ -f \"" + ctl + "/pid\" ] && kill -0 \"$(cat \"" + ctl + "/pid\")\" 2>/dev/null\n");
        script("stop.sh", "echo stop >> \"" + ctl + "/journal\"\nkill \"$(cat \"" + ctl + "/pid\")\"\n"
                + "while kill -0 \"$(cat \"" + ctl + "/pid\")\" 2>/dev/null; do sleep 0.05; done\nrm \"" + ctl
                + "/pid\"\n");
        script("start.sh", "echo start >> \"" + ctl + "/journal\"\nnohup sh \"" + ctl
                + "/server.sh\" > /dev/null 2>&1 &\nwhile [ ! -f \"" + ctl + "/pid\" ]; do sleep 0.05; done\n");
        script("version.sh", "echo 10.9.11\n");
        return ctl;
    }

    private void script(String name, String body) throws IOException {
        Path p = ctl.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String[] serviceArgs() {
        return new String[] {"--status-cmd", "sh " + ctl + "/status.sh", "--stop-cmd", "sh " + ctl + "/stop.sh",
            "--start-cmd", "sh " + ctl + "/start.sh", "--version-cmd", "sh " + ctl + "/version.sh",
            "--stop-timeout", "10s"};
    }

    private String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @AfterEach
    void stopServer() throws Exception {
        if (ctl != null && Files.exists(ctl.resolve("pid"))) {
            long pid = Long.parseLong(Files.readString(ctl.resolve("pid")).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void shouldStopTheServiceForTheBackupStartItAgainAndRecordItsVersion() throws Exception {
        Path c = controlScripts();
        new ProcessBuilder("sh", c.resolve("start.sh").toString()).start().waitFor();
        Files.delete(c.resolve("journal"));
        String dest = tmp.resolve("dest").toString();

        CliRun run = CliRun.of(concat(new String[] {"backup", "--source", source().toString(), "--dest", dest},
                serviceArgs()));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(c.resolve("journal"))).containsExactly("stop", "start");
        assertThat(c.resolve("pid")).exists();
        CliRun list = CliRun.of("list", "--dest", dest, "--json");
        assertThat(list.out()).contains("\"appVersion\": \"10.9.11\"");

        Files.writeString(c.resolve("version.sh"), "#!/bin/sh\necho 10.8.0\n");
        CliRun older = CliRun.of(concat(new String[] {"restore", "--dest", dest, "--target",
            tmp.resolve("restored").toString()}, serviceArgs()));
        assertThat(older.exit()).as(older.toString()).isEqualTo(1);
        assertThat(older.err()).contains("taken from application version 10.9.11 and 10.8.0 is running")
                .contains("--ignore-version");
        assertThat(Files.readAllLines(c.resolve("journal"))).containsExactly("stop", "start");

        CliRun forced = CliRun.of(concat(new String[] {"restore", "--dest", dest, "--target",
            tmp.resolve("restored").toString(), "--ignore-version"}, serviceArgs()));
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(Files.readAllLines(c.resolve("journal"))).containsExactly("stop", "start", "stop", "start");
    }

    @Test
    void shouldPrintTheStepsOfADryRunAndTouchNothing() throws Exception {
        Path c = controlScripts();
        new ProcessBuilder("sh", c.resolve("start.sh").toString()).start().waitFor();
        Files.delete(c.resolve("journal"));

        CliRun run = CliRun.of(concat(new String[] {"backup", "--source", source().toString(), "--dest",
            tmp.resolve("dest").toString(), "--dry-run", "--no-restart"}, serviceArgs()));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("  would stop service command:").contains("  would leave the services stopped")
                .contains("  would record application version 10.9.11");
        assertThat(c.resolve("journal")).doesNotExist();
        assertThat(tmp.resolve("dest")).doesNotExist();
    }

    @Test
    void shouldRejectIncompleteOrBadServiceOptions() throws Exception {
        String src = source().toString();
        String dest = tmp.resolve("dest").toString();
        for (List<String> args : List.of(
                List.of("backup", "--source", src, "--dest", dest, "--stop-cmd", "x"),
                List.of("backup", "--source", src, "--dest", dest, "--service", "upstart:plex"),
                List.of("backup", "--source", src, "--dest", dest, "--version-cmd", "echo 1"),
                List.of("backup", "--source", src, "--dest", dest, "--service", "docker:plex", "--stop-timeout", "x"),
                List.of("backup", "--source", src, "--dest", dest, "--retry-wait", "soon"),
                List.of("restore", "--dest", dest, "--target", src, "--ignore-version", "--exact-version"))) {
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err().lines().filter(l -> l.startsWith("backupkit: error:")).count()).as(run.toString())
                    .isEqualTo(1);
        }
        assertThat(CliRun.of("backup", "--source", src, "--dest", dest, "--stop-cmd", "x").err())
                .contains("missing: --status-cmd, --start-cmd");
        assertThat(CliRun.of("backup", "--source", src, "--dest", dest, "--service", "upstart:plex").err())
                .contains("upstart:plex");
        assertThat(tmp.resolve("dest")).doesNotExist();
    }
}
