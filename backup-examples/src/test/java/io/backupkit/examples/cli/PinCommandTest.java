package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PinCommandTest {

    @TempDir
    Path tmp;

    private String dest() {
        return tmp.resolve("backups").toString();
    }

    private String backup() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        return Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest()));
    }

    @Test
    void shouldPinAndUnpinASnapshot() throws IOException {
        String id = backup();

        CliRun pin = CliRun.of("pin", "--dest", dest(), id);
        CliRun listed = CliRun.of("list", "--dest", dest());
        CliRun unpin = CliRun.of("unpin", "--dest", dest(), id);
        CliRun again = CliRun.of("unpin", "--dest", dest(), id);

        assertThat(pin.exit()).as(pin.toString()).isZero();
        assertThat(pin.out()).isEqualTo("Pinned snapshot " + id + ": retention keeps it until it is unpinned"
                + System.lineSeparator());
        assertThat(listed.outLines().get(1)).startsWith(id).contains("pinned");
        assertThat(unpin.exit()).isZero();
        assertThat(unpin.out().strip()).isEqualTo("Unpinned snapshot " + id);
        assertThat(again.exit()).isZero();
        assertThat(again.out().strip()).isEqualTo("Snapshot " + id + " was not pinned");
        assertThat(CliRun.of("list", "--dest", dest()).outLines().get(1)).contains("complete");
    }

    @Test
    void shouldPrintThePinnedSnapshotAsJson() throws IOException {
        String id = backup();

        CliRun pin = CliRun.of("pin", "--dest", dest(), id, "--json");
        CliRun unpin = CliRun.of("unpin", "--dest", dest(), id, "--json");

        JsonNode s = new ObjectMapper().readTree(pin.out());
        assertThat(s.get("id").asText()).isEqualTo(id);
        assertThat(s.get("pinned").asBoolean()).isTrue();
        JsonNode u = new ObjectMapper().readTree(unpin.out());
        assertThat(u.get("id").asText()).isEqualTo(id);
        assertThat(u.get("wasPinned").asBoolean()).isTrue();
    }

    @Test
    void shouldFailNamingAnUnknownSnapshot() throws IOException {
        backup();

        CliRun pin = CliRun.of("pin", "--dest", dest(), "20200101T000000Z");
        CliRun unpin = CliRun.of("unpin", "--dest", dest(), "20200101T000000Z");

        assertThat(pin.exit()).isEqualTo(1);
        assertThat(pin.errLines()).singleElement().asString().startsWith("backupkit: error: ")
                .contains("20200101T000000Z");
        assertThat(unpin.exit()).isEqualTo(1);
        assertThat(unpin.errLines()).singleElement().asString().contains("20200101T000000Z");
    }

    @Test
    void shouldRequireAnIdAsBadUsage() throws IOException {
        backup();

        CliRun run = CliRun.of("pin", "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("ID");
    }

    @Test
    void shouldFailNamingAMissingDestination() {
        Path missing = tmp.resolve("typo");

        CliRun run = CliRun.of("pin", "--dest", missing.toString(), "20200101T000000Z");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("backupkit: error: Destination " + missing + " does not exist");
    }
}
