package io.backupkit.notify.webhook;

import io.backupkit.InvalidPlanException;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.webhook.WebhookNotifier.Format;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookBuilderTest {

    private static InvalidPlanException problems(WebhookNotifier.Builder b) {
        return catchThrowableOfType(b::build, InvalidPlanException.class);
    }

    @Test
    void shouldBuildWithDocumentedDefaults() {
        WebhookNotifier n = Notifiers.webhook(URI.create("https://ntfy.sh/my-backups")).build();
        assertThat(n.format()).isEqualTo(Format.JSON);
        assertThat(n.id()).isEqualTo("webhook:json:ntfy.sh");
        assertThat(n.toString()).isEqualTo("WebhookNotifier[json https://ntfy.sh/…, headers [], connect timeout"
                + " PT10S, request timeout PT30S, retries 2, retry wait PT2S]");
    }

    @Test
    void shouldShowOnlySchemeHostAndPort() {
        assertThat(Notifiers.webhook("https://example.com:8443/a/b?c=d").build().endpoint())
                .isEqualTo("https://example.com:8443/…");
        assertThat(Notifiers.webhook("https://example.com/").build().endpoint()).isEqualTo("https://example.com/");
        assertThat(Notifiers.webhook("https://example.com").build().endpoint()).isEqualTo("https://example.com");
    }

    @Test
    void shouldRejectANullUri() {
        assertThatThrownBy(() -> Notifiers.webhook((String) null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("webhook URI must not be null");
    }

    @Test
    void shouldRejectAnUnparseableUriWithoutShowingIt() {
        InvalidPlanException e = problems(Notifiers.webhook("https://discord.com/api/webhooks/1/sec ret"));
        assertThat(e.problems()).singleElement().asString().contains("not a valid URI").doesNotContain("sec");
    }

    @Test
    void shouldRejectARelativeUriWithoutShowingIt() {
        InvalidPlanException e = problems(Notifiers.webhook("discord.com/api/webhooks/1/secret"));
        assertThat(e.problems()).singleElement().asString().contains("not absolute").doesNotContain("secret");
    }

    @Test
    void shouldRejectASchemeOtherThanHttpOrHttps() {
        InvalidPlanException e = problems(Notifiers.webhook("ftp://files.example.com/drop?token=secret"));
        assertThat(e.problems()).singleElement().asString()
                .contains("'ftp://files.example.com/…' has scheme 'ftp'; use http or https")
                .doesNotContain("secret");
    }

    @Test
    void shouldRejectAUriWithoutHost() {
        assertThat(problems(Notifiers.webhook("https:///topic")).problems()).singleElement().asString()
                .contains("has no host");
    }

    @Test
    void shouldRejectAConnectTimeoutOutOfRange() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").connectTimeout(Duration.ZERO)).problems())
                .containsExactly("connect timeout must be more than zero and at most PT5M, was PT0S");
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").connectTimeout(Duration.ofHours(1))).problems())
                .containsExactly("connect timeout must be more than zero and at most PT5M, was PT1H");
    }

    @Test
    void shouldRejectARequestTimeoutOutOfRange() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").requestTimeout(Duration.ofSeconds(-1)))
                .problems()).containsExactly("request timeout must be more than zero and at most PT5M, was PT-1S");
    }

    @Test
    void shouldRejectRetriesOutOfRange() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").retries(-1)).problems())
                .containsExactly("retries must be between 0 and 10, was -1");
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").retries(11)).problems())
                .containsExactly("retries must be between 0 and 10, was 11");
    }

    @Test
    void shouldRejectARetryWaitOutOfRange() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").retryWait(Duration.ofMinutes(2))).problems())
                .containsExactly("retry wait must be zero or more and at most PT1M, was PT2M");
        assertThat(Notifiers.webhook("https://ntfy.sh/t").retryWait(Duration.ZERO).build()).isNotNull();
    }

    @Test
    void shouldRejectAMalformedHeaderName() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").header("X Token", "v")).problems())
                .containsExactly("header name 'X Token' is not a valid HTTP header name");
    }

    @Test
    void shouldRejectAHeaderTheClientSetsItself() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").header("Host", "evil.example.com")).problems())
                .containsExactly("header 'Host' is set by the HTTP client and cannot be given");
    }

    @Test
    void shouldRejectAHeaderValueWithALineBreakWithoutShowingIt() {
        InvalidPlanException e = problems(Notifiers.webhook("https://ntfy.sh/t").header("X-Key", "sec\r\nret"));
        assertThat(e.problems()).singleElement().asString().contains("value of header 'X-Key' holds a line break")
                .doesNotContain("sec");
    }

    @Test
    void shouldRejectAnUnsetTokenVariable() {
        assertThat(problems(Notifiers.webhook("https://ntfy.sh/t").bearerTokenFromEnv("NTFY_TOKEN")
                .environment(Map.<String, String>of()::get)).problems())
                .containsExactly("environment variable 'NTFY_TOKEN' (the webhook's bearer token) is not set");
    }

    @Test
    void shouldRejectNullsInSetters() {
        WebhookNotifier.Builder b = Notifiers.webhook("https://ntfy.sh/t");
        assertThatThrownBy(() -> b.format(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("webhook format must not be null");
        assertThatThrownBy(() -> b.header("X-Key", null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("value of header 'X-Key' must not be null");
        assertThatThrownBy(() -> b.connectTimeout(null)).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> b.bearerToken(null)).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldListEveryProblemAtOnce() {
        InvalidPlanException e = problems(Notifiers.webhook("ftp://x.example.com/t").retries(-1)
                .requestTimeout(Duration.ZERO).header("Bad Name", "v"));
        assertThat(e.problems()).hasSize(4);
        assertThat(e).hasMessageStartingWith("Invalid backup plan (4 problems)");
    }
}
