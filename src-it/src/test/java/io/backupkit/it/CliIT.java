package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.it.ItSupport.Background;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code backupkit} command line as a user runs it: a child process, its output, its exit code.
 */
@Timeout(300)
class CliIT {

    private static final Pattern WRITTEN = Pattern.compile("^Snapshot (\\d{8}T\\d{6}Z) written: ", Pattern.MULTILINE);
    private static final String UNKNOWN_ID = "20000101T000000Z";

    @TempDir
    static Path tmp;

    private static Path source;
    private static Path dest;
    private static SortedMap<String, ItSupport.Node> sourceTree;
    private static String snapshotId;

    @BeforeAll
    static void backUp() throws IOException {
        source = tmp.resolve("source");
        dest = tmp.resolve("dest");
        ItSupport.writeMediaTree(source, 7);
        sourceTree = ItSupport.describe(source);

        Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", dest.toString());

        assertThat(backup.exit()).as(backup.describe()).isZero();
        Matcher m = WRITTEN.matcher(backup.stdout());
        assertThat(m.find()).as("'Snapshot <ID> written: ...' line: " + backup.describe()).isTrue();
        snapshotId = m.group(1);
        Path snapshot = dest.resolve(snapshotId);
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        assertThat(snapshot.resolve("units/_root.zip")).isRegularFile();
        assertThat(snapshot.resolve("index/_root.jsonl")).isRegularFile();
        assertThat(dest.resolve(snapshotId + ".partial")).doesNotExist();
        assertThat(ItSupport.describe(source)).as("source after backup").isEqualTo(sourceTree);
    }

    @Test
    void shouldListTheSnapshotAsText() {
        Run list = ItSupport.cli("list", "--dest", dest.toString());

        assertThat(list.exit()).as(list.describe()).isZero();
        assertThat(list.stdout()).as(list.describe()).contains(snapshotId);
    }

    @Test
    void shouldListTheSnapshotAsJson() {
        Run list = ItSupport.cli("list", "--dest", dest.toString(), "--json");

        assertThat(list.exit()).as(list.describe()).isZero();
        JsonNode json = list.stdoutJson();
        assertThat(json.isArray()).as(list.describe()).isTrue();
        assertThat(json.size()).as(list.describe()).isEqualTo(1);
        JsonNode s = json.get(0);
        assertThat(s.path("id").asText()).isEqualTo(snapshotId);
        assertThat(s.path("complete").isBoolean()).as(list.describe()).isTrue();
        assertThat(s.path("complete").asBoolean()).isTrue();
        assertThat(s.path("archiver").asText()).isEqualTo("zip");
        long files = sourceTree.values().stream().filter(n -> n.type().equals("file")).count();
        long bytes = sourceTree.values().stream().filter(n -> n.type().equals("file")).mapToLong(n -> n.size()).sum();
        assertThat(s.path("files").asLong()).as(list.describe()).isEqualTo(files);
        assertThat(s.path("bytes").asLong()).as(list.describe()).isEqualTo(bytes);
        assertThat(s.path("units").asInt()).as(list.describe()).isEqualTo(6); // _root + 5 top-level folders
        assertThat(s.has("appVersion")).as(list.describe()).isTrue();
        assertThat(Instant.parse(s.path("created").asText())).isBetween(Instant.now().minusSeconds(600),
                Instant.now());
        assertThat(Path.of(s.path("location").asText())).isEqualTo(dest.resolve(snapshotId));
    }

    @Test
    void shouldVerifyTheSnapshot() {
        Run latest = ItSupport.cli("verify", "--dest", dest.toString());
        Run byId = ItSupport.cli("verify", "--dest", dest.toString(), "--snapshot", snapshotId);

        assertThat(latest.exit()).as(latest.describe()).isZero();
        assertThat(byId.exit()).as(byId.describe()).isZero();
    }

    @Test
    void shouldRestoreAByteIdenticalTree() throws IOException {
        Path target = tmp.resolve("restored");

        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--snapshot", snapshotId,
                "--target", target.toString());

        assertThat(restore.exit()).as(restore.describe()).isZero();
        ItSupport.assertSameTree("restored tree", ItSupport.describe(target), sourceTree, Times.MILLIS);
    }

    @Test
    void shouldRestoreTheLatestSnapshotWhenNoIdIsGiven() throws IOException {
        Path target = tmp.resolve("restored-latest");

        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());

        assertThat(restore.exit()).as(restore.describe()).isZero();
        ItSupport.assertSameTree("restored tree", ItSupport.describe(target), sourceTree, Times.MILLIS);
    }

    @Test
    void shouldExitWith2WhenARequiredOptionIsMissing() {
        Run run = ItSupport.cli("backup", "--source", source.toString());

        assertThat(run.exit()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderrLines()).as(run.describe()).isNotEmpty();
        assertThat(run.stderrLines().get(0)).as(run.describe()).startsWith(ItSupport.ERROR_PREFIX).contains("--dest");
    }

    @Test
    void shouldExitWith2ForAnUnknownCommand() {
        Run run = ItSupport.cli("bakup", "--dest", dest.toString());

        assertThat(run.exit()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderrLines()).as(run.describe()).isNotEmpty();
        assertThat(run.stderrLines().get(0)).as(run.describe()).startsWith(ItSupport.ERROR_PREFIX);
    }

    @Test
    void shouldFailNamingTheSourceWhenItIsMissing() {
        Path missing = tmp.resolve("no such source");
        Path otherDest = tmp.resolve("dest-for-missing-source");

        Run run = ItSupport.cli("backup", "--source", missing.toString(), "--dest", otherDest.toString());

        assertOneErrorLine(run, 1).contains(missing.toString());
        assertThat(ItSupport.list(otherDest, "2*")).as("snapshots written").isEmpty();
    }

    @Test
    void shouldFailNamingTheDestinationWhenItIsInsideTheSource() throws IOException {
        Path inside = source.resolve("Cache/backups");

        Run run = ItSupport.cli("backup", "--source", source.toString(), "--dest", inside.toString());

        assertOneErrorLine(run, 1).contains(inside.toString());
        assertThat(inside).doesNotExist();
        assertThat(ItSupport.describe(source)).as("source after refused backup").isEqualTo(sourceTree);
    }

    @Test
    void shouldFailForAnUnknownSnapshotId() {
        Path target = tmp.resolve("restored-unknown");

        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--snapshot", UNKNOWN_ID,
                "--target", target.toString());
        Run verify = ItSupport.cli("verify", "--dest", dest.toString(), "--snapshot", UNKNOWN_ID);

        assertOneErrorLine(restore, 1).contains(UNKNOWN_ID);
        assertOneErrorLine(verify, 1).contains(UNKNOWN_ID);
        assertThat(ItSupport.list(target, "*")).as("restore target content").isEmpty();
    }

    @Test
    void shouldRefuseASecondBackupWhileAnotherProcessHoldsTheLock() throws IOException {
        Path bigSource = tmp.resolve("big source");
        Path bigDest = tmp.resolve("big dest");
        ItSupport.writeRandomTree(bigSource, 11, 8, 12, 1 << 20);

        try (Background first = ItSupport.start(ItSupport.cliCommand("backup", "--source", bigSource.toString(),
                "--dest", bigDest.toString(), "--quiet"))) {
            ItSupport.await("an unfinished snapshot in " + bigDest, Duration.ofSeconds(60), first,
                    () -> !ItSupport.list(bigDest, "*.partial").isEmpty());

            Run second = ItSupport.cli("backup", "--source", bigSource.toString(), "--dest", bigDest.toString());

            assertThat(first.isAlive()).as("the first backup must still hold the lock for this test to mean "
                    + "anything: " + first.describeSoFar()).isTrue();
            assertOneErrorLine(second, 1).contains("locked").contains(Long.toString(first.pid()));

            Run firstResult = first.await(Duration.ofSeconds(120));
            assertThat(firstResult.exit()).as(firstResult.describe()).isZero();
        }
        Run list = ItSupport.cli("list", "--dest", bigDest.toString(), "--json");
        assertThat(list.exit()).as(list.describe()).isZero();
        assertThat(list.stdoutJson().size()).as("one snapshot, the first run's: " + list.describe()).isEqualTo(1);
        assertThat(list.stdoutJson().get(0).path("complete").asBoolean()).as(list.describe()).isTrue();
        assertThat(bigDest.resolve(".backupkit.lock")).as("lock file stays, empty when free").isEmptyFile();
    }

    @Test
    void shouldExitWith1AndNameTheProblemWhenASnapshotIsDamaged() throws IOException {
        Path smallSource = tmp.resolve("small source");
        Path smallDest = tmp.resolve("small dest");
        ItSupport.writeRandomTree(smallSource, 3, 2, 3, 100_000);
        Run backup = ItSupport.cli("backup", "--source", smallSource.toString(), "--dest", smallDest.toString(),
                "--json");
        assertThat(backup.exit()).as(backup.describe()).isZero();
        String id = backup.stdoutJson().path("snapshotId").asText();
        Path zip = smallDest.resolve(id).resolve("units/Folder 01.zip");
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}), 50_000);
        }

        Run verify = ItSupport.cli("verify", "--dest", smallDest.toString(), "--snapshot", id);

        assertThat(verify.exit()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout() + verify.stderr()).as(verify.describe()).contains("Folder 01");
        assertThat(verify.stderrLines()).as(verify.describe()).isNotEmpty();
        assertThat(verify.stderrLines().get(0)).as(verify.describe()).startsWith(ItSupport.ERROR_PREFIX);
    }

    @Test
    void shouldRunTheDemo() {
        Run demo = ItSupport.cli("demo");

        assertThat(demo.exit()).as(demo.describe()).isZero();
        assertThat(demo.stdout()).as(demo.describe()).contains("identical: yes");
    }

    @Test
    void shouldExplainWhenTheLocaleCannotRepresentAFileName() throws Exception {
        Path src = tmp.resolve("locale-source");
        java.nio.file.Files.createDirectories(src.resolve("Métadata"));
        java.nio.file.Files.writeString(src.resolve("Métadata/Info.xml"), "<Info/>");
        ProcessBuilder pb = new ProcessBuilder(ItSupport.cliCommand("backup", "--source", src.toString(), "--dest",
                tmp.resolve("locale-dest").toString())).redirectErrorStream(false);
        pb.environment().remove("LANG");
        pb.environment().remove("LC_CTYPE");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(err).startsWith(ItSupport.ERROR_PREFIX).contains("LANG=C.UTF-8").contains(src.toString());
    }

    /** Asserts the exit code and that stderr is one error line (no stack trace); returns that line to check. */
    private static org.assertj.core.api.AbstractStringAssert<?> assertOneErrorLine(Run run, int exit) {
        assertThat(run.exit()).as(run.describe()).isEqualTo(exit);
        List<String> lines = run.stderrLines();
        assertThat(lines).as("stderr is one error line: " + run.describe()).hasSize(1);
        return assertThat(lines.get(0)).as(run.describe()).startsWith(ItSupport.ERROR_PREFIX);
    }

    @Test
    void shouldLogEachStepOnStandardErrorAtLogLevelInfo() {
        Run quiet = ItSupport.cli("verify", "--dest", dest.toString());
        Run info = ItSupport.cli("verify", "--dest", dest.toString(), "--log-level", "info");
        Run backup = ItSupport.cli("backup", "--source", source.toString(), "--dest", tmp.resolve("dest-info").toString(),
                "--log-level", "info");

        assertThat(quiet.stderr()).as(quiet.describe()).doesNotContain("INFO");
        assertThat(info.exit()).as(info.describe()).isZero();
        assertThat(backup.stderr()).as(backup.describe()).contains("INFO").contains("Writing unit 'Metadata'");
    }
}
