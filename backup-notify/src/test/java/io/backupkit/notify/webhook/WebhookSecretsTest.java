package io.backupkit.notify.webhook;

import io.backupkit.notify.Notifiers;
import io.backupkit.notify.webhook.WebhookNotifier.Format;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookSecretsTest {

    private static final String HEADER_TOKEN = "hdr-T0ken-4f1c9a";
    private static final String PATH_TOKEN = "pAthT0ken-Zq81xY";
    private static final String QUERY_TOKEN = "qUeryT0ken-77aa";
    private static final String BEARER = "tk_beArer9f8e7d";
    private static final String PASSWORD = "pw-Sekr1t-331";
    private static final List<String> SECRETS = List.of(HEADER_TOKEN, PATH_TOKEN, QUERY_TOKEN, BEARER, PASSWORD);

    /** Answers 500 with everything it was sent, as a careless server might. */
    private static TestServer echoing() throws Exception {
        List<TestServer> holder = new ArrayList<>();
        TestServer server = new TestServer(n -> {
            TestServer.Request r = holder.get(0).requests().get(n - 1);
            return TestServer.Answer.of(500, "bad request to " + r.path() + "?" + r.query() + " with "
                    + r.headers().entrySet());
        });
        holder.add(server);
        return server;
    }

    private static String path(String port) {
        return "http://bob:" + PASSWORD + "@127.0.0.1:" + port + "/api/webhooks/123456789012345678/" + PATH_TOKEN + "?token="
                + QUERY_TOKEN;
    }

    private static WebhookNotifier.Builder builder(String url) {
        return Notifiers.webhook(url).format(Format.DISCORD).header("X-Api-Key", HEADER_TOKEN).retries(1)
                .retryWait(Duration.ofMillis(10));
    }

    @Test
    void shouldKeepSecretsOutOfToStringAndId() {
        WebhookNotifier n = builder(path("8080")).build();
        WebhookNotifier b = Notifiers.webhook(path("8080")).bearerToken(BEARER).build();
        for (String text : List.of(n.toString(), n.id(), n.endpoint(), b.toString(), b.id())) {
            SECRETS.forEach(s -> assertThat(text).doesNotContain(s));
            assertThat(text).doesNotContain("123456789012345678").doesNotContain("bob");
        }
        assertThat(n.id()).isEqualTo("webhook:discord:127.0.0.1");
        assertThat(n.endpoint()).isEqualTo("http://127.0.0.1:8080/…");
        assertThat(n.toString()).contains("X-Api-Key").contains("http://127.0.0.1:8080/…");
    }

    @Test
    void shouldSendTheSecretsButNeverShowThemWhenTheServerEchoesThem() throws Exception {
        try (TestServer server = echoing()) {
            WebhookNotifier notifier = builder(path(Integer.toString(server.port()))).build();
            String log = captureStderr(() -> {
                WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                        WebhookException.class);
                assertThat(e).hasMessageContaining("answered HTTP 500").hasMessageContaining("bad request to");
                assertNoSecret(e);
            });
            TestServer.Request r = server.requests().get(0);
            assertThat(r.path()).isEqualTo("/api/webhooks/123456789012345678/" + PATH_TOKEN);
            assertThat(r.query()).isEqualTo("token=" + QUERY_TOKEN);
            assertThat(r.header("X-Api-Key")).isEqualTo(HEADER_TOKEN);
            assertThat(r.header("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("bob:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            assertThat(log).contains("answered HTTP 500; retry 1 of 1");
            SECRETS.forEach(s -> assertThat(log).doesNotContain(s));
        }
    }

    @Test
    void shouldSendABearerTokenAndNeverShowIt() throws Exception {
        try (TestServer server = echoing()) {
            WebhookNotifier notifier = Notifiers.webhook(server.url("/topic")).bearerToken(BEARER)
                    .retries(0).build();
            WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                    WebhookException.class);
            assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer " + BEARER);
            assertNoSecret(e);
        }
    }

    @Test
    void shouldReadTheBearerTokenFromTheEnvironment() throws Exception {
        try (TestServer server = TestServer.ok()) {
            WebhookNotifier notifier = Notifiers.webhook(server.url("/topic")).format(Format.NTFY)
                    .bearerTokenFromEnv("NTFY_TOKEN").environment(Map.of("NTFY_TOKEN", BEARER)::get).build();
            notifier.send(Reports.of(Reports.success()));
            assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer " + BEARER);
            assertThat(notifier.toString()).doesNotContain(BEARER);
        }
    }

    @Test
    void shouldKeepSecretsOutOfAnIoFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebhookNotifier notifier = builder(path(Integer.toString(port))).bearerToken(BEARER).build();
        String log = captureStderr(() -> {
            WebhookException e = catchThrowableOfType(() -> notifier.send(Reports.of(Reports.success())),
                    WebhookException.class);
            assertThat(e).hasMessageContaining("failed after 2 attempts");
            assertNoSecret(e);
        });
        assertThat(log).contains("retry 1 of 1").contains("http://127.0.0.1:" + port + "/…");
        SECRETS.forEach(s -> assertThat(log).doesNotContain(s));
    }

    @Test
    void shouldMaskSecretsInACauseMessage() {
        Redactor r = Redactor.of(java.net.URI.create(path("1")), List.of(HEADER_TOKEN));
        assertThat(r.scrub("GET /api/webhooks/123456789012345678/" + PATH_TOKEN + " with " + HEADER_TOKEN))
                .isEqualTo("GET … with …");
        assertThat(r.scrub("token " + PATH_TOKEN + " for hook 123456789012345678 of api webhooks"))
                .isEqualTo("token … for hook … of api webhooks");
    }

    private static void assertNoSecret(Throwable e) {
        StringWriter all = new StringWriter();
        e.printStackTrace(new java.io.PrintWriter(all));
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(String.valueOf(t.getMessage())).append(t.toString());
        }
        SECRETS.forEach(s -> assertThat(all.toString()).doesNotContain(s));
        assertThat(all.toString()).doesNotContain("123456789012345678");
    }

    private static String captureStderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
