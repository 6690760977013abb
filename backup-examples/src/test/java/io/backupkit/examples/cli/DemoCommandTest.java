package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.examples.demo.DemoTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRoundTripTheSampleAndSayItIsIdentical() throws IOException {
        CliRun run = CliRun.of("demo", "--dir", tmp.toString(), "--files", "400", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("identical").asBoolean()).isTrue();
        assertThat(json.get("files").asLong()).isEqualTo(400);
        assertThat(json.get("kept").asBoolean()).isTrue();
        assertThat(Path.of(json.get("work").asText())).startsWith(tmp);
        assertThat(json.get("excludedFiles").asLong()).isPositive();
        assertThat(json.get("differences").size()).isZero();
        assertThat(Path.of(json.get("target").asText()).resolve("Logs")).doesNotExist();
        assertThat(Path.of(json.get("source").asText()).resolve("Logs")).isDirectory();
    }

    @Test
    void shouldRejectASampleBelowTheMinimumAsBadUsage() {
        CliRun run = CliRun.of("demo", "--dir", tmp.toString(), "--files", "10");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--files must be at least " + DemoTree.MIN_FILES);
    }

    @Test
    void shouldPrintASummaryEndingWithIdenticalYesInATemporaryFolder() {
        CliRun run = CliRun.of("demo");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("3000 files").contains("Backup:").contains("Verify:").contains("Restore:")
                .containsPattern("snapshot \\d{8}T\\d{6}Z");
        assertThat(run.outLines().get(run.outLines().size() - 1)).isEqualTo("restored tree identical: yes");
        assertThat(run.err()).isEmpty();
    }
}
