package io.backupkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Inventories: what the source had installed is recorded in the manifest, and a restore says what the target lacks.
 */
class InventoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The names of the folders in {@code plugins/}; none when there is no such folder. */
    private static final Inventory PLUGINS = folder -> {
        Path plugins = folder.resolve("plugins");
        if (!Files.isDirectory(plugins)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(plugins)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    };

    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path source = tmp.resolve("source");
        TestTrees.write(source.resolve("config/system.xml"), "<ServerConfiguration/>");
        TestTrees.write(source.resolve("plugins/Trakt_26.0.0.0/Trakt.dll"), "dll");
        TestTrees.write(source.resolve("plugins/Playback Reporting_14.0.0.0/meta.json"), "{}");
        TestTrees.write(source.resolve("plugins/Open Subtitles_20.0.0.0/meta.json"), "{}");
        return source;
    }

    private JsonNode manifest(Path dest, String id) throws IOException {
        return JSON.readTree(dest.resolve(id).resolve("manifest.json").toFile());
    }

    @Test
    void shouldRecordTheInventoryAndNameWhatTheRestoredTargetLacks() throws Exception {
        Path source = source();
        Path dest = tmp.resolve("dest");
        // plugins are left out of the backup, as an application's own backup would: the target keeps its own
        BackupPlan plan = BackupPlan.builder().source(source).destination(dest).exclude("plugins/**")
                .inventory("plugins", PLUGINS).build();
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("new-server");
        TestTrees.write(target.resolve("plugins/Trakt_26.0.0.0/Trakt.dll"), "dll");

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target));

        assertThat(manifest(dest, id).get("inventory").get("plugins")).extracting(JsonNode::asText)
                .containsExactly("Open Subtitles_20.0.0.0", "Playback Reporting_14.0.0.0", "Trakt_26.0.0.0");
        assertThat(r.inventory()).containsOnlyKeys("plugins");
        assertThat(r.inventory().get("plugins"))
                .containsExactly("Open Subtitles_20.0.0.0", "Playback Reporting_14.0.0.0", "Trakt_26.0.0.0");
        assertThat(r.missing()).isEqualTo(Map.of("plugins", List.of("Open Subtitles_20.0.0.0",
                "Playback Reporting_14.0.0.0")));
        assertThat(target.resolve("plugins/Trakt_26.0.0.0/Trakt.dll")).exists();
    }

    @Test
    void shouldFindNothingMissingWhenTheRestoreBringsThePluginsBack() throws Exception {
        BackupPlan plan = BackupPlan.builder().source(source()).destination(tmp.resolve("dest"))
                .inventory("plugins", PLUGINS).build();
        String id = plan.backup().snapshotId();

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(tmp.resolve("target")));

        assertThat(r.inventory().get("plugins")).hasSize(3);
        assertThat(r.missing()).isEqualTo(Map.of("plugins", List.of()));
    }

    @Test
    void shouldReadAnOlderManifestWithoutAnInventory() throws Exception {
        Path source = source();
        Path dest = tmp.resolve("dest");
        BackupPlan without = BackupPlan.builder().source(source).destination(dest).build();
        String first = without.backup().snapshotId();
        assertThat(manifest(dest, first).has("inventory")).as("no field when the plan has no inventory").isFalse();
        BackupPlan with = without.toBuilder().inventory("plugins", PLUGINS).build();
        String second = with.backup().snapshotId();
        // the second manifest as a library before inventories would have written it
        Path file = dest.resolve(second).resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(file.toFile());
        assertThat(m.remove("inventory")).isNotNull();
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), m);
        Files.delete(file.resolveSibling("manifest.sha256")); // nor did it record the manifest's hash

        assertThat(with.snapshots()).extracting(Snapshot::id).containsExactly(second, first);
        assertThat(with.verify(second).ok()).isTrue();
        RestoreResult r = with.restore(RestoreRequest.of(second).target(tmp.resolve("target")));

        assertThat(r.files()).isEqualTo(4);
        assertThat(r.inventory()).isEmpty();
        assertThat(r.missing()).isEmpty();
    }

    @Test
    void shouldWarnAndRecordTheOthersWhenAnInventoryFails() throws Exception {
        Path dest = tmp.resolve("dest");
        BackupPlan plan = BackupPlan.builder().source(source()).destination(dest)
                .inventory("broken", folder -> {
                    throw new IOException("plugins.json is not JSON");
                })
                .inventory("plugins", PLUGINS).build();

        BackupResult b = plan.backup();

        assertThat(b.warnings()).anySatisfy(w -> assertThat(w).contains("Inventory 'broken'")
                .contains("plugins.json is not JSON").contains("the snapshot records no such inventory"));
        JsonNode inventory = manifest(dest, b.snapshotId()).get("inventory");
        assertThat(inventory.has("broken")).isFalse();
        assertThat(inventory.get("plugins")).hasSize(3);
        RestoreResult r = plan.restore(RestoreRequest.of(b.snapshotId()).target(tmp.resolve("target")));
        assertThat(r.inventory()).containsOnlyKeys("plugins");
    }

    @Test
    void shouldSortDropBlanksAndDuplicatesAndListOnADryRun() throws Exception {
        Path dest = tmp.resolve("dest");
        BackupPlan plan = BackupPlan.builder().source(source()).destination(dest)
                .inventory("plugins", folder -> java.util.Arrays.asList("b", " a ", "b", "", null)).build();

        BackupResult dry = plan.toBuilder().dryRun(true).build().backup();
        assertThat(dry.steps()).anySatisfy(s -> assertThat(s)
                .isEqualTo("record the inventory 'plugins' of the source: 2 entries [a, b]"));
        assertThat(dest).doesNotExist();

        String id = plan.backup().snapshotId();
        RestoreResult preview = plan.restore(RestoreRequest.of(id).target(tmp.resolve("target")).dryRun(true));
        assertThat(preview.inventory()).isEqualTo(Map.of("plugins", List.of("a", "b")));
        assertThat(preview.missing()).as("nothing is restored, nothing compared").isEmpty();
    }

    @Test
    void shouldListAnArchiveFromAnotherToolFromItsExtractedFiles() throws Exception {
        BackupPlan plan = BackupPlan.builder().source(source()).destination(tmp.resolve("dest"))
                .inventory("plugins", PLUGINS).build();
        plan.backup();
        Path archive;
        try (Stream<Path> s = Files.walk(tmp.resolve("dest"))) {
            archive = s.filter(p -> p.getFileName().toString().equals("plugins.zip")).findFirst().orElseThrow();
        }
        Path target = tmp.resolve("from-archive");

        RestoreResult r = plan.restore(RestoreRequest.fromArchive(archive).target(target));

        assertThat(r.inventory().get("plugins"))
                .containsExactly("Open Subtitles_20.0.0.0", "Playback Reporting_14.0.0.0", "Trakt_26.0.0.0");
        assertThat(r.missing()).isEqualTo(Map.of("plugins", List.of()));
    }

    @Test
    void shouldRefuseABadNameOrNoFunction() {
        for (String bad : new String[] {null, "", " ", "my plugins", "a/b"}) {
            assertThatThrownBy(() -> BackupPlan.builder().inventory(bad, PLUGINS)).as(String.valueOf(bad))
                    .isInstanceOf(InvalidPlanException.class).hasMessageContaining("inventory name must be");
        }
        assertThatThrownBy(() -> BackupPlan.builder().inventory("plugins", null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("inventory 'plugins' must not be null");
        Inventory other = folder -> List.of("x");
        BackupPlan plan = BackupPlan.builder().destination(tmp.resolve("d")).inventory(" plugins ", PLUGINS)
                .inventory("plugins", other).build();
        assertThat(plan.inventories()).containsOnlyKeys("plugins");
        assertThat(plan.inventories().get("plugins")).isSameAs(other);
        assertThat(plan.toBuilder().build().inventories()).isEqualTo(plan.inventories());
    }
}
