package io.backupkit.it;

import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zip archives BackupKit writes, read by the real Info-ZIP tools ({@code unzip}, {@code zipinfo}): a user must be
 * able to get their data back without BackupKit.
 */
@Timeout(300)
class ZipToolIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern WRITTEN = Pattern.compile("^Snapshot (\\S+) written", Pattern.MULTILINE);
    /** A zipinfo short-format entry line: mode, version, os, size, flags, method, date, time, name. */
    private static final Pattern ENTRY = Pattern.compile("^([-dl])[-rwxsStT]{9}\\s+\\S+\\s+\\S+\\s+\\d+\\s+\\S+\\s+"
            + "(\\S+)\\s+\\S+\\s+\\S+\\s(.*)$");

    @TempDir
    static Path tmp;

    private static Path source;
    private static SortedMap<String, ItSupport.Node> sourceTree;
    private static List<Path> zips;

    @BeforeAll
    static void backUpThroughTheCli() throws IOException {
        source = tmp.resolve("Plex Media Server");
        ItSupport.writeMediaTree(source, 42);
        sourceTree = ItSupport.describe(source);
        Path dest = tmp.resolve("backups");

        Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", "zip");

        assertThat(backup.exit()).as(backup.describe()).isZero();
        Matcher m = WRITTEN.matcher(backup.stdout());
        assertThat(m.find()).as("'Snapshot <ID> written' line: " + backup.describe()).isTrue();
        Path snapshot = dest.resolve(m.group(1));
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        zips = ItSupport.list(snapshot.resolve("units"), "*.zip");
        assertThat(ItSupport.describe(source)).as("source after backup").isEqualTo(sourceTree);
    }

    @Test
    void shouldWriteOneZipPerTopLevelFolderPlusRoot() throws IOException {
        long topFolders;
        try (var s = Files.list(source)) {
            topFolders = s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
        }
        assertThat(zips).extracting(p -> p.getFileName().toString()).contains("_root.zip");
        assertThat(zips).hasSize((int) topFolders + 1);
    }

    @Test
    void shouldWriteZipsThatUnzipTestsWithoutErrors() {
        assertThat(zips).isNotEmpty();
        for (Path zip : zips) {
            Run test = ItSupport.run(List.of("unzip", "-t", zip.toString()), TOOL_TIMEOUT);

            assertThat(test.exit()).as(test.describe()).isZero();
            assertThat(test.stdout()).as(test.describe()).contains("No errors detected");
        }
    }

    @Test
    void shouldExtractWithUnzipToTheSourceTree() throws IOException {
        Path out = tmp.resolve("unzipped");
        Files.createDirectories(out);
        for (Path zip : zips) {
            Run extract = ItSupport.run(List.of("unzip", "-q", "-o", zip.toString(), "-d", out.toString()),
                    TOOL_TIMEOUT);
            assertThat(extract.exit()).as(extract.describe()).isZero();
        }

        // content, sizes, link targets, POSIX modes; zip keeps times to the second
        ItSupport.assertSameTree("tree extracted by unzip", ItSupport.describe(out), sourceTree, Times.SECONDS);
        assertThat(sourceTree.get("start server.sh").mode()).isEqualTo(0750);
    }

    @Test
    void shouldStoreJpgEntriesAndDeflateXmlEntries() {
        Map<String, String> methods = new TreeMap<>();
        for (Path zip : zips) {
            Run info = ItSupport.run(List.of("zipinfo", zip.toString()), TOOL_TIMEOUT);
            assertThat(info.exit()).as(info.describe()).isZero();
            for (String line : info.stdoutLines()) {
                Matcher m = ENTRY.matcher(line);
                if (m.matches() && m.group(1).equals("-")) {
                    methods.put(m.group(3), m.group(2));
                }
            }
        }
        List<String> jpgs = new ArrayList<>();
        List<String> xmls = new ArrayList<>();
        for (Map.Entry<String, String> e : methods.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jpg")) {
                jpgs.add(e.getKey());
                assertThat(e.getValue()).as("method of " + e.getKey()).isEqualTo("stor");
            } else if (name.endsWith(".xml")) {
                xmls.add(e.getKey());
                assertThat(e.getValue()).as("method of " + e.getKey()).startsWith("def");
            }
        }
        long jpgFiles = sourceTree.entrySet().stream()
                .filter(e -> e.getValue().type().equals("file") && e.getKey().toLowerCase(Locale.ROOT).endsWith(".jpg"))
                .count();
        long xmlFiles = sourceTree.entrySet().stream()
                .filter(e -> e.getValue().type().equals("file") && e.getKey().endsWith(".xml"))
                .count();
        assertThat(jpgs).as("jpg entries seen by zipinfo in " + methods.keySet()).hasSize((int) jpgFiles);
        assertThat(xmls).as("xml entries seen by zipinfo in " + methods.keySet()).hasSize((int) xmlFiles);
        assertThat(new TreeSet<>(methods.values())).contains("stor");
    }
}
