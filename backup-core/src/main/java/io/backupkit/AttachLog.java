package io.backupkit;

/**
 * When a notifier attaches the run's log (PlexBackup's {@code SendLogFile} values).
 *
 * <pre>{@code
 * builder.notify(notifier, NotifyWhen.ALWAYS, AttachLog.ON_ERROR);
 * }</pre>
 */
public enum AttachLog {
    /** Never. */
    NEVER,
    /** When the run failed. */
    ON_ERROR,
    /** When the run succeeded. */
    ON_SUCCESS,
    /** Always. */
    ALWAYS;

    /**
     * @param report a finished run
     * @return whether its log goes with the notice
     */
    public boolean matches(RunReport report) {
        return switch (this) {
            case NEVER -> false;
            case ON_ERROR -> !report.success();
            case ON_SUCCESS -> report.success();
            case ALWAYS -> true;
        };
    }
}
