package io.backupkit;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A service controller could not find out whether its service runs, or could not stop or start it: a command
 * failed, timed out or could not be run, the service does not exist, or it was still running when the stop timeout
 * ran out. The message names the controller ({@link #controllerId()}), the command line, its exit code and the last
 * lines of its output.
 *
 * <pre>{@code
 * try {
 *     ServiceControllers.systemd("plexmediaserver").stop(Duration.ofMinutes(1));
 * } catch (ServiceControlException e) {
 *     System.err.println(e.controllerId() + ": " + e.getMessage());
 *     e.exitCode().ifPresent(code -> System.err.println("exit code " + code));
 * }
 * }</pre>
 */
public class ServiceControlException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final String controllerId;
    private final List<String> command;
    private final Integer exitCode;

    /**
     * A failure that is not about one command (a service that does not exist, one that kept running).
     *
     * @param controllerId the controller's {@code id()}
     * @param message what went wrong, naming the controller
     */
    public ServiceControlException(String controllerId, String message) {
        this(controllerId, message, List.of(), null, null);
    }

    /**
     * @param controllerId the controller's {@code id()}
     * @param message what went wrong, naming the controller, the command line, its exit code and its last output
     * @param command the command's argument vector, empty when the failure is not about one command
     * @param exitCode the command's exit code, or {@code null} when it did not exit (timeout, could not start)
     * @param cause the underlying failure, or {@code null}
     */
    public ServiceControlException(String controllerId, String message, List<String> command, Integer exitCode,
            Throwable cause) {
        super(message, cause);
        this.controllerId = controllerId;
        this.command = command == null ? List.of() : List.copyOf(command);
        this.exitCode = exitCode;
    }

    /**
     * @return the {@code id()} of the controller that failed, e.g. {@code "systemd:plexmediaserver"}
     */
    public String controllerId() {
        return controllerId;
    }

    /**
     * @return the argument vector of the command that failed, empty when the failure is not about one command
     */
    public List<String> command() {
        return command;
    }

    /**
     * @return the failed command's exit code; empty when it timed out, could not be started, or no command failed
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * @return the command line of the command that failed, as shown in the message
     */
    public Optional<String> commandLine() {
        return command.isEmpty() ? Optional.empty()
                : Optional.of(io.backupkit.internal.service.CommandLines.display(command));
    }
}
