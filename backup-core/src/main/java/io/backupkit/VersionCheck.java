package io.backupkit;

/**
 * How a restore compares the application version recorded in a snapshot with the version of the application
 * running now (read from the plan's service controllers). When either version is unknown the check is skipped and
 * the run log says so.
 *
 * <pre>{@code
 * BackupPlan.builder()...service(ServiceControllers.systemd("jellyfin")).versionCheck(VersionCheck.EXACT).build();
 * }</pre>
 */
public enum VersionCheck {

    /** The versions must be equal (PlexBackup's rule). */
    EXACT,

    /**
     * The backup must not come from a newer version than the one running (Jellyfin's rule): an app reads the data
     * of its older versions, rarely that of newer ones. The default.
     */
    NOT_NEWER,

    /** No check (PlexBackup's {@code NoVersion}). */
    IGNORE
}
