package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PruneCommandTest {

    @TempDir
    Path tmp;

    private Path dest() {
        return tmp.resolve("backups");
    }

    private List<String> backups(int n) throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest",
                    dest().toString())));
        }
        return ids;
    }

    @Test
    void shouldRemoveWhatThePolicyDoesNotKeep() throws IOException {
        List<String> ids = backups(3);

        CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep", "1");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).containsExactly(
                "removed " + ids.get(1) + " (not kept by keepLast(1); not pinned, not the newest)",
                "removed " + ids.get(0) + " (not kept by keepLast(1); not pinned, not the newest)",
                "Removed 2 snapshots, kept 1 (keepLast(1))");
        assertThat(dest().resolve(ids.get(0))).doesNotExist();
        assertThat(dest().resolve(ids.get(1))).doesNotExist();
        assertThat(dest().resolve(ids.get(2))).isDirectory();
    }

    @Test
    void shouldOnlyReportOnADryRun() throws IOException {
        List<String> ids = backups(2);
        var before = Fixtures.snapshotOf(dest());

        CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep-daily", "1", "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).containsExactly(
                "would remove " + ids.get(0) + " (not kept by gfs(daily=1); not pinned, not the newest)",
                "Dry run: 1 snapshot would be removed, 1 kept (gfs(daily=1))");
        assertThat(Fixtures.snapshotOf(dest())).isEqualTo(before);
    }

    @Test
    void shouldCombineSeveralOptionsAsAUnion() throws IOException {
        List<String> ids = backups(3);

        CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep", "2", "--keep-weekly", "1",
                "--keep-within", "P1D", "--max-total-size", "1K", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("policy").asText())
                .isEqualTo("union(keepLast(2), gfs(weekly=1), keepWithin(PT24H), maxTotalSize(1024))");
        assertThat(json.get("removed").size()).as("keepWithin keeps all three").isZero();
        assertThat(json.get("kept").size()).isEqualTo(3);
        assertThat(json.get("dryRun").asBoolean()).isFalse();
        assertThat(json.get("warnings").isArray()).isTrue();
        assertThat(ids).allSatisfy(id -> assertThat(dest().resolve(id)).isDirectory());
    }

    @Test
    void shouldPrintTheReportAsJson() throws IOException {
        List<String> ids = backups(2);

        CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep", "1", "--json");

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("removed").get(0).get("snapshot").get("id").asText()).isEqualTo(ids.get(0));
        assertThat(json.get("removed").get(0).get("reason").asText()).contains("keepLast(1)");
        assertThat(json.get("kept").get(0).get("id").asText()).isEqualTo(ids.get(1));
    }

    @Test
    void shouldKeepPinnedSnapshots() throws IOException {
        List<String> ids = backups(3);
        assertThat(CliRun.of("pin", "--dest", dest().toString(), ids.get(0)).exit()).isZero();

        CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep", "1");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(dest().resolve(ids.get(0))).isDirectory();
        assertThat(dest().resolve(ids.get(1))).doesNotExist();
    }

    @Test
    void shouldRefuseWithoutAPolicyAsBadUsage() throws IOException {
        backups(1);

        CliRun run = CliRun.of("prune", "--dest", dest().toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: prune needs a policy");
    }

    @Test
    void shouldRejectBadValuesNamingThem() throws IOException {
        backups(1);
        String d = dest().toString();

        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-daily", "0"), "--keep-daily must be at least 1",
                "was 0");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-weekly", "-3"), "--keep-weekly", "was -3");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-monthly", "many"), "--keep-monthly", "many");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-yearly", "0"), "--keep-yearly", "was 0");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-within", "30x"), "--keep-within", "'30x'");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-within", "0d"), "--keep-within", "'0d'");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--keep-within", "P-1D"), "--keep-within", "'P-1D'");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--max-total-size", "lots"), "--max-total-size", "'lots'");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--max-total-size", "0G"), "--max-total-size", "'0G'");
        assertBadUsage(CliRun.of("prune", "--dest", d, "--max-total-size", "99999999P"), "--max-total-size",
                "'99999999P'");
        assertThat(Files.list(dest()).count()).as("nothing removed").isEqualTo(2);   // the snapshot and the lock
    }

    private static void assertBadUsage(CliRun run, String... parts) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.errLines().get(0)).as(run.toString()).startsWith("backupkit: error: ").contains(parts);
    }

    @Test
    void shouldAcceptTheDocumentedDurationAndSizeForms() throws IOException {
        backups(1);
        for (String within : List.of("30d", "12h", "2w", "90m", "45s", "P30D", "PT12H", "p2d")) {
            CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--keep-within", within, "--dry-run");
            assertThat(run.exit()).as(within + ": " + run).isZero();
        }
        for (String size : List.of("500G", "20MB", "20MiB", "1.5T", "1048576", "100B", "2k")) {
            CliRun run = CliRun.of("prune", "--dest", dest().toString(), "--max-total-size", size, "--dry-run");
            assertThat(run.exit()).as(size + ": " + run).isZero();
        }
        assertThat(CliRun.of("prune", "--dest", dest().toString(), "--max-total-size", "20MB", "--dry-run").out())
                .contains("maxTotalSize(20971520)");
        assertThat(CliRun.of("prune", "--dest", dest().toString(), "--max-total-size", "1048576", "--dry-run").out())
                .contains("maxTotalSize(1048576)");
        assertThat(CliRun.of("prune", "--dest", dest().toString(), "--max-total-size", "1.5K", "--dry-run").out())
                .contains("maxTotalSize(1536)");
        assertThat(CliRun.of("prune", "--dest", dest().toString(), "--max-total-size", "100B", "--dry-run").out())
                .contains("maxTotalSize(100)");
        assertThat(CliRun.of("prune", "--dest", dest().toString(), "--keep-within", "2w", "--dry-run").out())
                .contains("keepWithin(PT336H)");
    }

    @Test
    void shouldFailNamingTheHolderWhileTheDestinationIsLocked() throws IOException {
        List<String> ids = backups(2);
        CliRun run;
        try (DestinationLock lock = DestinationLock.acquire(dest(), "backup")) {
            run = CliRun.of("prune", "--dest", dest().toString(), "--keep", "1");
        }

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("locked").contains("pid " + ProcessHandle.current().pid())
                .contains("backup since");
        assertThat(dest().resolve(ids.get(0))).isDirectory();
    }

    @Test
    void shouldFailNamingAMissingDestination() {
        Path missing = tmp.resolve("typo");

        CliRun run = CliRun.of("prune", "--dest", missing.toString(), "--keep", "1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("backupkit: error: Destination " + missing + " does not exist");
    }
}
