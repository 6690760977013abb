package io.backupkit.archivers.tar;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarXzArchiverTest {

    @TempDir
    Path tmp;

    private final TarXzArchiver archiver = new TarXzArchiver();

    private static final List<UnitEntry> ENTRIES = List.of(
            new UnitEntry("a.xml", EntryType.FILE, 20_000, FileTime.fromMillis(0), 0644, null));

    @Test
    void shouldListLevelAndMemoryLimitWithTheirDefaults() {
        assertThat(archiver.defaultOptions()).containsOnly(Map.entry("level", "6"),
                Map.entry("memoryLimitMiB", "256"), Map.entry("readers", "auto"));
        assertThat(archiver.contentOptions()).containsExactlyInAnyOrder("level", "memoryLimitMiB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "10", "x"})
    void shouldRejectALevelOutsideZeroToNine(String level) {
        Path archive = tmp.resolve("a.tar.xz");

        assertThatThrownBy(() -> TarFixtures.write(archiver, archive, ENTRIES, Map.of("level", level), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("tar.xz option 'level' must be a whole number 0-9, was '" + level + "'");
        assertThat(archive).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65537", "lots"})
    void shouldRejectAMemoryLimitOutOfRange(String limit) {
        assertThatThrownBy(() -> TarFixtures.write(archiver, tmp.resolve("a.tar.xz"), ENTRIES,
                Map.of("memoryLimitMiB", limit), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("tar.xz option 'memoryLimitMiB' must be a whole number 1-65536, was '" + limit + "'");
        assertThatThrownBy(() -> archiver.read(tmp.resolve("any.tar.xz"), Map.of("memoryLimitMiB", limit),
                (e, in) -> { })).isInstanceOf(IOException.class).hasMessageContaining("memoryLimitMiB");
    }

    @Test
    void shouldRefuseToWriteALevelItsOwnMemoryLimitCouldNotReadBack() {
        Path archive = tmp.resolve("a.tar.xz");

        assertThatThrownBy(() -> TarFixtures.write(archiver, archive, ENTRIES,
                Map.of("level", "9", "memoryLimitMiB", "16"), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'level' 9 writes archives that need 65 MiB to read")
                .hasMessageContaining("'memoryLimitMiB' allows (16)");
        assertThat(archive).doesNotExist();
    }

    @Test
    void shouldRefuseToReadAnArchiveNeedingMoreMemoryThanTheLimit() throws IOException {
        Path archive = tmp.resolve("a.tar.xz");
        TarFixtures.write(archiver, archive, ENTRIES, Map.of("level", "6"), Set.of()); // 8 MiB dictionary

        assertThatThrownBy(() -> archiver.read(archive, Map.of("memoryLimitMiB", "2"), (e, in) -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(archive.toString())
                .hasMessageContaining("MiB to decompress (xz), more than the memoryLimitMiB option allows (2 MiB)");
        assertThat(TarFixtures.readAll(archiver, archive, Map.of("memoryLimitMiB", "16"), null)).hasSize(1);
    }
}
