package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandTest {

    @TempDir
    Path tmp;

    /** Flips one byte in the middle of a unit's archive of the newest snapshot. */
    static void corruptUnit(Path dest, String unit) throws IOException {
        Path archive;
        try (var s = Files.list(dest)) {
            Path snapshot = s.filter(Files::isDirectory).sorted().reduce((a, b) -> b).orElseThrow();
            archive = snapshot.resolve("units").resolve(unit + ".zip");
        }
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(archive, bytes);
    }

    private String dest;

    private String backup() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        dest = tmp.resolve("backups").toString();
        return Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest));
    }

    @Test
    void shouldVerifyANamedSnapshot() throws IOException {
        String first = backup();
        Fixtures.snapshotId(CliRun.of("backup", "--source", tmp.resolve("source").toString(), "--dest", dest));

        CliRun run = CliRun.of("verify", "--dest", dest, "--snapshot", first);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Snapshot " + first + " is sound: 6 files, ");
    }

    @Test
    void shouldReportEveryProblemNamingTheUnitAndExit1() throws IOException {
        String id = backup();
        corruptUnit(Path.of(dest), "Metadata");

        CliRun run = CliRun.of("verify", "--dest", dest);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.outLines()).isNotEmpty().anyMatch(l -> l.contains("unit 'Metadata'"));
        assertThat(run.outLines()).noneMatch(l -> l.contains("is sound"));
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("backupkit: error: Snapshot " + id + " is damaged").contains("Metadata");
    }

    @Test
    void shouldPrintProblemsAsJson() throws IOException {
        backup();
        corruptUnit(Path.of(dest), "Metadata");

        CliRun run = CliRun.of("verify", "--dest", dest, "--json");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("problems").get(0).get("unit").asText()).isEqualTo("Metadata");
        assertThat(json.get("problems").get(0).get("kind").asText()).isNotBlank();
    }

    @Test
    void shouldPrintASoundResultAsJson() throws IOException {
        String id = backup();

        CliRun run = CliRun.of("verify", "--dest", dest, "--json");

        assertThat(run.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("snapshotId").asText()).isEqualTo(id);
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("problems").size()).isZero();
        assertThat(json.get("files").asLong()).isEqualTo(6);
    }

    @Test
    void shouldFailNamingAnUnknownSnapshotId() throws IOException {
        backup();

        CliRun run = CliRun.of("verify", "--dest", dest, "--snapshot", "20000101T000000Z");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("20000101T000000Z");
    }

    @Test
    void shouldFailWhenThereIsNoCompleteSnapshot() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliRun run = CliRun.of("verify", "--dest", empty.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("No complete snapshot in " + empty);
    }
}
