package io.backupkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's own log, written into the snapshot ({@code backup.log}) or the destination's {@code .backupkit-logs/}
 * whatever SLF4J binding the host uses, and passed on to SLF4J as well; warnings and errors also go to an error-only
 * log beside it ({@code backup-errors.log}, made at the first such line: PlexBackup's {@code ErrorLog}). Collects
 * the run's warnings for its result.
 *
 * <pre>{@code
 * try (RunLog log = RunLog.create(LoggerFactory.getLogger(...))) {
 *     log.info("Unit {} written", name);
 * }
 * }</pre>
 */
public final class RunLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.backupkit.run");

    private final List<String> warnings = new ArrayList<>();
    private final List<String> buffered = new ArrayList<>();
    private final List<String> bufferedErrors = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();
    private BufferedWriter writer;
    private BufferedWriter errorWriter;
    private Path file;
    private Path errorFile;

    /** Starts a log that buffers lines until {@link #attach(Path)} gives it a file. */
    public RunLog() {
    }

    /**
     * Sends every line so far, and every later one, to {@code file} (appending).
     *
     * @param file the log file
     * @throws IOException if it cannot be opened
     */
    public synchronized void attach(Path file) throws IOException {
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.file = file;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.errorFile = file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-errors"
                + (dot > 0 ? name.substring(dot) : ".log"));
        for (String line : buffered) {
            writer.write(line);
            writer.newLine();
        }
        buffered.clear();
        writer.flush();
        for (String line : bufferedErrors) {
            writeError(line);
        }
        bufferedErrors.clear();
    }

    /**
     * Gives a log that has no file yet (a restore, a verify, a run that failed before its snapshot existed) one in
     * {@code dir}, so that it can be read and attached to a notice; keeps the newest {@value #KEEP_LOGS} there.
     *
     * @param dir the folder, created when missing
     * @param name the file name, e.g. {@code 20261122T035800Z-restore.log}
     * @return the log file, or {@code null} when the log already has one or the folder cannot be written
     */
    public synchronized Path spill(Path dir, String name) {
        if (file != null) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            attach(dir.resolve(name));
            pruneLogs(dir);
            return file;
        } catch (IOException e) {
            LOG.debug("Cannot write the run log into {}", dir, e);
            return null;
        }
    }

    /** How many spilled logs a folder keeps. */
    public static final int KEEP_LOGS = 50;

    private static void pruneLogs(Path dir) {
        try (var s = Files.list(dir)) {
            List<Path> logs = s.filter(p -> p.getFileName().toString().endsWith(".log")
                    && !p.getFileName().toString().endsWith("-errors.log")).sorted().toList();
            for (int i = 0; i < logs.size() - KEEP_LOGS; i++) {
                Path old = logs.get(i);
                String n = old.getFileName().toString();
                Files.deleteIfExists(old);
                Files.deleteIfExists(old.resolveSibling(n.substring(0, n.length() - 4) + "-errors.log"));
            }
        } catch (IOException e) {
            LOG.debug("Cannot prune the run logs in {}", dir, e);
        }
    }

    /** @return the log file, or {@code null} while the log has none */
    public synchronized Path path() {
        return file;
    }

    /** @return the error-only log, or {@code null} when no warning or error was written to a file */
    public synchronized Path errorPath() {
        return errorFile != null && Files.exists(errorFile) ? errorFile : null;
    }

    private void writeError(String line) throws IOException {
        if (errorWriter == null) {
            errorWriter = Files.newBufferedWriter(errorFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        errorWriter.write(line);
        errorWriter.newLine();
        errorWriter.flush();
    }

    /**
     * @param format SLF4J-style message with {@code {}} placeholders
     * @param args the values
     */
    public void info(String format, Object... args) {
        LOG.info(format, args);
        line("INFO ", format, args);
    }

    /**
     * Logs a warning and keeps it for the run's result.
     *
     * @param message the warning
     */
    public void warn(String message) {
        LOG.warn("{}", message);
        synchronized (this) {
            warnings.add(message);
        }
        line("WARN ", "{}", message);
    }

    /**
     * @param message what failed
     * @param cause why, or {@code null}
     */
    public void error(String message, Throwable cause) {
        // the caller throws the failure on; SLF4J gets it at debug level only, so hosts do not see it twice
        LOG.debug("{}", message, cause);
        line("ERROR", "{}", cause == null ? message : message + " (" + cause + ")");
    }

    /**
     * Logs a step a dry run would take and keeps it for the run's result.
     *
     * @param format SLF4J-style message with {@code {}} placeholders
     * @param args the values
     */
    public void step(String format, Object... args) {
        String text = org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage();
        LOG.info("[dry run] {}", text);
        synchronized (this) {
            steps.add(text);
        }
        line("INFO ", "[dry run] {}", text);
    }

    /**
     * @return the dry-run steps so far
     */
    public synchronized List<String> steps() {
        return List.copyOf(steps);
    }

    /**
     * @return the warnings so far
     */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    private synchronized void line(String level, String format, Object... args) {
        String text = Instant.now() + " " + level + " " + org.slf4j.helpers.MessageFormatter
                .arrayFormat(format, args).getMessage();
        boolean error = !level.startsWith("INFO");
        if (writer == null) {
            buffered.add(text);
            if (error) {
                bufferedErrors.add(text);
            }
            return;
        }
        try {
            writer.write(text);
            writer.newLine();
            writer.flush();
            if (error) {
                writeError(text);
            }
        } catch (IOException e) {
            LOG.debug("Cannot write to the run log", e);
        }
    }

    /**
     * Flushes and closes the file; later lines go only to SLF4J.
     */
    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.debug("Cannot close the run log", e);
            }
            writer = null;
        }
        if (errorWriter != null) {
            try {
                errorWriter.close();
            } catch (IOException e) {
                LOG.debug("Cannot close the error log", e);
            }
            errorWriter = null;
        }
    }
}
