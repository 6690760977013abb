package io.backupkit;

/**
 * A restore was refused because the snapshot was taken from another version of the application than the one
 * running, under the plan's {@link VersionCheck}. Nothing was stopped or written. Upgrade the application first, or
 * restore with {@link VersionCheck#IGNORE} (CLI {@code --ignore-version}) when the data is known to be compatible.
 *
 * <pre>{@code
 * try {
 *     plan.restore(RestoreRequest.latest());
 * } catch (AppVersionMismatchException e) {
 *     System.err.println(e.snapshotVersion() + " vs " + e.runningVersion());
 * }
 * }</pre>
 */
public class AppVersionMismatchException extends IncompatibleSnapshotException {

    private static final long serialVersionUID = 1L;

    private final String snapshotVersion;
    private final String runningVersion;

    /**
     * @param message names the snapshot, both versions and the check
     * @param snapshotVersion the version recorded in the snapshot
     * @param runningVersion the version of the application running now
     */
    public AppVersionMismatchException(String message, String snapshotVersion, String runningVersion) {
        super(message);
        this.snapshotVersion = snapshotVersion;
        this.runningVersion = runningVersion;
    }

    /** @return the version recorded in the snapshot */
    public String snapshotVersion() {
        return snapshotVersion;
    }

    /** @return the version of the application running now */
    public String runningVersion() {
        return runningVersion;
    }
}
