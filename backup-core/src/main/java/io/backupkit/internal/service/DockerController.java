package io.backupkit.internal.service;

import io.backupkit.ServiceControlException;

import java.time.Duration;
import java.util.Locale;

/**
 * A docker container: {@code docker inspect -f {{.State.Running}} NAME} (prints {@code true}: running),
 * {@code docker stop -t SECONDS NAME} (the stop timeout, rounded up to whole seconds: docker kills the container
 * when they run out), {@code docker start NAME}. A container docker does not know is an error.
 *
 * <pre>{@code
 * ServiceControllers.docker("plex").withExecutable(Path.of("/usr/local/bin/docker"))
 * }</pre>
 */
public final class DockerController extends AbstractCommandController {

    private final String container;

    /**
     * @param container the container's name or id
     * @param settings the settings
     */
    public DockerController(String container, CommandSettings settings) {
        super(settings);
        this.container = container;
    }

    @Override
    AbstractCommandController with(CommandSettings changed) {
        return new DockerController(container, changed);
    }

    @Override
    public String id() {
        return "docker:" + container;
    }

    @Override
    public boolean isRunning() {
        CommandRunner.Result r = CommandRunner.run(id(),
                settings.argv("inspect", "-f", "{{.State.Running}}", container), settings.commandTimeout());
        if (r.exitCode() != 0) {
            boolean missing = (r.stderr() + r.stdout()).toLowerCase(Locale.ROOT).contains("no such");
            throw CommandRunner.failed(id(), r, missing ? "docker has no container '" + container + "'" : null);
        }
        String state = r.stdout().strip();
        if (state.equals("true")) {
            return true;
        }
        if (state.equals("false")) {
            return false;
        }
        throw new ServiceControlException(id(), id() + ": `" + CommandLines.display(r.command())
                + "` printed '" + CommandLines.tail(state, 1) + "', expected true or false", r.command(),
                r.exitCode(), null);
    }

    @Override
    void runStop(Duration timeout) {
        long seconds = (timeout.toMillis() + 999) / 1000;
        Duration commandTimeout = Duration.ofSeconds(seconds).plus(settings.commandTimeout());
        if (settings.stopCommandTimeout().compareTo(commandTimeout) > 0) {
            commandTimeout = settings.stopCommandTimeout();
        }
        CommandRunner.runChecked(id(), settings.argv("stop", "-t", Long.toString(seconds), container),
                commandTimeout);
    }

    @Override
    void runStart() {
        CommandRunner.runChecked(id(), settings.argv("start", container), settings.commandTimeout());
    }

    @Override
    String factoryCall() {
        return "docker(" + quote(container) + ")";
    }
}
