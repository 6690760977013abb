package io.backupkit.notify.webhook;

import io.backupkit.BackupException;

import java.util.OptionalInt;

/**
 * A webhook did not take a notification: it answered with an HTTP error, or could not be reached in time. The
 * message names the endpoint as {@code scheme://host[:port]/…}, the number of attempts, and the HTTP status with the
 * first 200 characters of the answer or the I/O failure; it never holds the full URL or a header value.
 *
 * <pre>{@code
 * try {
 *     notifier.send(notification);
 * } catch (WebhookException e) {
 *     log.warn("{}", e.getMessage());   // e.g. webhook https://discord.com/… (discord) answered HTTP 404 ...
 *     e.status().ifPresent(s -> ...);
 * }
 * }</pre>
 */
public final class WebhookException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final int status;

    WebhookException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * @return the HTTP status of the last answer, or empty when the last attempt got none (timeout, refused
     *         connection, ...)
     */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
