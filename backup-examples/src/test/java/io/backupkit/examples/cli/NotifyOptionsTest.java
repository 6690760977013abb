package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification options through the command line, against real servers started here: an SMTP server (GreenMail)
 * and an HTTP server standing in for a webhook.
 */
class NotifyOptionsTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(com.icegreen.greenmail.configuration.GreenMailConfiguration.aConfig()
                    .withUser("backup@nas.example.org", "backup@nas.example.org", "the-right-one"));

    @TempDir
    Path tmp;

    private HttpServer http;
    private final List<String> posted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startWebhook() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stopWebhook() {
        http.stop(0);
    }

    private String hook() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    }

    private String source() throws IOException {
        return Fixtures.source(tmp.resolve("Plex Media Server")).toString();
    }

    @Test
    void shouldPostTheReportOfASuccessfulBackupToAWebhook() throws Exception {
        CliRun run = CliRun.of("backup", "--source", source(), "--dest", tmp.resolve("dest").toString(),
                "--notify-webhook", hook(), "--webhook-format", "json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(posted).hasSize(1);
        JsonNode report = new ObjectMapper().readTree(posted.get(0));
        assertThat(report.path("operation").asText()).isEqualTo("BACKUP");
        assertThat(report.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.path("snapshotId").asText()).isEqualTo(Fixtures.snapshotId(run));
    }

    @Test
    void shouldNotifyARunThatFailedBeforeItStartedOnlyWhenTheConditionSaysSo() throws Exception {
        String missing = tmp.resolve("no-such-folder").toString();
        CliRun failed = CliRun.of("backup", "--source", missing, "--dest", tmp.resolve("dest").toString(),
                "--notify-webhook", hook(), "--notify-when", "on-backup-error");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(posted).singleElement().asString().contains("\"FAILED\"").contains("does not exist");

        CliRun ok = CliRun.of("backup", "--source", source(), "--dest", tmp.resolve("dest").toString(),
                "--notify-webhook", hook(), "--notify-when", "on-backup-error");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(posted).hasSize(1);
    }

    @Test
    void shouldMailTheReportWithTheLogAttached() throws Exception {
        CliRun run = CliRun.of("backup", "--source", source(), "--dest", tmp.resolve("dest").toString(),
                "--notify-email", "ops@example.org", "--smtp-host", "127.0.0.1",
                "--smtp-port", Integer.toString(MAIL.getSmtp().getPort()), "--smtp-security", "none",
                "--mail-from", "reports@nas.example.org", "--attach-log", "always");

        assertThat(run.exit()).as(run.toString()).isZero();
        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).startsWith("[BackupKit]").contains("succeeded")
                .contains(Fixtures.snapshotId(run));
        assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.org");
        Multipart parts = (Multipart) received[0].getContent();
        boolean attached = false;
        for (int i = 0; i < parts.getCount(); i++) {
            attached |= "backup.log".equals(parts.getBodyPart(i).getFileName());
        }
        assertThat(attached).as("backup.log attached").isTrue();
    }

    @Test
    void shouldNeverShowTheSmtpPasswordWhenTheLoginFails() throws Exception {
        String password = "Zq8-wrong-password-7Yx";
        Path file = tmp.resolve("smtp-password");
        java.nio.file.Files.writeString(file, password);
        Path dest = tmp.resolve("dest");

        CliRun run = CliRun.of("backup", "--source", source(), "--dest", dest.toString(), "--json",
                "--notify-email", "ops@example.org", "--smtp-host", "127.0.0.1",
                "--smtp-port", Integer.toString(MAIL.getSmtp().getPort()), "--smtp-security", "none",
                "--smtp-user", "backup@nas.example.org", "--smtp-password-file", file.toString(),
                "--attach-log", "always", "--debug");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Notifier email:127.0.0.1 failed");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
        assertThat(run.out() + run.err()).doesNotContain(password);
        try (var files = java.nio.file.Files.walk(dest)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    assertThat(java.nio.file.Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(password);
                }
            }
        }
    }

    @Test
    void shouldWarnButSucceedWhenTheWebhookIsDown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun run = CliRun.of("backup", "--source", source(), "--dest", tmp.resolve("dest").toString(),
                "--notify-webhook", "http://127.0.0.1:" + closed + "/hook");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err()).contains("Notifier webhook:json:127.0.0.1 failed");
    }

    @Test
    void shouldRejectNotificationOptionsThatDoNotFit() throws Exception {
        String src = source();
        String dest = tmp.resolve("dest").toString();
        for (List<String> extra : List.of(
                List.of("--notify-when", "sometimes"),
                List.of("--attach-log", "maybe"),
                List.of("--smtp-host", "smtp.gmail.com"),
                List.of("--notify-email", "ops@example.org"),
                List.of("--notify-email", "ops@example.org", "--smtp-host", "h", "--smtp-security", "tls"),
                List.of("--notify-email", "not an address", "--smtp-host", "h"),
                List.of("--notify-webhook", "ftp://example.org/x"),
                List.of("--webhook-format", "discord"))) {
            List<String> args = new java.util.ArrayList<>(List.of("backup", "--source", src, "--dest", dest));
            args.addAll(extra);
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).contains("backupkit: error:");
        }
        assertThat(tmp.resolve("dest")).doesNotExist();
        assertThat(posted).isEmpty();
    }
}
