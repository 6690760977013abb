package io.backupkit.notify;

import io.backupkit.InvalidPlanException;
import io.backupkit.notify.email.EmailNotifier;
import io.backupkit.notify.webhook.WebhookNotifier;

import java.net.URI;
import java.util.List;

/**
 * The built-in notifiers, to pass to {@code BackupPlan.Builder.notify(...)}. Each factory returns a builder;
 * {@code build()} checks every setting at once and returns an immutable, thread-safe {@link io.backupkit.spi.Notifier}
 * that bounds its own time and never shows a password, token or secret URL.
 *
 * <pre>{@code
 * Notifier mail = Notifiers.email()
 *         .host("smtp.gmail.com")                     // port 587, STARTTLS required
 *         .username("me@gmail.com")                   // also the sender and the recipient
 *         .password(Secret.fromEnv("SMTP_PASSWORD"))  // a Gmail app password
 *         .build();
 * Notifier ntfy = Notifiers.webhook("https://ntfy.sh/my-backups")
 *         .format(WebhookNotifier.Format.NTFY)
 *         .build();
 * BackupPlan.builder()...notify(mail, NotifyWhen.ALWAYS, AttachLog.ON_ERROR)
 *         .notify(ntfy, NotifyWhen.ON_ERROR, AttachLog.NEVER).build();
 * }</pre>
 */
public final class Notifiers {

    private Notifiers() {
    }

    /**
     * An email through an SMTP server (Jakarta Mail): subject {@code "[BackupKit] "} plus the report's summary, a
     * plain-text and HTML body with the facts of the run, the run log attached when the plan asks for it. See
     * {@link EmailNotifier.Builder} for every option and its default.
     *
     * @return a new builder; {@code host} is required, and {@code from} and {@code to} unless a username is given
     */
    public static EmailNotifier.Builder email() {
        return EmailNotifier.builder();
    }

    /**
     * A webhook: one HTTP POST per notification, as JSON (the default), a Discord or Slack message or an ntfy push.
     * The URL is never shown in full (it often is the secret): messages, logs and {@code toString()} show only
     * {@code scheme://host[:port]/…}.
     *
     * @param uri the webhook URL, e.g. {@code "https://ntfy.sh/my-backups"}; checked by
     *            {@link WebhookNotifier.Builder#build()}
     * @return a builder with format JSON, no extra headers, connect timeout 10 s, request timeout 30 s, 2 retries
     *         2 s apart
     * @throws InvalidPlanException if {@code uri} is null
     */
    public static WebhookNotifier.Builder webhook(String uri) {
        if (uri == null) {
            throw new InvalidPlanException(List.of("webhook URI must not be null"));
        }
        return WebhookNotifier.builder(uri);
    }

    /**
     * A webhook; see {@link #webhook(String)}.
     *
     * @param uri the webhook URL; checked by {@link WebhookNotifier.Builder#build()}
     * @return a builder with format JSON, no extra headers, connect timeout 10 s, request timeout 30 s, 2 retries
     *         2 s apart
     * @throws InvalidPlanException if {@code uri} is null
     */
    public static WebhookNotifier.Builder webhook(URI uri) {
        if (uri == null) {
            throw new InvalidPlanException(List.of("webhook URI must not be null"));
        }
        return WebhookNotifier.builder(uri);
    }
}
