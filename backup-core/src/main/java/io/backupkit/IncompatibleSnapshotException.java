package io.backupkit;

/**
 * A snapshot was written in a newer format than this library reads. The message names both format versions. Every
 * older format stays readable.
 *
 * <pre>{@code
 * plan.restore(RestoreRequest.latest());   // throws when the snapshot's manifest has formatVersion 2 and we read 1
 * }</pre>
 */
public class IncompatibleSnapshotException extends BackupException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the snapshot and both format versions
     */
    public IncompatibleSnapshotException(String message) {
        super(message);
    }
}
