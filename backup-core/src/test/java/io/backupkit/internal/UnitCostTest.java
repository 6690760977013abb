package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnitCostTest {

    private static final FileTime TIME = FileTime.fromMillis(0);

    @Test
    void shouldOrderUnitsByBytesAndEntriesCostliestFirstKeepingTiesInOrder() {
        Unit oneBigFile = unit("Media", 1, 4 * 1024 * 1024);
        Unit manySmallFiles = unit("Metadata", 2_000, 100);       // 2,000 entries outweigh 4 MiB in one file
        Unit empty = unit("Codecs", 0, 0);
        Unit tie = unit("Cache", 1, 4 * 1024 * 1024);

        assertThat(BackupEngine.byCost(List.of(empty, oneBigFile, manySmallFiles, tie)))
                .containsExactly(2, 1, 3, 0);
        assertThat(BackupEngine.byCost(List.of())).isEmpty();
    }

    private static Unit unit(String name, int files, long size) {
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            entries.add(new UnitEntry(name + "/f" + i, EntryType.FILE, size, TIME, 0644, null));
        }
        return new Unit(name, false, entries);
    }
}
