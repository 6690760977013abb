/**
 * BackupKit's notifiers: {@link io.backupkit.notify.Notifiers} makes them, {@link io.backupkit.notify.Secret} holds
 * their passwords and tokens.
 *
 * <pre>{@code
 * Notifier mail = Notifiers.email().host("smtp.gmail.com").username("me@gmail.com")
 *         .password(Secret.fromEnv("SMTP_PASSWORD")).build();
 * }</pre>
 *
 * <p>Everything in this package is a stable promise (API).
 */
package io.backupkit.notify;
