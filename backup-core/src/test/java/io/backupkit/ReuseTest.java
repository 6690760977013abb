package io.backupkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Unchanged units are reused from the previous snapshot; the worker count never changes a snapshot's content. */
class ReuseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;

    private BackupPlan.Builder plan() throws IOException {
        source = TestTrees.plexLike(tmp.resolve("source"));
        dest = tmp.resolve("dest");
        return BackupPlan.builder().source(source).destination(dest);
    }

    private JsonNode manifest(String id) throws IOException {
        return JSON.readTree(dest.resolve(id).resolve("manifest.json").toFile());
    }

    private static Map<String, String> unitHashes(JsonNode manifest) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode u : manifest.get("units")) {
            out.put(u.get("name").asText(), u.path("archiveSha256").asText("-") + " " + u.get("indexSha256").asText());
        }
        return out;
    }

    @Test
    void shouldReuseEveryUnitOfAnUnchangedTree() throws Exception {
        BackupPlan p = plan().special("Media/localhost").build();
        BackupResult first = p.backup();
        BackupResult second = p.backup();

        assertThat(second.unitsReused()).isEqualTo(second.units()).isEqualTo(first.units());
        JsonNode m = manifest(second.snapshotId());
        for (JsonNode u : m.get("units")) {
            assertThat(u.path("reusedFrom").asText()).as(u.toString()).isEqualTo(first.snapshotId());
            if (u.get("kind").asText().equals("archive")) {
                Path a = dest.resolve(second.snapshotId()).resolve(u.get("archive").asText());
                Path b = dest.resolve(first.snapshotId()).resolve(u.get("archive").asText());
                assertThat(Files.isSameFile(a, b)).as("hard-linked " + a).isTrue();
            }
        }
        assertThat(unitHashes(m)).isEqualTo(unitHashes(manifest(first.snapshotId())));
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRearchiveOnlyTheUnitWithAChangedFile() throws Exception {
        BackupPlan p = plan().build();
        String first = p.backup().snapshotId();
        Files.writeString(source.resolve("Metadata/Movies/with space/ and more.json"), "{\"changed\":true}");

        BackupResult second = p.backup();

        JsonNode m = manifest(second.snapshotId());
        List<String> rewritten = new ArrayList<>();
        for (JsonNode u : m.get("units")) {
            if (u.path("reusedFrom").isMissingNode()) {
                rewritten.add(u.get("name").asText());
            } else {
                assertThat(u.get("reusedFrom").asText()).isEqualTo(first);
            }
        }
        assertThat(rewritten).containsExactly("Metadata");
        assertThat(second.unitsReused()).isEqualTo(second.units() - 1);
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldNotCarryADamagedArchiveForward() throws Exception {
        BackupPlan p = plan().build();
        String first = p.backup().snapshotId();
        Path logs = dest.resolve(first).resolve("units/Logs.zip");
        byte[] bytes = Files.readAllBytes(logs);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(logs, bytes);

        BackupResult second = p.backup();

        assertThat(second.warnings()).anyMatch(w -> w.contains("unit 'Logs'") && w.contains(first));
        assertThat(second.unitsReused()).isEqualTo(second.units() - 1);
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        assertThat(p.verify(first).ok()).isFalse();
    }

    @Test
    void shouldKeepAReusedSnapshotWholeWhenRetentionRemovesTheOneItReused() throws Exception {
        BackupPlan p = plan().retention(RetentionPolicies.keepLast(1)).build();
        String first = p.backup().snapshotId();
        BackupResult second = p.backup();

        assertThat(second.pruned()).containsExactly(first);
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldNotReuseAcrossArchiverOptions() throws Exception {
        BackupPlan p = plan().build();
        p.backup();
        BackupResult other = p.toBuilder().archiverOption("level", "1").build().backup();
        assertThat(other.unitsReused()).isZero();
    }

    @Test
    void shouldWriteTheSameSnapshotWithOneWorkerOrMany() throws Exception {
        BackupPlan one = plan().workers(1).build();
        BackupResult a = one.backup();
        BackupPlan many = one.toBuilder().destination(tmp.resolve("dest2")).workers(8).build();
        BackupResult b = many.backup();
        JsonNode ma = manifest(a.snapshotId());
        JsonNode mb = JSON.readTree(tmp.resolve("dest2").resolve(b.snapshotId()).resolve("manifest.json").toFile());

        assertThat(mb.get("units").findValuesAsText("name")).isEqualTo(ma.get("units").findValuesAsText("name"));
        assertThat(unitHashes(mb)).isEqualTo(unitHashes(ma));
        assertThat(b.files()).isEqualTo(a.files());
    }

    @Test
    void shouldSplitAFolderIntoOneUnitPerSubFolder() throws Exception {
        BackupPlan p = plan().split("Metadata").build();
        Files.writeString(source.resolve("Metadata/loose.txt"), "a file directly in the split folder");
        BackupResult r = p.backup();

        JsonNode m = manifest(r.snapshotId());
        assertThat(m.get("units").findValuesAsText("name"))
                .containsSequence("Metadata", "Metadata/Empty Folder", "Metadata/Movies")
                .doesNotContain("Metadata/loose.txt", "Metadata/link-to-info");
        assertThat(m.get("plan").get("split").get(0).asText()).isEqualTo("Metadata");
        assertThat(p.verify(r.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));

        Files.writeString(source.resolve("Metadata/Movies/with space/ and more.json"), "{\"changed\":true}");
        BackupResult second = p.backup();
        assertThat(second.unitsReused()).isEqualTo(second.units() - 1);
    }

    @Test
    void shouldLinkUnchangedFilesOfASpecialFolderFromThePreviousSnapshot() throws Exception {
        BackupPlan p = plan().special("Media/localhost").build();
        String first = p.backup().snapshotId();
        Path added = source.resolve("Media/localhost/0/abc.bundle/Contents/Indexes/new.bif");
        Files.writeString(added, "new thumbnails");

        BackupResult second = p.backup();

        Path rel = Path.of("units/Media%2Flocalhost/Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif");
        assertThat(Files.isSameFile(dest.resolve(first).resolve(rel), dest.resolve(second.snapshotId()).resolve(rel)))
                .isTrue();
        JsonNode special = null;
        for (JsonNode u : manifest(second.snapshotId()).get("units")) {
            if (u.get("name").asText().equals("Media/localhost")) {
                special = u;
            }
        }
        assertThat(special).isNotNull();
        assertThat(special.path("reusedFrom").isMissingNode()).isTrue();
        assertThat(special.get("archiveSize").asLong()).isEqualTo("new thumbnails".length());
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }
}
