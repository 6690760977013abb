/**
 * API: BackupKit's notifiers. {@link io.backupkit.notify.Notifiers} makes them, {@link io.backupkit.notify.Secret}
 * holds their passwords and tokens; the implementations live in one package per kind
 * ({@code io.backupkit.notify.email}, {@code io.backupkit.notify.webhook}).
 *
 * <pre>{@code
 * Notifier mail = Notifiers.email().host("smtp.gmail.com").username("me@gmail.com")
 *         .password(Secret.fromEnv("SMTP_PASSWORD")).build();
 * Notifier n = Notifiers.webhook("https://ntfy.sh/my-backups").format(WebhookNotifier.Format.NTFY).build();
 * }</pre>
 *
 * <p>Everything in this package is a stable promise (API).
 */
package io.backupkit.notify;
