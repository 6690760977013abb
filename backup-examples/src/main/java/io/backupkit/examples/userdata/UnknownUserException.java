package io.backupkit.examples.userdata;

import io.backupkit.BackupException;

import java.util.List;

/**
 * A user name of a mapping that the backup or the running server does not have. Nothing was changed.
 *
 * <pre>{@code
 * try { copy.run(); } catch (UnknownUserException e) { e.unknown(); e.knownInBackup(); e.knownOnServer(); }
 * }</pre>
 */
public class UnknownUserException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final List<String> unknown;
    private final List<String> knownInBackup;
    private final List<String> knownOnServer;

    /**
     * @param message       names every unknown user and the users that exist
     * @param unknown       the names not found
     * @param knownInBackup the backup's user names
     * @param knownOnServer the server's user names, or empty when it was not asked
     */
    public UnknownUserException(String message, List<String> unknown, List<String> knownInBackup,
                                List<String> knownOnServer) {
        super(message);
        this.unknown = List.copyOf(unknown);
        this.knownInBackup = List.copyOf(knownInBackup);
        this.knownOnServer = List.copyOf(knownOnServer);
    }

    /** @return the user names not found */
    public List<String> unknown() {
        return unknown;
    }

    /** @return the user names of the backup */
    public List<String> knownInBackup() {
        return knownInBackup;
    }

    /** @return the user names of the running server (empty when only the backup was asked) */
    public List<String> knownOnServer() {
        return knownOnServer;
    }
}
