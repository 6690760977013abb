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
 * A run's own log, written into the snapshot ({@code backup.log}) whatever SLF4J binding the host uses, and passed
 * on to SLF4J as well. Collects the run's warnings for its result.
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
    private final List<String> steps = new ArrayList<>();
    private BufferedWriter writer;

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
        for (String line : buffered) {
            writer.write(line);
            writer.newLine();
        }
        buffered.clear();
        writer.flush();
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
        if (writer == null) {
            buffered.add(text);
            return;
        }
        try {
            writer.write(text);
            writer.newLine();
            writer.flush();
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
    }
}
