package io.backupkit;

/**
 * No provider (archiver, service controller, retention policy, notifier) with the asked id was found. The message
 * lists the ids that are available and the module that adds the missing one.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("7z");   // without backup-archivers on the class path: lists "zip"
 * }</pre>
 */
public class UnknownProviderException extends BackupException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the id asked for and lists the available ones
     */
    public UnknownProviderException(String message) {
        super(message);
    }
}
