package io.backupkit.examples.userdata;

import io.backupkit.BackupException;

import java.nio.file.Path;

/**
 * The running server's database stayed locked by another connection (usually the server itself, writing) for
 * longer than the busy timeout. Nothing was changed: stop the server, or try again.
 *
 * <pre>{@code
 * try { copy.run(); } catch (DatabaseBusyException e) { System.err.println(e.database() + " is busy"); }
 * }</pre>
 */
public class DatabaseBusyException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final transient Path database;

    /**
     * @param database the database that was busy
     * @param message  what was being done and what to do
     * @param cause    SQLite's error
     */
    public DatabaseBusyException(Path database, String message, Throwable cause) {
        super(message, cause);
        this.database = database;
    }

    /** @return the database that was busy */
    public Path database() {
        return database;
    }
}
