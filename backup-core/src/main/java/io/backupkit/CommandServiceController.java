package io.backupkit;

import io.backupkit.spi.ServiceController;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A built-in {@link ServiceController} that controls its service through external commands ({@code systemctl},
 * {@code sc}, {@code launchctl}, {@code docker}, or three command lines of your own). Immutable and thread-safe: every
 * {@code withX} method returns a changed copy. Made by {@link ServiceControllers}.
 *
 * <pre>{@code
 * CommandServiceController plex = ServiceControllers.docker("plex")
 *         .withExecutable(Path.of("/usr/local/bin/docker"))     // Synology keeps docker here
 *         .withVersionCommand("docker exec plex cat /version.txt")
 *         .withStopCommandTimeout(Duration.ofMinutes(3));
 * plex.stop(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>{@link #stop(Duration)} returns only once {@link #isRunning()} says the service is stopped (asked after 50 ms,
 * then twice as long each time up to every half second, until the timeout runs out) and throws
 * {@link ServiceControlException} otherwise; it does nothing when the service is not running. {@link #start()} does nothing when the service is already running. Every command has a
 * timeout and is killed, with its child processes, when it runs out.
 */
public interface CommandServiceController extends ServiceController {

    /** How long the stop command may run unless {@link #withStopCommandTimeout(Duration)} says otherwise: 2 minutes. */
    Duration DEFAULT_STOP_COMMAND_TIMEOUT = Duration.ofMinutes(2);

    /** How long every other command (status, start, version) may run by default: 30 seconds. */
    Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Uses another executable instead of the one found on {@code PATH}: {@code systemctl}, {@code sc},
     * {@code launchctl} or {@code docker}; for {@link ServiceControllers#command(String, String, String)} the shell
     * that runs the three command lines ({@code sh}, or {@code cmd} on Windows). The arguments stay the same.
     *
     * @param executable the program to run. Default: the tool's name, looked up on {@code PATH}
     * @return a changed copy
     * @throws InvalidPlanException if {@code executable} is null, or this controller runs argument vectors
     *         ({@link ServiceControllers#command(List, List, List)}), whose programs are given in the vectors
     */
    CommandServiceController withExecutable(Path executable);

    /**
     * Reads the application's version with a command: its trimmed standard output is {@link #version()}. The line
     * is split into words at spaces ({@code "..."} and {@code '...'} group words) and run <em>without</em> a shell, so
     * {@code dpkg-query -W -f=${Version} plexmediaserver} reaches {@code dpkg-query} as written; for pipes, pass
     * {@code List.of("sh", "-c", "...")} to {@link #withVersionCommand(List)}.
     *
     * @param commandLine the command. Default: none, {@code version()} is empty
     * @return a changed copy
     * @throws InvalidPlanException if {@code commandLine} is null or blank, or has an unclosed quote
     */
    CommandServiceController withVersionCommand(String commandLine);

    /**
     * Reads the application's version with a command given as an argument vector (no shell).
     *
     * @param command the program and its arguments. Default: none, {@code version()} is empty
     * @return a changed copy
     * @throws InvalidPlanException if {@code command} is null, empty or holds a null
     */
    CommandServiceController withVersionCommand(List<String> command);

    /**
     * @param timeout how long the status, start and version commands may run. Default
     *                {@link #DEFAULT_COMMAND_TIMEOUT} (30 s)
     * @return a changed copy
     * @throws InvalidPlanException if {@code timeout} is null, zero or negative
     */
    CommandServiceController withCommandTimeout(Duration timeout);

    /**
     * @param timeout how long the stop command itself may run. Default {@link #DEFAULT_STOP_COMMAND_TIMEOUT}
     *                (2 minutes); {@code docker stop -t N} may always run N seconds plus the command timeout
     * @return a changed copy
     * @throws InvalidPlanException if {@code timeout} is null, zero or negative
     */
    CommandServiceController withStopCommandTimeout(Duration timeout);

    /**
     * @return how long the status, start and version commands may run
     */
    Duration commandTimeout();

    /**
     * @return how long the stop command may run
     */
    Duration stopCommandTimeout();

    /**
     * Runs the version command, if there is one. A version command that fails, times out or prints nothing gives an
     * empty result and a logged warning, never an exception.
     *
     * @return the version command's trimmed standard output; empty without a version command
     */
    @Override
    java.util.Optional<String> version();
}
