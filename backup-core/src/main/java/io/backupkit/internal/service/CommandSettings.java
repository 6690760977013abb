package io.backupkit.internal.service;

import io.backupkit.CommandServiceController;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings every command-based controller shares.
 *
 * <pre>{@code
 * CommandSettings s = CommandSettings.defaults("systemctl").withCommandTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param defaultExecutable the tool's name, looked up on {@code PATH}
 * @param executable the program to run instead, or {@code null}
 * @param versionCommand the version command, or {@code null}
 * @param commandTimeout how long status, start and version commands may run
 * @param stopCommandTimeout how long the stop command may run
 */
public record CommandSettings(String defaultExecutable, String executable, List<String> versionCommand,
        Duration commandTimeout, Duration stopCommandTimeout) {

    /**
     * @param defaultExecutable the tool's name
     * @return the default settings
     */
    public static CommandSettings defaults(String defaultExecutable) {
        return new CommandSettings(defaultExecutable, null, null, CommandServiceController.DEFAULT_COMMAND_TIMEOUT,
                CommandServiceController.DEFAULT_STOP_COMMAND_TIMEOUT);
    }

    /** @return the program to run */
    public String program() {
        return executable == null ? defaultExecutable : executable;
    }

    /**
     * @param args the arguments
     * @return the program followed by {@code args}
     */
    public List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(program());
        argv.addAll(List.of(args));
        return List.copyOf(argv);
    }

    /**
     * @param value the program
     * @return a changed copy
     */
    public CommandSettings withExecutable(String value) {
        return new CommandSettings(defaultExecutable, value, versionCommand, commandTimeout, stopCommandTimeout);
    }

    /**
     * @param value the version command
     * @return a changed copy
     */
    public CommandSettings withVersionCommand(List<String> value) {
        return new CommandSettings(defaultExecutable, executable, value, commandTimeout, stopCommandTimeout);
    }

    /**
     * @param value the timeout
     * @return a changed copy
     */
    public CommandSettings withCommandTimeout(Duration value) {
        return new CommandSettings(defaultExecutable, executable, versionCommand, value, stopCommandTimeout);
    }

    /**
     * @param value the timeout
     * @return a changed copy
     */
    public CommandSettings withStopCommandTimeout(Duration value) {
        return new CommandSettings(defaultExecutable, executable, versionCommand, commandTimeout, value);
    }

    /**
     * @return the settings that differ from the defaults, as the {@code .withX(...)} calls that set them
     */
    public String describeChanges() {
        StringBuilder text = new StringBuilder();
        if (executable != null) {
            text.append(".withExecutable(").append(executable).append(')');
        }
        if (versionCommand != null) {
            text.append(".withVersionCommand(\"").append(CommandLines.display(versionCommand)).append("\")");
        }
        if (!commandTimeout.equals(CommandServiceController.DEFAULT_COMMAND_TIMEOUT)) {
            text.append(".withCommandTimeout(").append(Durations.display(commandTimeout)).append(')');
        }
        if (!stopCommandTimeout.equals(CommandServiceController.DEFAULT_STOP_COMMAND_TIMEOUT)) {
            text.append(".withStopCommandTimeout(").append(Durations.display(stopCommandTimeout)).append(')');
        }
        return text.toString();
    }
}
