package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.Snapshot;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    private static JsonNode parse(String json) throws Exception {
        return new ObjectMapper().readTree(json);
    }

    @Test
    void shouldEscapeEveryCharacterJsonRequires() throws Exception {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode Ünïcödé ファイル 🎬";

        JsonNode node = parse(JsonText.write(Map.of("s", nasty)));

        assertThat(node.get("s").asText()).isEqualTo(nasty);
    }

    @Test
    void shouldWriteARecordWithItsComponentsInOrder() throws Exception {
        Snapshot s = new Snapshot("20261122T035800Z", Instant.parse("2026-11-22T03:58:00Z"), null, true,
                Path.of("/mnt/backups/20261122T035800Z"), "zip", 3, 10, 2048);

        String json = JsonText.write(s);

        assertThat(json).containsSubsequence("\"id\"", "\"created\"", "\"appVersion\"", "\"complete\"",
                "\"location\"", "\"archiver\"", "\"units\"", "\"files\"", "\"bytes\"");
        JsonNode node = parse(json);
        assertThat(node.get("created").asText()).isEqualTo("2026-11-22T03:58:00Z");
        assertThat(node.get("appVersion").isNull()).isTrue();
        assertThat(node.get("location").asText()).isEqualTo(Path.of("/mnt/backups/20261122T035800Z").toString());
        assertThat(node.get("bytes").asLong()).isEqualTo(2048);
    }

    @Test
    void shouldAddOkToAVerifyResultAndWriteEnumsAndDurations() throws Exception {
        VerifyResult v = new VerifyResult("20261122T035800Z", 1, 2, 3, Duration.ofMillis(1250), List.of(
                new VerifyProblem("Metadata", "units/Metadata.zip", VerifyProblem.Kind.ARCHIVE_HASH, "aa", "bb",
                        "does not match")));

        JsonNode node = parse(JsonText.write(v));

        assertThat(node.get("ok").asBoolean()).isFalse();
        assertThat(node.get("duration").asText()).isEqualTo("PT1.25S");
        assertThat(node.get("problems").get(0).get("kind").asText()).isEqualTo("ARCHIVE_HASH");
    }

    @Test
    void shouldWriteEmptyListsAndMaps() throws Exception {
        assertThat(JsonText.write(List.of())).isEqualTo("[]");
        assertThat(parse(JsonText.write(Map.of("a", List.of(), "b", Map.of()))).get("a").isArray()).isTrue();
    }
}
