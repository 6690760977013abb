package io.backupkit.it;

import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archives written by the real tools from a folder ({@code zip}, {@code 7z}, GNU {@code tar} with gzip, xz and zstd)
 * restore through {@code backupkit restore --archive} to the same tree; hostile ones the real tools can make (hard
 * links, FIFOs, absolute names) are refused naming the entry, the target untouched.
 */
@Timeout(300)
class ForeignArchiveIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;

    private static Path source;
    private static SortedMap<String, ItSupport.Node> sourceTree;

    @BeforeAll
    static void writeTree() throws IOException {
        source = tmp.resolve("Plex Media Server");
        ItSupport.writeMediaTree(source, 11);
        sourceTree = ItSupport.describe(source);
    }

    private static void sh(String script) {
        Run r = ItSupport.run(List.of("sh", "-c", script), TOOL_TIMEOUT);
        assertThat(r.exit()).as(r.describe()).isZero();
    }

    private static String q(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a.zip     | cd SRC && zip -q -r -y ARCHIVE .",
        "a.7z      | cd SRC && 7z a -bd ARCHIVE . > /dev/null",
        "a.tar.gz  | tar -czf ARCHIVE -C SRC .",
        "a.tgz     | tar -czf ARCHIVE -C SRC .",
        "a.tar.xz  | tar -cJf ARCHIVE -C SRC .",
        "a.tar.zst | tar --zstd -cf ARCHIVE -C SRC ."})
    void shouldRestoreAnArchiveMadeByTheRealTool(String name, String command) throws IOException {
        Path archive = tmp.resolve(name);
        sh(command.replace("SRC", q(source)).replace("ARCHIVE", q(archive)));
        Path target = tmp.resolve("restored-" + name);

        Run restore = ItSupport.cli("restore", "--archive", archive.toString(), "--target", target.toString());

        assertThat(restore.exit()).as(restore.describe()).isZero();
        assertThat(restore.stdout()).contains("Restored archive " + name);
        ItSupport.assertSameTree(name + " restored", ItSupport.describe(target), sourceTree, Times.SECONDS);
    }

    private void assertRefused(Path archive, String entry, String why) throws IOException {
        Path target = tmp.resolve("target-" + archive.getFileName());
        Files.createDirectories(target);
        Files.writeString(target.resolve("live.txt"), "live");

        Run restore = ItSupport.cli("restore", "--archive", archive.toString(), "--target", target.toString());

        assertThat(restore.exit()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).as(restore.describe()).startsWith(ItSupport.ERROR_PREFIX)
                .contains("Refused entry '" + entry).contains(why);
        assertThat(target.resolve("live.txt")).hasContent("live");
        try (var s = Files.list(target)) {
            assertThat(s.toList()).containsExactly(target.resolve("live.txt"));
        }
    }

    @Test
    void shouldRefuseHardLinksThatTarStores() throws IOException {
        Path dir = tmp.resolve("hardlinked");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.txt"), "shared");
        Files.createLink(dir.resolve("b.txt"), dir.resolve("a.txt"));
        Path archive = tmp.resolve("hardlinked.tar.gz");
        sh("tar -czf " + q(archive) + " -C " + q(dir) + " a.txt b.txt");

        assertRefused(archive, "b.txt", "hard link");
    }

    @Test
    void shouldRefuseAFifo() throws IOException {
        Path dir = tmp.resolve("fifo");
        Files.createDirectories(dir);
        sh("mkfifo " + q(dir.resolve("pipe")));
        Path archive = tmp.resolve("fifo.tar.zst");
        sh("tar --zstd -cf " + q(archive) + " -C " + q(dir) + " pipe");

        assertRefused(archive, "pipe", "FIFO");
    }

    @Test
    void shouldRefuseAbsoluteNamesStoredWithTarP() throws IOException {
        Path file = tmp.resolve("absolute/evil.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "evil");
        Path archive = tmp.resolve("absolute.tar.xz");
        sh("tar -cJPf " + q(archive) + " " + q(file));

        assertRefused(archive, file.toString(), "absolute");
    }
}
