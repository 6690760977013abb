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
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarGzArchiverTest {

    @TempDir
    Path tmp;

    private final TarGzArchiver archiver = new TarGzArchiver();

    private static final List<UnitEntry> ENTRIES = List.of(
            new UnitEntry("a.xml", EntryType.FILE, 200_000, FileTime.fromMillis(0), 0644, null));

    @Test
    void shouldListLevelSixAsDefault() {
        assertThat(archiver.defaultOptions()).containsOnly(Map.entry("level", "6"), Map.entry("readers", "auto"));
        assertThat(archiver.contentOptions()).containsExactly("level");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "10", "-1", "six", "", "1.5"})
    void shouldRejectALevelOutsideOneToNineNamingOptionAndValue(String level) {
        Path archive = tmp.resolve("a.tar.gz");

        assertThatThrownBy(() -> TarFixtures.write(archiver, archive, ENTRIES, Map.of("level", level), Set.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("tar.gz option 'level' must be a whole number 1-9, was '" + level + "'");
        assertThat(archive).doesNotExist();
    }

    @Test
    void shouldCompressSmallerAtLevelNineThanAtLevelOne() throws IOException {
        Path fast = tmp.resolve("1.tar.gz");
        Path small = tmp.resolve("9.tar.gz");

        TarFixtures.write(archiver, fast, ENTRIES, Map.of("level", "1"), Set.of(), TarFixtures::words);
        TarFixtures.write(archiver, small, ENTRIES, Map.of("level", " 9 "), Set.of(), TarFixtures::words);

        assertThat(Files.size(small)).isLessThan(Files.size(fast));
    }
}
