package io.backupkit;

/**
 * The root of every exception BackupKit throws. Unchecked; the message names the path, snapshot id, unit or
 * provider at fault, and an underlying {@link java.io.IOException} is kept as the cause.
 *
 * <pre>{@code
 * try {
 *     plan.backup();
 * } catch (BackupException e) {
 *     log.error("backup failed: {}", e.getMessage(), e);
 * }
 * }</pre>
 */
public class BackupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the path, id or provider at fault
     */
    public BackupException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the path, id or provider at fault
     * @param cause the underlying failure, usually an {@link java.io.IOException}
     */
    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
