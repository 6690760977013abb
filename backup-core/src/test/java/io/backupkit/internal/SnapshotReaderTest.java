package io.backupkit.internal;

import io.backupkit.BackupPlan;
import io.backupkit.internal.zip.ZipArchiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotReaderTest {

    @TempDir
    Path tmp;

    @Test
    void shouldFindNamesThatDifferOnlyInCaseWithinAndAcrossUnits() throws Exception {
        Path source = tmp.resolve("source");
        for (String file : List.of("Readme.txt", "README.txt", "other.txt", "Docs/a.txt", "docs/A.TXT", "docs/b.txt")) {
            Files.createDirectories(source.resolve(file).getParent());
            Files.writeString(source.resolve(file), file);
        }
        Path dest = tmp.resolve("dest");
        String id = BackupPlan.builder().source(source).destination(dest).build().backup().snapshotId();

        SnapshotReader reader = new SnapshotReader(dest.resolve(id), id, SnapshotStore.readManifest(dest.resolve(id),
                id), new ZipArchiver());

        assertThat(reader.checkContainers()).isEmpty();
        assertThat(reader.caseCollisions().stream().map(pair -> {
            String[] sorted = pair.clone();
            Arrays.sort(sorted);
            return String.join(" | ", sorted);
        })).containsExactlyInAnyOrder("Docs | docs", "Docs/a.txt | docs/A.TXT", "README.txt | Readme.txt");
    }
}
