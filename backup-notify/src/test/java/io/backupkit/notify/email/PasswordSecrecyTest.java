package io.backupkit.notify.email;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.Secret;
import io.backupkit.spi.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The password never shows: not in exception messages, nor SLF4J output (debug on), nor {@code toString()}. */
class PasswordSecrecyTest {

    static final String USER = "backup@example.com";
    static final String WRONG = "Xq7-DISTINCTIVE-pw-93141";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, "the-right-one"));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream err;
    private PrintStream out;

    @BeforeEach
    void capture() {
        err = System.err;
        out = System.out;
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(both); // slf4j-simple writes to the current System.err
        System.setOut(both);
    }

    @AfterEach
    void restore() {
        System.setErr(err);
        System.setOut(out);
        err.print(captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldNotShowThePasswordWhenAuthenticationFails() throws Exception {
        Path file = Files.writeString(dir.resolve("smtp-password"), WRONG + "\n");
        for (Secret secret : List.of(Secret.of(WRONG.toCharArray()), Secret.fromFile(file))) {
            EmailNotifier n = Notifiers.email().host("localhost").port(MAIL.getSmtp().getPort())
                    .security(Security.NONE).username(USER).password(secret)
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> n.send(new Notification(Reports.succeeded(), dir.resolve("missing.log"))));

            assertThat(e.stage()).isEqualTo(EmailException.Stage.AUTHENTICATION);
            assertThat(e.getMessage()).contains("localhost:" + MAIL.getSmtp().getPort(), "NONE",
                    "authentication as '" + USER + "' was refused");
            assertThat(messages(e)).hasSizeGreaterThan(1).noneMatch(m -> m.contains(WRONG));
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(WRONG);
            assertThat(n.toString()).doesNotContain(WRONG).contains("Secret[***]");
            assertThat(secret.toString()).isEqualTo("Secret[***]");
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("io.backupkit.notify.email.EmailNotifier").doesNotContain(WRONG);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldNameTheFileNotItsContentWhenThePasswordFileIsMissing() {
        Path file = dir.resolve("no-such-password");
        EmailNotifier n = Notifiers.email().host("localhost").port(MAIL.getSmtp().getPort()).security(Security.NONE)
                .username(USER).password(Secret.fromFile(file)).build();

        EmailException e = catchThrowableOfType(EmailException.class,
                () -> n.send(new Notification(Reports.succeeded(), null)));

        assertThat(e.stage()).isEqualTo(EmailException.Stage.PASSWORD);
        assertThat(e.getMessage()).contains("file " + file, "does not exist");
    }

    static List<String> messages(Throwable t) {
        List<String> all = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.add(String.valueOf(c.getMessage()));
            for (Throwable s : c.getSuppressed()) {
                all.add(String.valueOf(s.getMessage()));
            }
        }
        return all;
    }
}
