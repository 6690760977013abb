package io.backupkit.internal.service;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A launchd job (macOS): {@code launchctl list LABEL} (a {@code "PID" = N;} line: running),
 * {@code launchctl stop LABEL}, {@code launchctl start LABEL}. A label launchd does not know (non-zero exit of
 * {@code list}) is an error. A job with {@code KeepAlive} is restarted by launchd after a stop, which the stop then
 * reports as still running; unload such a job with {@code launchctl bootout} through
 * {@link io.backupkit.ServiceControllers#command(String, String, String)} instead.
 *
 * <pre>{@code
 * ServiceControllers.launchd("com.plexapp.plexmediaserver")
 * }</pre>
 */
public final class LaunchdController extends AbstractCommandController {

    private static final Pattern PID_LINE = Pattern.compile("(?m)^\\s*\"PID\"\\s*=\\s*\\d+\\s*;");

    private final String label;

    /**
     * @param label the job's label
     * @param settings the settings
     */
    public LaunchdController(String label, CommandSettings settings) {
        super(settings);
        this.label = label;
    }

    @Override
    AbstractCommandController with(CommandSettings changed) {
        return new LaunchdController(label, changed);
    }

    @Override
    public String id() {
        return "launchd:" + label;
    }

    @Override
    public boolean isRunning() {
        CommandRunner.Result r = CommandRunner.run(id(), settings.argv("list", label), settings.commandTimeout());
        if (r.exitCode() != 0) {
            throw CommandRunner.failed(id(), r, "launchd knows no job labelled '" + label + "'");
        }
        return showsPid(r.stdout());
    }

    /**
     * @param listOutput the output of {@code launchctl list LABEL}
     * @return whether it shows a PID
     */
    static boolean showsPid(String listOutput) {
        return PID_LINE.matcher(listOutput).find();
    }

    @Override
    void runStop(Duration timeout) {
        CommandRunner.runChecked(id(), settings.argv("stop", label), settings.stopCommandTimeout());
    }

    @Override
    void runStart() {
        CommandRunner.runChecked(id(), settings.argv("start", label), settings.commandTimeout());
    }

    @Override
    String factoryCall() {
        return "launchd(" + quote(label) + ")";
    }
}
