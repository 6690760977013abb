package io.backupkit.archivers.tar;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarZstArchiverTest {

    @TempDir
    Path tmp;

    private final TarZstArchiver archiver = new TarZstArchiver();

    private static final List<UnitEntry> ENTRIES = List.of(
            new UnitEntry("a.xml", EntryType.FILE, 3_000_000, FileTime.fromMillis(0), 0644, null));

    @Test
    void shouldListLevelAndWorkersWithTheirDefaults() {
        assertThat(archiver.defaultOptions()).containsOnly(Map.entry("level", "3"), Map.entry("workers", "auto"),
                Map.entry("readers", "auto"));
        assertThat(archiver.contentOptions()).as("readers change how fast, not what is written")
                .containsExactlyInAnyOrder("level", "workers");
    }

    @Test
    void shouldUseNoExtraWorkerOnSmallMachinesAndHalfTheCoresUpToFourOtherwise() {
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(TarZstArchiver.autoWorkers()).isEqualTo(cores <= 2 ? 0 : Math.min(cores / 2, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "20", "-3", "fast"})
    void shouldRejectALevelOutsideOneToNineteen(String level) {
        Path archive = tmp.resolve("a.tar.zst");

        assertThatThrownBy(() -> TarFixtures.write(archiver, archive, ENTRIES, Map.of("level", level), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("tar.zst option 'level' must be a whole number 1-19, was '" + level + "'");
        assertThat(archive).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65", "many", "2.0"})
    void shouldRejectWorkersOtherThanAutoOrZeroToSixtyFour(String workers) {
        assertThatThrownBy(() -> TarFixtures.write(archiver, tmp.resolve("a.tar.zst"), ENTRIES,
                Map.of("workers", workers), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("tar.zst option 'workers' must be 'auto' or a whole number 0-64, was '" + workers + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "2", "auto", "AUTO"})
    void shouldWriteTheSameContentWhateverTheWorkers(String workers) throws IOException {
        Path archive = tmp.resolve("w" + workers + ".tar.zst");
        TarFixtures.write(archiver, archive, ENTRIES, Map.of("workers", workers, "level", "1"), Set.of());

        Map<String, byte[]> contents = new HashMap<>();
        TarFixtures.readAll(archiver, archive, Map.of(), contents);

        assertThat(contents.get("a.xml")).isEqualTo(TarFixtures.content(ENTRIES.get(0)));
    }

    @Test
    void shouldCompressSmallerAtLevelNineteenThanAtLevelOne() throws IOException {
        Path fast = tmp.resolve("1.tar.zst");
        Path small = tmp.resolve("19.tar.zst");
        List<UnitEntry> text = List.of(new UnitEntry("a.xml", EntryType.FILE, 300_000, FileTime.fromMillis(0), 0644,
                null));

        TarFixtures.write(archiver, fast, text, Map.of("level", "1"), Set.of(), TarFixtures::words);
        TarFixtures.write(archiver, small, text, Map.of("level", "19"), Set.of(), TarFixtures::words);

        assertThat(Files.size(small)).isLessThan(Files.size(fast));
    }
}
