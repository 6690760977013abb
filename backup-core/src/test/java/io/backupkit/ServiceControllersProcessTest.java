package io.backupkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The process matcher and the command triple against real child processes: a small "app" that keeps appending to a
 * file in its data folder while it runs, and a stubborn one that ignores SIGTERM and has children of its own.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the test apps are POSIX shell scripts")
class ServiceControllersProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private Path data;
    private Path app;
    private Path stubborn;
    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void writeApps() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        app = script("app.sh", ""
                + "echo $$ > \"$1/app.pid\"\n"
                + "echo \"app started\"\n"
                + "trap 'echo \"stopped cleanly\" >> \"$1/app.log\"; rm -f \"$1/app.pid\"; exit 0' TERM\n"
                + "while :; do echo tick >> \"$1/library.db\"; sleep 0.05; done\n");
        stubborn = script("stubborn.sh", ""
                + "echo $$ > \"$1/stubborn.pid\"\n"
                + "trap 'echo \"ignoring TERM\" >> \"$1/stubborn.log\"' TERM\n"
                + "sleep 1000 &\n"
                + "echo $! > \"$1/child.pid\"\n"
                + "( trap '' TERM; sleep 1000 & echo $! > \"$1/grandchild.pid\"; wait ) &\n"
                + "while :; do echo tick >> \"$1/library.db\"; sleep 0.05; done\n");
    }

    @AfterEach
    void killEverythingStarted() throws IOException {
        List<Long> pids = new ArrayList<>(started);
        for (String file : List.of("app.pid", "stubborn.pid", "child.pid", "grandchild.pid")) {
            Path pid = data.resolve(file);
            if (Files.exists(pid)) {
                String text = Files.readString(pid).strip();
                if (!text.isEmpty()) {
                    pids.add(Long.parseLong(text));
                }
            }
        }
        TestProcesses.killAll(tmp, pids);
    }

    private Path script(String name, String body) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private ProcessHandle launch(Path script) throws Exception {
        Process p = new ProcessBuilder(script.toString(), data.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p.pid());
        Path pidFile = data.resolve(script.getFileName().toString().replace(".sh", ".pid"));
        assertThat(TestProcesses.await(WAIT, () -> Files.exists(pidFile) && Files.exists(data.resolve("library.db"))))
                .as("%s started", script).isTrue();
        return p.toHandle();
    }

    private long pid(String file) throws IOException {
        return Long.parseLong(Files.readString(data.resolve(file)).strip());
    }

    private ProcessServiceController controllerFor(Path script) {
        return ServiceControllers.process(Pattern.quote(script.toString()), script.toString(), data.toString());
    }

    @Test
    void shouldFindTheAppByItsCommandLine() throws Exception {
        ProcessHandle running = launch(app);
        ProcessServiceController c = controllerFor(app);
        assertThat(c.isRunning()).isTrue();
        assertThat(c.processes()).extracting(ProcessHandle::pid).containsExactly(running.pid());
        assertThat(controllerFor(stubborn).isRunning()).isFalse();
    }

    @Test
    void shouldStopTheAppGracefully() throws Exception {
        ProcessHandle running = launch(app);
        ProcessServiceController c = controllerFor(app);

        c.stop(WAIT);

        assertThat(TestProcesses.alive(running)).isFalse();
        assertThat(c.isRunning()).isFalse();
        assertThat(Files.readString(data.resolve("app.log"))).isEqualTo("stopped cleanly\n");
        long size = Files.size(data.resolve("library.db"));
        Thread.sleep(200);
        assertThat(Files.size(data.resolve("library.db"))).as("nothing writes to the data any more").isEqualTo(size);
    }

    @Test
    void shouldKillAStubbornProcessAndAllItsDescendantsAfterTheTimeout() throws Exception {
        ProcessHandle running = launch(stubborn);
        assertThat(TestProcesses.await(WAIT, () -> Files.exists(data.resolve("grandchild.pid")))).isTrue();
        long child = pid("child.pid");
        long grandchild = pid("grandchild.pid");
        List<ProcessHandle> descendants = running.descendants().toList();
        assertThat(descendants).extracting(ProcessHandle::pid).contains(child, grandchild);

        long t0 = System.nanoTime();
        controllerFor(stubborn).stop(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(5));
        assertThat(Files.readString(data.resolve("stubborn.log"))).contains("ignoring TERM");
        assertThat(TestProcesses.alive(running)).isFalse();
        assertThat(descendants).filteredOn(TestProcesses::alive).as("surviving descendants").isEmpty();
        assertThat(TestProcesses.alive(child)).isFalse();
        assertThat(TestProcesses.alive(grandchild)).isFalse();
    }

    @Test
    void shouldKillAtOnceWithAZeroTimeout() throws Exception {
        ProcessHandle running = launch(app);
        controllerFor(app).stop(Duration.ZERO);
        assertThat(TestProcesses.alive(running)).isFalse();
    }

    @Test
    void shouldDoNothingWhenStoppingAServiceThatIsNotRunning() {
        ProcessServiceController c = controllerFor(app);
        c.stop(WAIT);
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void shouldStartTheAppDetachedWithItsOutputInTheStartLog() throws Exception {
        Path log = tmp.resolve("start.log");
        ProcessServiceController c = controllerFor(app).withStartLog(log);

        c.start();

        assertThat(TestProcesses.await(WAIT, () -> Files.exists(data.resolve("app.pid")))).isTrue();
        long pid = pid("app.pid");
        started.add(pid);
        // setsid may fork once when started as a group leader: its short-lived parent matches too until it exits
        assertThat(TestProcesses.await(WAIT, () -> c.processes().size() == 1)).isTrue();
        assertThat(c.processes()).extracting(ProcessHandle::pid).containsExactly(pid);
        assertThat(TestProcesses.await(WAIT, () -> read(log).contains("app started"))).isTrue();
        Optional<String> session = sessionOf(pid);
        if (session.isPresent()) {
            assertThat(session).as("own session (setsid)").isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
        }

        c.start();
        assertThat(c.processes()).as("a second start leaves the running app alone").hasSize(1);

        c.stop(WAIT);
        assertThat(Files.readString(data.resolve("app.log"))).isEqualTo("stopped cleanly\n");
    }

    @Test
    void shouldDiscardTheOutputWithoutAStartLog() throws Exception {
        Path chatty = script("chatty.sh", ""
                + "echo $$ > \"$1/chatty.pid\"\n"
                + "i=0; while [ $i -lt 2000 ]; do printf '%0100d\\n' $i; i=$((i+1)); done\n"
                + "echo done > \"$1/chatty.done\"\n"
                + "sleep 1000\n");
        ProcessServiceController c = ServiceControllers.process(Pattern.quote(chatty.toString()), chatty.toString(),
                data.toString());
        c.start();
        assertThat(TestProcesses.await(WAIT, () -> Files.exists(data.resolve("chatty.done"))))
                .as("200 KB of output never blocks on a full pipe").isTrue();
        started.add(pid("chatty.pid"));
        c.stop(Duration.ofMillis(200));
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void shouldFailAStartCommandThatExitsWithAnError() throws Exception {
        Path broken = script("broken.sh", "echo 'cannot open library.db: permission denied'\nexit 3\n");
        Path log = tmp.resolve("broken.log");
        ProcessServiceController c = ServiceControllers.process(Pattern.quote(broken.toString()), broken.toString())
                .withStartLog(log);
        assertThatThrownBy(c::start)
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.exitCode()).hasValue(3);
                    assertThat(e.getMessage()).contains("failed with exit code 3")
                            .contains("cannot open library.db: permission denied");
                });
        ProcessServiceController missing = ServiceControllers.process("x-y-z", tmp.resolve("nope").toString());
        assertThatThrownBy(missing::start)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("process:x-y-z: could not run `" + tmp.resolve("nope") + "`");
    }

    @Test
    void shouldNeverMatchTheCurrentJvmOrItsAncestors() {
        ProcessServiceController everything = ServiceControllers.process(".", "true");
        List<Long> own = new ArrayList<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            own.add(p.get().pid());
        }
        assertThat(everything.processes()).extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(own);
        assertThat(ServiceControllers.process("jvm", p -> own.contains(p.pid()), "true").isRunning()).isFalse();
    }

    @Test
    void shouldMatchWithAPredicate() throws Exception {
        ProcessHandle running = launch(app);
        ProcessServiceController c = ServiceControllers.process("app", p -> p.pid() == running.pid(), "true");
        assertThat(c.processes()).containsExactly(running);
        c.stop(WAIT);
        assertThat(Files.readString(data.resolve("app.log"))).isEqualTo("stopped cleanly\n");
    }

    @Test
    void shouldReadTheProcessVersion() throws IOException {
        Path version = script("version.sh", "echo 'Plex Media Server v1.41.3'\n");
        assertThat(controllerFor(app).withVersionCommand(List.of(version.toString())).version())
                .hasValue("Plex Media Server v1.41.3");
    }

    // ---------------------------------------------------------------- command triple with real scripts

    private CommandServiceController appCommands() {
        String pidFile = data.resolve("app.pid").toString();
        return ServiceControllers.command(
                "test -f '" + pidFile + "' && kill -0 \"$(cat '" + pidFile + "')\"",
                "kill \"$(cat '" + pidFile + "')\"",
                "nohup '" + app + "' '" + data + "' > /dev/null 2>&1 &");
    }

    @Test
    void shouldStopAndStartThroughShellCommands() throws Exception {
        ProcessHandle running = launch(app);
        CommandServiceController c = appCommands();
        assertThat(c.isRunning()).isTrue();

        c.stop(WAIT);

        // the status command (the pid file) says stopped: the script removes it on its way out, so give the process
        // the moment it takes to end
        assertThat(TestProcesses.await(WAIT, () -> !TestProcesses.alive(running))).isTrue();
        assertThat(Files.readString(data.resolve("app.log"))).isEqualTo("stopped cleanly\n");
        assertThat(c.isRunning()).isFalse();

        c.start();
        assertThat(TestProcesses.await(WAIT, () -> Files.exists(data.resolve("app.pid")))).isTrue();
        started.add(pid("app.pid"));
        assertThat(c.isRunning()).isTrue();
    }

    @Test
    void shouldRunArgumentVectorsWithoutAShell() throws Exception {
        Path status = script("status.sh", "test -f \"$1/app.pid\"\n");
        Path stop = script("stop.sh", "kill \"$(cat \"$1/app.pid\")\"\n");
        ProcessHandle running = launch(app);
        CommandServiceController c = ServiceControllers.command(
                List.of(status.toString(), data.toString()),
                List.of(stop.toString(), data.toString()),
                List.of(app.toString(), data.toString()));
        assertThat(c.isRunning()).isTrue();
        c.stop(WAIT);
        assertThat(TestProcesses.await(WAIT, () -> !TestProcesses.alive(running))).isTrue();
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void shouldReportAFailingStopCommand() throws Exception {
        CommandServiceController c = ServiceControllers.command("true", "echo 'kill: permission denied' >&2; exit 3",
                "true");
        assertThatThrownBy(() -> c.stop(WAIT))
                .isInstanceOfSatisfying(ServiceControlException.class, e -> {
                    assertThat(e.controllerId()).isEqualTo("command:true");
                    assertThat(e.exitCode()).hasValue(3);
                    assertThat(e.getMessage()).isEqualTo("command:true: `sh -c 'echo '\\''kill: permission denied'"
                            + "\\'' >&2; exit 3'` failed with exit code 3; stderr: kill: permission denied");
                });
    }

    @Test
    void shouldCallAMissingStatusCommandAnErrorNotStopped() {
        CommandServiceController c = ServiceControllers.command("no-such-status-command-xyz", "true", "true");
        assertThatThrownBy(c::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("failed with exit code 127 (the status command could not be run)")
                .hasMessageContaining("not found");
    }

    @Test
    void shouldTreatAnyOtherStatusExitCodeAsStopped() {
        assertThat(ServiceControllers.command("exit 1", "true", "true").isRunning()).isFalse();
        assertThat(ServiceControllers.command("exit 3", "true", "true").isRunning()).isFalse();
        assertThat(ServiceControllers.command("exit 0", "true", "true").isRunning()).isTrue();
    }

    @Test
    void shouldKillAHungStatusCommandAtTheCommandTimeout() {
        CommandServiceController c = ServiceControllers.command("sleep 30", "true", "true")
                .withCommandTimeout(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(c::isRunning)
                .isInstanceOf(ServiceControlException.class)
                .hasMessage("command:sleep 30: `sh -c 'sleep 30'` did not finish within 300ms and was killed;"
                        + " no output");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void shouldUseAnotherShellWhenGivenOne() throws IOException {
        StandIn shell = StandIn.create(tmp, "myshell", "exit 0\n");
        CommandServiceController c = ServiceControllers.command("status", "stop", "start")
                .withExecutable(shell.script);
        assertThat(c.isRunning()).isTrue();
        assertThat(shell.calls()).containsExactly("[-c][status]");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The session id from {@code /proc/PID/stat} (Linux), or empty elsewhere. */
    private static Optional<String> sessionOf(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Optional.of(fields[3]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
