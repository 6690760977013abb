package io.backupkit;

/**
 * No snapshot with the asked id (or no complete snapshot at all, or nothing to resume) exists in the destination.
 *
 * <pre>{@code
 * plan.restore(RestoreRequest.of("20261122T035800Z"));   // throws when that id is not in the destination
 * }</pre>
 */
public class SnapshotNotFoundException extends BackupException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the id and the destination, and lists what is there
     */
    public SnapshotNotFoundException(String message) {
        super(message);
    }
}
