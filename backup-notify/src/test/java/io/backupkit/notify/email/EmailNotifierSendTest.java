package io.backupkit.notify.email;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.Secret;
import io.backupkit.spi.Notification;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EmailNotifierSendTest {

    static {
        TestTls.useForGreenMail();
    }

    static final String USER = "backup@example.com";
    static final String PASSWORD = "s3cret-app-password";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, PASSWORD));

    static int smtpPort() {
        return MAIL.getSmtp().getPort();
    }

    static EmailNotifier.Builder plain() {
        return Notifiers.email().host("localhost").port(smtpPort()).security(Security.NONE)
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5));
    }

    static MimeMessage onlyMessage() {
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
        return MAIL.getReceivedMessages()[0];
    }

    @Test
    void shouldSendAnonymouslyOverPlainSmtp() throws Exception {
        plain().from("plex@nas.lan").to("me@example.com").build()
                .send(new Notification(Reports.succeeded(), null));

        MimeMessage m = onlyMessage();
        assertThat(m.getFrom()).containsExactly(new InternetAddress("plex@nas.lan"));
        assertThat(m.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress("me@example.com"));
        assertThat(m.getSubject()).isEqualTo("[BackupKit] " + Reports.succeeded().summary());
    }

    @Test
    void shouldAuthenticateAndDefaultFromAndToToTheUsername() throws Exception {
        plain().username(USER).password(Secret.of(PASSWORD.toCharArray())).build()
                .send(new Notification(Reports.succeeded(), null));

        MimeMessage m = onlyMessage();
        assertThat(m.getFrom()).containsExactly(new InternetAddress(USER));
        assertThat(m.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress(USER));
    }

    @Test
    void shouldSendOneMailToSeveralRecipients() throws Exception {
        plain().from("plex@nas.lan").to("a@example.com", "b@example.com", "c@example.org").build()
                .send(new Notification(Reports.succeeded(), null));

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(3); // one copy per recipient mailbox
        assertThat(received[0].getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("a@example.com", "b@example.com", "c@example.org");
        assertThat(received).extracting(MimeMessage::getMessageID).containsOnly(received[0].getMessageID());
    }

    @Test
    void shouldSendOverStartTlsWhenTheServerOffersIt() throws Exception {
        try (StartTlsFront front = new StartTlsFront(smtpPort())) {
            EmailNotifier n = Notifiers.email().host("localhost").port(front.port()).security(Security.STARTTLS)
                    .trustedCertificates(TestTls.certificate())
                    .username(USER).password(Secret.of(PASSWORD.toCharArray()))
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();
            n.send(new Notification(Reports.succeeded(), null));
        }
        assertThat(onlyMessage().getSubject()).startsWith("[BackupKit] BackupKit backup");
    }

    @Test
    void shouldRefuseToSendWhenStartTlsIsRequiredButNotOffered() {
        EmailNotifier n = Notifiers.email().host("localhost").port(smtpPort()).security(Security.STARTTLS)
                .username(USER).password(Secret.of(PASSWORD.toCharArray())).build();

        EmailException e = catchThrowableOfType(EmailException.class,
                () -> n.send(new Notification(Reports.succeeded(), null)));

        assertThat(e.stage()).isEqualTo(EmailException.Stage.STARTTLS);
        assertThat(e.getMessage()).contains("localhost:" + smtpPort(), "STARTTLS");
        assertThat(e.getCause()).isNotNull();
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldFailTheStartTlsHandshakeWithAnUntrustedCertificate() throws Exception {
        try (StartTlsFront front = new StartTlsFront(smtpPort())) {
            EmailNotifier n = Notifiers.email().host("localhost").port(front.port()).from(USER).to(USER)
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), null)));

            assertThat(e.stage()).isEqualTo(EmailException.Stage.TLS);
            assertThat(e.getMessage()).contains("localhost:" + front.port(), "STARTTLS", "handshake");
        }
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldRefuseACertificateIssuedForAnotherName() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2"); // loopback, but not in the certificate
        StartTlsFront front;
        try {
            front = new StartTlsFront(smtpPort(), other);
        } catch (java.net.BindException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot listen on 127.0.0.2 here: " + e.getMessage());
            return;
        }
        try (front) {
            EmailNotifier n = Notifiers.email().host("127.0.0.2").port(front.port()).from(USER).to(USER)
                    .trustedCertificates(TestTls.certificate())
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), null)));

            assertThat(e.stage()).isEqualTo(EmailException.Stage.TLS);
            assertThat(e.getMessage()).contains("127.0.0.2:" + front.port());
        }
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldSendOverSsl() throws Exception {
        EmailNotifier n = Notifiers.email().host("localhost").port(MAIL.getSmtps().getPort()).security(Security.SSL)
                .trustedCertificates(TestTls.certificate())
                .username(USER).password(Secret.of(PASSWORD.toCharArray()))
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();

        n.send(new Notification(Reports.failedEarly(), null));

        assertThat(onlyMessage().getSubject()).contains("FAILED");
    }

    @Test
    void shouldFailQuicklyWhenTheServerIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmailNotifier n = Notifiers.email().host("127.0.0.1").port(port).security(Security.NONE).from(USER).to(USER)
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build();

        long start = System.nanoTime();
        EmailException e = catchThrowableOfType(EmailException.class,
                () -> n.send(new Notification(Reports.succeeded(), null)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(e.stage()).isEqualTo(EmailException.Stage.CONNECT);
        assertThat(e.getMessage()).contains("127.0.0.1:" + port, "NONE", "connection refused");
    }

    @Test
    void shouldGiveUpWithinTheTimeoutsWhenTheServerNeverAnswers() throws Exception {
        // The kernel completes the TCP handshake into the backlog; nobody ever accepts, reads or greets.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            EmailNotifier n = Notifiers.email().host("127.0.0.1").port(silent.getLocalPort()).security(Security.NONE)
                    .from(USER).to(USER).connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                    .build();

            long start = System.nanoTime();
            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), null)));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(e.stage()).isEqualTo(EmailException.Stage.CONNECT);
            assertThat(e.getMessage()).contains("127.0.0.1:" + silent.getLocalPort(), "no answer");
        }
    }

    @Test
    void shouldNameTheRefusedRecipient() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(
                c -> c.contains("<NOBODY@EXAMPLE.COM>") ? "550 5.1.1 <nobody@example.com>: no such user" : null)) {
            EmailNotifier n = Notifiers.email().host("127.0.0.1").port(server.port()).security(Security.NONE)
                    .from(USER).to("nobody@example.com").readTimeout(Duration.ofSeconds(5)).build();

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), null)));

            assertThat(e.stage()).isEqualTo(EmailException.Stage.RECIPIENT);
            assertThat(e.getMessage()).contains("127.0.0.1:" + server.port(), "recipient refused",
                    "nobody@example.com", "550 5.1.1");
        }
    }

    @Test
    void shouldNameTheRefusedSender() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(
                c -> c.startsWith("MAIL FROM") ? "553 5.7.1 sender not allowed" : null)) {
            EmailNotifier n = Notifiers.email().host("127.0.0.1").port(server.port()).security(Security.NONE)
                    .from(USER).to("me@example.com").readTimeout(Duration.ofSeconds(5)).build();

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), null)));

            assertThat(e.stage()).isEqualTo(EmailException.Stage.SENDER);
            assertThat(e.getMessage()).contains("the sender " + USER + " was refused", "553 5.7.1");
        }
    }

    @Test
    void shouldNameTheVariableWhenThePasswordIsMissingAtSendTime() {
        String variable = "BACKUPKIT_TEST_UNSET_" + Long.toHexString(System.nanoTime());
        EmailNotifier n = plain().username(USER).password(Secret.fromEnv(variable)).build();

        assertThatThrownBy(() -> n.send(new Notification(Reports.succeeded(), null)))
                .isInstanceOfSatisfying(EmailException.class,
                        e -> assertThat(e.stage()).isEqualTo(EmailException.Stage.PASSWORD))
                .hasMessageContaining("environment variable " + variable);
        assertThat(Arrays.asList(MAIL.getReceivedMessages())).isEmpty();
    }
}
