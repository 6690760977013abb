package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceControllersTest {

    @Test
    void shouldNameEachBuiltInById() {
        assertThat(ServiceControllers.systemd("plexmediaserver").id()).isEqualTo("systemd:plexmediaserver");
        assertThat(ServiceControllers.windowsService("^Plex").id()).isEqualTo("windows:^Plex");
        assertThat(ServiceControllers.launchd("com.plexapp.plexmediaserver").id())
                .isEqualTo("launchd:com.plexapp.plexmediaserver");
        assertThat(ServiceControllers.docker("plex").id()).isEqualTo("docker:plex");
        assertThat(ServiceControllers.command("pgrep -x jellyfin", "pkill -x jellyfin", "jellyfin &").id())
                .isEqualTo("command:pgrep -x jellyfin");
        assertThat(ServiceControllers.command(List.of("pgrep", "-x", "my app"), List.of("pkill", "x"),
                List.of("x")).id()).isEqualTo("command:pgrep -x 'my app'");
        assertThat(ServiceControllers.process("Plex Media Server$", "/usr/bin/plex").id())
                .isEqualTo("process:Plex Media Server$");
        assertThat(ServiceControllers.process("jellyfin", p -> false, "jellyfin").id()).isEqualTo("process:jellyfin");
    }

    @Test
    void shouldPrintAsTheCallsThatMadeIt() {
        assertThat(ServiceControllers.systemd("plexmediaserver")).hasToString(
                "ServiceControllers.systemd(\"plexmediaserver\")");
        assertThat(ServiceControllers.docker("plex")
                .withExecutable(Path.of("/usr/local/bin/docker"))
                .withVersionCommand("docker exec plex cat /version.txt")
                .withCommandTimeout(Duration.ofSeconds(5))
                .withStopCommandTimeout(Duration.ofMinutes(3))).hasToString(
                "ServiceControllers.docker(\"plex\").withExecutable(/usr/local/bin/docker)"
                        + ".withVersionCommand(\"docker exec plex cat /version.txt\").withCommandTimeout(5s)"
                        + ".withStopCommandTimeout(3m)");
        assertThat(ServiceControllers.command("a", "b", "c")).hasToString(
                "ServiceControllers.command(\"a\", \"b\", \"c\")");
        assertThat(ServiceControllers.process("plex", "/usr/bin/plex", "--x")
                .withStartLog(Path.of("/tmp/p.log"))).hasToString(
                "ServiceControllers.process(\"plex\", \"/usr/bin/plex\", \"--x\").withStartLog(/tmp/p.log)");
    }

    @Test
    void shouldKeepEveryControllerUnchangedByWithMethods() {
        CommandServiceController original = ServiceControllers.systemd("plex");
        CommandServiceController changed = original.withCommandTimeout(Duration.ofSeconds(1))
                .withStopCommandTimeout(Duration.ofSeconds(2));
        assertThat(original.commandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(original.stopCommandTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(changed.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.stopCommandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(changed.id()).isEqualTo(original.id());
    }

    @Test
    void shouldDocumentTheDefaultTimeouts() {
        assertThat(CommandServiceController.DEFAULT_STOP_COMMAND_TIMEOUT).isEqualTo(Duration.ofMinutes(2));
        assertThat(CommandServiceController.DEFAULT_COMMAND_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(ProcessServiceController.DEFAULT_COMMAND_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-plex", "--help", "plex media"})
    void shouldRefuseABadUnitName(String unit) {
        assertThatThrownBy(() -> ServiceControllers.systemd(unit))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("systemd unit")
                .hasMessageContaining("'" + unit + "'");
        assertThatThrownBy(() -> ServiceControllers.docker(unit)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("docker container");
        assertThatThrownBy(() -> ServiceControllers.launchd(unit)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("launchd label");
    }

    @Test
    void shouldRefuseANullName() {
        assertThatThrownBy(() -> ServiceControllers.systemd(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'null'");
    }

    @Test
    void shouldRefuseAnInvalidWindowsPattern() {
        assertThatThrownBy(() -> ServiceControllers.windowsService("^Plex("))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'^Plex('")
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> ServiceControllers.windowsService(" ")).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRefuseBlankCommandLinesListingEach() {
        assertThatThrownBy(() -> ServiceControllers.command("", "stop", null))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.problems()).containsExactly(
                        "status command must not be blank, was ''", "start command must not be blank, was 'null'"));
    }

    @Test
    void shouldRefuseEmptyArgumentVectors() {
        assertThatThrownBy(() -> ServiceControllers.command(List.of(), List.of("x"), List.of("y")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("status command needs a program");
    }

    @Test
    void shouldRefuseAnExecutableForArgumentVectors() {
        CommandServiceController c = ServiceControllers.command(List.of("a"), List.of("b"), List.of("c"));
        assertThatThrownBy(() -> c.withExecutable(Path.of("/bin/sh")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("command:a")
                .hasMessageContaining("name the programs in the vectors");
    }

    @Test
    void shouldRefuseAProcessControllerWithoutStartCommand() {
        assertThatThrownBy(() -> ServiceControllers.process("plex"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("needs a start command");
        assertThatThrownBy(() -> ServiceControllers.process("(", "x"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> ServiceControllers.process((Pattern) null, "x"))
                .isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> ServiceControllers.process("n", (java.util.function.Predicate<ProcessHandle>) null, "x"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("matcher must not be null");
    }

    @Test
    void shouldRefuseBadTimeouts() {
        CommandServiceController c = ServiceControllers.docker("plex");
        assertThatThrownBy(() -> c.withCommandTimeout(Duration.ZERO))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("command timeout must be positive, was PT0S");
        assertThatThrownBy(() -> c.withStopCommandTimeout(null)).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> c.stop(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("stop timeout must be zero or positive, was PT-1S");
    }

    @Test
    void shouldRefuseABlankOrUnclosedVersionCommand() {
        assertThatThrownBy(() -> ServiceControllers.systemd("plex").withVersionCommand(" "))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("version command must not be blank");
        assertThatThrownBy(() -> ServiceControllers.systemd("plex").withVersionCommand("dpkg-query 'x"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("unclosed '");
        assertThatThrownBy(() -> ServiceControllers.process("p", "x").withVersionCommand(List.of()))
                .isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldParseEachSpecForm() {
        assertThat(ServiceControllers.parse("systemd:plexmediaserver")).hasToString(
                ServiceControllers.systemd("plexmediaserver").toString());
        assertThat(ServiceControllers.parse("windows:^Plex").id()).isEqualTo("windows:^Plex");
        assertThat(ServiceControllers.parse("windows:^Plex Media").id()).isEqualTo("windows:^Plex Media");
        assertThat(ServiceControllers.parse("launchd:com.plexapp.plexmediaserver").id())
                .isEqualTo("launchd:com.plexapp.plexmediaserver");
        assertThat(ServiceControllers.parse("docker:plex").id()).isEqualTo("docker:plex");
        assertThat(ServiceControllers.parse(" Docker: plex ").id()).isEqualTo("docker:plex");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plexmediaserver", "systemd:", "upstart:plex", ":plex", "docker:-rm", "systemd:a b",
            "windows:("})
    void shouldRefuseABadSpecNamingItAndTheAcceptedForms(String spec) {
        assertThatThrownBy(() -> ServiceControllers.parse(spec))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'" + spec + "'")
                .hasMessageContaining("accepted forms: systemd:UNIT, windows:PATTERN, launchd:LABEL, docker:CONTAINER");
    }

    @Test
    void shouldRefuseANullSpec() {
        assertThatThrownBy(() -> ServiceControllers.parse(null))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("accepted forms");
    }

    @Test
    void shouldGiveNoVersionWithoutAVersionCommand() {
        assertThat(ServiceControllers.systemd("plex").version()).isEmpty();
        assertThat(ServiceControllers.process("p", "x").version()).isEmpty();
    }
}
