package io.backupkit.notify;

import io.backupkit.InvalidPlanException;
import io.backupkit.notify.webhook.WebhookNotifier;

import java.net.URI;
import java.util.List;

/**
 * The built-in notifiers. Each factory returns a builder; {@code build()} checks every setting at once and returns
 * an immutable, thread-safe {@link io.backupkit.spi.Notifier}.
 *
 * <pre>{@code
 * Notifier discord = Notifiers.webhook("https://discord.com/api/webhooks/123/abc")
 *         .format(WebhookNotifier.Format.DISCORD)
 *         .build();
 * Notifier ntfy = Notifiers.webhook("https://ntfy.sh/my-backups")
 *         .format(WebhookNotifier.Format.NTFY)
 *         .bearerTokenFromEnv("NTFY_TOKEN")
 *         .build();
 * BackupPlan.builder()...notify(discord, NotifyWhen.ON_ERROR, AttachLog.NEVER).build();
 * }</pre>
 */
public final class Notifiers {

    private Notifiers() {
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
