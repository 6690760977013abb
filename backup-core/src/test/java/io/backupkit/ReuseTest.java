package io.backupkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void shouldReadAReusedArchiveAgainOnlyOnceItsLastCheckIsOlderThanRecheckAfter() throws Exception {
        BackupPlan p = plan().recheckAfter(Duration.ofHours(1)).build();
        BackupResult first = p.backup();
        JsonNode logs1 = unit(manifest(first.snapshotId()), "Logs");
        assertThat(logs1.get("checked").asText()).isNotBlank();
        assertThat(logs1.get("archiveMtime").asText()).isNotBlank();

        // damage that leaves size and time as they were, as a failing disk would
        Path logs = dest.resolve(first.snapshotId()).resolve("units/Logs.zip");
        damageKeepingSizeAndTime(logs);

        BackupResult trusted = p.backup();
        assertThat(trusted.unitsReused()).isEqualTo(trusted.units());
        JsonNode logs2 = unit(manifest(trusted.snapshotId()), "Logs");
        assertThat(logs2.get("checked").asText()).as("carried forward, not read").isEqualTo(logs1.get("checked").asText());
        assertThat(Files.readString(dest.resolve(trusted.snapshotId()).resolve("backup.log")))
                .contains("last read and checked " + logs1.get("checked").asText());
        assertThat(p.verify(trusted.snapshotId()).ok()).as("verify reads everything").isFalse();

        Thread.sleep(20);
        BackupResult reread = p.toBuilder().recheckAfter(Duration.ofMillis(10)).build().backup();
        assertThat(reread.warnings()).anyMatch(w -> w.contains("unit 'Logs'") && w.contains(trusted.snapshotId()));
        assertThat(reread.unitsReused()).isEqualTo(reread.units() - 1);
        assertThat(p.verify(reread.snapshotId()).ok()).isTrue();
    }

    @Test
    void shouldReadEveryReusedArchiveWithRecheckAfterZero() throws Exception {
        BackupPlan p = plan().recheckAfter(Duration.ZERO).build();
        BackupResult first = p.backup();
        damageKeepingSizeAndTime(dest.resolve(first.snapshotId()).resolve("units/Logs.zip"));
        Thread.sleep(5);

        BackupResult second = p.backup();

        assertThat(second.warnings()).anyMatch(w -> w.contains("unit 'Logs'") && w.contains(first.snapshotId()));
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        JsonNode root = unit(manifest(second.snapshotId()), "");
        assertThat(Instant.parse(root.get("checked").asText()))
                .as("read again, so checked again").isAfter(Instant.parse(unit(manifest(first.snapshotId()), "")
                        .get("checked").asText()));
        assertThat(Files.readString(dest.resolve(second.snapshotId()).resolve("backup.log")))
                .contains("read and checked now");
    }

    @Test
    void shouldReadAReusedArchiveOfASnapshotWithoutAnEarlierCheck() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        // a snapshot written before checks were recorded: no archiveMtime and no checked in the manifest
        Path manifest = dest.resolve(first.snapshotId()).resolve("manifest.json");
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode) JSON
                .readTree(manifest.toFile());
        for (JsonNode u : m.get("units")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) u).remove(List.of("archiveMtime", "checked"));
        }
        Files.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        rehashManifest(first.snapshotId());
        damageKeepingSizeAndTime(dest.resolve(first.snapshotId()).resolve("units/Logs.zip"));

        BackupResult second = p.backup();

        assertThat(second.warnings()).anyMatch(w -> w.contains("unit 'Logs'") && w.contains(first.snapshotId()));
        assertThat(unit(manifest(second.snapshotId()), "Media").get("checked").asText()).isNotBlank();
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
    }

    @Test
    void shouldRewriteAUnitWhosePreviousIndexIsInAnotherOrderOrDamaged() throws Exception {
        BackupPlan p = plan().build();
        String first = p.backup().snapshotId();
        Path dir = dest.resolve(first);
        // Metadata's index with its lines reversed (same entries, another order), manifest updated to match, in a
        // snapshot of an earlier version (no digest of the entries): its index is compared line by line
        Path metadata = dir.resolve("index/Metadata.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(metadata));
        java.util.Collections.reverse(lines);
        Files.write(metadata, lines);
        Path manifest = dir.resolve("manifest.json");
        removeEntryDigests(manifest);
        Files.writeString(manifest, Files.readString(manifest).replaceAll(
                "(\"index\" : \"index/Metadata.jsonl\",\\s*\"indexSha256\" : \")[0-9a-f]+",
                "$1" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(metadata)))));
        rehashManifest(first);
        // Logs' index damaged (a line added) behind the manifest's back: its hash no longer matches
        Path logs = dir.resolve("index/Logs.jsonl");
        Files.writeString(logs, Files.readString(logs) + "\n");

        BackupResult second = p.backup();

        JsonNode m = manifest(second.snapshotId());
        assertThat(unit(m, "Metadata").path("reusedFrom").isMissingNode()).as("another order: written again").isTrue();
        assertThat(unit(m, "Logs").path("reusedFrom").isMissingNode()).as("damaged index: written again").isTrue();
        assertThat(unit(m, "Media").path("reusedFrom").asText()).isEqualTo(first);
        assertThat(p.verify(second.snapshotId()).ok()).isTrue();
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRefuseANegativeOrMissingRecheckAfter() {
        assertThatThrownBy(() -> BackupPlan.builder().recheckAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("recheck-after must be zero or more");
        assertThatThrownBy(() -> BackupPlan.builder().recheckAfter(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("recheck-after");
        assertThat(BackupPlan.builder().source(tmp.resolve("s")).destination(tmp.resolve("d")).build().recheckAfter())
                .isEqualTo(BackupPlan.Builder.DEFAULT_RECHECK_AFTER).isEqualTo(Duration.ofDays(7));
    }

    private static JsonNode unit(JsonNode manifest, String name) {
        for (JsonNode u : manifest.get("units")) {
            if (u.get("name").asText().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no unit '" + name + "' in " + manifest);
    }

    private static void damageKeepingSizeAndTime(Path file) throws IOException {
        FileTime time = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, time);
    }

    private static void removeEntryDigests(Path manifest) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode) JSON
                .readTree(manifest.toFile());
        for (JsonNode u : m.get("units")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) u).remove("entriesSha256");
        }
        Files.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    @Test
    void shouldRecordTheEntriesDigestOfEveryUnitAndCarryItForward() throws Exception {
        BackupPlan p = plan().special("Media/localhost").build();
        BackupResult first = p.backup();
        BackupResult second = p.backup();

        Map<String, String> digests = new TreeMap<>();
        for (JsonNode u : manifest(first.snapshotId()).get("units")) {
            assertThat(u.path("entriesSha256").asText()).as(u.toString()).matches("[0-9a-f]{64}");
            digests.put(u.get("name").asText(), u.get("entriesSha256").asText());
        }
        Map<String, String> reused = new TreeMap<>();
        for (JsonNode u : manifest(second.snapshotId()).get("units")) {
            reused.put(u.get("name").asText(), u.get("entriesSha256").asText());
        }
        assertThat(reused).isEqualTo(digests);
        assertThat(second.unitsReused()).isEqualTo(second.units());
    }

    @Test
    void shouldReuseTheUnitsOfASnapshotWithoutEntriesDigestsAndRecordThem() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        Path manifest = dest.resolve(first.snapshotId()).resolve("manifest.json");
        Map<String, String> digests = new TreeMap<>();
        for (JsonNode u : manifest(first.snapshotId()).get("units")) {
            digests.put(u.get("name").asText(), u.get("entriesSha256").asText());
        }
        removeEntryDigests(manifest); // a snapshot of an earlier version
        rehashManifest(first.snapshotId());

        BackupResult second = p.backup();

        assertThat(second.unitsReused()).as("compared line by line").isEqualTo(second.units());
        Map<String, String> recorded = new TreeMap<>();
        for (JsonNode u : manifest(second.snapshotId()).get("units")) {
            recorded.put(u.get("name").asText(), u.path("entriesSha256").asText());
        }
        assertThat(recorded).as("the digest of the walked entries, as the run that wrote them records it")
                .isEqualTo(digests);
        assertThat(p.backup().unitsReused()).isEqualTo(second.units());
    }

    @Test
    void shouldRewriteAUnitWhenOnlyATimeOrAModeChanged() throws Exception {
        BackupPlan p = plan().build();
        String first = p.backup().snapshotId();
        Path json = source.resolve("Metadata/Movies/with space/ and more.json");
        FileTime t = Files.getLastModifiedTime(json);
        Files.setLastModifiedTime(json, FileTime.from(t.toInstant().plusNanos(1000))); // size and content unchanged
        Path logs = source.resolve("Logs");
        Files.setPosixFilePermissions(logs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));

        BackupResult second = p.backup();

        JsonNode m = manifest(second.snapshotId());
        assertThat(unit(m, "Metadata").path("reusedFrom").isMissingNode()).as("a time changed").isTrue();
        assertThat(unit(m, "Logs").path("reusedFrom").isMissingNode()).as("a folder's mode changed").isTrue();
        assertThat(unit(m, "Media").path("reusedFrom").asText()).isEqualTo(first);
        assertThat(unit(m, "Metadata").get("entriesSha256").asText())
                .isNotEqualTo(unit(manifest(first), "Metadata").get("entriesSha256").asText());
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(source));
    }

    private void rehashManifest(String id) throws Exception {
        Path dir = dest.resolve(id);
        Path sums = dir.resolve("manifest.sha256");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(dir.resolve("manifest.json"))));
        Files.writeString(sums, Files.readString(sums).replaceFirst("^[0-9a-f]{64}", sha));
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
