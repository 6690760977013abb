package io.backupkit.internal.service;

import io.backupkit.InvalidPlanException;
import io.backupkit.ProcessServiceController;
import io.backupkit.ServiceControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Finds the service's processes with {@link ProcessHandle#allProcesses()}, stops them with
 * {@link ProcessHandle#destroy()} and, after the timeout, {@link ProcessHandle#destroyForcibly()} on the whole
 * process tree, and starts the service again detached. See {@link ProcessServiceController} for the contract.
 *
 * <pre>{@code
 * ServiceControllers.process("Plex Media Server$", "/usr/lib/plexmediaserver/Plex Media Server")
 * }</pre>
 */
public final class ProcessController implements ProcessServiceController {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessController.class);

    /** How often a stop looks whether the processes have exited. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /** How long a stop waits for killed processes to disappear. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /** A start command that exits with a non-zero code within this time fails the start. */
    static final Duration START_CHECK = Duration.ofMillis(500);

    private final String name;
    private final boolean byCommandLine;
    private final Predicate<ProcessHandle> matcher;
    private final List<String> startCommand;
    private final Path startLog;
    private final Path startDirectory;
    private final List<String> versionCommand;
    private final Duration commandTimeout;

    /**
     * @param regex the regular expression found anywhere in the command line of the service's processes
     * @param startCommand the program and arguments that start it
     * @return the controller, {@code id()} {@code process:REGEX}
     */
    public static ProcessController byCommandLine(java.util.regex.Pattern regex, List<String> startCommand) {
        return new ProcessController(regex.pattern(), true, commandLineMatcher(regex), List.copyOf(startCommand),
                null, null, null, ProcessServiceController.DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * @param name what the matcher matches, for {@code id()} ({@code process:NAME})
     * @param matcher which processes are the service
     * @param startCommand the program and arguments that start it
     * @return the controller
     */
    public static ProcessController byPredicate(String name, Predicate<ProcessHandle> matcher,
            List<String> startCommand) {
        return new ProcessController(name, false, matcher, List.copyOf(startCommand), null, null, null,
                ProcessServiceController.DEFAULT_COMMAND_TIMEOUT);
    }

    private ProcessController(String name, boolean byCommandLine, Predicate<ProcessHandle> matcher,
            List<String> startCommand, Path startLog, Path startDirectory, List<String> versionCommand,
            Duration commandTimeout) {
        this.name = name;
        this.byCommandLine = byCommandLine;
        this.matcher = matcher;
        this.startCommand = startCommand;
        this.startLog = startLog;
        this.startDirectory = startDirectory;
        this.versionCommand = versionCommand;
        this.commandTimeout = commandTimeout;
    }

    /**
     * @param regex a regular expression, found anywhere in the command line
     * @return a matcher on {@link ProcessHandle.Info#commandLine()} (or, when the system gives no arguments,
     *         {@link ProcessHandle.Info#command()})
     */
    public static Predicate<ProcessHandle> commandLineMatcher(java.util.regex.Pattern regex) {
        return handle -> commandLine(handle).map(line -> regex.matcher(line).find()).orElse(false);
    }

    private static Optional<String> commandLine(ProcessHandle handle) {
        ProcessHandle.Info info = handle.info();
        Optional<String> line = info.commandLine();
        return line.isPresent() ? line : info.command();
    }

    @Override
    public String id() {
        return "process:" + name;
    }

    @Override
    public List<ProcessHandle> processes() {
        Set<Long> excluded = new java.util.HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent();
                p = p.get().parent()) {
            excluded.add(p.get().pid());
        }
        return ProcessHandle.allProcesses()
                .filter(p -> !excluded.contains(p.pid()))
                .filter(ProcessController::alive)
                .filter(p -> {
                    try {
                        return matcher.test(p);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: the matcher failed on process {}: {}", id(), p.pid(), e.toString());
                        return false;
                    }
                })
                .sorted(Comparator.comparing((ProcessHandle p) -> p.info().startInstant()
                        .orElse(java.time.Instant.MAX)).thenComparingLong(ProcessHandle::pid))
                .toList();
    }

    @Override
    public boolean isRunning() {
        return !processes().isEmpty();
    }

    @Override
    public void stop(Duration timeout) {
        Durations.check("stop timeout", timeout, true);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> matches = processes();
        if (matches.isEmpty()) {
            LOG.info("{} is not running; nothing to stop", id());
            return;
        }
        Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
        for (ProcessHandle p : matches) {
            tree.put(p.pid(), p);
            p.descendants().forEach(d -> tree.putIfAbsent(d.pid(), d));
        }
        LOG.info("Stopping {}: asking {} to terminate (timeout {})", id(), pids(matches),
                Durations.display(timeout));
        boolean forceNow = false;
        for (ProcessHandle p : matches) {
            if (!p.supportsNormalTermination()) {
                LOG.warn("{}: process {} cannot be asked to terminate gracefully on this system; killing it", id(),
                        p.pid());
                forceNow = true;
            }
            if (!p.destroy() && p.isAlive()) {
                LOG.warn("{}: process {} could not be asked to terminate; killing it", id(), p.pid());
                forceNow = true;
            }
        }
        List<ProcessHandle> alive = forceNow ? alive(tree.values()) : waitForExit(tree.values(), deadline);
        if (!alive.isEmpty()) {
            for (ProcessHandle p : List.copyOf(alive)) {
                p.descendants().forEach(d -> tree.putIfAbsent(d.pid(), d));
            }
            alive = alive(tree.values());
            LOG.warn("{}: {} still running {} after being asked to terminate; killing it", id(), pids(alive),
                    Durations.display(timeout));
            alive.forEach(ProcessHandle::destroyForcibly);
            alive = waitForExit(alive, System.nanoTime() + KILL_WAIT.toNanos());
            if (!alive.isEmpty()) {
                throw new ServiceControlException(id(), id() + ": " + pids(alive) + " still running "
                        + Durations.display(KILL_WAIT) + " after being killed");
            }
        }
        List<ProcessHandle> again = processes();
        if (!again.isEmpty()) {
            throw new ServiceControlException(id(), id() + ": stopped " + pids(matches) + ", but " + pids(again)
                    + " now match; something (a supervisor?) started the service again");
        }
        LOG.info("{} stopped", id());
    }

    private List<ProcessHandle> waitForExit(java.util.Collection<ProcessHandle> processes, long deadline) {
        List<ProcessHandle> alive = alive(processes);
        while (!alive.isEmpty() && deadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_INTERVAL.toMillis(), (deadline - System.nanoTime())
                        / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceControlException(id(), id() + ": interrupted while waiting for " + pids(alive)
                        + " to exit", List.of(), null, e);
            }
            alive = alive(alive);
        }
        return alive;
    }

    private static List<ProcessHandle> alive(java.util.Collection<ProcessHandle> processes) {
        return processes.stream().filter(ProcessController::alive).toList();
    }

    /**
     * @param p a process
     * @return whether it is alive and, on Linux, not a zombie: a killed process whose parent (often init, for the
     *         orphaned children of a killed service) has not collected it yet holds no files and runs no code, but
     *         {@link ProcessHandle#isAlive()} says yes until it is collected
     */
    static boolean alive(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        try {
            String text = Files.readString(stat, java.nio.charset.StandardCharsets.ISO_8859_1);
            int end = text.lastIndexOf(')');
            return end < 0 || end + 2 >= text.length() || text.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return p.isAlive();
        }
    }

    private static String pids(List<ProcessHandle> processes) {
        return (processes.size() == 1 ? "process " : "processes ")
                + processes.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", "));
    }

    @Override
    public void start() {
        List<ProcessHandle> running = processes();
        if (!running.isEmpty()) {
            LOG.info("{} is already running ({}); nothing to start", id(), pids(running));
            return;
        }
        String line = CommandLines.display(startCommand);
        if (findExecutable(startCommand.get(0)).isEmpty()) {
            throw new ServiceControlException(id(), id() + ": could not run `" + line + "`: no executable file '"
                    + startCommand.get(0) + "'" + (startCommand.get(0).contains(File.separator) ? ""
                    : " on PATH"), startCommand, null, null);
        }
        List<String> argv = new ArrayList<>();
        Optional<Path> setsid = System.getProperty("os.name", "").startsWith("Linux") ? findExecutable("setsid")
                : Optional.empty();
        setsid.ifPresent(p -> argv.add(p.toString()));
        argv.addAll(startCommand);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.redirectOutput(startLog == null ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.appendTo(startLog.toFile()));
        if (startDirectory != null) {
            builder.directory(startDirectory.toFile());
        }
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new ServiceControlException(id(), id() + ": could not run `" + line + "`: " + e.getMessage(),
                    startCommand, null, e);
        }
        if (startLog == null) {
            LOG.info("Started {}: `{}` is process {}, its output discarded", id(), line, process.pid());
        } else {
            LOG.info("Started {}: `{}` is process {}, its output appended to {}", id(), line, process.pid(), startLog);
        }
        try {
            if (process.waitFor(START_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    && process.exitValue() != 0) {
                throw new ServiceControlException(id(), id() + ": `" + line + "` failed with exit code "
                        + process.exitValue() + "; " + logTail(), startCommand, process.exitValue(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        if (startLog == null) {
            return "its output was discarded (set a start log to keep it)";
        }
        try {
            String tail = CommandLines.tail(Files.readString(startLog, java.nio.charset.StandardCharsets.UTF_8),
                    CommandRunner.TAIL_LINES);
            return tail.isEmpty() ? "no output in " + startLog : "last output in " + startLog + ": " + tail;
        } catch (IOException | RuntimeException e) {
            return "its output is in " + startLog;
        }
    }

    /**
     * @param program a program name or path
     * @return the executable file it names: itself when it holds a separator (resolved against the start
     *         directory when relative), otherwise the first match on {@code PATH} (with {@code PATHEXT} endings on
     *         Windows)
     */
    private Optional<Path> findExecutable(String program) {
        if (program.contains("/") || program.contains(File.separator)) {
            Path path = Path.of(program);
            if (!path.isAbsolute() && startDirectory != null) {
                path = startDirectory.resolve(path);
            }
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = System.getenv("PATH");
        if (searchPath == null) {
            return Optional.empty();
        }
        List<String> endings = new ArrayList<>(List.of(""));
        if (CommandLines.isWindows()) {
            String pathext = System.getenv("PATHEXT");
            endings.addAll(List.of((pathext == null ? ".COM;.EXE;.BAT;.CMD" : pathext).split(";")));
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String ending : endings) {
                try {
                    Path candidate = Path.of(dir, program + ending);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    // not a usable PATH entry
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> version() {
        return VersionCommand.read(id(), versionCommand, commandTimeout);
    }

    @Override
    public ProcessServiceController withStartLog(Path logFile) {
        if (logFile == null) {
            throw new InvalidPlanException(List.of(id() + ": start log must not be null"));
        }
        return new ProcessController(name, byCommandLine, matcher, startCommand, logFile, startDirectory,
                versionCommand, commandTimeout);
    }

    @Override
    public ProcessServiceController withStartDirectory(Path directory) {
        if (directory == null) {
            throw new InvalidPlanException(List.of(id() + ": start directory must not be null"));
        }
        return new ProcessController(name, byCommandLine, matcher, startCommand, startLog, directory, versionCommand,
                commandTimeout);
    }

    @Override
    public ProcessServiceController withVersionCommand(String commandLine) {
        return new ProcessController(name, byCommandLine, matcher, startCommand, startLog, startDirectory,
                VersionCommand.parse(commandLine), commandTimeout);
    }

    @Override
    public ProcessServiceController withVersionCommand(List<String> command) {
        return new ProcessController(name, byCommandLine, matcher, startCommand, startLog, startDirectory,
                VersionCommand.check(command), commandTimeout);
    }

    @Override
    public ProcessServiceController withCommandTimeout(Duration timeout) {
        return new ProcessController(name, byCommandLine, matcher, startCommand, startLog, startDirectory,
                versionCommand, Durations.check("command timeout", timeout, false));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ServiceControllers.process(")
                .append(AbstractCommandController.quote(name)).append(byCommandLine ? "" : ", <predicate>");
        startCommand.forEach(a -> text.append(", ").append(AbstractCommandController.quote(a)));
        text.append(')');
        if (startLog != null) {
            text.append(".withStartLog(").append(startLog).append(')');
        }
        if (startDirectory != null) {
            text.append(".withStartDirectory(").append(startDirectory).append(')');
        }
        if (versionCommand != null) {
            text.append(".withVersionCommand(\"").append(CommandLines.display(versionCommand)).append("\")");
        }
        if (!commandTimeout.equals(ProcessServiceController.DEFAULT_COMMAND_TIMEOUT)) {
            text.append(".withCommandTimeout(").append(Durations.display(commandTimeout)).append(')');
        }
        return text.toString();
    }
}
