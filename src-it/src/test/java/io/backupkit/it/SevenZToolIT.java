package io.backupkit.it;

import io.backupkit.archivers.sevenz.SevenZArchiver;
import io.backupkit.it.ItSupport.Node;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 7z archives BackupKit writes, tested, listed and extracted by the real 7-Zip ({@code 7z} of p7zip-full): a
 * user must be able to get their data back without BackupKit. And the other way: archives 7-Zip writes are read
 * by BackupKit's 7z archiver.
 */
@Timeout(300)
class SevenZToolIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern WRITTEN = Pattern.compile("^Snapshot (\\S+) written", Pattern.MULTILINE);

    @TempDir
    static Path tmp;

    private static Path source;
    private static SortedMap<String, Node> sourceTree;
    private static List<Path> archives;

    @BeforeAll
    static void backUpThroughTheCli() throws IOException {
        source = tmp.resolve("Plex Media Server");
        ItSupport.writeMediaTree(source, 42);
        sourceTree = ItSupport.describe(source);
        Path dest = tmp.resolve("backups");

        Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", "7z");

        assertThat(backup.exit()).as(backup.describe()).isZero();
        Matcher m = WRITTEN.matcher(backup.stdout());
        assertThat(m.find()).as("'Snapshot <ID> written' line: " + backup.describe()).isTrue();
        Path snapshot = dest.resolve(m.group(1));
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        archives = ItSupport.list(snapshot.resolve("units"), "*.7z");
        assertThat(archives).extracting(p -> p.getFileName().toString()).contains("_root.7z");
        assertThat(ItSupport.describe(source)).as("source after backup").isEqualTo(sourceTree);
    }

    @Test
    void shouldWriteArchivesThat7zTestsWithoutErrors() {
        for (Path archive : archives) {
            Run test = ItSupport.run(List.of("7z", "t", archive.toString()), TOOL_TIMEOUT);

            assertThat(test.exit()).as(test.describe()).isZero();
            assertThat(test.stdout()).as(test.describe()).contains("Everything is Ok");
        }
    }

    @Test
    void shouldListEverySourceEntryWithItsMethodIn7zTechnicalListing() {
        Map<String, Map<String, String>> listed = new TreeMap<>();
        for (Path archive : archives) {
            Run list = ItSupport.run(List.of("7z", "l", "-slt", archive.toString()), TOOL_TIMEOUT);
            assertThat(list.exit()).as(list.describe()).isZero();
            listed.putAll(technicalListing(list.stdout()));
        }

        assertThat(listed.keySet()).isEqualTo(sourceTree.keySet());
        for (Map.Entry<String, Node> e : sourceTree.entrySet()) {
            Map<String, String> item = listed.get(e.getKey());
            String name = e.getKey().toLowerCase(Locale.ROOT);
            String attributes = item.get("Attributes");
            switch (e.getValue().type()) {
                case "dir" -> assertThat(attributes).as(e.getKey()).startsWith("D").contains(" d");
                case "link" -> assertThat(attributes).as(e.getKey()).contains(" lrwxrwxrwx");
                default -> {
                    assertThat(attributes).as(e.getKey()).contains(" -" + permissions(e.getValue().mode()));
                    if (e.getValue().size() > 0 && name.endsWith(".jpg")) {
                        assertThat(item.get("Method")).as("method of " + e.getKey()).isEqualTo("Copy");
                    } else if (e.getValue().size() > 0 && name.endsWith(".xml")) {
                        assertThat(item.get("Method")).as("method of " + e.getKey()).startsWith("LZMA2:");
                    }
                }
            }
        }
    }

    @Test
    void shouldExtractWith7zToTheSourceTree() throws IOException {
        Path out = tmp.resolve("extracted");
        Files.createDirectories(out);
        for (Path archive : archives) {
            // -snld: 7-Zip 22+ skips links whose target holds '..' unless told they are wanted
            Run extract = ItSupport.run(List.of("7z", "x", "-y", "-snld", "-o" + out, archive.toString()),
                    TOOL_TIMEOUT);
            assertThat(extract.exit()).as(extract.describe()).isZero();
        }

        // content, sizes, link targets, POSIX modes and times (7z keeps them to 100 ns)
        ItSupport.assertSameTree("tree extracted by 7z", ItSupport.describe(out), sourceTree, Times.MILLIS);
        assertThat(sourceTree.get("start server.sh").mode()).isEqualTo(0750);
        assertThat(sourceTree.values()).extracting(Node::type).contains("link", "dir", "file");
    }

    @Test
    void shouldReadAnArchiveThat7zWrote() throws IOException {
        Path folder = tmp.resolve("written by 7z");
        ItSupport.writeMediaTree(folder, 4242);
        SortedMap<String, Node> expected = ItSupport.describe(folder);
        Path archive = tmp.resolve("from-7z.7z");
        // -snl stores links as links (p7zip's convention); -mx1 keeps it quick; the archive is solid
        Run add = ItSupport.run(List.of("7z", "a", "-snl", "-mx1", archive.toString(), folder.toString()),
                TOOL_TIMEOUT);
        assertThat(add.exit()).as(add.describe()).isZero();

        SortedMap<String, Node> read = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        String prefix = folder.getFileName() + "/";
        new SevenZArchiver().read(archive, Map.of(), (entry, in) -> {
            if (entry.path().equals(folder.getFileName().toString())) {
                return; // the folder given to 7z itself
            }
            if (!entry.path().startsWith(prefix)) {
                problems.add("unexpected name " + entry.path());
                return;
            }
            String path = entry.path().substring(prefix.length());
            long millis = entry.mtime() == null ? -1 : entry.mtime().toMillis();
            switch (entry.type()) {
                case DIRECTORY -> read.put(path, new Node("dir", 0, null, millis, entry.mode(), null));
                case SYMLINK -> read.put(path, new Node("link", 0, null, 0, 0, entry.linkTarget()));
                case FILE -> read.put(path, new Node("file", entry.size(), sha256(in), millis, entry.mode(), null));
                default -> problems.add("unexpected " + entry.type() + " " + entry.path());
            }
        });

        assertThat(problems).isEmpty();
        ItSupport.assertSameTree("tree read from 7z's archive", read, expected, Times.MILLIS);
        assertThat(read.values()).extracting(Node::type).contains("link", "dir", "file");
    }

    /** Parses {@code 7z l -slt}: per item path, its "Key = value" lines (the archive's own block is skipped). */
    private static Map<String, Map<String, String>> technicalListing(String stdout) {
        Map<String, Map<String, String>> items = new TreeMap<>();
        int start = stdout.indexOf("\n----------\n");
        assertThat(start).as("item separator in\n" + stdout).isPositive();
        Map<String, String> current = null;
        for (String line : stdout.substring(start).split("\n")) {
            int eq = line.indexOf(" = ");
            if (line.startsWith("Path = ")) {
                current = new TreeMap<>();
                items.put(line.substring("Path = ".length()), current);
            } else if (current != null && eq > 0) {
                current.put(line.substring(0, eq), line.substring(eq + 3));
            }
        }
        return items;
    }

    private static String permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
        }
        return sb.toString();
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
