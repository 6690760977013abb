package io.backupkit.internal.service;

import io.backupkit.CommandServiceController;
import io.backupkit.InvalidPlanException;
import io.backupkit.ServiceControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the command-based controllers share: settings, the stop that waits for the service to be stopped, the
 * start that leaves a running service alone, and the version command.
 *
 * <pre>{@code
 * final class MyController extends AbstractCommandController { ... }
 * }</pre>
 */
abstract class AbstractCommandController implements CommandServiceController {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractCommandController.class);

    /** The first pause between two questions of {@link #stop(Duration)} whether the service has stopped. */
    static final Duration FIRST_POLL_INTERVAL = Duration.ofMillis(50);

    /** The longest pause between two such questions: the pause doubles from the first up to this. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    final CommandSettings settings;

    AbstractCommandController(CommandSettings settings) {
        this.settings = settings;
    }

    /**
     * @param changed the new settings
     * @return a copy of this controller with them
     */
    abstract AbstractCommandController with(CommandSettings changed);

    /**
     * Runs the stop command(s); {@link #stop(Duration)} then waits for the service to be stopped.
     *
     * @param timeout the timeout given to {@code stop}
     */
    abstract void runStop(Duration timeout);

    /** Runs the start command(s). */
    abstract void runStart();

    /**
     * @return the factory call that made this controller, e.g. {@code systemd("plex")}
     */
    abstract String factoryCall();

    @Override
    public void stop(Duration timeout) {
        Durations.check("stop timeout", timeout, true);
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!isRunning()) {
            LOG.info("{} is not running; nothing to stop", id());
            return;
        }
        LOG.info("Stopping {} (timeout {})", id(), Durations.display(timeout));
        runStop(timeout);
        waitUntilStopped(deadline, timeout);
        LOG.info("{} stopped", id());
    }

    @Override
    public void start() {
        if (isRunning()) {
            LOG.info("{} is already running; nothing to start", id());
            return;
        }
        LOG.info("Starting {}", id());
        runStart();
    }

    /**
     * Asks {@link #isRunning()} until it says no or the deadline has passed, pausing 50 ms at first and twice as
     * long each time up to {@link #POLL_INTERVAL}.
     *
     * @param deadline a {@link System#nanoTime()} value
     * @param timeout the timeout the deadline came from, for the message
     * @throws ServiceControlException if the service is still running at the deadline
     */
    void waitUntilStopped(long deadline, Duration timeout) {
        long pause = FIRST_POLL_INTERVAL.toMillis();
        while (isRunning()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ServiceControlException(id(), id() + " is still running " + Durations.display(timeout)
                        + " after it was asked to stop");
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pause, left / 1_000_000)));
                pause = Math.min(pause * 2, POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceControlException(id(), id() + ": interrupted while waiting for it to stop",
                        List.of(), null, e);
            }
        }
    }

    @Override
    public Optional<String> version() {
        return VersionCommand.read(id(), settings.versionCommand(), settings.commandTimeout());
    }

    @Override
    public CommandServiceController withExecutable(Path executable) {
        if (executable == null) {
            throw new InvalidPlanException(List.of(id() + ": executable must not be null"));
        }
        return with(settings.withExecutable(executable.toString()));
    }

    @Override
    public CommandServiceController withVersionCommand(String commandLine) {
        return with(settings.withVersionCommand(VersionCommand.parse(commandLine)));
    }

    @Override
    public CommandServiceController withVersionCommand(List<String> command) {
        return with(settings.withVersionCommand(VersionCommand.check(command)));
    }

    @Override
    public CommandServiceController withCommandTimeout(Duration timeout) {
        return with(settings.withCommandTimeout(Durations.check("command timeout", timeout, false)));
    }

    @Override
    public CommandServiceController withStopCommandTimeout(Duration timeout) {
        return with(settings.withStopCommandTimeout(Durations.check("stop command timeout", timeout, false)));
    }

    @Override
    public Duration commandTimeout() {
        return settings.commandTimeout();
    }

    @Override
    public Duration stopCommandTimeout() {
        return settings.stopCommandTimeout();
    }

    @Override
    public String toString() {
        return "ServiceControllers." + factoryCall() + settings.describeChanges();
    }

    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
