package io.backupkit.notify.email;

import io.backupkit.BackupException;

/**
 * An email could not be sent. The message names the server ({@code host:port}), the security mode and what failed;
 * {@link #stage()} tells it to code; the Jakarta Mail or I/O failure is the cause. Never holds the password.
 *
 * <pre>{@code
 * try {
 *     notifier.send(notification);
 * } catch (EmailException e) {
 *     if (e.stage() == EmailException.Stage.AUTHENTICATION) { ... ask for a new app password ... }
 * }
 * }</pre>
 */
public class EmailException extends BackupException {

    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Stage {
        /** The password could not be read (environment variable not set, file missing). */
        PASSWORD,
        /** No connection: refused, unknown host, or no answer within the timeouts. */
        CONNECT,
        /** The server does not offer STARTTLS although it is required. */
        STARTTLS,
        /** The TLS handshake failed: an untrusted certificate or a name that does not match the host. */
        TLS,
        /** The server refused the username and password. */
        AUTHENTICATION,
        /** The server refused the sender address. */
        SENDER,
        /** The server refused one or more recipients. */
        RECIPIENT,
        /** The message could not be built or the server refused it. */
        SEND
    }

    private final Stage stage;

    /**
     * @param stage what failed
     * @param message names the server, the security mode and what failed; never the password
     * @param cause the underlying failure
     */
    public EmailException(Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    /**
     * @return what failed
     */
    public Stage stage() {
        return stage;
    }
}
