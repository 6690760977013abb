package io.backupkit.notify.email;

import io.backupkit.InvalidPlanException;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EmailNotifierBuilderTest {

    @TempDir
    Path dir;

    static EmailNotifier.Builder valid() {
        return Notifiers.email().host("smtp.example.com").from("plex@example.com").to("me@example.com");
    }

    static InvalidPlanException buildFails(EmailNotifier.Builder b) {
        return catchThrowableOfType(InvalidPlanException.class, b::build);
    }

    @Test
    void shouldUseTheDocumentedDefaults() {
        EmailNotifier n = valid().build();

        assertThat(n.security()).isEqualTo(Security.STARTTLS);
        assertThat(n.port()).isEqualTo(587);
        assertThat(n.username()).isEmpty();
        assertThat(n.subjectPrefix()).isEqualTo("[BackupKit]");
        assertThat(n.connectTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(n.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(n.maxAttachmentBytes()).isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void shouldDefaultThePortToTheSecurityMode() {
        assertThat(valid().security(Security.NONE).build().port()).isEqualTo(25);
        assertThat(valid().security(Security.STARTTLS).build().port()).isEqualTo(587);
        assertThat(valid().security(Security.SSL).build().port()).isEqualTo(465);
        assertThat(valid().security(Security.SSL).port(2465).build().port()).isEqualTo(2465);
    }

    @Test
    void shouldDefaultFromAndToToTheUsername() {
        EmailNotifier n = Notifiers.email().host("smtp.gmail.com").username("me@gmail.com")
                .password(Secret.fromEnv("SMTP_PASSWORD")).build();

        assertThat(n.from()).isEqualTo("me@gmail.com");
        assertThat(n.to()).containsExactly("me@gmail.com");
        assertThat(n.username()).contains("me@gmail.com");
    }

    @Test
    void shouldKeepSeveralRecipientsAndANamedSender() {
        EmailNotifier n = valid().from("Plex backup <plex@example.com>").to("a@example.com", " b@example.org ").build();

        assertThat(n.from()).isEqualTo("Plex backup <plex@example.com>");
        assertThat(n.to()).containsExactly("a@example.com", "b@example.org");
    }

    @Test
    void shouldNameTheHostInItsId() {
        assertThat(valid().build().id()).isEqualTo("email:smtp.example.com");
    }

    @Test
    void shouldShowTheSettingsButNotThePasswordInToString() {
        EmailNotifier n = valid().username("me@example.com").password(Secret.of("hunter2-xyz".toCharArray())).build();

        assertThat(n.toString()).contains("host=smtp.example.com", "port=587", "security=STARTTLS",
                "from=plex@example.com", "to=[me@example.com]", "username=me@example.com", "Secret[***]")
                .doesNotContain("hunter2-xyz");
    }

    @Test
    void shouldRequireAHost() {
        assertThat(buildFails(Notifiers.email().from("a@example.com").to("b@example.com")).problems())
                .containsExactly("email host is not set");
    }

    @Test
    void shouldRequireASenderWithoutAUsername() {
        assertThat(buildFails(Notifiers.email().host("h").to("b@example.com")).problems())
                .containsExactly("email sender is not set and there is no username to default it to");
    }

    @Test
    void shouldRequireRecipientsWithoutAUsername() {
        assertThat(buildFails(Notifiers.email().host("h").from("a@example.com")).problems())
                .containsExactly("email recipients are not set and there is no username to default them to");
    }

    @Test
    void shouldQuoteAnInvalidSender() {
        assertThat(buildFails(valid().from("plex at example.com")).problems()).singleElement().asString()
                .contains("email sender 'plex at example.com' is not a valid email address");
    }

    @Test
    void shouldQuoteEveryInvalidRecipient() {
        assertThat(buildFails(valid().to("ok@example.com", "no-at-sign", "two@@example.com")).problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("email recipient 'no-at-sign' is not a valid email address"))
                .anySatisfy(p -> assertThat(p).contains("email recipient 'two@@example.com'"));
    }

    @Test
    void shouldRefuseAUsernameThatIsNotAnAddressAsDefaultSender() {
        assertThat(buildFails(Notifiers.email().host("h").username("admin").password(Secret.fromEnv("P")))
                .problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("defaulting to the username", "'admin'"));
    }

    @Test
    void shouldRequireAPasswordWithAUsername() {
        assertThat(buildFails(valid().username("me@example.com")).problems())
                .containsExactly("email username 'me@example.com' is set without a password");
    }

    @Test
    void shouldRequireAUsernameWithAPassword() {
        assertThat(buildFails(valid().password(Secret.fromEnv("SMTP_PASSWORD"))).problems())
                .containsExactly("email password is set without a username");
    }

    @Test
    void shouldRefuseTrustedCertificatesWithoutTls() {
        assertThat(buildFails(valid().security(Security.NONE).trustedCertificates(TestTls.certificate())).problems())
                .singleElement().asString().contains("security is NONE");
    }

    @Test
    void shouldRefuseAMissingCertificatesFile() {
        Path missing = dir.resolve("missing.pem");

        assertThat(buildFails(valid().trustedCertificates(missing)).problems()).singleElement().asString()
                .contains("email trusted certificates " + missing + " cannot be read");
    }

    @Test
    void shouldRefuseACertificatesFileWithoutCertificates() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");

        assertThat(buildFails(valid().trustedCertificates(junk)).problems()).singleElement().asString()
                .contains("email trusted certificates " + junk);
    }

    @Test
    void shouldAcceptAPemCertificate() {
        assertThat(valid().trustedCertificates(TestTls.certificate().toString()).build().toString())
                .contains("trustedCertificates=" + TestTls.certificate());
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        InvalidPlanException e = buildFails(Notifiers.email().username("admin"));

        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage()).contains("4 problems", "host is not set", "without a password");
    }

    @Test
    void shouldRefuseABlankHost() {
        assertThatThrownBy(() -> Notifiers.email().host(" ")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("email host must be a host name without white space, was ' '");
    }

    @Test
    void shouldRefuseAHostWithWhiteSpace() {
        assertThatThrownBy(() -> Notifiers.email().host("smtp example.com")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'smtp example.com'");
    }

    @Test
    void shouldRefuseAPortOutOfRange() {
        assertThatThrownBy(() -> Notifiers.email().port(0)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("1..65535, was 0");
        assertThatThrownBy(() -> Notifiers.email().port(65536)).hasMessageContaining("was 65536");
    }

    @Test
    void shouldRefuseANullSecurity() {
        assertThatThrownBy(() -> Notifiers.email().security(null)).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRefuseABlankUsername() {
        assertThatThrownBy(() -> Notifiers.email().username("")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("email username must not be blank");
    }

    @Test
    void shouldRefuseANullPassword() {
        assertThatThrownBy(() -> Notifiers.email().password(null)).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRefuseABlankSender() {
        assertThatThrownBy(() -> Notifiers.email().from(" ")).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRefuseNoOrBlankRecipients() {
        assertThatThrownBy(() -> Notifiers.email().to()).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> Notifiers.email().to("a@example.com", null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("[a@example.com, null]");
    }

    @Test
    void shouldRefuseASubjectPrefixWithALineBreak() {
        assertThatThrownBy(() -> Notifiers.email().subjectPrefix("a\r\nBcc: x@example.com"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("line break");
    }

    @Test
    void shouldRefuseTimeoutsThatAreNotPositive() {
        assertThatThrownBy(() -> Notifiers.email().connectTimeout(Duration.ZERO))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("connect timeout", "PT0S");
        assertThatThrownBy(() -> Notifiers.email().readTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("read timeout", "PT-1S");
        assertThatThrownBy(() -> Notifiers.email().readTimeout(null)).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRefuseAnAttachmentLimitBelowOneKibibyte() {
        assertThatThrownBy(() -> Notifiers.email().maxAttachmentBytes(1023)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("at least 1024, was 1023");
    }
}
