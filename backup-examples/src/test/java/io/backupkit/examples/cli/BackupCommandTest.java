package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

class BackupCommandTest {

    @TempDir
    Path tmp;

    private Path source() throws IOException {
        return Fixtures.source(tmp.resolve("Plex Media Server"));
    }

    private String dest() {
        return tmp.resolve("backups").toString();
    }

    @Test
    void shouldPrintOneLineNamingTheSnapshotAndCounts() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--exclude", "Logs/**");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(1);
        Matcher m = Fixtures.WRITTEN.matcher(run.out().strip());
        assertThat(m.matches()).as(run.out()).isTrue();
        assertThat(m.group(2)).isEqualTo("5");
        assertThat(m.group(5)).isEqualTo("0");
        assertThat(Path.of(dest()).resolve(m.group(1)).resolve("manifest.json")).isRegularFile();
        assertThat(run.err()).as("no progress lines without a console").isEmpty();
    }

    @Test
    void shouldPrintTheResultAsJson() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("snapshotId").asText()).matches("\\d{8}T\\d{6}Z");
        assertThat(json.get("files").asLong()).isEqualTo(6);
        assertThat(json.get("links").asLong()).isEqualTo(1);
        assertThat(json.get("dryRun").asBoolean()).isFalse();
        assertThat(json.get("duration").asText()).startsWith("PT");
        assertThat(json.get("warnings").isArray()).isTrue();
    }

    @Test
    void shouldWriteNothingOnADryRun() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).matches("(?s)Dry run: snapshot \\d{8}T\\d{6}Z would hold 6 files, \\d+ bytes, \\d+ units\\R"
                + "(  would [^\\n]+\\R)+");
        assertThat(run.out()).contains("  would write unit '_root'").contains("  would check free space: ");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldKeepOnlyTheNewestSnapshots() throws IOException {
        String src = source().toString();
        String first = Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest(), "--keep", "2"));
        String second = Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest(), "--keep", "2"));
        CliRun third = CliRun.of("backup", "--source", src, "--dest", dest(), "--keep", "2");
        String thirdId = Fixtures.snapshotId(third);

        assertThat(third.err()).contains("removed snapshot " + first);
        assertThat(Path.of(dest()).resolve(first)).doesNotExist();
        assertThat(Path.of(dest()).resolve(second)).isDirectory();
        assertThat(Path.of(dest()).resolve(thirdId)).isDirectory();
    }

    @Test
    void shouldApplyTheUnionOfSeveralRetentionOptions() throws IOException {
        String src = source().toString();
        String first = Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest()));
        String second = Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest()));
        CliRun third = CliRun.of("backup", "--source", src, "--dest", dest(), "--keep", "1", "--keep-daily", "1",
                "--keep-weekly", "1", "--keep-monthly", "1", "--keep-yearly", "1", "--max-total-size", "1");

        assertThat(third.exit()).as(third.toString()).isZero();
        assertThat(third.err()).contains("removed snapshot " + first + " (retention: union(keepLast(1), "
                + "gfs(daily=1, weekly=1, monthly=1, yearly=1), maxTotalSize(1)))");
        assertThat(Path.of(dest()).resolve(first)).doesNotExist();
        assertThat(Path.of(dest()).resolve(second)).doesNotExist();
        assertThat(Path.of(dest()).resolve(Fixtures.snapshotId(third))).isDirectory();
    }

    @Test
    void shouldKeepSnapshotsWithinADuration() throws IOException {
        String src = source().toString();
        String first = Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest()));
        CliRun second = CliRun.of("backup", "--source", src, "--dest", dest(), "--keep-within", "30d");

        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(Path.of(dest()).resolve(first)).isDirectory();
    }

    @Test
    void shouldRejectABadRetentionValueBeforeWriting() throws IOException {
        String src = source().toString();
        CliRun within = CliRun.of("backup", "--source", src, "--dest", dest(), "--keep-within", "soon");
        CliRun size = CliRun.of("backup", "--source", src, "--dest", dest(), "--max-total-size", "-5G");
        CliRun daily = CliRun.of("resume", "--source", src, "--dest", dest(), "--keep-daily", "0");

        assertThat(within.exit()).isEqualTo(2);
        assertThat(within.errLines().get(0)).contains("--keep-within").contains("'soon'");
        assertThat(size.exit()).isEqualTo(2);
        assertThat(size.errLines().get(0)).contains("--max-total-size").contains("'-5G'");
        assertThat(daily.exit()).isEqualTo(2);
        assertThat(daily.errLines().get(0)).contains("--keep-daily must be at least 1").contains("was 0");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldRejectKeepBelowOneAsBadUsage() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--keep", "0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--keep must be at least 1").contains("was 0");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldRejectAKeepThatIsNoNumberAsBadUsage() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--keep", "seven");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--keep").contains("seven");
    }

    @Test
    void shouldFailNamingTheSourceWhenItIsMissing() {
        Path missing = tmp.resolve("no such folder");

        CliRun run = CliRun.of("backup", "--source", missing.toString(), "--dest", dest());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("backupkit: error: Source folder " + missing + " does not exist");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldFailWhenTheDestinationIsInsideTheSource() throws IOException {
        Path source = source();
        Path inside = source.resolve("backups");

        CliRun run = CliRun.of("backup", "--source", source.toString(), "--dest", inside.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(inside.toString()).contains("inside the source");
        assertThat(inside).doesNotExist();
    }

    @Test
    void shouldFailListingTheAvailableArchiversForAnUnknownId() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--archiver", "rar");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("'rar'").contains("zip");
    }

    @Test
    void shouldFailOnAMalformedExclude() throws IOException {
        CliRun run = CliRun.of("backup", "--source", source().toString(), "--dest", dest(), "--exclude", "/Logs/**");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("/Logs/**");
    }

    @Test
    void shouldFailNamingTheHolderWhileTheDestinationIsLocked() throws IOException {
        Path source = source();
        Path dest = Files.createDirectories(Path.of(dest()));
        CliRun run;
        DestinationLock lock = DestinationLock.acquire(dest, "test");
        try {
            run = CliRun.of("backup", "--source", source.toString(), "--dest", dest.toString());
        } finally {
            lock.close();
        }

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("locked").contains("pid " + ProcessHandle.current().pid())
                .contains("test since");
        assertThat(Fixtures.snapshotOf(dest).keySet()).containsOnly("", ".backupkit.lock");
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest.toString()));
    }

    @Test
    void shouldFailToResumeWithoutAnUnfinishedSnapshot() throws IOException {
        String src = source().toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest()));

        CliRun run = CliRun.of("resume", "--source", src, "--dest", dest());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("backupkit: error: No unfinished snapshot").contains(dest());
        Fixtures.snapshotId(CliRun.of("backup", "--source", src, "--dest", dest()));   // the lock was released
    }

    @Test
    void shouldPrintOnlyTheFinalLineWhenQuiet() throws IOException {
        CliRun run = CliRun.interactive("backup", "--source", source().toString(), "--dest", dest(), "--quiet");

        Fixtures.snapshotId(run);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldDrawAProgressBarOnStandardErrorOnAConsole() throws IOException {
        CliRun run = CliRun.interactive("backup", "--source", source().toString(), "--dest", dest());

        Fixtures.snapshotId(run);
        assertThat(run.outLines()).hasSize(1);
        assertThat(run.err()).contains("backup").contains("100%");
    }

    @Test
    void shouldBackUpWithTheMirrorArchiverSplitFoldersAndWorkers() throws IOException {
        Path source = source();
        CliRun run = CliRun.of("backup", "--source", source.toString(), "--dest", dest(), "--archiver", "mirror",
                "--split", "Metadata", "--workers", "2", "--retries", "1", "--retry-wait", "0s");
        String id = Fixtures.snapshotId(run);

        Path mirror = tmp.resolve("backups").resolve(id).resolve("units");
        assertThat(mirror.resolve("_root/Preferences.xml")).exists();
        assertThat(mirror.resolve("Metadata%2FMovies/Metadata/Movies/a/bc.bundle/Contents/_combined/Info.xml"))
                .hasContent("<Movie title=\"A\"/>\n");
        CliRun again = CliRun.of("backup", "--source", source.toString(), "--dest", dest(), "--archiver", "mirror",
                "--split", "Metadata");
        Matcher m = Fixtures.WRITTEN.matcher(again.out().strip());
        assertThat(m.matches()).as(again.toString()).isTrue();
        assertThat(m.group(5)).isEqualTo(m.group(4)); // every unit reused
    }

    @Test
    void shouldReadReusedArchivesAgainWithRecheckAfterZeroAndRefuseABadDuration() throws IOException {
        Path source = source();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest()));
        String trusted = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest()));
        String read = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest(),
                "--recheck-after", "0"));

        Path backups = tmp.resolve("backups");
        assertThat(Files.readString(backups.resolve(trusted).resolve("backup.log")))
                .contains("within recheckAfter PT168H").doesNotContain("read and checked now");
        assertThat(Files.readString(backups.resolve(read).resolve("backup.log"))).contains("read and checked now")
                .doesNotContain("within recheckAfter");
        CliRun bad = CliRun.of("backup", "--source", source.toString(), "--dest", dest(), "--recheck-after", "soon");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--recheck-after").contains("soon");
    }

    @Test
    void shouldPassArchiverOptionsAndRejectOnesTheArchiverLacks() throws IOException {
        Path source = source();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest(),
                "--archiver-option", "level=1"));

        CliRun bad = CliRun.of("backup", "--source", source.toString(), "--dest", dest(), "--archiver-option",
                "retries=3");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("archiver 'zip' has no option 'retries'");
        CliRun workers = CliRun.of("backup", "--source", source.toString(), "--dest", dest(), "--workers", "0");
        assertThat(workers.exit()).isEqualTo(1);
        assertThat(workers.err()).contains("workers must be between 1 and 64, was 0");
    }

    @Test
    void shouldCaptureDatabasesMarkedWithTheDatabaseOption() throws Exception {
        Path source = source();
        Path db = Files.createDirectories(source.resolve("Plug-in Support/Databases")).resolve("library.db");
        try (java.sql.Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + db, new java.util.Properties());
             java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE t(v TEXT)");
            st.execute("INSERT INTO t VALUES ('kept')");
            String id = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest(),
                    "--database", "Plug-in Support/Databases/*.db"));

            JsonNode m = new ObjectMapper().readTree(tmp.resolve("backups").resolve(id).resolve("manifest.json")
                    .toFile());
            assertThat(m.get("databases").toString())
                    .isEqualTo("[{\"path\":\"Plug-in Support/Databases/library.db\",\"capture\":\"sqlite\"}]");
            assertThat(Files.readString(tmp.resolve("backups").resolve(id).resolve("index/Plug-in Support.jsonl")))
                    .contains("library.db\"").doesNotContain("library.db-wal");
        }
    }

    @Test
    void shouldHandTheRetriesToAMirrorArchiverChosenByTheConfigurationFile() throws IOException {
        Path source = source();
        Path config = tmp.resolve("plan.json");
        Files.writeString(config, "{\"source\": \"" + source + "\", \"destination\": \"" + dest()
                + "\", \"archiver\": \"mirror\"}");

        CliRun run = CliRun.of("backup", "--config", config.toString(), "--retries", "1", "--retry-wait", "0s");

        assertThat(run.exit()).as(run.toString()).isZero();
        String manifest = Files.readString(Path.of(dest()).resolve(Fixtures.snapshotId(run)).resolve("manifest.json"));
        assertThat(manifest).contains("\"retries\"").contains("\"retryWait\"").contains("\"0s\"");
    }
}
