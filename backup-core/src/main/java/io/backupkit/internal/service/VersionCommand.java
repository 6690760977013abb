package io.backupkit.internal.service;

import io.backupkit.InvalidPlanException;
import io.backupkit.ServiceControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The optional command whose trimmed standard output is a controller's {@code version()}.
 *
 * <pre>{@code
 * Optional<String> v = VersionCommand.read("systemd:plex", VersionCommand.parse("dpkg-query -W -f=${Version} plex"),
 *         Duration.ofSeconds(30));
 * }</pre>
 */
public final class VersionCommand {

    private static final Logger LOG = LoggerFactory.getLogger(VersionCommand.class);

    private VersionCommand() {
    }

    /**
     * @param commandLine a command line, split into words without a shell
     * @return its argument vector
     * @throws InvalidPlanException if it is null, blank or has an unclosed quote
     */
    public static List<String> parse(String commandLine) {
        if (commandLine == null || commandLine.isBlank()) {
            throw new InvalidPlanException(List.of("version command must not be blank, was '" + commandLine + "'"));
        }
        try {
            return CommandLines.words(commandLine);
        } catch (IllegalArgumentException e) {
            throw new InvalidPlanException(List.of("version command has an " + e.getMessage()));
        }
    }

    /**
     * @param command an argument vector
     * @return an unmodifiable copy
     * @throws InvalidPlanException if it is null, empty or holds a null
     */
    public static List<String> check(List<String> command) {
        if (command == null || command.isEmpty() || command.stream().anyMatch(Objects::isNull)) {
            throw new InvalidPlanException(List.of("version command needs a program and its arguments, was "
                    + command));
        }
        return List.copyOf(command);
    }

    /**
     * Runs the version command; a failure is logged as a warning, never thrown.
     *
     * @param controllerId the controller's id, for the log
     * @param command the argument vector, or {@code null} for none
     * @param timeout how long it may run
     * @return its trimmed standard output; empty without a command, or when it fails or prints nothing
     */
    public static Optional<String> read(String controllerId, List<String> command, Duration timeout) {
        if (command == null) {
            return Optional.empty();
        }
        try {
            CommandRunner.Result result = CommandRunner.run(controllerId, command, timeout);
            if (result.exitCode() != 0) {
                LOG.warn("{}: the version command `{}` failed with exit code {}; {}", controllerId,
                        CommandLines.display(command), result.exitCode(), result.outputTail());
                return Optional.empty();
            }
            String version = result.stdout().strip();
            if (version.isEmpty()) {
                LOG.warn("{}: the version command `{}` printed nothing", controllerId, CommandLines.display(command));
                return Optional.empty();
            }
            return Optional.of(version);
        } catch (ServiceControlException e) {
            LOG.warn("{}: could not read the version: {}", controllerId, e.getMessage());
            return Optional.empty();
        }
    }
}
