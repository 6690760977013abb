package io.backupkit.internal.service;

import io.backupkit.CommandServiceController;
import io.backupkit.InvalidPlanException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Any three commands: status (exit 0: running, 1 and above: stopped), stop and start (exit 0: done). Either three
 * command lines run through the platform shell ({@code sh -c LINE}, or {@code cmd /c LINE} on Windows), or three
 * argument vectors run as they are.
 *
 * <pre>{@code
 * ServiceControllers.command("pgrep -x jellyfin", "pkill -x jellyfin", "jellyfin --service &")
 * }</pre>
 *
 * <p>Through a shell, exit codes 126 and 127 of the status command ({@code sh}: not executable, not found) and 9009
 * ({@code cmd}: not found) are errors, not "stopped": a misspelled status script must not let a backup read the data
 * of a running application.
 */
public final class CommandTripleController extends AbstractCommandController {

    private static final List<Integer> SHELL_FAILURES = List.of(126, 127, 9009);

    private final boolean shell;
    private final List<String> status;
    private final List<String> stopCommand;
    private final List<String> startCommand;

    private CommandTripleController(boolean shell, List<String> status, List<String> stop, List<String> start,
            CommandSettings settings) {
        super(settings);
        this.shell = shell;
        this.status = status;
        this.stopCommand = stop;
        this.startCommand = start;
    }

    /**
     * @param status the status command line
     * @param stop the stop command line
     * @param start the start command line
     * @return a controller running them through the platform shell
     */
    public static CommandTripleController shell(String status, String stop, String start) {
        return new CommandTripleController(true, List.of(status), List.of(stop), List.of(start),
                CommandSettings.defaults(CommandLines.defaultShell()));
    }

    /**
     * @param status the status program and arguments
     * @param stop the stop program and arguments
     * @param start the start program and arguments
     * @return a controller running them without a shell
     */
    public static CommandTripleController vectors(List<String> status, List<String> stop, List<String> start) {
        return new CommandTripleController(false, List.copyOf(status), List.copyOf(stop), List.copyOf(start),
                CommandSettings.defaults(status.get(0)));
    }

    @Override
    AbstractCommandController with(CommandSettings changed) {
        return new CommandTripleController(shell, status, stopCommand, startCommand, changed);
    }

    @Override
    public CommandServiceController withExecutable(Path executable) {
        if (!shell) {
            throw new InvalidPlanException(List.of(id() + ": a command controller given argument vectors has no"
                    + " executable to replace; name the programs in the vectors"));
        }
        return super.withExecutable(executable);
    }

    private List<String> argv(List<String> command) {
        return shell ? CommandLines.throughShell(settings.program(), command.get(0)) : command;
    }

    @Override
    public String id() {
        return "command:" + (shell ? status.get(0) : CommandLines.display(status));
    }

    @Override
    public boolean isRunning() {
        CommandRunner.Result r = CommandRunner.run(id(), argv(status), settings.commandTimeout());
        if (r.exitCode() == 0) {
            return true;
        }
        if (r.exitCode() < 0 || (shell && SHELL_FAILURES.contains(r.exitCode()))) {
            throw CommandRunner.failed(id(), r, "the status command could not be run");
        }
        return false;
    }

    @Override
    void runStop(Duration timeout) {
        CommandRunner.runChecked(id(), argv(stopCommand), settings.stopCommandTimeout());
    }

    @Override
    void runStart() {
        CommandRunner.runChecked(id(), argv(startCommand), settings.commandTimeout());
    }

    @Override
    String factoryCall() {
        if (shell) {
            return "command(" + quote(status.get(0)) + ", " + quote(stopCommand.get(0)) + ", "
                    + quote(startCommand.get(0)) + ")";
        }
        return "command(" + vector(status) + ", " + vector(stopCommand) + ", " + vector(startCommand) + ")";
    }

    private static String vector(List<String> argv) {
        StringBuilder text = new StringBuilder("List.of(");
        for (int i = 0; i < argv.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(quote(argv.get(i)));
        }
        return text.append(')').toString();
    }
}
