package io.backupkit.examples.cli;

import io.backupkit.AttachLog;
import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.NotifyWhen;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.Secret;
import io.backupkit.notify.email.EmailNotifier;
import io.backupkit.notify.email.Security;
import io.backupkit.notify.webhook.WebhookNotifier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The notification options of {@code backup}, {@code resume}, {@code schedule} and {@code restore}: email through an
 * SMTP server and webhooks (JSON, Discord, Slack, ntfy), each told when {@code --notify-when} matches, with the run
 * log attached when {@code --attach-log} matches. Passwords and tokens come from environment variables or files,
 * never from the command line (which other users of the machine can read).
 *
 * <pre>{@code
 * $ SMTP_PASSWORD=... backupkit backup ... --notify-email me@gmail.com --smtp-host smtp.gmail.com \
 *       --smtp-user me@gmail.com --smtp-password-env SMTP_PASSWORD --notify-when on-error
 * }</pre>
 */
final class NotifyOptions {

    @Option(names = "--notify-email", paramLabel = "ADDRESS",
            description = "Send a notice to this address (repeatable). Needs --smtp-host.")
    List<String> emailTo = new ArrayList<>();

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "The SMTP server, e.g. smtp.gmail.com.")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "N",
            description = "The SMTP port (default 25 with none, 587 with starttls, 465 with ssl).")
    Integer smtpPort;

    @Option(names = "--smtp-security", paramLabel = "MODE",
            description = "none, starttls (default: required, never a silent downgrade) or ssl.")
    String smtpSecurity;

    @Option(names = "--smtp-user", paramLabel = "USER",
            description = "Log in as USER (default: anonymous); also the default sender.")
    String smtpUser;

    @Option(names = "--smtp-password-env", paramLabel = "VAR",
            description = "The environment variable holding the SMTP password (a Gmail app password, say).")
    String smtpPasswordEnv;

    @Option(names = "--smtp-password-file", paramLabel = "FILE", description = "A file holding the SMTP password.")
    Path smtpPasswordFile;

    @Option(names = "--mail-from", paramLabel = "ADDRESS", description = "The sender (default: --smtp-user).")
    String mailFrom;

    @Option(names = "--notify-webhook", paramLabel = "URL",
            description = "POST a notice to this URL (repeatable): a Discord or Slack webhook, an ntfy topic, any "
                    + "JSON endpoint.")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--webhook-format", paramLabel = "FORMAT",
            description = "json (default: the whole report), discord, slack or ntfy.")
    String webhookFormat;

    @Option(names = "--webhook-token-env", paramLabel = "VAR",
            description = "The environment variable holding a bearer token for the webhooks (ntfy access tokens).")
    String webhookTokenEnv;

    @Option(names = "--notify-when", paramLabel = "CONDITION",
            description = "never, always (default), on-error, on-success, on-backup, on-backup-error, "
                    + "on-backup-success, on-restore, on-restore-error, on-restore-success.")
    String notifyWhen;

    @Option(names = "--attach-log", paramLabel = "CONDITION",
            description = "When the run log goes with an email: never, on-error (default), on-success, always.")
    String attachLog;

    /**
     * @param b the plan builder to add the notifiers to
     * @param spec the command, for usage errors
     * @throws ParameterException when the options do not fit together or a value is bad
     */
    void apply(BackupPlan.Builder b, CommandSpec spec) {
        NotifyWhen when = parse(spec, "--notify-when", notifyWhen, NotifyWhen.class, NotifyWhen.ALWAYS);
        AttachLog attach = parse(spec, "--attach-log", attachLog, AttachLog.class, AttachLog.ON_ERROR);
        boolean smtpGiven = smtpHost != null || smtpPort != null || smtpSecurity != null || smtpUser != null
                || smtpPasswordEnv != null || smtpPasswordFile != null || mailFrom != null;
        if (emailTo.isEmpty() && smtpGiven) {
            throw new ParameterException(spec.commandLine(), "the --smtp-* and --mail-from options need "
                    + "--notify-email ADDRESS");
        }
        if (webhooks.isEmpty() && (webhookFormat != null || webhookTokenEnv != null)) {
            throw new ParameterException(spec.commandLine(), "--webhook-format and --webhook-token-env need "
                    + "--notify-webhook URL");
        }
        try {
            if (!emailTo.isEmpty()) {
                b.notify(email(spec), when, attach);
            }
            for (String url : webhooks) {
                WebhookNotifier.Builder w = Notifiers.webhook(url);
                if (webhookFormat != null) {
                    w.format(WebhookNotifier.Format.parse(webhookFormat));
                }
                if (webhookTokenEnv != null) {
                    w.bearerTokenFromEnv(webhookTokenEnv);
                }
                b.notify(w.build(), when, AttachLog.NEVER);
            }
        } catch (InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        } catch (BackupException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private EmailNotifier email(CommandSpec spec) {
        if (smtpHost == null) {
            throw new ParameterException(spec.commandLine(), "--notify-email needs --smtp-host HOST (e.g. "
                    + "smtp.gmail.com, or localhost for a local relay)");
        }
        if (smtpPasswordEnv != null && smtpPasswordFile != null) {
            throw new ParameterException(spec.commandLine(),
                    "give --smtp-password-env or --smtp-password-file, not both");
        }
        EmailNotifier.Builder e = Notifiers.email().host(smtpHost).to(emailTo.toArray(String[]::new));
        if (smtpSecurity != null) {
            e.security(Security.parse(smtpSecurity));
        }
        if (smtpPort != null) {
            e.port(smtpPort);
        }
        if (smtpUser != null) {
            e.username(smtpUser);
        }
        if (smtpPasswordEnv != null) {
            e.password(Secret.fromEnv(smtpPasswordEnv));
        } else if (smtpPasswordFile != null) {
            e.password(Secret.fromFile(smtpPasswordFile));
        }
        if (mailFrom != null) {
            e.from(mailFrom);
        }
        return e.build();
    }

    private static <E extends Enum<E>> E parse(CommandSpec spec, String option, String value, Class<E> type,
                                               E fallback) {
        if (value == null) {
            return fallback;
        }
        String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new ParameterException(spec.commandLine(), option + " must be one of " + String.join(", ", allowed)
                + ", was '" + value + "'");
    }
}
