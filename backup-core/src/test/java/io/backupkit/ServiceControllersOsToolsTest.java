package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * systemd, Windows services, launchd and docker through stand-in executables that print what the real tools print
 * and record the argument vectors they are given.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the stand-in tools are POSIX shell scripts")
class ServiceControllersOsToolsTest {

    private static final Duration SHORT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- systemd

    private StandIn systemctl() throws IOException {
        StandIn s = StandIn.create(tmp, "systemctl", ""
                + "case \"$1\" in\n"
                + "  is-active)\n"
                + "    [ -f \"$D/no-unit\" ] && exit 4\n"
                + "    [ -f \"$D/no-systemd\" ] && { echo 'System has not been booted with systemd as init system"
                + " (PID 1). Can'\\''t operate.' >&2; echo 'Failed to connect to bus: Host is down' >&2; exit 1; }\n"
                + "    [ \"$(cat \"$D/state\")\" = active ] && exit 0\n"
                + "    exit 3 ;;\n"
                + "  stop)\n"
                + "    if [ -f \"$D/fail-stop\" ]; then\n"
                + "      echo \"Failed to stop $2.service: Access denied\" >&2\n"
                + "      echo \"See system logs and 'systemctl status $2.service' for details.\" >&2\n"
                + "      exit 5\n"
                + "    fi\n"
                + "    [ -f \"$D/hang-stop\" ] && sleep 30\n"
                + "    [ -f \"$D/keep-running\" ] || echo inactive > \"$D/state\" ;;\n"
                + "  start) echo active > \"$D/state\" ;;\n"
                + "  *) echo \"Unknown command verb $1.\" >&2; exit 1 ;;\n"
                + "esac\n");
        s.set("state", "active");
        return s;
    }

    @Test
    void shouldStopAndStartASystemdUnitWithTheRightArguments() throws IOException {
        StandIn s = systemctl();
        CommandServiceController plex = ServiceControllers.systemd("plexmediaserver").withExecutable(s.script);

        assertThat(plex.isRunning()).isTrue();
        plex.stop(SHORT);
        assertThat(plex.isRunning()).isFalse();
        plex.start();
        assertThat(s.get("state")).isEqualTo("active");

        assertThat(s.calls()).containsExactly(
                "[is-active][--quiet][plexmediaserver]",
                "[is-active][--quiet][plexmediaserver]",
                "[stop][plexmediaserver]",
                "[is-active][--quiet][plexmediaserver]",
                "[is-active][--quiet][plexmediaserver]",
                "[is-active][--quiet][plexmediaserver]",
                "[start][plexmediaserver]");
    }

    @Test
    void shouldNotStopAStoppedUnitNorStartARunningOne() throws IOException {
        StandIn s = systemctl();
        CommandServiceController plex = ServiceControllers.systemd("plex").withExecutable(s.script);
        plex.start();
        s.set("state", "inactive");
        plex.stop(SHORT);
        assertThat(s.calls()).containsExactly("[is-active][--quiet][plex]", "[is-active][--quiet][plex]");
    }

    @Test
    void shouldReportAFailedStopWithIdCommandExitCodeAndStderr() throws IOException {
        StandIn s = systemctl();
        s.set("fail-stop", "");
        CommandServiceController plex = ServiceControllers.systemd("plexmediaserver").withExecutable(s.script);
        assertThatThrownBy(() -> plex.stop(SHORT))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.controllerId()).isEqualTo("systemd:plexmediaserver");
                    assertThat(e.exitCode()).hasValue(5);
                    assertThat(e.command()).containsExactly(s.script.toString(), "stop", "plexmediaserver");
                    assertThat(e.getMessage())
                            .startsWith("systemd:plexmediaserver: `" + s.script + " stop plexmediaserver`"
                                    + " failed with exit code 5")
                            .contains("Failed to stop plexmediaserver.service: Access denied")
                            .contains("See system logs");
                });
    }

    @Test
    void shouldKillAHungStopCommandAtItsTimeout() throws IOException {
        StandIn s = systemctl();
        s.set("hang-stop", "");
        CommandServiceController plex = ServiceControllers.systemd("plex").withExecutable(s.script)
                .withStopCommandTimeout(Duration.ofMillis(300));
        long started = System.nanoTime();
        assertThatThrownBy(() -> plex.stop(SHORT))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.exitCode()).isEmpty();
                    assertThat(e.getMessage()).contains("stop plex` did not finish within 300ms and was killed");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(TestProcesses.mentioning(tmp)).isEmpty();
    }

    @Test
    void shouldFailWhenTheUnitKeepsRunningPastTheStopTimeout() throws IOException {
        StandIn s = systemctl();
        s.set("keep-running", "");
        CommandServiceController plex = ServiceControllers.systemd("plex").withExecutable(s.script);
        long started = System.nanoTime();
        assertThatThrownBy(() -> plex.stop(Duration.ofMillis(700)))
                .isInstanceOf(ServiceControlException.class)
                .hasMessage("systemd:plex is still running 700ms after it was asked to stop");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void shouldCallAnUnknownUnitAnErrorNotStopped() throws IOException {
        StandIn s = systemctl();
        s.set("no-unit", "");
        CommandServiceController c = ServiceControllers.systemd("plexmediaserver").withExecutable(s.script);
        assertThatThrownBy(c::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("failed with exit code 4 (systemd knows no unit 'plexmediaserver')");
    }

    @Test
    void shouldCallAMissingSystemdAnError() throws IOException {
        StandIn s = systemctl();
        s.set("no-systemd", "");
        CommandServiceController c = ServiceControllers.systemd("plex").withExecutable(s.script);
        assertThatThrownBy(c::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("exit code 1")
                .hasMessageContaining("System has not been booted with systemd");
    }

    @Test
    void shouldReportAnExecutableThatDoesNotExist() {
        CommandServiceController c = ServiceControllers.systemd("plex").withExecutable(tmp.resolve("no-systemctl"));
        assertThatThrownBy(c::isRunning)
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.exitCode()).isEmpty();
                    assertThat(e.getMessage()).startsWith("systemd:plex: could not run `" + tmp.resolve("no-systemctl")
                            + " is-active --quiet plex`");
                });
    }

    // ---------------------------------------------------------------- Windows services

    /** {@code services} holds {@code NAME|STATE} lines; a STOP_PENDING (3) service is STOPPED (1) after one query. */
    private StandIn sc() throws IOException {
        StandIn s = StandIn.create(tmp, "sc", ""
                + "S=\"$D/services\"\n"
                + "set_state() { awk -F'|' -v n=\"$1\" -v s=\"$2\" 'BEGIN{OFS=\"|\"} $1==n{$2=s} {print}' \"$S\""
                + " > \"$S.tmp\" && mv \"$S.tmp\" \"$S\"; }\n"
                + "word() { case $1 in 1) echo STOPPED;; 2) echo START_PENDING;; 3) echo STOP_PENDING;;"
                + " 4) echo RUNNING;; 7) echo PAUSED;; esac; }\n"
                + "block() {\n"
                + "  printf 'SERVICE_NAME: %s\\r\\n' \"$1\"\n"
                + "  [ -n \"$3\" ] && printf 'DISPLAY_NAME: %s\\r\\n' \"$1\"\n"
                + "  printf '        TYPE               : 10  WIN32_OWN_PROCESS  \\r\\n'\n"
                + "  printf '        STATE              : %s  %s\\r\\n' \"$2\" \"$(word \"$2\")\"\n"
                + "  printf '                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\\r\\n'\n"
                + "  printf '        WIN32_EXIT_CODE    : 0  (0x0)\\r\\n'\n"
                + "  printf '        SERVICE_EXIT_CODE  : 0  (0x0)\\r\\n'\n"
                + "  printf '        CHECKPOINT         : 0x0\\r\\n'\n"
                + "  printf '        WAIT_HINT          : 0x0\\r\\n'\n"
                + "}\n"
                + "state_of() { awk -F'|' -v n=\"$1\" '$1==n{print $2}' \"$S\"; }\n"
                + "case \"$1\" in\n"
                + "  query)\n"
                + "    [ \"$2 $3\" = 'state= all' ] || { echo '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:'; exit 1060; }\n"
                + "    while IFS='|' read -r name state; do printf '\\r\\n'; block \"$name\" \"$state\" yes; done < \"$S\"\n"
                + "    awk -F'|' 'BEGIN{OFS=\"|\"} $2==3{$2=1} {print}' \"$S\" > \"$S.tmp\" && mv \"$S.tmp\" \"$S\" ;;\n"
                + "  stop)\n"
                + "    [ -f \"$D/deny\" ] && { printf '[SC] OpenService FAILED 5:\\r\\n\\r\\nAccess is denied.\\r\\n\\r\\n';"
                + " exit 5; }\n"
                + "    [ \"$(state_of \"$2\")\" = 1 ] && { printf '[SC] ControlService FAILED 1062:\\r\\n\\r\\n"
                + "The service has not been started.\\r\\n\\r\\n'; exit 1062; }\n"
                + "    set_state \"$2\" 3; printf '\\r\\n'; block \"$2\" 3 ;;\n"
                + "  start)\n"
                + "    set_state \"$2\" 2; printf '\\r\\n'; block \"$2\" 2; set_state \"$2\" 4 ;;\n"
                + "esac\n");
        s.set("services", "AppIDSvc|1\nPlex Media Server|4\nPlexUpdateService|4\nPlexTuner|1\nSpooler|4\n");
        return s;
    }

    @Test
    void shouldStopEveryMatchingRunningWindowsServiceAndWaitThroughStopPending() throws IOException {
        StandIn s = sc();
        CommandServiceController plex = ServiceControllers.windowsService("^Plex").withExecutable(s.script);
        assertThat(plex.isRunning()).isTrue();
        s.clearCalls();

        plex.stop(SHORT);

        assertThat(s.calls()).containsExactly(
                "[query][state=][all]",                       // running?
                "[query][state=][all]",                       // which to stop
                "[stop][Plex Media Server]",
                "[stop][PlexUpdateService]",
                "[query][state=][all]",                       // both STOP_PENDING: still running
                "[query][state=][all]");                      // both STOPPED
        assertThat(s.get("services")).isEqualTo(
                "AppIDSvc|1\nPlex Media Server|1\nPlexUpdateService|1\nPlexTuner|1\nSpooler|4");
        assertThat(plex.isRunning()).isFalse();
    }

    @Test
    void shouldStartEveryMatchingStoppedWindowsService() throws IOException {
        StandIn s = sc();
        s.set("services", "Plex Media Server|1\nPlexUpdateService|4\nSpooler|1\n");
        CommandServiceController plex = ServiceControllers.windowsService("^Plex").withExecutable(s.script);
        plex.start();
        assertThat(s.calls()).containsExactly("[query][state=][all]", "[start][Plex Media Server]");
        assertThat(s.get("services")).isEqualTo("Plex Media Server|4\nPlexUpdateService|4\nSpooler|1");
    }

    @Test
    void shouldCallAPatternMatchingNoServiceAnErrorNamingIt() throws IOException {
        StandIn s = sc();
        CommandServiceController emby = ServiceControllers.windowsService("^Emby").withExecutable(s.script);
        assertThatThrownBy(emby::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("windows:^Emby: no Windows service name matches the pattern '^Emby'")
                .hasMessageContaining("listed 5 services");
        assertThatThrownBy(() -> emby.stop(SHORT)).isInstanceOf(ServiceControlException.class);
        assertThatThrownBy(emby::start).isInstanceOf(ServiceControlException.class);
    }

    @Test
    void shouldReportADeniedScStop() throws IOException {
        StandIn s = sc();
        s.set("deny", "");
        CommandServiceController plex = ServiceControllers.windowsService("^PlexUpdate").withExecutable(s.script);
        assertThatThrownBy(() -> plex.stop(SHORT))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.exitCode()).hasValue(5);
                    assertThat(e.getMessage()).contains("stop PlexUpdateService` failed with exit code 5")
                            .contains("[SC] OpenService FAILED 5: | Access is denied.");
                });
    }

    // ---------------------------------------------------------------- launchd

    private StandIn launchctl() throws IOException {
        StandIn s = StandIn.create(tmp, "launchctl", ""
                + "case \"$1\" in\n"
                + "  list)\n"
                + "    if [ \"$2\" != com.plexapp.plexmediaserver ]; then\n"
                + "      echo \"Could not find service \\\"$2\\\" in domain for port\" >&2; exit 113\n"
                + "    fi\n"
                + "    printf '{\\n\\t\"LimitLoadToSessionType\" = \"Aqua\";\\n\\t\"Label\" = \"%s\";\\n' \"$2\"\n"
                + "    printf '\\t\"OnDemand\" = true;\\n\\t\"LastExitStatus\" = 0;\\n'\n"
                + "    [ \"$(cat \"$D/state\")\" = running ] && printf '\\t\"PID\" = 4242;\\n'\n"
                + "    printf '\\t\"Program\" = \"/Applications/Plex Media Server.app/Contents/MacOS/Plex Media Server\";\\n'\n"
                + "    printf '\\t\"ProgramArguments\" = (\\n\\t\\t\"/Applications/Plex Media Server.app/Contents/MacOS/"
                + "Plex Media Server\";\\n\\t);\\n};\\n' ;;\n"
                + "  stop) echo stopped > \"$D/state\" ;;\n"
                + "  start) echo running > \"$D/state\" ;;\n"
                + "esac\n");
        s.set("state", "running");
        return s;
    }

    @Test
    void shouldStopAndStartALaunchdJobByItsPidLine() throws IOException {
        StandIn s = launchctl();
        CommandServiceController plex = ServiceControllers.launchd("com.plexapp.plexmediaserver")
                .withExecutable(s.script);
        assertThat(plex.isRunning()).isTrue();
        plex.stop(SHORT);
        assertThat(plex.isRunning()).isFalse();
        plex.start();
        assertThat(plex.isRunning()).isTrue();
        assertThat(s.calls()).containsExactly(
                "[list][com.plexapp.plexmediaserver]",
                "[list][com.plexapp.plexmediaserver]",
                "[stop][com.plexapp.plexmediaserver]",
                "[list][com.plexapp.plexmediaserver]",
                "[list][com.plexapp.plexmediaserver]",
                "[list][com.plexapp.plexmediaserver]",
                "[start][com.plexapp.plexmediaserver]",
                "[list][com.plexapp.plexmediaserver]");
    }

    @Test
    void shouldCallAnUnknownLaunchdLabelAnError() throws IOException {
        StandIn s = launchctl();
        CommandServiceController c = ServiceControllers.launchd("com.example.nothing").withExecutable(s.script);
        assertThatThrownBy(c::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("failed with exit code 113 (launchd knows no job labelled 'com.example.nothing')")
                .hasMessageContaining("Could not find service \"com.example.nothing\" in domain for port");
    }

    // ---------------------------------------------------------------- docker

    private StandIn docker() throws IOException {
        StandIn s = StandIn.create(tmp, "docker", ""
                + "case \"$1\" in\n"
                + "  inspect)\n"
                + "    [ \"$4\" = plex ] && [ ! -f \"$D/removed\" ] || { echo \"Error: No such object: $4\" >&2; exit 1; }\n"
                + "    [ \"$(cat \"$D/state\")\" = running ] && echo true || echo false ;;\n"
                + "  stop) echo stopped > \"$D/state\"; [ -f \"$D/rm\" ] && touch \"$D/removed\"; echo \"$4\" ;;\n"
                + "  start) echo running > \"$D/state\"; echo \"$2\" ;;\n"
                + "esac\n");
        s.set("state", "running");
        return s;
    }

    @Test
    void shouldStopADockerContainerWithTheStopTimeoutInSeconds() throws IOException {
        StandIn s = docker();
        CommandServiceController plex = ServiceControllers.docker("plex").withExecutable(s.script);
        plex.stop(Duration.ofMillis(1500));
        plex.start();
        assertThat(s.calls()).containsExactly(
                "[inspect][-f][{{.State.Running}}][plex]",
                "[stop][-t][2][plex]",
                "[inspect][-f][{{.State.Running}}][plex]",
                "[inspect][-f][{{.State.Running}}][plex]",
                "[start][plex]");
        assertThat(s.get("state")).isEqualTo("running");
    }

    @Test
    void shouldCallAMissingContainerAnError() throws IOException {
        StandIn s = docker();
        CommandServiceController c = ServiceControllers.docker("plexx").withExecutable(s.script);
        assertThatThrownBy(() -> c.stop(SHORT))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.controllerId()).isEqualTo("docker:plexx");
                    assertThat(e.getMessage()).contains("failed with exit code 1 (docker has no container 'plexx')")
                            .contains("Error: No such object: plexx");
                });
    }

    @Test
    void shouldReportAContainerThatVanishedWhenStoppedAsMissing() throws IOException {
        StandIn s = docker();
        s.set("rm", "");
        CommandServiceController c = ServiceControllers.docker("plex").withExecutable(s.script);
        assertThatThrownBy(() -> c.stop(SHORT))
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("docker has no container 'plex'");
        assertThat(s.calls()).contains("[stop][-t][5][plex]");
    }

    // ---------------------------------------------------------------- version

    @Test
    void shouldReadTheVersionFromTheVersionCommandWithoutAShell() throws IOException {
        StandIn s = systemctl();
        StandIn dpkg = StandIn.create(tmp, "dpkg-query", "printf '  1.41.3.9314-a0bfb8370  \\n'\n");
        CommandServiceController plex = ServiceControllers.systemd("plexmediaserver").withExecutable(s.script)
                .withVersionCommand(dpkg.script + " -W -f=${Version} plexmediaserver");
        assertThat(plex.version()).hasValue("1.41.3.9314-a0bfb8370");
        assertThat(dpkg.calls()).containsExactly("[-W][-f=${Version}][plexmediaserver]");
    }

    @Test
    void shouldGiveNoVersionWhenTheVersionCommandFails() throws IOException {
        StandIn dpkg = StandIn.failing(tmp, "dpkg-query", 1,
                "dpkg-query: no packages found matching plexmediaserver");
        assertThat(ServiceControllers.docker("plex").withVersionCommand(dpkg.script.toString()).version()).isEmpty();
        assertThat(ServiceControllers.docker("plex")
                .withVersionCommand(java.util.List.of(tmp.resolve("missing").toString())).version()).isEmpty();
        StandIn silent = StandIn.create(tmp, "silent", "exit 0\n");
        assertThat(ServiceControllers.docker("plex").withVersionCommand(silent.script.toString()).version())
                .isEmpty();
    }

    @Test
    void shouldGiveNoVersionWhenTheVersionCommandHangs() throws IOException {
        StandIn slow = StandIn.create(tmp, "slow", "sleep 30\necho 1.0\n");
        long started = System.nanoTime();
        assertThat(ServiceControllers.launchd("x").withVersionCommand(slow.script.toString())
                .withCommandTimeout(Duration.ofMillis(300)).version()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
}
