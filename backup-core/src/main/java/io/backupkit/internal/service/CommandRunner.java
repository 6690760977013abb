package io.backupkit.internal.service;

import io.backupkit.ServiceControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command with a timeout. Its standard output and error go to temporary files (deleted
 * afterwards), so a chatty command never blocks on a full pipe and no reader threads are needed; its standard input
 * is closed at once, so a command that asks a question gets end-of-file instead of hanging. A command that outlives
 * its timeout is killed together with its child processes.
 *
 * <pre>{@code
 * CommandRunner.Result r = CommandRunner.run("systemd:plex", List.of("systemctl", "is-active", "plex"),
 *         Duration.ofSeconds(30));
 * }</pre>
 */
public final class CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    /** How many lines of a failed command's output its error message quotes, for each of stderr and stdout. */
    static final int TAIL_LINES = 5;

    private static final long MAX_OUTPUT_BYTES = 1 << 20;

    private CommandRunner() {
    }

    /**
     * What a command did.
     *
     * @param command the argument vector
     * @param exitCode its exit code
     * @param stdout its standard output (the first MiB)
     * @param stderr its standard error (the first MiB)
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /**
         * @return the last lines of stderr and stdout, labelled, or {@code "no output"}
         */
        public String outputTail() {
            return CommandRunner.outputTail(stdout, stderr);
        }
    }

    /**
     * Runs a command and returns whatever exit code it had.
     *
     * @param controllerId the controller's id, for messages
     * @param command the argument vector; the program is looked up on {@code PATH} unless it is a path
     * @param timeout how long it may run
     * @return what it did
     * @throws ServiceControlException if it cannot be started, times out (it is then killed) or the wait is
     *         interrupted
     */
    public static Result run(String controllerId, List<String> command, Duration timeout) {
        String line = CommandLines.display(command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("backupkit-cmd-", ".out");
            err = Files.createTempFile("backupkit-cmd-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            LOG.debug("{}: running {} (timeout {})", controllerId, line, Durations.display(timeout));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new ServiceControlException(controllerId, controllerId + ": could not run `" + line + "`: "
                        + e.getMessage(), command, null, e);
            }
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killTree(process.toHandle());
                Thread.currentThread().interrupt();
                throw new ServiceControlException(controllerId, controllerId + ": interrupted while `" + line
                        + "` was running; it was killed", command, null, e);
            }
            if (!finished) {
                killTree(process.toHandle());
                throw new ServiceControlException(controllerId, controllerId + ": `" + line
                        + "` did not finish within " + Durations.display(timeout) + " and was killed; "
                        + outputTail(read(out), read(err)), command, null, null);
            }
            Result result = new Result(command, process.exitValue(), read(out), read(err));
            LOG.debug("{}: {} exited with {}", controllerId, line, result.exitCode());
            return result;
        } catch (IOException e) {
            throw new ServiceControlException(controllerId, controllerId + ": could not run `" + line + "`: "
                    + e.getMessage(), command, null, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Runs a command that must exit with 0.
     *
     * @param controllerId the controller's id, for messages
     * @param command the argument vector
     * @param timeout how long it may run
     * @return what it did
     * @throws ServiceControlException if it cannot be started, times out, or exits with another code
     */
    public static Result runChecked(String controllerId, List<String> command, Duration timeout) {
        Result result = run(controllerId, command, timeout);
        if (result.exitCode() != 0) {
            throw failed(controllerId, result, null);
        }
        return result;
    }

    /**
     * @param controllerId the controller's id
     * @param result the command that failed
     * @param what what its exit code means, or {@code null}
     * @return the exception naming the controller, command line, exit code and last output
     */
    public static ServiceControlException failed(String controllerId, Result result, String what) {
        return new ServiceControlException(controllerId, controllerId + ": `" + CommandLines.display(result.command())
                + "` failed with exit code " + result.exitCode() + (what == null ? "" : " (" + what + ")") + "; "
                + result.outputTail(), result.command(), result.exitCode(), null);
    }

    static String outputTail(String stdout, String stderr) {
        String errTail = CommandLines.tail(stderr, TAIL_LINES);
        String outTail = CommandLines.tail(stdout, TAIL_LINES);
        if (errTail.isEmpty() && outTail.isEmpty()) {
            return "no output";
        }
        StringBuilder text = new StringBuilder();
        if (!errTail.isEmpty()) {
            text.append("stderr: ").append(errTail);
        }
        if (!outTail.isEmpty()) {
            text.append(text.length() == 0 ? "" : "; ").append("stdout: ").append(outTail);
        }
        return text.toString();
    }

    /**
     * Kills a process and every descendant it has now, forcibly, and waits a moment for it to go.
     *
     * @param root the process
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            root.onExit().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Process {} did not exit within 2s of being killed", root.pid());
        }
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_OUTPUT_BYTES);
            return new String(bytes, nativeCharset());
        } catch (IOException e) {
            return "";
        }
    }

    private static Charset nativeCharset() {
        String name = System.getProperty("native.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("Could not delete temporary file {}: {}", file, e.getMessage());
            }
        }
    }
}
