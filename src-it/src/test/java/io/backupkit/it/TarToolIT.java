package io.backupkit.it;

import io.backupkit.archivers.tar.TarGzArchiver;
import io.backupkit.archivers.tar.TarXzArchiver;
import io.backupkit.archivers.tar.TarZstArchiver;
import io.backupkit.it.ItSupport.Node;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import io.backupkit.spi.Archiver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tar archives BackupKit writes, listed and extracted by the real GNU {@code tar} (with {@code gzip}, {@code xz}
 * and {@code zstd}); and archives the real {@code tar} writes, read by BackupKit's tar archivers. A user must be able
 * to get their data back without BackupKit, and to hand BackupKit an archive made by hand.
 */
@Timeout(300)
class TarToolIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern WRITTEN = Pattern.compile("^Snapshot (\\S+) written", Pattern.MULTILINE);

    @TempDir
    static Path tmp;

    private static Path source;
    private static SortedMap<String, Node> sourceTree;

    @BeforeAll
    static void writeSource() throws IOException {
        source = tmp.resolve("Plex Media Server");
        ItSupport.writeMediaTree(source, 42);
        sourceTree = ItSupport.describe(source);
    }

    /** The real tool's flags for one compression. */
    private static List<String> tar(String id, String operation, String... more) {
        List<String> cmd = new ArrayList<>(List.of("tar", "--quoting-style=literal"));
        switch (id) {
            case "tar.gz" -> cmd.add("--gzip");
            case "tar.xz" -> cmd.add("--xz");
            case "tar.zst" -> cmd.add("--zstd");
            default -> throw new IllegalArgumentException(id);
        }
        cmd.add(operation);
        cmd.addAll(List.of(more));
        return cmd;
    }

    private static Archiver archiver(String id) {
        return switch (id) {
            case "tar.gz" -> new TarGzArchiver();
            case "tar.xz" -> new TarXzArchiver();
            case "tar.zst" -> new TarZstArchiver();
            default -> throw new IllegalArgumentException(id);
        };
    }

    private static List<Path> backUpThroughTheCli(String id) throws IOException {
        Path dest = tmp.resolve("backups-" + id);
        Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", id);

        assertThat(backup.exit()).as(backup.describe()).isZero();
        Matcher m = WRITTEN.matcher(backup.stdout());
        assertThat(m.find()).as("'Snapshot <ID> written' line: " + backup.describe()).isTrue();
        Path snapshot = dest.resolve(m.group(1));
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        List<Path> archives = ItSupport.list(snapshot.resolve("units"), "*." + id);
        long topFolders;
        try (Stream<Path> s = Files.list(source)) {
            topFolders = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).count();
        }
        assertThat(archives).extracting(p -> p.getFileName().toString()).contains("_root." + id);
        assertThat(archives).hasSize((int) topFolders + 1);
        assertThat(ItSupport.describe(source)).as("source after backup").isEqualTo(sourceTree);
        return archives;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldWriteArchivesTheRealTarListsAndExtractsToTheSourceTree(String id) throws IOException {
        List<Path> archives = backUpThroughTheCli(id);
        Path out = Files.createDirectories(tmp.resolve("extracted-" + id));
        List<String> listed = new ArrayList<>();

        for (Path archive : archives) {
            String tool = switch (id) {
                case "tar.gz" -> "gzip";
                case "tar.xz" -> "xz";
                default -> "zstd";
            };
            Run test = ItSupport.run(List.of(tool, "-t", archive.toString()), TOOL_TIMEOUT);
            assertThat(test.exit()).as(test.describe()).isZero();

            Run list = ItSupport.run(tar(id, "-tf", archive.toString()), TOOL_TIMEOUT);
            assertThat(list.exit()).as(list.describe()).isZero();
            assertThat(list.stderrLines()).as(list.describe()).isEmpty();
            listed.addAll(list.stdoutLines());

            Run extract = ItSupport.run(tar(id, "-xpf", archive.toString(), "-C", out.toString()), TOOL_TIMEOUT);
            assertThat(extract.exit()).as(extract.describe()).isZero();
            assertThat(extract.stderrLines()).as(extract.describe()).isEmpty();
        }

        List<String> expected = new ArrayList<>();
        sourceTree.forEach((path, node) -> expected.add(node.type().equals("dir") ? path + "/" : path));
        assertThat(listed).as("names listed by tar").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        // content, sizes, link targets, POSIX modes and times to the millisecond (pax keeps them to 100 ns)
        ItSupport.assertSameTree("tree extracted by tar", ItSupport.describe(out), sourceTree, Times.MILLIS);
        assertThat(sourceTree.get("start server.sh").mode()).isEqualTo(0750);
        assertThat(listed).anySatisfy(name -> assertThat(name.length()).isGreaterThan(260));
    }

    @ParameterizedTest
    @CsvSource({"tar.gz, gnu", "tar.gz, posix", "tar.xz, gnu", "tar.xz, posix", "tar.zst, gnu", "tar.zst, posix"})
    void shouldReadArchivesTheRealTarWroteWithNamesAsStored(String id, String format) throws IOException {
        Path archive = tmp.resolve("by-tar-" + format + "." + id);
        Run create = ItSupport.run(tar(id, "-cf", archive.toString(), "--format=" + format, "-C", source.toString(),
                "."), TOOL_TIMEOUT);
        assertThat(create.exit()).as(create.describe()).isZero();

        Map<String, Node> read = new TreeMap<>();
        List<String> rawNames = new ArrayList<>();
        archiver(id).read(archive, Map.of(), (entry, in) -> {
            rawNames.add(entry.path());
            String path = entry.path().equals("./") ? "" : entry.path().substring(2);
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            long mtime = entry.mtime().toMillis();
            Node node = switch (entry.type()) {
                case DIRECTORY -> new Node("dir", 0, null, mtime, entry.mode(), null);
                case SYMLINK -> new Node("link", 0, null, 0, 0, entry.linkTarget());
                case FILE -> {
                    byte[] sha = sha256(in);
                    yield new Node("file", entry.size(), HexFormat.of().formatHex(sha), mtime, entry.mode(), null);
                }
                default -> new Node("other", 0, null, 0, 0, null);
            };
            if (!path.isEmpty()) {
                assertThat(read.put(path, node)).as("entry " + entry.path() + " read twice").isNull();
            }
        });

        // GNU tar run on "." stores every name with "./" in front, and folders with "/" after: kept as stored
        assertThat(rawNames).first().isEqualTo("./");
        assertThat(rawNames).allSatisfy(name -> assertThat(name).startsWith("./"));
        assertThat(new TreeSet<>(rawNames)).contains("./Metadata/", "./Preferences.xml");
        assertThat(rawNames).anySatisfy(name -> assertThat(name.length()).isGreaterThan(260));
        // gnu format keeps whole seconds, posix (pax) the fraction
        ItSupport.assertSameTree("tree read from an archive by tar --format=" + format, read, sourceTree,
                format.equals("gnu") ? Times.SECONDS : Times.MILLIS);
    }

    private static byte[] sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                md.update(buffer, 0, n);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
