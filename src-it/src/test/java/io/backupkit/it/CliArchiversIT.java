package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every archiver through the command line, as a user runs it: {@code backup --archiver ID --workers N}, verify,
 * a restore that is not told the archiver (the manifest says it), a second backup of the unchanged tree that reuses
 * every unit, and one after a change that writes only the changed unit again.
 */
@Timeout(300)
class CliArchiversIT {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"zip", "7z", "tar.gz", "tar.xz", "tar.zst", "mirror"})
    void shouldBackUpVerifyRestoreAndReuseWithEveryArchiver(String archiver) throws IOException {
        Path source = tmp.resolve("source");
        Path dest = tmp.resolve("dest");
        ItSupport.writeMediaTree(source, 11);
        SortedMap<String, ItSupport.Node> tree = ItSupport.describe(source);

        Run first = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", archiver, "--workers", "2", "--json");
        assertThat(first.exit()).as(first.describe()).isZero();
        JsonNode written = first.stdoutJson();
        String id = written.path("snapshotId").asText();
        int units = written.path("units").asInt();
        assertThat(units).as(first.describe()).isGreaterThan(2);
        assertThat(written.path("unitsReused").asInt()).isZero();
        String extension = archiver.equals("mirror") ? "" : "." + archiver;
        assertThat(dest.resolve(id).resolve("units/_root" + extension)).exists();

        Run list = ItSupport.cli("list", "--dest", dest.toString(), "--json");
        assertThat(list.stdoutJson().get(0).path("archiver").asText()).as(list.describe()).isEqualTo(archiver);
        Run verify = ItSupport.cli("verify", "--dest", dest.toString(), "--snapshot", id);
        assertThat(verify.exit()).as(verify.describe()).isZero();

        Path target = tmp.resolve("restored");
        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());
        assertThat(restore.exit()).as(restore.describe()).isZero();
        ItSupport.assertSameTree(archiver + " restored tree", ItSupport.describe(target), tree,
                Times.MILLIS);

        Run unchanged = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", archiver, "--workers", "2", "--json");
        assertThat(unchanged.exit()).as(unchanged.describe()).isZero();
        assertThat(unchanged.stdoutJson().path("unitsReused").asInt()).as(unchanged.describe()).isEqualTo(units);

        Path changed;
        try (var files = Files.walk(source.resolve("Metadata"))) {
            changed = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Files.writeString(changed, "changed after the first backup");
        Run third = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", archiver, "--workers", "2", "--json");
        assertThat(third.exit()).as(third.describe()).isZero();
        assertThat(third.stdoutJson().path("unitsReused").asInt()).as(third.describe()).isEqualTo(units - 1);
        Run verifyAll = ItSupport.cli("verify", "--dest", dest.toString(), "--snapshot",
                third.stdoutJson().path("snapshotId").asText());
        assertThat(verifyAll.exit()).as(verifyAll.describe()).isZero();
    }
}
