package io.backupkit.notify.email;

import io.backupkit.BackupException;
import io.backupkit.InvalidPlanException;
import io.backupkit.RunReport;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.Secret;
import io.backupkit.spi.Notification;
import io.backupkit.spi.Notifier;

import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSSLTransport;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends the run report by email through an SMTP server, with Jakarta Mail (Angus). Made by
 * {@link Notifiers#email()}; immutable and thread-safe; starts no thread of its own (Angus runs one per connection for
 * the write timeout, stopped when the connection closes).
 *
 * <pre>{@code
 * EmailNotifier gmail = Notifiers.email()
 *         .host("smtp.gmail.com")                       // port 587, STARTTLS required
 *         .username("me@gmail.com")                     // from and to default to it
 *         .password(Secret.fromEnv("SMTP_PASSWORD"))    // a Gmail app password
 *         .build();
 * EmailNotifier relay = Notifiers.email()
 *         .host("localhost").security(Security.NONE)    // port 25, no login
 *         .from("plex@nas.lan").to("me@example.com", "admin@example.com")
 *         .build();
 * }</pre>
 *
 * <p>The mail: subject {@code "[BackupKit] "} plus {@link RunReport#summary()}; a {@code multipart/alternative} body
 * in plain text and HTML with the facts of the report (operation, outcome, snapshot, host, start and end in ISO-8601
 * UTC, duration, files, bytes, units written and reused, application version, errors, warnings, log paths). When the
 * notification carries a log ({@link Notification#attachment()}): attached as it is up to
 * {@value #COMPRESS_ABOVE_BYTES} bytes, gzip-compressed ({@code NAME.gz}) above that, and if even compressed it is
 * over {@link Builder#maxAttachmentBytes(long)}, only the compressed last part of it that fits; the body says which.
 * A log that is missing or unreadable is not attached and the body says so; the mail still goes.
 *
 * <p>A failure is an {@link EmailException} naming {@code host:port}, the security mode and what failed (password,
 * connect, STARTTLS, TLS, authentication, sender, recipient), with the Jakarta Mail failure as its cause. The password
 * never appears in a message, a log line or {@link #toString()}.
 */
public final class EmailNotifier implements Notifier {

    /** The default security: {@link Security#STARTTLS}, required. */
    public static final Security DEFAULT_SECURITY = Security.STARTTLS;
    /** The default subject prefix. */
    public static final String DEFAULT_SUBJECT_PREFIX = "[BackupKit]";
    /** The default time to set up a connection: 20 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** The default time to wait for each read or write on the connection: 60 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    /** The default largest attachment: 10 MiB. */
    public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 10L * 1024 * 1024;
    /** Logs larger than this (1 MiB) are gzip-compressed before they are attached. */
    public static final long COMPRESS_ABOVE_BYTES = 1024L * 1024;
    /** The smallest {@link Builder#maxAttachmentBytes(long)} accepted: 1 KiB. */
    public static final long MIN_ATTACHMENT_BYTES = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EmailNotifier.class);

    private final String host;
    private final int port;
    private final Security security;
    private final String username;
    private final Secret password;
    private final InternetAddress from;
    private final List<InternetAddress> to;
    private final String subjectPrefix;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxAttachmentBytes;
    private final Path trustedCertificates;
    private final SSLSocketFactory socketFactory;

    private EmailNotifier(Builder b, InternetAddress from, List<InternetAddress> to, SSLSocketFactory socketFactory) {
        this.host = b.host;
        this.port = b.port != null ? b.port : b.security.defaultPort();
        this.security = b.security;
        this.username = b.username;
        this.password = b.password;
        this.from = from;
        this.to = List.copyOf(to);
        this.subjectPrefix = b.subjectPrefix;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxAttachmentBytes = b.maxAttachmentBytes;
        this.trustedCertificates = b.trustedCertificates;
        this.socketFactory = socketFactory;
    }

    /**
     * The same as {@link Notifiers#email()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return {@code email:HOST}
     */
    @Override
    public String id() {
        return "email:" + host;
    }

    /** @return the SMTP server's host name */
    public String host() {
        return host;
    }

    /** @return the port: the one given, or the default of the security mode */
    public int port() {
        return port;
    }

    /** @return how the connection is protected */
    public Security security() {
        return security;
    }

    /** @return the login name, or empty when the server is used without logging in */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** @return the sender address */
    public String from() {
        return from.toString();
    }

    /** @return the recipient addresses */
    public List<String> to() {
        return to.stream().map(InternetAddress::toString).toList();
    }

    /** @return what the subject starts with, possibly empty */
    public String subjectPrefix() {
        return subjectPrefix;
    }

    /** @return the time allowed to set up the connection */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the time allowed for each read or write on the connection */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** @return the largest attachment, in bytes */
    public long maxAttachmentBytes() {
        return maxAttachmentBytes;
    }

    /**
     * Sends the report (and the log, when the notification carries one) to every recipient in one mail.
     *
     * @param notification the report and the log to attach, or {@code null} for none
     * @throws EmailException naming the server, the security mode and what failed; never holding the password
     */
    @Override
    public void send(Notification notification) {
        RunReport report = notification.report();
        char[] secret = null;
        if (username != null) {
            try {
                secret = password.reveal();
            } catch (BackupException e) {
                throw failure(EmailException.Stage.PASSWORD, "cannot read the password from " + password.source()
                        + ": " + e.getMessage(), e, null);
            }
        }
        String pass = secret == null ? null : new String(secret);
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jakarta Mail and Activation find their providers through the context class loader: make it ours, so that
        // a host application that loads BackupKit in a child class loader still finds Angus.
        thread.setContextClassLoader(EmailNotifier.class.getClassLoader());
        try {
            Session session = Session.getInstance(properties());
            MimeMessage message = message(session, notification, pass);
            LOG.debug("Sending the {} report to {} through {}:{} ({})", report.operation(), to, host, port, security);
            transmit(session, message, pass);
            LOG.info("Sent the {} report to {} through {}:{} ({})", report.operation(), to, host, port, security);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Properties properties() {
        String protocol = security == Security.SSL ? "smtps" : "smtp";
        String p = "mail." + protocol;
        Properties props = new Properties();
        props.setProperty("mail.transport.protocol", protocol);
        props.setProperty("mail.from", from.getAddress());
        props.setProperty(p + ".host", host);
        props.setProperty(p + ".port", Integer.toString(port));
        props.setProperty(p + ".connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.setProperty(p + ".timeout", Long.toString(readTimeout.toMillis()));
        props.setProperty(p + ".writetimeout", Long.toString(readTimeout.toMillis()));
        props.setProperty(p + ".auth", Boolean.toString(username != null));
        if (security == Security.STARTTLS) {
            props.setProperty(p + ".starttls.enable", "true");
            props.setProperty(p + ".starttls.required", "true");
        }
        if (security != Security.NONE) {
            props.setProperty(p + ".ssl.checkserveridentity", "true");
            if (socketFactory != null) {
                props.put(p + ".ssl.socketFactory", socketFactory);
            }
        }
        return props;
    }

    private MimeMessage message(Session session, Notification notification, String pass) {
        RunReport report = notification.report();
        try {
            LogAttachment log = notification.attachment() == null ? null
                    : LogAttachment.of(notification.attachment(), maxAttachmentBytes);
            if (log != null && log.content() == null) {
                LOG.warn("{}", log.note());
            }
            String note = log == null ? null : log.note();
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
            // an error message may span lines; a subject must not
            String summary = report.summary().replaceAll("[\\r\\n\\t]+", " ").strip();
            m.setSubject(subjectPrefix.isEmpty() ? summary : subjectPrefix + " " + summary, "UTF-8");
            m.setSentDate(new Date());
            m.setHeader("X-Mailer", "BackupKit");
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(ReportMail.text(report, note), "UTF-8", "plain");
            alternative.addBodyPart(text);
            MimeBodyPart html = new MimeBodyPart();
            html.setText(ReportMail.html(report, note), "UTF-8", "html");
            alternative.addBodyPart(html);
            if (log != null && log.content() != null) {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                body.setContent(alternative);
                mixed.addBodyPart(body);
                MimeBodyPart attached = new MimeBodyPart();
                attached.setDataHandler(new DataHandler(new ByteArrayDataSource(log.content(), log.contentType())));
                attached.setFileName(log.fileName());
                attached.setDisposition(Part.ATTACHMENT);
                attached.setHeader("Content-Transfer-Encoding", "base64"); // byte for byte, line ends included
                mixed.addBodyPart(attached);
                m.setContent(mixed);
            } else {
                m.setContent(alternative);
            }
            m.saveChanges();
            return m;
        } catch (MessagingException e) {
            throw failure(EmailException.Stage.SEND, "cannot build the message: " + e.getMessage(), e, pass);
        }
    }

    private void transmit(Session session, MimeMessage message, String pass) {
        SMTPTransport transport = security == Security.SSL
                ? new SMTPSSLTransport(session, new URLName("smtps", host, port, null, null, null))
                : new SMTPTransport(session, new URLName("smtp", host, port, null, null, null));
        try {
            try {
                transport.connect(host, port, username, pass);
            } catch (MessagingException e) {
                throw connectFailure(e, pass);
            }
            try {
                transport.sendMessage(message, message.getAllRecipients());
            } catch (MessagingException e) {
                throw sendFailure(e, pass);
            }
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                LOG.debug("Closing the connection to {}:{} failed: {}", host, port, e.toString());
            }
        }
    }

    private EmailException connectFailure(MessagingException e, String pass) {
        String reply = reply(e);
        if (e instanceof AuthenticationFailedException) {
            return failure(EmailException.Stage.AUTHENTICATION, "authentication as '" + username
                    + "' was refused" + (reply.isEmpty() ? "" : " (" + reply + ")"), e, pass);
        }
        if (e.getMessage() != null && e.getMessage().contains("STARTTLS is required")) {
            return failure(EmailException.Stage.STARTTLS, "the server does not offer STARTTLS, which security"
                    + " STARTTLS requires; nothing was sent (use Security.SSL for port 465, or NONE only for a"
                    + " trusted relay)", e, pass);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return failure(EmailException.Stage.CONNECT, "no answer within the timeouts (connect "
                    + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms)", e, pass);
        }
        SSLException tls = find(e, SSLException.class);
        if (tls != null) {
            return failure(EmailException.Stage.TLS, (security == Security.STARTTLS ? "STARTTLS" : "TLS")
                    + " handshake failed (is the server's certificate trusted and issued for " + host + "?"
                    + (trustedCertificates == null ? "" : " trusted: " + trustedCertificates) + "): "
                    + tls.getMessage(), e, pass);
        }
        if (e.getMessage() != null && e.getMessage().contains("server identity")) {
            return failure(EmailException.Stage.TLS, "the server's certificate is not issued for " + host + ": "
                    + e.getMessage(), e, pass);
        }
        if (find(e, ConnectException.class) != null) {
            return failure(EmailException.Stage.CONNECT, "connection refused", e, pass);
        }
        if (find(e, UnknownHostException.class) != null) {
            return failure(EmailException.Stage.CONNECT, "unknown host", e, pass);
        }
        return failure(EmailException.Stage.CONNECT, "cannot connect: " + e.getMessage(), e, pass);
    }

    private EmailException sendFailure(MessagingException e, String pass) {
        if (e instanceof SMTPSendFailedException s && s.getCommand() != null
                && s.getCommand().startsWith("MAIL")) {
            return failure(EmailException.Stage.SENDER, "the sender " + from + " was refused (" + reply(e) + ")",
                    e, pass);
        }
        if (e instanceof SendFailedException s && s.getInvalidAddresses() != null
                && s.getInvalidAddresses().length > 0) {
            List<String> refused = new ArrayList<>();
            for (Exception next = e.getNextException(); next != null;
                 next = next instanceof MessagingException m ? m.getNextException() : null) {
                if (next instanceof SMTPAddressFailedException a) {
                    refused.add(a.getAddress() + " (" + a.getMessage().strip() + ")");
                }
            }
            if (refused.isEmpty()) {
                Arrays.stream(s.getInvalidAddresses()).forEach(a -> refused.add(a.toString()));
            }
            return failure(EmailException.Stage.RECIPIENT, "recipient refused: " + String.join(", ", refused), e,
                    pass);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return failure(EmailException.Stage.SEND, "no answer within the read timeout ("
                    + readTimeout.toMillis() + " ms) while sending", e, pass);
        }
        return failure(EmailException.Stage.SEND, "the message was refused: " + e.getMessage(), e, pass);
    }

    private EmailException failure(EmailException.Stage stage, String what, Exception cause, String pass) {
        String message = "Cannot send email through " + host + ":" + port + " (" + security + "): " + what;
        if (pass != null && pass.length() >= 4) {
            message = message.replace(pass, "***");
        }
        LOG.debug("Email through {}:{} ({}) failed at {}", host, port, security, stage);
        return new EmailException(stage, message, cause);
    }

    private static String reply(MessagingException e) {
        return e.getMessage() == null ? "" : e.getMessage().strip();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int i = 0; t != null && i < 20; i++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            Throwable next = t instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException() : t.getCause();
            t = next == t ? null : next;
        }
        return null;
    }

    /**
     * @return host, port, security, username, sender and recipients; never the password
     */
    @Override
    public String toString() {
        return "EmailNotifier[host=" + host + ", port=" + port + ", security=" + security
                + (username == null ? "" : ", username=" + username + ", password=" + password)
                + ", from=" + from + ", to=" + to
                + (trustedCertificates == null ? "" : ", trustedCertificates=" + trustedCertificates) + "]";
    }

    /**
     * Collects the settings of an {@link EmailNotifier}. Setters reject a null or out-of-range value at once, quoting
     * it; {@link #build()} checks the addresses and the combinations and reports every problem in one
     * {@link InvalidPlanException}. Not thread-safe; the notifier it builds is.
     *
     * <pre>{@code
     * EmailNotifier n = Notifiers.email()
     *         .host(flags.host)
     *         .security(Security.parse(flags.security))   // "none", "starttls" or "ssl"
     *         .port(flags.port)                           // or leave out for 25, 587 or 465
     *         .username(flags.user).password(Secret.fromEnv(flags.passwordVariable))
     *         .to(flags.to.toArray(String[]::new))
     *         .build();
     * }</pre>
     */
    public static final class Builder {

        private String host;
        private Integer port;
        private Security security = DEFAULT_SECURITY;
        private String username;
        private Secret password;
        private String from;
        private List<String> to = List.of();
        private String subjectPrefix = DEFAULT_SUBJECT_PREFIX;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private long maxAttachmentBytes = DEFAULT_MAX_ATTACHMENT_BYTES;
        private Path trustedCertificates;

        private Builder() {
        }

        /**
         * @param host the SMTP server, e.g. {@code "smtp.gmail.com"} or {@code "localhost"}; required, no default
         * @return this builder
         * @throws InvalidPlanException if {@code host} is null, blank or holds white space
         */
        public Builder host(String host) {
            if (host == null || host.isBlank() || host.strip().chars().anyMatch(Character::isWhitespace)) {
                throw invalid("email host must be a host name without white space, was '" + host + "'");
            }
            this.host = host.strip();
            return this;
        }

        /**
         * @param port the SMTP port; default the security mode's: 25 for {@link Security#NONE}, 587 for
         *        {@link Security#STARTTLS}, 465 for {@link Security#SSL}
         * @return this builder
         * @throws InvalidPlanException if {@code port} is not within 1..65535
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw invalid("email port must be within 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param security how the connection is protected; default {@link Security#STARTTLS}, which fails against a
         *        server that does not offer STARTTLS rather than falling back to plain text
         * @return this builder
         * @throws InvalidPlanException if {@code security} is null
         */
        public Builder security(Security security) {
            if (security == null) {
                throw invalid("email security must not be null (none, starttls or ssl)");
            }
            this.security = security;
            return this;
        }

        /**
         * @param username the login, e.g. the Gmail address; default none: the server is used without logging in.
         *        Also the default {@link #from(String)} and {@link #to(String...)}
         * @return this builder
         * @throws InvalidPlanException if {@code username} is null or blank
         */
        public Builder username(String username) {
            if (username == null || username.isBlank()) {
                throw invalid("email username must not be blank, was '" + username + "'");
            }
            this.username = username.strip();
            return this;
        }

        /**
         * @param password the password for {@link #username(String)}, read when a mail is sent; required with a
         *        username, no default
         * @return this builder
         * @throws InvalidPlanException if {@code password} is null
         */
        public Builder password(Secret password) {
            if (password == null) {
                throw invalid("email password must not be null (Secret.fromEnv, Secret.fromFile or Secret.of)");
            }
            this.password = password;
            return this;
        }

        /**
         * @param from the sender, {@code "backup@example.com"} or {@code "Plex backup <backup@example.com>"};
         *        default the username
         * @return this builder
         * @throws InvalidPlanException if {@code from} is null or blank; its syntax is checked by {@link #build()}
         */
        public Builder from(String from) {
            if (from == null || from.isBlank()) {
                throw invalid("email sender must not be blank, was '" + from + "'");
            }
            this.from = from.strip();
            return this;
        }

        /**
         * @param to the recipients, replacing any given before; default the username
         * @return this builder
         * @throws InvalidPlanException if {@code to} is null or empty or holds a null or blank address; their syntax
         *         is checked by {@link #build()}
         */
        public Builder to(String... to) {
            if (to == null || to.length == 0 || Arrays.stream(to).anyMatch(a -> a == null || a.isBlank())) {
                throw invalid("email recipients must be one or more addresses, was "
                        + (to == null ? null : Arrays.toString(to)));
            }
            this.to = Arrays.stream(to).map(String::strip).toList();
            return this;
        }

        /**
         * @param subjectPrefix what the subject starts with, followed by a space and the report's summary; empty
         *        for none; default {@value EmailNotifier#DEFAULT_SUBJECT_PREFIX}
         * @return this builder
         * @throws InvalidPlanException if {@code subjectPrefix} is null or holds a line break
         */
        public Builder subjectPrefix(String subjectPrefix) {
            if (subjectPrefix == null || subjectPrefix.indexOf('\n') >= 0 || subjectPrefix.indexOf('\r') >= 0) {
                throw invalid("email subject prefix must not be null or hold a line break, was '" + subjectPrefix
                        + "'");
            }
            this.subjectPrefix = subjectPrefix.strip();
            return this;
        }

        /**
         * @param timeout the time allowed to open the connection (TCP and, for SSL, the handshake); default 20 s
         * @return this builder
         * @throws InvalidPlanException if {@code timeout} is null, not positive or over {@link Integer#MAX_VALUE} ms
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout("connect", timeout);
            return this;
        }

        /**
         * @param timeout the time allowed for each read from and write to the server (its greeting, every reply, the
         *        message itself); default 60 s
         * @return this builder
         * @throws InvalidPlanException if {@code timeout} is null, not positive or over {@link Integer#MAX_VALUE} ms
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout("read", timeout);
            return this;
        }

        /**
         * @param bytes the largest attachment; a log that is bigger even gzip-compressed is cut to its last part
         *        that fits; default 10 MiB ({@value EmailNotifier#DEFAULT_MAX_ATTACHMENT_BYTES} bytes)
         * @return this builder
         * @throws InvalidPlanException if {@code bytes} is below {@value EmailNotifier#MIN_ATTACHMENT_BYTES}
         */
        public Builder maxAttachmentBytes(long bytes) {
            if (bytes < MIN_ATTACHMENT_BYTES) {
                throw invalid("email maxAttachmentBytes must be at least " + MIN_ATTACHMENT_BYTES + ", was " + bytes);
            }
            this.maxAttachmentBytes = bytes;
            return this;
        }

        /**
         * Trusts only the certificates in a file, instead of the JDK's certificate authorities: for a server with a
         * self-signed certificate or a private CA. The server's name is still checked against its certificate. The
         * file holds one or more X.509 certificates, PEM ({@code -----BEGIN CERTIFICATE-----}) or DER; export one
         * from a keystore with {@code keytool -exportcert -rfc -alias NAME -keystore FILE}. Read by {@link #build()}.
         *
         * @param file the certificates; default none: the JDK's trusted authorities
         * @return this builder
         * @throws InvalidPlanException if {@code file} is null
         */
        public Builder trustedCertificates(Path file) {
            if (file == null) {
                throw invalid("email trusted certificates file must not be null");
            }
            this.trustedCertificates = file;
            return this;
        }

        /**
         * As {@link #trustedCertificates(Path)}.
         *
         * @param file the certificates file
         * @return this builder
         * @throws InvalidPlanException if {@code file} is null, blank or not a valid path
         */
        public Builder trustedCertificates(String file) {
            if (file == null || file.isBlank()) {
                throw invalid("email trusted certificates file must not be blank, was '" + file + "'");
            }
            try {
                return trustedCertificates(Path.of(file));
            } catch (InvalidPathException e) {
                throw invalid("email trusted certificates file '" + file + "' is not a valid path: "
                        + e.getReason());
            }
        }

        /**
         * Checks every setting and makes the notifier.
         *
         * @return the notifier
         * @throws InvalidPlanException listing every problem: no host; no sender or no recipients and no username
         *         to default them to; an address that is not a valid email address (quoted); a username without a
         *         password or a password without a username; trusted certificates with {@link Security#NONE}, or a
         *         certificates file that cannot be read or holds no certificate
         */
        public EmailNotifier build() {
            List<String> problems = new ArrayList<>();
            if (host == null) {
                problems.add("email host is not set");
            }
            InternetAddress sender = null;
            if (from != null) {
                sender = address("sender", from, problems);
            } else if (username != null) {
                sender = address("sender (defaulting to the username)", username, problems);
            } else {
                problems.add("email sender is not set and there is no username to default it to");
            }
            List<InternetAddress> recipients = new ArrayList<>();
            if (!to.isEmpty()) {
                for (String a : to) {
                    InternetAddress parsed = address("recipient", a, problems);
                    if (parsed != null) {
                        recipients.add(parsed);
                    }
                }
            } else if (username != null) {
                InternetAddress parsed = address("recipient (defaulting to the username)", username, problems);
                if (parsed != null) {
                    recipients.add(parsed);
                }
            } else {
                problems.add("email recipients are not set and there is no username to default them to");
            }
            if (username != null && password == null) {
                problems.add("email username '" + username + "' is set without a password");
            }
            if (username == null && password != null) {
                problems.add("email password is set without a username");
            }
            SSLSocketFactory factory = null;
            if (trustedCertificates != null) {
                if (security == Security.NONE) {
                    problems.add("email trusted certificates " + trustedCertificates + " are set but security is"
                            + " NONE: use STARTTLS or SSL");
                } else {
                    factory = socketFactory(trustedCertificates, problems);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return new EmailNotifier(this, sender, recipients, factory);
        }

        private static InternetAddress address(String what, String value, List<String> problems) {
            try {
                InternetAddress a = new InternetAddress(value, true);
                a.validate();
                if (a.isGroup() || a.getAddress() == null || a.getAddress().indexOf('@') < 1
                        || a.getAddress().endsWith("@")) {
                    throw new AddressException("not a single address user@domain", value);
                }
                return a;
            } catch (AddressException e) {
                problems.add("email " + what + " '" + value + "' is not a valid email address: " + e.getMessage());
                return null;
            }
        }

        private static SSLSocketFactory socketFactory(Path file, List<String> problems) {
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(file)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (IOException e) {
                problems.add("email trusted certificates " + file + " cannot be read: " + e);
                return null;
            } catch (GeneralSecurityException e) {
                problems.add("email trusted certificates " + file + " do not hold PEM or DER X.509 certificates: "
                        + e.getMessage());
                return null;
            }
            if (certificates.isEmpty()) {
                problems.add("email trusted certificates " + file + " hold no certificate");
                return null;
            }
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate c : certificates) {
                    store.setCertificateEntry("trusted-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                return context.getSocketFactory();
            } catch (GeneralSecurityException | IOException e) {
                problems.add("email trusted certificates " + file + " cannot be used: " + e);
                return null;
            }
        }

        private static Duration timeout(String what, Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()
                    || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
                throw invalid("email " + what + " timeout must be positive and at most " + Integer.MAX_VALUE
                        + " ms, was " + timeout);
            }
            return timeout;
        }

        private static InvalidPlanException invalid(String problem) {
            return new InvalidPlanException(List.of(problem));
        }
    }
}
