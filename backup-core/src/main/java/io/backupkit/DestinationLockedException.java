package io.backupkit;

/**
 * Another run holds the destination's lock ({@code .backupkit.lock}). The message names the holder: process id,
 * host, start time and operation. A lock left by a run that was killed is detected and taken over, so this is only
 * thrown while the holder is alive.
 *
 * <pre>{@code
 * try {
 *     plan.backup();
 * } catch (DestinationLockedException e) {
 *     // another backup or restore is running on this destination: try again later
 * }
 * }</pre>
 */
public class DestinationLockedException extends BackupException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the destination and the holder of its lock
     */
    public DestinationLockedException(String message) {
        super(message);
    }
}
