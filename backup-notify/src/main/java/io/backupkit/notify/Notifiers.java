package io.backupkit.notify;

import io.backupkit.notify.email.EmailNotifier;

/**
 * The built-in notifiers, to pass to {@code BackupPlan.Builder.notify(...)}. Every one is immutable and thread-safe,
 * bounds its own time and never shows a password.
 *
 * <pre>{@code
 * Notifier mail = Notifiers.email()
 *         .host("smtp.gmail.com")                     // port 587, STARTTLS required
 *         .username("me@gmail.com")                   // also the sender and the recipient
 *         .password(Secret.fromEnv("SMTP_PASSWORD"))  // a Gmail app password
 *         .build();
 * BackupPlan.builder()...notify(mail, NotifyWhen.ALWAYS, AttachLog.ON_ERROR).build();
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
}
