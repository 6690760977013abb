package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ListCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shouldListNewestFirst() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        String dest = tmp.resolve("backups").toString();
        String first = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));
        String second = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));

        CliRun run = CliRun.of("list", "--dest", dest);

        assertThat(run.exit()).isZero();
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(0)).contains("ID", "STATUS", "FILES", "BYTES", "ARCHIVER");
        assertThat(run.outLines().get(1)).startsWith(second);
        assertThat(run.outLines().get(2)).startsWith(first);
    }

    @Test
    void shouldPrintValidJsonWithEveryField() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        String dest = tmp.resolve("backups").toString();
        String id = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));

        CliRun run = CliRun.of("list", "--dest", dest, "--json");

        assertThat(run.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.isArray()).isTrue();
        assertThat(json.size()).isEqualTo(1);
        JsonNode s = json.get(0);
        assertThat(s.has("id") && s.has("created") && s.has("complete") && s.has("appVersion") && s.has("archiver")
                && s.has("units") && s.has("files") && s.has("bytes") && s.has("location") && s.has("pinned")
                && s.has("storedBytes")).as(s.toString()).isTrue();
        assertThat(s.get("pinned").asBoolean()).isFalse();
        assertThat(s.get("storedBytes").asLong()).isPositive();
        assertThat(s.get("id").asText()).isEqualTo(id);
        assertThat(Instant.parse(s.get("created").asText())).isNotNull();
        assertThat(s.get("complete").asBoolean()).isTrue();
        assertThat(s.get("archiver").asText()).isEqualTo("zip");
        assertThat(s.get("files").asLong()).isEqualTo(6);
        assertThat(s.get("bytes").asLong()).isPositive();
        assertThat(s.get("units").asInt()).isPositive();
        assertThat(Path.of(s.get("location").asText())).isDirectory();
    }

    @Test
    void shouldShowPinnedSnapshots() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        String dest = tmp.resolve("backups").toString();
        String first = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));
        String second = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));
        assertThat(CliRun.of("pin", "--dest", dest, first).exit()).isZero();

        CliRun text = CliRun.of("list", "--dest", dest);
        JsonNode json = new ObjectMapper().readTree(CliRun.of("list", "--dest", dest, "--json").out());

        assertThat(text.outLines().get(1)).startsWith(second).contains("complete");
        assertThat(text.outLines().get(2)).startsWith(first).contains("pinned");
        assertThat(json.get(0).get("pinned").asBoolean()).isFalse();
        assertThat(json.get(1).get("pinned").asBoolean()).isTrue();
    }

    @Test
    void shouldListAnEmptyDestination() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThat(CliRun.of("list", "--dest", empty.toString()).out()).isEqualTo("No snapshots in " + empty
                + System.lineSeparator());
        CliRun json = CliRun.of("list", "--dest", empty.toString(), "--json");
        assertThat(json.exit()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).isArray()).isTrue();
    }

    @Test
    void shouldFailNamingAMissingDestination() {
        Path missing = tmp.resolve("typo");

        CliRun run = CliRun.of("list", "--dest", missing.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("backupkit: error: Destination " + missing + " does not exist");
    }
}
