package io.backupkit.notify.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.RunReport;
import io.backupkit.notify.Notifiers;
import io.backupkit.notify.webhook.WebhookNotifier.Format;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookFormatTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestServer.Request post(Format format, RunReport report) throws Exception {
        try (TestServer server = TestServer.ok()) {
            Notifiers.webhook(server.url("/hook/path?x=1")).format(format)
                    .header("X-Custom", "custom-value").build().send(Reports.of(report));
            assertThat(server.requests()).hasSize(1);
            TestServer.Request r = server.requests().get(0);
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/hook/path");
            assertThat(r.query()).isEqualTo("x=1");
            assertThat(r.header("X-Custom")).isEqualTo("custom-value");
            assertThat(r.header("User-Agent")).startsWith("BackupKit/");
            return r;
        }
    }

    private static JsonNode json(TestServer.Request r) throws Exception {
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        return MAPPER.readTree(r.body());
    }

    @Test
    void shouldPostTheWholeReportAsJson() throws Exception {
        JsonNode n = json(post(Format.JSON, Reports.success()));
        assertThat(n.get("operation").asText()).isEqualTo("BACKUP");
        assertThat(n.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(n.get("success").asBoolean()).isTrue();
        assertThat(n.get("summary").asText()).isEqualTo(Reports.success().summary());
        assertThat(n.get("snapshotId").asText()).isEqualTo("20261122T035800Z");
        assertThat(n.get("started").asText()).isEqualTo("2026-11-22T03:58:00Z");
        assertThat(n.get("finished").asText()).isEqualTo("2026-11-22T03:58:41.250Z");
        assertThat(n.get("durationSeconds").decimalValue()).isEqualByComparingTo("41.25");
        assertThat(n.get("files").asLong()).isEqualTo(3000);
        assertThat(n.get("bytes").asLong()).isEqualTo(12_300_000);
        assertThat(n.get("units").asInt()).isEqualTo(12);
        assertThat(n.get("unitsReused").asInt()).isEqualTo(9);
        assertThat(n.get("warnings")).hasSize(1);
        assertThat(n.get("warnings").get(0).asText()).isEqualTo("skipped Cache/locked.db: in use");
        assertThat(n.get("errors")).isEmpty();
        assertThat(n.get("appVersion").asText()).isEqualTo("1.40.2.8395");
        assertThat(n.get("host").asText()).isEqualTo("media-server");
        assertThat(n.get("log").asText()).isEqualTo(Reports.success().log().toString());
        assertThat(n.get("errorLog").asText()).isEqualTo(Reports.success().errorLog().toString());
        assertThat(n.get("dryRun").asBoolean()).isFalse();
    }

    @Test
    void shouldPostAnEarlyFailureAsJsonWithNulls() throws Exception {
        JsonNode n = json(post(Format.JSON, Reports.failedEarly()));
        assertThat(n.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(n.get("success").asBoolean()).isFalse();
        assertThat(n.get("snapshotId").isNull()).isTrue();
        assertThat(n.get("appVersion").isNull()).isTrue();
        assertThat(n.get("log").isNull()).isTrue();
        assertThat(n.get("errorLog").isNull()).isTrue();
        assertThat(n.get("durationSeconds").decimalValue()).isEqualByComparingTo("0.12");
        assertThat(n.get("errors")).hasSize(2);
        assertThat(n.get("errors").get(0).asText()).isEqualTo("destination /mnt/nas/plex is locked by pid 4242 on nas");
        assertThat(n.get("warnings")).isEmpty();
    }

    @Test
    void shouldPostAGreenDiscordEmbedOnSuccess() throws Exception {
        JsonNode n = json(post(Format.DISCORD, Reports.success()));
        String summary = Reports.success().summary();
        assertThat(n.get("content").asText()).isEqualTo(summary);
        assertThat(n.get("allowed_mentions").get("parse")).isEmpty();
        JsonNode embed = n.get("embeds").get(0);
        assertThat(n.get("embeds")).hasSize(1);
        assertThat(embed.get("title").asText()).isEqualTo(summary);
        assertThat(embed.get("color").asInt()).isEqualTo(Payloads.GREEN);
        assertThat(embed.get("timestamp").asText()).isEqualTo("2026-11-22T03:58:41.250Z");
        assertThat(field(embed, "Snapshot")).isEqualTo("20261122T035800Z");
        assertThat(field(embed, "Host")).isEqualTo("media-server");
        assertThat(field(embed, "Files")).isEqualTo("3000");
        assertThat(field(embed, "Size")).isEqualTo("12.3 MB");
        assertThat(field(embed, "Duration")).isEqualTo("41 s");
        assertThat(field(embed, "Units")).isEqualTo("12 (9 reused)");
        assertThat(field(embed, "Warnings")).isEqualTo("1");
        assertThat(embed.get("description").asText()).contains("skipped Cache/locked.db: in use");
    }

    @Test
    void shouldPostARedDiscordEmbedWithTheErrorsOnFailure() throws Exception {
        JsonNode n = json(post(Format.DISCORD, Reports.failedEarly()));
        JsonNode embed = n.get("embeds").get(0);
        assertThat(n.get("content").asText()).contains("FAILED: destination /mnt/nas/plex is locked");
        assertThat(embed.get("color").asInt()).isEqualTo(Payloads.RED);
        assertThat(field(embed, "Outcome")).isEqualTo("FAILED");
        assertThat(field(embed, "Snapshot")).isNull();
        assertThat(embed.get("description").asText()).startsWith("**Errors**\n- destination /mnt/nas/plex")
                .contains("- caused by: lock held");
    }

    @Test
    void shouldKeepDiscordWithinItsLimits() throws Exception {
        JsonNode n = json(post(Format.DISCORD, Reports.huge()));
        assertThat(n.get("content").asText()).hasSizeLessThanOrEqualTo(2000);
        JsonNode embed = n.get("embeds").get(0);
        String title = embed.get("title").asText();
        String description = embed.get("description").asText();
        assertThat(title).hasSizeLessThanOrEqualTo(256).endsWith("…");
        assertThat(description).hasSizeLessThanOrEqualTo(4096).contains("more");
        assertThat(embed.get("fields").size()).isLessThanOrEqualTo(25);
        int total = title.length() + description.length();
        for (JsonNode f : embed.get("fields")) {
            assertThat(f.get("name").asText()).hasSizeLessThanOrEqualTo(256);
            assertThat(f.get("value").asText()).hasSizeLessThanOrEqualTo(1024);
            total += f.get("name").asText().length() + f.get("value").asText().length();
        }
        assertThat(total).isLessThanOrEqualTo(6000);
    }

    @Test
    void shouldPostSlackSectionsOnSuccess() throws Exception {
        JsonNode n = json(post(Format.SLACK, Reports.success()));
        assertThat(n.get("text").asText()).isEqualTo(Reports.success().summary());
        JsonNode blocks = n.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("section");
        assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(0).get("text").get("text").asText())
                .isEqualTo(":white_check_mark: *" + Reports.success().summary() + "*");
        assertThat(blocks.get(1).get("fields").toString()).contains("*Snapshot*\\n20261122T035800Z")
                .contains("*Host*\\nmedia-server");
        assertThat(blocks.get(2).get("text").get("text").asText()).startsWith("*Warnings (1)*\n• skipped");
    }

    @Test
    void shouldPostSlackErrorsEscapedOnFailure() throws Exception {
        RunReport failed = Reports.failedEarly();
        RunReport withMarkup = new RunReport(failed.operation(), failed.outcome(), null, failed.started(),
                failed.finished(), 0, 0, 0, 0, failed.warnings(), java.util.List.of("cannot read <A & B>"), null,
                "media-server", null, null, false);
        JsonNode n = json(post(Format.SLACK, withMarkup));
        JsonNode blocks = n.get("blocks");
        assertThat(blocks.get(0).get("text").get("text").asText()).startsWith(":rotating_light: *");
        assertThat(blocks.get(2).get("text").get("text").asText())
                .isEqualTo("*Errors*\n• cannot read &lt;A &amp; B&gt;");
        assertThat(n.get("text").asText()).contains("FAILED: cannot read &lt;A &amp; B&gt;");
    }

    @Test
    void shouldKeepSlackWithinItsLimits() throws Exception {
        JsonNode n = json(post(Format.SLACK, Reports.huge()));
        assertThat(n.get("text").asText()).hasSizeLessThanOrEqualTo(3000);
        JsonNode blocks = n.get("blocks");
        assertThat(blocks.size()).isLessThanOrEqualTo(50);
        for (JsonNode block : blocks) {
            if (block.has("text")) {
                assertThat(block.get("text").get("text").asText()).hasSizeLessThanOrEqualTo(3000);
            }
            if (block.has("fields")) {
                assertThat(block.get("fields").size()).isLessThanOrEqualTo(10);
                block.get("fields").forEach(f -> assertThat(f.get("text").asText()).hasSizeLessThanOrEqualTo(2000));
            }
        }
        assertThat(blocks.get(2).get("text").get("text").asText()).contains("more");
    }

    @Test
    void shouldPostNtfyPlainTextWithTitlePriorityAndTagsOnSuccess() throws Exception {
        TestServer.Request r = post(Format.NTFY, Reports.success());
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("Title")).isEqualTo(Reports.success().summary());
        assertThat(r.header("Priority")).isEqualTo("default");
        assertThat(r.header("Tags")).isEqualTo("white_check_mark");
        assertThat(r.text()).startsWith(Reports.success().summary() + "\n").contains("Snapshot: 20261122T035800Z")
                .contains("Host: media-server").contains("Warnings (1):\n- skipped Cache/locked.db: in use");
    }

    @Test
    void shouldPostNtfyWithHighPriorityOnFailure() throws Exception {
        TestServer.Request r = post(Format.NTFY, Reports.failedEarly());
        assertThat(r.header("Priority")).isEqualTo("high");
        assertThat(r.header("Tags")).isEqualTo("rotating_light");
        assertThat(r.header("Title")).contains("FAILED: destination /mnt/nas/plex is locked");
        assertThat(r.text()).contains("Errors (2):\n- destination /mnt/nas/plex is locked by pid 4242 on nas\n"
                + "- caused by: lock held").doesNotContain("Snapshot:");
    }

    @Test
    void shouldEncodeANonAsciiNtfyTitleAsRfc2047AndBoundTheBody() throws Exception {
        RunReport huge = Reports.huge();
        TestServer.Request r = post(Format.NTFY, huge);
        String title = r.header("Title");
        assertThat(title).matches("(=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?=)( =\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?=)*");
        StringBuilder decoded = new StringBuilder();
        Matcher m = Pattern.compile("=\\?UTF-8\\?B\\?([^?]+)\\?=").matcher(title);
        while (m.find()) {
            assertThat(m.group().length()).isLessThanOrEqualTo(75);
            decoded.append(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        }
        assertThat(decoded.toString()).startsWith("BackupKit restore of snapshot 20261122T035800Z on host-éàü")
                .hasSizeLessThanOrEqualTo(200).endsWith("…");
        assertThat(r.body().length).isLessThanOrEqualTo(4000);
        assertThat(r.text()).contains("Errors (500):").contains("… and 497 more").contains("Warnings (500):");
    }

    @Test
    void shouldLetACustomHeaderReplaceAFormatHeader() throws Exception {
        try (TestServer server = TestServer.ok()) {
            Notifiers.webhook(server.url("/topic")).format(Format.NTFY).header("Priority", "urgent")
                    .header("content-type", "text/markdown").build().send(Reports.of(Reports.failedEarly()));
            TestServer.Request r = server.requests().get(0);
            assertThat(r.headers().get("Priority")).containsExactly("urgent");
            assertThat(r.headers().get("Content-Type")).containsExactly("text/markdown");
            assertThat(r.header("Tags")).isEqualTo("rotating_light");
        }
    }

    @Test
    void shouldParseFormatNamesInAnyCase() {
        assertThat(Format.parse("discord")).isEqualTo(Format.DISCORD);
        assertThat(Format.parse(" NTFY ")).isEqualTo(Format.NTFY);
        assertThat(Format.parse("Slack")).isEqualTo(Format.SLACK);
        assertThat(Format.parse("json")).isEqualTo(Format.JSON);
    }

    @Test
    void shouldRejectAnUnknownFormatListingTheKnownOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Format.parse("teams"))
                .isInstanceOf(io.backupkit.InvalidPlanException.class)
                .hasMessageContaining("'teams'").hasMessageContaining("json, discord, slack, ntfy");
    }

    private static String field(JsonNode embed, String name) {
        for (JsonNode f : embed.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f.get("value").asText();
            }
        }
        return null;
    }
}
