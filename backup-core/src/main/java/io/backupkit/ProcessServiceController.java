package io.backupkit;

import io.backupkit.spi.ServiceController;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A built-in {@link ServiceController} that finds its service among the running processes
 * ({@link ProcessHandle#allProcesses()}) by command line, stops it gracefully and then by force, and starts it again
 * detached. Immutable and thread-safe: every {@code withX} method returns a changed copy. Made by
 * {@link ServiceControllers#process(String, String...)}.
 *
 * <pre>{@code
 * ProcessServiceController plex = ServiceControllers
 *         .process("Plex Media Server$", "/usr/lib/plexmediaserver/Plex Media Server")
 *         .withStartLog(Path.of("/var/log/plex-start.log"));
 * plex.processes().forEach(p -> System.out.println(p.pid()));
 * plex.stop(Duration.ofSeconds(60));   // SIGTERM, wait up to 60 s, then kill the whole process tree
 * plex.start();
 * }</pre>
 *
 * <p>{@link #stop(Duration)}: every matching process is asked to terminate ({@link ProcessHandle#destroy()},
 * SIGTERM on Unix); the stop waits until they and every descendant they had when the stop began have exited. What
 * is still alive when the timeout runs out is killed ({@link ProcessHandle#destroyForcibly()}) together with its
 * descendants. It returns only once all of them are gone, and throws {@link ServiceControlException} when a process
 * survives being killed or a matching process appears again (a supervisor restarted it). Where the system has no
 * graceful termination ({@link ProcessHandle#supportsNormalTermination()} is false, as on Windows) the processes are
 * killed at once: control a Windows service with {@link ServiceControllers#windowsService(String)} instead.
 *
 * <p>{@link #start()} does nothing when a matching process runs. Otherwise it launches the start command with its
 * standard input closed and its output appended to the start log (or discarded), never tied to the JVM's streams, so
 * it cannot block on a full pipe and outlives the JVM; on Linux it runs in a session of its own ({@code setsid}, when
 * on {@code PATH}), so a Ctrl-C in the host's terminal does not reach it. A start command that exits with a non-zero
 * code within its first half second fails the start; {@code start()} returns after that half second.
 *
 * <p>The current JVM and its ancestors never match.
 */
public interface ProcessServiceController extends ServiceController {

    /** How long the version command may run by default: 30 seconds. */
    Duration DEFAULT_COMMAND_TIMEOUT = CommandServiceController.DEFAULT_COMMAND_TIMEOUT;

    /**
     * @return the matching processes now, oldest first; never the current JVM or its ancestors
     */
    List<ProcessHandle> processes();

    /**
     * @param logFile where the started process's standard output and error are appended. Default: discarded
     * @return a changed copy
     * @throws InvalidPlanException if {@code logFile} is null
     */
    ProcessServiceController withStartLog(Path logFile);

    /**
     * @param directory the working directory of the started process. Default: the JVM's working directory
     * @return a changed copy
     * @throws InvalidPlanException if {@code directory} is null
     */
    ProcessServiceController withStartDirectory(Path directory);

    /**
     * Reads the application's version with a command line split into words and run without a shell, as
     * {@link CommandServiceController#withVersionCommand(String)}.
     *
     * @param commandLine the command. Default: none, {@code version()} is empty
     * @return a changed copy
     * @throws InvalidPlanException if {@code commandLine} is null or blank, or has an unclosed quote
     */
    ProcessServiceController withVersionCommand(String commandLine);

    /**
     * @param command the version command's program and arguments (no shell). Default: none
     * @return a changed copy
     * @throws InvalidPlanException if {@code command} is null, empty or holds a null
     */
    ProcessServiceController withVersionCommand(List<String> command);

    /**
     * @param timeout how long the version command may run. Default {@link #DEFAULT_COMMAND_TIMEOUT} (30 s)
     * @return a changed copy
     * @throws InvalidPlanException if {@code timeout} is null, zero or negative
     */
    ProcessServiceController withCommandTimeout(Duration timeout);
}
