package io.backupkit;

/**
 * When a notifier is told about a run (PlexBackup's {@code SendMail} values).
 *
 * <pre>{@code
 * builder.notify(Notifiers.email()...build(), NotifyWhen.ON_ERROR, AttachLog.ON_ERROR);
 * }</pre>
 */
public enum NotifyWhen {
    /** Never. */
    NEVER,
    /** After every run. */
    ALWAYS,
    /** After every failed run. */
    ON_ERROR,
    /** After every successful run. */
    ON_SUCCESS,
    /** After every backup or resume. */
    ON_BACKUP,
    /** After every failed backup or resume. */
    ON_BACKUP_ERROR,
    /** After every successful backup or resume. */
    ON_BACKUP_SUCCESS,
    /** After every restore. */
    ON_RESTORE,
    /** After every failed restore. */
    ON_RESTORE_ERROR,
    /** After every successful restore. */
    ON_RESTORE_SUCCESS;

    /**
     * @param report a finished run
     * @return whether a notifier with this condition is told about it
     */
    public boolean matches(RunReport report) {
        boolean backup = report.operation() == Operation.BACKUP || report.operation() == Operation.RESUME;
        boolean restore = report.operation() == Operation.RESTORE;
        boolean ok = report.success();
        return switch (this) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_ERROR -> !ok;
            case ON_SUCCESS -> ok;
            case ON_BACKUP -> backup;
            case ON_BACKUP_ERROR -> backup && !ok;
            case ON_BACKUP_SUCCESS -> backup && ok;
            case ON_RESTORE -> restore;
            case ON_RESTORE_ERROR -> restore && !ok;
            case ON_RESTORE_SUCCESS -> restore && ok;
        };
    }
}
