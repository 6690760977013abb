/**
 * The email notifier: {@link io.backupkit.notify.email.EmailNotifier}, made by
 * {@link io.backupkit.notify.Notifiers#email()}, sends the run report through an SMTP server with Jakarta Mail
 * (Angus).
 *
 * <pre>{@code
 * EmailNotifier relay = Notifiers.email().host("localhost").security(Security.NONE).from("plex@nas.lan")
 *         .to("me@example.com").build();                  // port 25, no TLS, no login
 * }</pre>
 *
 * <p>Everything in this package is a stable promise (API).
 */
package io.backupkit.notify.email;
