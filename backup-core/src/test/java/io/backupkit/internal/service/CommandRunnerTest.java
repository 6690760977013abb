package io.backupkit.internal.service;

import io.backupkit.ServiceControlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs POSIX shell commands")
class CommandRunnerTest {

    @TempDir
    Path tmp;

    @Test
    void shouldReturnExitCodeAndBothOutputs() {
        CommandRunner.Result r = CommandRunner.run("t", List.of("sh", "-c", "echo out; echo err >&2; exit 7"),
                Duration.ofSeconds(10));
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.outputTail()).isEqualTo("stderr: err; stdout: out");
    }

    @Test
    void shouldQuoteOnlyTheLastLinesOfAFailedCommand() {
        assertThatThrownBy(() -> CommandRunner.runChecked("systemd:plex",
                List.of("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do echo line$i >&2; done; exit 2"),
                Duration.ofSeconds(10)))
                .isInstanceOf(ServiceControlException.class)
                .hasMessageEndingWith("failed with exit code 2; stderr: line4 | line5 | line6 | line7 | line8");
    }

    @Test
    void shouldNeverBlockOnAChattyCommand() {
        CommandRunner.Result r = CommandRunner.run("t",
                List.of("sh", "-c", "i=0; while [ $i -lt 3000 ]; do printf '%0100d\\n' $i >&2; printf '%0100d\\n' $i;"
                        + " i=$((i+1)); done"), Duration.ofSeconds(20));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().length()).isEqualTo(3000 * 101);
    }

    @Test
    void shouldCloseTheStandardInputOfTheCommand() {
        CommandRunner.Result r = CommandRunner.run("t", List.of("sh", "-c", "read answer; echo \"got [$answer]\""),
                Duration.ofSeconds(10));
        assertThat(r.stdout()).isEqualTo("got []\n");
    }

    @Test
    void shouldKillATimedOutCommandAndItsChildren() throws Exception {
        Path pid = tmp.resolve("child.pid");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> CommandRunner.run("docker:plex",
                List.of("sh", "-c", "echo waiting; sleep 30 & echo $! > '" + pid + "'; wait"), Duration.ofMillis(400)))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.controllerId()).isEqualTo("docker:plex");
                    assertThat(e.exitCode()).isEmpty();
                    assertThat(e.getMessage()).contains("did not finish within 400ms and was killed")
                            .endsWith("stdout: waiting");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        long child = Long.parseLong(Files.readString(pid).strip());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (alive(child) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(alive(child)).as("the command's child was killed too").isFalse();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessController::alive).orElse(false);
    }
}
