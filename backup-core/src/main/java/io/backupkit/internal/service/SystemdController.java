package io.backupkit.internal.service;

import java.time.Duration;

/**
 * A systemd unit: {@code systemctl is-active --quiet UNIT} (exit 0: running), {@code systemctl stop UNIT},
 * {@code systemctl start UNIT}.
 *
 * <pre>{@code
 * ServiceControllers.systemd("plexmediaserver")
 * }</pre>
 *
 * <p>{@code is-active} exits with 3 for an inactive, failed or activating unit, and (systemd 253 and later) with 4 for
 * a unit that does not exist: 4, or any message on stderr (which {@code --quiet} leaves for errors only, such as a
 * system not booted with systemd), is an error rather than "stopped".
 */
public final class SystemdController extends AbstractCommandController {

    private static final int NO_SUCH_UNIT = 4;

    private final String unit;

    /**
     * @param unit the unit, e.g. {@code plexmediaserver} or {@code plexmediaserver.service}
     * @param settings the settings
     */
    public SystemdController(String unit, CommandSettings settings) {
        super(settings);
        this.unit = unit;
    }

    @Override
    AbstractCommandController with(CommandSettings changed) {
        return new SystemdController(unit, changed);
    }

    @Override
    public String id() {
        return "systemd:" + unit;
    }

    @Override
    public boolean isRunning() {
        CommandRunner.Result r = CommandRunner.run(id(), settings.argv("is-active", "--quiet", unit),
                settings.commandTimeout());
        if (r.exitCode() == 0) {
            return true;
        }
        if (r.exitCode() == NO_SUCH_UNIT) {
            throw CommandRunner.failed(id(), r, "systemd knows no unit '" + unit + "'");
        }
        if (r.exitCode() < 0 || !r.stderr().isBlank()) {
            throw CommandRunner.failed(id(), r, null);
        }
        return false;
    }

    @Override
    void runStop(Duration timeout) {
        CommandRunner.runChecked(id(), settings.argv("stop", unit), settings.stopCommandTimeout());
    }

    @Override
    void runStart() {
        CommandRunner.runChecked(id(), settings.argv("start", unit), settings.commandTimeout());
    }

    @Override
    String factoryCall() {
        return "systemd(" + quote(unit) + ")";
    }
}
