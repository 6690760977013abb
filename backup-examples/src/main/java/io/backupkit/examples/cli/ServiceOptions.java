package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.ServiceControllers;
import io.backupkit.spi.ServiceController;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.List;

/**
 * The service options of {@code backup}, {@code resume} and {@code restore}: which services to stop before the run
 * and start after it.
 *
 * <pre>{@code
 * $ backupkit backup --service systemd:plexmediaserver ...
 * $ backupkit backup --status-cmd "pgrep -x jellyfin" --stop-cmd "pkill -x jellyfin" --start-cmd "jellyfin &" ...
 * }</pre>
 */
final class ServiceOptions {

    @Option(names = "--service", paramLabel = "KIND:NAME",
            description = "A service to stop before the run and start after it: systemd:UNIT, windows:PATTERN "
                    + "(every service whose name matches the regex), launchd:LABEL or docker:CONTAINER. "
                    + "Repeatable: stopped in order, started in reverse.")
    List<String> services = new ArrayList<>();

    @Option(names = "--status-cmd", paramLabel = "CMD",
            description = "With --stop-cmd and --start-cmd: a command that exits 0 while the service runs.")
    String statusCmd;

    @Option(names = "--stop-cmd", paramLabel = "CMD", description = "A command that stops the service.")
    String stopCmd;

    @Option(names = "--start-cmd", paramLabel = "CMD", description = "A command that starts the service.")
    String startCmd;

    @Option(names = "--version-cmd", paramLabel = "CMD",
            description = "A command that prints the application's version (asked of the first service), "
                    + "recorded in the snapshot and checked on restore.")
    String versionCmd;

    @Option(names = "--stop-timeout", paramLabel = "WAIT",
            description = "How long a service may take to stop, e.g. 60s, 2m (default 60s).")
    String stopTimeout;

    /**
     * @param b the plan builder to add the services to
     * @param spec the command, for usage errors
     * @throws ParameterException when the options do not fit together or a value is bad
     */
    void apply(BackupPlan.Builder b, CommandSpec spec) {
        List<ServiceController> controllers = new ArrayList<>();
        int commands = (statusCmd == null ? 0 : 1) + (stopCmd == null ? 0 : 1) + (startCmd == null ? 0 : 1);
        if (commands != 0 && commands != 3) {
            throw new ParameterException(spec.commandLine(), "--status-cmd, --stop-cmd and --start-cmd go together: "
                    + "give all three (missing: " + String.join(", ", missing()) + ")");
        }
        try {
            for (String s : services) {
                controllers.add(ServiceControllers.parse(s));
            }
            if (commands == 3) {
                controllers.add(ServiceControllers.command(statusCmd, stopCmd, startCmd));
            }
        } catch (InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        }
        if (versionCmd != null) {
            if (controllers.isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        "--version-cmd needs a service: give --service or the --*-cmd options");
            }
            ServiceController first = controllers.get(0);
            if (first instanceof io.backupkit.CommandServiceController c) {
                controllers.set(0, c.withVersionCommand(versionCmd));
            }
        }
        if (stopTimeout != null) {
            try {
                b.stopTimeout(CliDurations.parse("--stop-timeout", stopTimeout));
            } catch (IllegalArgumentException | InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        b.service(controllers.toArray(ServiceController[]::new));
    }

    /** @return whether services are given on the command line (then a profile's or a file's are left out) */
    boolean given() {
        return !services.isEmpty() || statusCmd != null || stopCmd != null || startCmd != null;
    }

    private List<String> missing() {
        List<String> m = new ArrayList<>();
        if (statusCmd == null) {
            m.add("--status-cmd");
        }
        if (stopCmd == null) {
            m.add("--stop-cmd");
        }
        if (startCmd == null) {
            m.add("--start-cmd");
        }
        return m;
    }
}
