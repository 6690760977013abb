package io.backupkit.notify.webhook;

import io.backupkit.notify.Notifiers;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookRetryTest {

    private static final Duration QUICK = Duration.ofMillis(20);

    @Test
    void shouldRetryTwoServerErrorsAndSucceed() throws Exception {
        try (TestServer server = new TestServer(n -> TestServer.Answer.of(n <= 2 ? 500 : 200, "try again"))) {
            Notifiers.webhook(server.url("/hook")).retryWait(QUICK).build().send(Reports.of(Reports.success()));
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void shouldFailAfterTheRetriesWithStatusAndBodyStart() throws Exception {
        String body = "internal trouble " + "x".repeat(500);
        try (TestServer server = new TestServer(n -> TestServer.Answer.of(500, body))) {
            WebhookNotifier notifier = Notifiers.webhook(server.url("/hook")).retries(3).retryWait(QUICK).build();
            WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                    WebhookException.class);
            assertThat(server.requests()).hasSize(4);
            assertThat(e.status()).hasValue(500);
            assertThat(e).hasMessageContaining("answered HTTP 500 after 4 attempts")
                    .hasMessageContaining("http://127.0.0.1:" + server.port() + "/…")
                    .hasMessageContaining(body.substring(0, 200))
                    .hasMessageNotContaining(body.substring(0, 201));
        }
    }

    @Test
    void shouldHonourAShortRetryAfterOn429() throws Exception {
        try (TestServer server = new TestServer(n -> n == 1
                ? new TestServer.Answer(429, Map.of("Retry-After", "1"), "slow down")
                : TestServer.Answer.of(204, ""))) {
            long start = System.nanoTime();
            Notifiers.webhook(server.url("/hook")).retryWait(QUICK).build().send(Reports.of(Reports.success()));
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(server.requests()).hasSize(2);
            assertThat(ms).isGreaterThanOrEqualTo(950);
        }
    }

    @Test
    void shouldCapALongRetryAfter() {
        assertThat(WebhookNotifier.retryAfter(java.net.http.HttpHeaders.of(Map.of("Retry-After",
                java.util.List.of("3600")), (a, b) -> true))).isEqualTo(WebhookNotifier.MAX_RETRY_AFTER);
        assertThat(WebhookNotifier.retryAfter(java.net.http.HttpHeaders.of(Map.of("Retry-After",
                java.util.List.of("Wed, 21 Oct 2015 07:28:00 GMT")), (a, b) -> true))).isEqualTo(Duration.ZERO);
        assertThat(WebhookNotifier.retryAfter(java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true))).isNull();
    }

    @Test
    void shouldNotRetryA404() throws Exception {
        try (TestServer server = new TestServer(n -> TestServer.Answer.of(404, "no such webhook"))) {
            WebhookNotifier notifier = Notifiers.webhook(server.url("/hook")).retryWait(QUICK).build();
            assertThatThrownBy(() -> notifier.send(Reports.of(Reports.success())))
                    .isInstanceOf(WebhookException.class)
                    .hasMessageContaining("answered HTTP 404 after 1 attempt: no such webhook");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void shouldGiveUpOnAServerThatNeverAnswersWithinTheTimeouts() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            WebhookNotifier notifier = Notifiers.webhook("http://127.0.0.1:" + silent.getLocalPort() + "/hook")
                    .connectTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(1)).retries(0).build();
            long start = System.nanoTime();
            WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                    WebhookException.class);
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(e).hasMessageContaining("failed after 1 attempt").hasMessageContaining("imeout");
            assertThat(e.status()).isEmpty();
            assertThat(ms).isBetween(900L, 2_900L);
        }
    }

    @Test
    void shouldRetryAndReportARefusedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebhookNotifier notifier = Notifiers.webhook("http://127.0.0.1:" + port + "/hook").retries(1)
                .retryWait(QUICK).build();
        WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                WebhookException.class);
        assertThat(e).hasMessageContaining("http://127.0.0.1:" + port + "/… (json) failed after 2 attempts")
                .hasMessageContaining("ConnectException");
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void shouldDocumentTheWorstCaseTime() {
        assertThat(Notifiers.webhook("https://ntfy.sh/t").build().maxSendTime()).isEqualTo(Duration.ofSeconds(130));
        assertThat(Notifiers.webhook("https://ntfy.sh/t").retries(0).build().maxSendTime())
                .isEqualTo(Duration.ofSeconds(40));
    }
}
