package io.backupkit.examples.cli;

import io.backupkit.internal.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code backupkit} command line: back up, resume, restore, list and verify snapshots, prune, pin and unpin
 * them, copy Jellyfin users' play state out of one, or run a demo.
 *
 * <pre>{@code
 * $ java -jar backupkit.jar backup --source /srv/plex --dest /mnt/nas/backups/plex --exclude "Logs/**" --keep 7
 * Snapshot 20261122T035800Z written: 3000 files, 12345678 bytes, 6 units (0 reused) in 2.31s
 * $ java -jar backupkit.jar verify --dest /mnt/nas/backups/plex
 * $ java -jar backupkit.jar restore --dest /mnt/nas/backups/plex --target /tmp/plex-restored
 *
 * // in-process, e.g. from a test:
 * int exit = BackupKitCli.run(System.out, System.err, "list", "--dest", "/mnt/nas/backups/plex", "--json");
 * }</pre>
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILED} the operation failed, {@value #EXIT_USAGE} bad
 * usage. Results go to standard output; progress (on a console only), warnings and errors to standard error.
 */
@Command(name = "backupkit", mixinStandardHelpOptions = true, versionProvider = BackupKitCli.VersionProvider.class,
        description = "Back up and restore an application's data folder (Plex, Emby, Jellyfin, Sonarr, ...).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed", "2:bad usage"},
        footer = {"%nEvery command accepts --json, --quiet, --debug and --help."})
public final class BackupKitCli implements Callable<Integer> {

    /** Exit code: success. */
    public static final int EXIT_OK = 0;
    /** Exit code: the operation failed (the snapshot is damaged, the destination is locked, ...). */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad usage (missing or unknown option, bad value). */
    public static final int EXIT_USAGE = 2;

    /**
     * The commands, in the order the help lists them. Added to the command line in {@link #run}, not declared in
     * the annotation: picocli builds the model of every command it is given, from reflection, before it parses a
     * word, and a run that names its command builds that one only (0.1-0.2 s less before a backup starts).
     */
    private static final Map<String, Class<?>> COMMANDS = commands(BackupCommand.class, ResumeCommand.class,
            RestoreCommand.class, ListCommand.class, VerifyCommand.class, PruneCommand.class, PinCommand.class,
            UnpinCommand.class, ScheduleCommand.class, CopyUserDataCommand.class, DemoCommand.class);

    final PrintStream out;
    final PrintStream err;
    final boolean interactive;

    @Spec
    CommandSpec spec;

    private BackupKitCli(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        configureLogging(Arrays.asList(args).contains("--debug"), logLevel(args));
        System.exit(run(System.out, System.err, args));
    }

    /**
     * Runs the command line in this process, for tests and hosts. Draws a progress bar only when this JVM has a
     * console. Logging is configured by {@link #main(String[])} only: in-process, {@code --debug} adds stack traces.
     *
     * @param out standard output: the result
     * @param err standard error: progress, warnings, errors
     * @param args the command and its options
     * @return the exit code
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(out, err, hasConsole(), args);
    }

    /**
     * @return whether this JVM talks to a terminal: {@code System.console()} exists, and, on Java 22 and later where
     *         it exists even when the streams are redirected, {@code Console.isTerminal()} says so
     */
    static boolean hasConsole() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;   // before Java 22: a console means a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param out standard output
     * @param err standard error
     * @param interactive whether to draw progress bars on {@code err}
     * @param args the command and its options
     * @return the exit code
     */
    static int run(PrintStream out, PrintStream err, boolean interactive, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        ErrorHandler handler = new ErrorHandler();
        CommandLine commandLine = new CommandLine(new BackupKitCli(out, err, interactive));
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            commandLine.addSubcommand(args[0], named);
        } else { // help, a mistyped command (its suggestions need them all), or none
            COMMANDS.forEach(commandLine::addSubcommand);
        }
        commandLine.setOut(outWriter)
                .setErr(errWriter)
                .setExecutionExceptionHandler(handler)
                .setParameterExceptionHandler(handler);
        try {
            return commandLine.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
            out.flush();
            err.flush();
        }
    }

    /**
     * Sets slf4j-simple up before any logger exists: warnings and errors on standard error (see
     * {@code simplelogger.properties}), or everything from debug up with {@code --debug}. Settings already given
     * with {@code -D} win.
     */
    private static void configureLogging(boolean debug, String level) {
        String chosen = level != null ? level : debug ? "debug" : null;
        if (chosen != null) {
            setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", chosen);
            setIfAbsent("org.slf4j.simpleLogger.log.io.backupkit.run", chosen);
        }
    }

    /**
     * @return the level {@code --log-level} names, when it is one picocli will accept, else {@code null} (a bad
     *         value is reported by picocli as a usage error)
     */
    static String logLevel(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String v = args[i].startsWith("--log-level=") ? args[i].substring("--log-level=".length())
                    : args[i].equals("--log-level") && i + 1 < args.length ? args[i + 1] : null;
            if (v != null) {
                for (CommonOptions.LogLevel l : CommonOptions.LogLevel.values()) {
                    if (l.name().equals(v)) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Without a command: a usage error listing the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: one of backup, resume, restore, list, verify, prune, pin, unpin, schedule, "
                        + "copy-user-data, demo");
    }

    /** The version printed by {@code --version}: BackupKit's own. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"backupkit " + Version.current(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
