/**
 * API: the built-in notifiers, created through {@link io.backupkit.notify.Notifiers}. The implementations live in
 * one package per kind ({@code io.backupkit.notify.webhook}).
 *
 * <pre>{@code
 * Notifier n = Notifiers.webhook("https://ntfy.sh/my-backups").format(WebhookNotifier.Format.NTFY).build();
 * }</pre>
 */
package io.backupkit.notify;
