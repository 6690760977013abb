package io.backupkit.notify.email;

import io.backupkit.InvalidPlanException;

import java.util.List;
import java.util.Locale;

/**
 * How the connection to the SMTP server is protected.
 *
 * <pre>{@code
 * Notifiers.email().host("smtp.example.com").security(Security.SSL)...   // port 465
 * Security fromFlag = Security.parse("starttls");
 * }</pre>
 */
public enum Security {
    /** Plain SMTP, nothing encrypted: only for a relay on the same host or a trusted network. Port 25. */
    NONE(25),
    /**
     * Plain SMTP upgraded with {@code STARTTLS} before anything else is sent; a server that does not offer it is
     * an error, never a silent fall back to plain text. Port 587.
     */
    STARTTLS(587),
    /** TLS from the first byte (SMTPS, "implicit TLS"). Port 465. */
    SSL(465);

    private final int defaultPort;

    Security(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /**
     * @return the usual port: 25 for {@link #NONE}, 587 for {@link #STARTTLS}, 465 for {@link #SSL}
     */
    public int defaultPort() {
        return defaultPort;
    }

    /**
     * Reads a security mode as a command line or a configuration file writes it, ignoring case and white space
     * around it: {@code none}, {@code starttls} or {@code ssl}. The ambiguous {@code tls} is refused.
     *
     * @param value the text, e.g. {@code "starttls"}
     * @return the mode
     * @throws InvalidPlanException quoting the value and listing the accepted ones, if it is none of them
     */
    public static Security parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "none":
                return NONE;
            case "starttls":
                return STARTTLS;
            case "ssl":
                return SSL;
            default:
                throw new InvalidPlanException(List.of("email security '" + value + "' is not one of none, starttls,"
                        + " ssl (starttls: upgrade a plain connection, usually port 587; ssl: TLS from the start,"
                        + " usually port 465; none: no encryption, usually port 25)"));
        }
    }
}
