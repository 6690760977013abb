package io.backupkit;

import io.backupkit.internal.service.CommandSettings;
import io.backupkit.internal.service.CommandTripleController;
import io.backupkit.internal.service.DockerController;
import io.backupkit.internal.service.LaunchdController;
import io.backupkit.internal.service.ProcessController;
import io.backupkit.internal.service.SystemdController;
import io.backupkit.internal.service.WindowsServiceController;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in service controllers: they stop the application before a run reads or replaces its data and start it
 * again afterwards. Every one is immutable and thread-safe, starts nothing in the background, and gives every
 * external command a timeout (2 minutes for the stop command, 30 seconds for the others; see
 * {@link CommandServiceController}). A failure is a {@link ServiceControlException} naming the controller, the
 * command line, its exit code and its last output.
 *
 * <pre>{@code
 * CommandServiceController plex = ServiceControllers.systemd("plexmediaserver")
 *         .withVersionCommand("dpkg-query -W -f=${Version} plexmediaserver");
 * plex.stop(Duration.ofSeconds(60));      // returns once systemd reports the unit inactive
 * String version = plex.version().orElse("unknown");
 * plex.start();
 *
 * ServiceController emby = ServiceControllers.windowsService("^Emby");
 * ServiceController sonarr = ServiceControllers.docker("sonarr").withExecutable(Path.of("/usr/local/bin/docker"));
 * ServiceController fromConfig = ServiceControllers.parse("launchd:com.plexapp.plexmediaserver");
 * }</pre>
 *
 * <p>The tools ({@code systemctl}, {@code sc}, {@code launchctl}, {@code docker}) are looked up on {@code PATH};
 * {@link CommandServiceController#withExecutable(java.nio.file.Path)} points at another one.
 */
public final class ServiceControllers {

    /** The forms {@link #parse(String)} accepts. */
    public static final List<String> SPEC_FORMS = List.of("systemd:UNIT", "windows:PATTERN", "launchd:LABEL",
            "docker:CONTAINER");

    private ServiceControllers() {
    }

    /**
     * A systemd unit: running when {@code systemctl is-active --quiet UNIT} exits with 0; stopped with
     * {@code systemctl stop UNIT}, started with {@code systemctl start UNIT}. A unit systemd does not know (exit code
     * 4 from systemd 253 on) or a message on stderr (no systemd on this system) is an error, not "stopped".
     *
     * @param unit the unit, e.g. {@code "plexmediaserver"} or {@code "jellyfin.service"}
     * @return the controller, {@code id()} {@code systemd:UNIT}; executable {@code systemctl} from {@code PATH}, no
     *         version command, command timeout 30 s, stop command timeout 2 minutes
     * @throws InvalidPlanException if {@code unit} is null, blank, starts with {@code -} or holds white space
     */
    public static CommandServiceController systemd(String unit) {
        return new SystemdController(name("systemd unit", unit), CommandSettings.defaults("systemctl"));
    }

    /**
     * Every Windows service whose name (not display name) matches a regular expression, found anywhere in the name
     * ({@code "^Plex"} for the names starting with Plex), as {@code sc query state= all} lists them. Stopped with
     * {@code sc stop NAME} for each one not already stopped, started with {@code sc start NAME} for each stopped
     * one. Running while any of them is in a state other than STOPPED (RUNNING, but also STOP_PENDING, so a stop waits
     * until the service has let go of its files). A pattern that matches no service is an error naming it.
     *
     * @param namePattern a regular expression ({@link Pattern} syntax) for the service names
     * @return the controller, {@code id()} {@code windows:PATTERN}; executable {@code sc} from {@code PATH}, no
     *         version command, command timeout 30 s, stop command timeout 2 minutes
     * @throws InvalidPlanException if {@code namePattern} is null, blank or not a valid regular expression
     */
    public static CommandServiceController windowsService(String namePattern) {
        if (namePattern == null || namePattern.isBlank()) {
            throw new InvalidPlanException(List.of("Windows service name pattern must not be blank, was '"
                    + namePattern + "'"));
        }
        return new WindowsServiceController(compile("Windows service name pattern", namePattern),
                CommandSettings.defaults("sc"));
    }

    /**
     * A launchd job (macOS): running when {@code launchctl list LABEL} shows a {@code "PID"} line; stopped with
     * {@code launchctl stop LABEL}, started with {@code launchctl start LABEL}. A label launchd does not know is an
     * error. A job with {@code KeepAlive} is started again by launchd, which the stop reports.
     *
     * @param label the job's label, e.g. {@code "com.plexapp.plexmediaserver"}
     * @return the controller, {@code id()} {@code launchd:LABEL}; executable {@code launchctl} from {@code PATH}, no
     *         version command, command timeout 30 s, stop command timeout 2 minutes
     * @throws InvalidPlanException if {@code label} is null, blank, starts with {@code -} or holds white space
     */
    public static CommandServiceController launchd(String label) {
        return new LaunchdController(name("launchd label", label), CommandSettings.defaults("launchctl"));
    }

    /**
     * A docker container: running when {@code docker inspect -f {{.State.Running}} NAME} prints {@code true};
     * stopped with {@code docker stop -t SECONDS NAME}, where SECONDS is the timeout given to {@code stop} rounded up
     * (docker kills the container when they run out; the command may run that long plus the command timeout, or the
     * stop command timeout if longer); started with {@code docker start NAME}. A container docker does not know is
     * an error.
     *
     * @param container the container's name or id
     * @return the controller, {@code id()} {@code docker:NAME}; executable {@code docker} from {@code PATH}, no
     *         version command, command timeout 30 s, stop command timeout 2 minutes
     * @throws InvalidPlanException if {@code container} is null, blank, starts with {@code -} or holds white space
     */
    public static CommandServiceController docker(String container) {
        return new DockerController(name("docker container", container), CommandSettings.defaults("docker"));
    }

    /**
     * Any three command lines, each run through the platform shell ({@code sh -c LINE}; {@code cmd /c LINE} on
     * Windows). The status command's exit code 0 means running, 1 and above stopped; but 126 and 127 ({@code sh}:
     * not executable, not found) and 9009 ({@code cmd}: not found) are errors. The stop and start commands must exit
     * with 0. {@link CommandServiceController#withExecutable(java.nio.file.Path)} replaces the shell.
     *
     * @param status the status command line, e.g. {@code "pgrep -x jellyfin"}
     * @param stop the stop command line
     * @param start the start command line
     * @return the controller, {@code id()} {@code command:STATUS}; shell {@code sh} (or {@code cmd}) from
     *         {@code PATH}, no version command, command timeout 30 s, stop command timeout 2 minutes
     * @throws InvalidPlanException if a command line is null or blank
     */
    public static CommandServiceController command(String status, String stop, String start) {
        List<String> problems = new java.util.ArrayList<>();
        line("status", status, problems);
        line("stop", stop, problems);
        line("start", start, problems);
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return CommandTripleController.shell(status, stop, start);
    }

    /**
     * Any three commands given as argument vectors, run as they are, without a shell. The status command's exit
     * code 0 means running, 1 and above stopped; the stop and start commands must exit with 0. The programs are
     * looked up on {@code PATH} unless given as paths, so there is no single executable to replace:
     * {@link CommandServiceController#withExecutable(java.nio.file.Path)} is refused.
     *
     * @param status the status program and its arguments, e.g. {@code List.of("pgrep", "-x", "jellyfin")}
     * @param stop the stop program and its arguments
     * @param start the start program and its arguments
     * @return the controller, {@code id()} {@code command:STATUS LINE}; no version command, command timeout 30 s,
     *         stop command timeout 2 minutes
     * @throws InvalidPlanException if a vector is null, empty, or holds a null or a blank program
     */
    public static CommandServiceController command(List<String> status, List<String> stop, List<String> start) {
        List<String> problems = new java.util.ArrayList<>();
        vector("status", status, problems);
        vector("stop", stop, problems);
        vector("start", start, problems);
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return CommandTripleController.vectors(status, stop, start);
    }

    /**
     * The processes whose command line matches a regular expression (found anywhere in it), among
     * {@link ProcessHandle#allProcesses()}; never the current JVM or its ancestors. Stopped gracefully
     * ({@link ProcessHandle#destroy()}, SIGTERM on Unix), then after the stop timeout killed with their whole process
     * tree; started by launching {@code startCommand} detached. See {@link ProcessServiceController}.
     *
     * @param commandLineRegex a regular expression, e.g. {@code "Plex Media Server$"}
     * @param startCommand the program and arguments that start the service
     * @return the controller, {@code id()} {@code process:REGEX}; start output discarded, working directory the
     *         JVM's, no version command, version command timeout 30 s
     * @throws InvalidPlanException if the regex is null, blank or invalid, or {@code startCommand} is empty or holds a
     *         null
     */
    public static ProcessServiceController process(String commandLineRegex, String... startCommand) {
        if (commandLineRegex == null || commandLineRegex.isBlank()) {
            throw new InvalidPlanException(List.of("process command-line pattern must not be blank, was '"
                    + commandLineRegex + "'"));
        }
        return process(compile("process command-line pattern", commandLineRegex), startCommand);
    }

    /**
     * As {@link #process(String, String...)}, with a compiled pattern (for flags such as
     * {@link Pattern#CASE_INSENSITIVE}).
     *
     * @param commandLine found anywhere in the command line of the service's processes
     * @param startCommand the program and arguments that start the service
     * @return the controller, {@code id()} {@code process:REGEX}; defaults as {@link #process(String, String...)}
     * @throws InvalidPlanException if {@code commandLine} is null, or {@code startCommand} is empty or holds a null
     */
    public static ProcessServiceController process(Pattern commandLine, String... startCommand) {
        if (commandLine == null) {
            throw new InvalidPlanException(List.of("process command-line pattern must not be null"));
        }
        return ProcessController.byCommandLine(commandLine, startCommand(startCommand));
    }

    /**
     * As {@link #process(String, String...)}, with any test on a process: its user, its executable, its parent.
     *
     * <pre>{@code
     * ServiceControllers.process("jellyfin", p -> p.info().command().orElse("").endsWith("/jellyfin"),
     *         "/usr/bin/jellyfin", "--service")
     * }</pre>
     *
     * @param name what the predicate picks, for {@code id()} ({@code process:NAME}) and messages
     * @param matcher which processes are the service; never asked about the current JVM or its ancestors
     * @param startCommand the program and arguments that start the service
     * @return the controller; defaults as {@link #process(String, String...)}
     * @throws InvalidPlanException if {@code name} is blank, {@code matcher} null, or {@code startCommand} is empty or
     *         holds a null
     */
    public static ProcessServiceController process(String name, Predicate<ProcessHandle> matcher,
            String... startCommand) {
        List<String> problems = new java.util.ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("process controller name must not be blank, was '" + name + "'");
        }
        if (matcher == null) {
            problems.add("process matcher must not be null");
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return ProcessController.byPredicate(name, matcher, startCommand(startCommand));
    }

    /**
     * Reads a controller from its short form, as the command line and configuration files write it:
     * {@code systemd:UNIT}, {@code windows:PATTERN}, {@code launchd:LABEL} or {@code docker:CONTAINER}. The kind is
     * matched ignoring case; white space around the spec and the name is dropped.
     *
     * @param spec the spec, e.g. {@code "systemd:plexmediaserver"}
     * @return the controller, with the defaults of its factory method
     * @throws InvalidPlanException naming the spec and listing the accepted forms, if it has none of them or its
     *         name is invalid for its kind
     */
    public static CommandServiceController parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon < 0) {
            throw badSpec(spec, "no kind before a ':'");
        }
        String kind = spec.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String name = spec.substring(colon + 1).strip();
        if (name.isEmpty()) {
            throw badSpec(spec, "nothing after the ':'");
        }
        try {
            switch (kind) {
                case "systemd":
                    return systemd(name);
                case "windows":
                    return windowsService(name);
                case "launchd":
                    return launchd(name);
                case "docker":
                    return docker(name);
                default:
                    throw badSpec(spec, "unknown kind '" + kind + "'");
            }
        } catch (InvalidPlanException e) {
            if (e.getMessage().contains("accepted forms")) {
                throw e;
            }
            throw badSpec(spec, String.join("; ", e.problems()));
        }
    }

    private static InvalidPlanException badSpec(String spec, String why) {
        return new InvalidPlanException(List.of("service controller spec '" + spec + "' is invalid (" + why
                + "); accepted forms: " + String.join(", ", SPEC_FORMS)));
    }

    private static String name(String what, String value) {
        if (value == null || value.isBlank() || value.startsWith("-")
                || value.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidPlanException(List.of(what + " must be a name without white space that does not start"
                    + " with '-', was '" + value + "'"));
        }
        return value;
    }

    private static Pattern compile(String what, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidPlanException(List.of(what + " '" + regex + "' is not a valid regular expression: "
                    + e.getDescription()));
        }
    }

    private static void line(String what, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(what + " command must not be blank, was '" + value + "'");
        }
    }

    private static void vector(String what, List<String> value, List<String> problems) {
        if (value == null || value.isEmpty() || value.stream().anyMatch(Objects::isNull) || value.get(0).isBlank()) {
            problems.add(what + " command needs a program and its arguments, was " + value);
        }
    }

    private static List<String> startCommand(String... startCommand) {
        if (startCommand == null || startCommand.length == 0 || java.util.Arrays.stream(startCommand)
                .anyMatch(Objects::isNull) || startCommand[0].isBlank()) {
            throw new InvalidPlanException(List.of("process controller needs a start command (program and"
                    + " arguments), was " + (startCommand == null ? null : java.util.Arrays.toString(startCommand))));
        }
        return List.of(startCommand);
    }
}
