package io.backupkit.archivers;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.TestTrees;
import io.backupkit.spi.Archiver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated trees round-trip byte-identical, with modes, mtimes, links and empty folders kept, through every
 * archiver this module registers (and core's), found the way plans find them.
 */
class ArchiverRoundTripPropertyTest {

    /** Every archiver id on the class path, as {@link ServiceLoader} finds them. */
    private static final List<String> IDS = discover();

    private Path tmp;

    private static List<String> discover() {
        List<String> ids = new ArrayList<>();
        for (Archiver a : ServiceLoader.load(Archiver.class, ArchiverRoundTripPropertyTest.class.getClassLoader())) {
            ids.add(a.id());
        }
        return List.copyOf(ids);
    }

    @BeforeTry
    void createTemp() throws IOException {
        tmp = Files.createTempDirectory("backupkit-archivers-prop");
    }

    @AfterTry
    void deleteTemp() throws IOException {
        io.backupkit.internal.Fs.deleteTree(tmp);
    }

    record Node(List<String> path, int kind, int size, int mode, long mtimeSeconds, int nanos) {
    }

    @Example
    void shouldDiscoverTheTarArchivers() {
        assertThat(IDS).contains("zip", "tar.gz", "tar.xz", "tar.zst").doesNotHaveDuplicates();
    }

    @Provide
    Arbitrary<List<Node>> trees() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().withChars("aé ü漢字 -_.()[]{}'!&+,;=@#$%~").ofMinLength(1).ofMaxLength(20)
                        .filter(s -> !s.equals(".") && !s.equals("..") && !s.isBlank()),
                Arbitraries.of("Crash Reports", "Plug-in Support", "Ünïcödé ファイル", " leading", "trailing ",
                        "a-name-long-enough-to-push-the-path-past-one-hundred-characters-as-plex-bundles-do-0123"))
                .filter(s -> s.getBytes(StandardCharsets.UTF_8).length < 200);
        Arbitrary<Node> node = Combinators.combine(
                names.list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(0, 9),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 300),
                        Arbitraries.integers().between(1_000, 200_000)),
                Arbitraries.of(0644, 0600, 0755, 0700, 0444, 0750),
                Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.integers().between(0, 999_999).map(n -> n * 1000))
                .as(Node::new);
        return node.list().ofMinSize(1).ofMaxSize(20);
    }

    @Property(tries = 8)
    void shouldRoundTripGeneratedTreesThroughEveryArchiver(@ForAll("trees") List<Node> nodes) throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        build(source, nodes);
        TreeMap<String, String> expected = TestTrees.describe(source);

        for (String id : IDS) {
            BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest-" + id))
                    .archiver(id).build();
            BackupResult r = plan.backup();
            assertThat(plan.verify(r.snapshotId()).ok()).as(id + " verify").isTrue();
            Path target = tmp.resolve("restored-" + id);
            plan.restore(RestoreRequest.latest().target(target));
            assertThat(TestTrees.describe(target)).as(id + " restored tree").isEqualTo(expected);
        }
    }

    private static void build(Path source, List<Node> nodes) throws IOException {
        Random random = new Random(nodes.size());
        for (Node n : nodes) {
            Path p = source;
            for (String part : n.path()) {
                p = p.resolve(part);
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || !parentsAreFolders(source, p)) {
                continue;
            }
            Files.createDirectories(p.getParent());
            if (n.kind() == 0) {
                Files.createDirectory(p);
            } else if (n.kind() == 1) {
                Files.createSymbolicLink(p, Path.of("some/" + n.path().get(n.path().size() - 1)));
                continue;
            } else {
                byte[] data = new byte[n.size()];
                if (n.kind() % 2 == 0) {
                    random.nextBytes(data);
                } else {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (byte) ('a' + random.nextInt(4)); // compressible
                    }
                }
                Files.write(p, data);
            }
            Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(n.mtimeSeconds(), n.nanos())));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perm(n.mode())));
        }
    }

    private static boolean parentsAreFolders(Path root, Path p) {
        for (Path at = p.getParent(); at != null && !at.equals(root); at = at.getParent()) {
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    private static String perm(int mode) {
        String all = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? all.charAt(i) : '-');
        }
        return sb.toString();
    }
}
