/**
 * API: the webhook notifier ({@link io.backupkit.notify.webhook.WebhookNotifier}), one HTTP POST per run as JSON, a
 * Discord or Slack message or an ntfy push, through {@code java.net.http}. Package-private classes build the
 * payloads and hide secrets; they are no promise.
 *
 * <pre>{@code
 * Notifier slack = Notifiers.webhook(System.getenv("SLACK_WEBHOOK_URL"))
 *         .format(WebhookNotifier.Format.SLACK)
 *         .build();
 * }</pre>
 */
package io.backupkit.notify.webhook;
