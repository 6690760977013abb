package io.backupkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's wiring of {@code database(...)}: capture, companions, reuse, checks on restore, discovery. */
class DatabaseCaptureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FileTime FIXED = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;
    private ClassLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        source = Files.createDirectories(tmp.resolve("source"));
        dest = tmp.resolve("dest");
        loader = FakeDatabaseCapture.loader(Files.createDirectories(tmp.resolve("cl")));
        Files.createDirectories(source.resolve("data"));
        Files.createDirectories(source.resolve("docs"));
        Files.writeString(source.resolve("docs/readme.txt"), "hello");
        Files.writeString(source.resolve("data/settings.txt"), "x=1");
        writeDb("FAKEDB\nrow 1\n", "row 2\n");
        FakeDatabaseCapture.COPIES.clear();
    }

    private void writeDb(String main, String wal) throws IOException {
        Path db = source.resolve("data/app.db");
        Files.writeString(db, main);
        Files.setLastModifiedTime(db, FIXED);
        Files.writeString(source.resolve("data/app.db-wal"), wal);
        Files.writeString(source.resolve("data/app.db-shm"), "shared memory");
    }

    private BackupPlan.Builder plan() {
        return BackupPlan.builder().source(source).destination(dest).classLoader(loader).database("data/*.db");
    }

    private JsonNode manifest(String id) throws IOException {
        return JSON.readTree(dest.resolve(id).resolve("manifest.json").toFile());
    }

    private JsonNode unit(String id, String name) throws IOException {
        for (JsonNode u : manifest(id).get("units")) {
            if (u.get("name").asText().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no unit " + name);
    }

    @Test
    void shouldArchiveTheCapturedCopyUnderTheFilesPathAndLeaveCompanionsOut() throws Exception {
        BackupResult r = plan().build().backup();

        String index = Files.readString(dest.resolve(r.snapshotId()).resolve("index/data.jsonl"));
        assertThat(index).contains("\"path\":\"data/app.db\"").contains("data/settings.txt")
                .doesNotContain("app.db-wal").doesNotContain("app.db-shm");
        JsonNode m = manifest(r.snapshotId());
        assertThat(m.get("plan").get("databases").toString()).isEqualTo("[\"data/*.db\"]");
        assertThat(m.get("databases").toString()).isEqualTo("[{\"path\":\"data/app.db\",\"capture\":\"fake\"}]");
        assertThat(r.warnings()).isEmpty();

        Path target = tmp.resolve("target");
        plan().build().restore(RestoreRequest.latest().target(target));
        assertThat(target.resolve("data/app.db")).hasContent("FAKEDB\nrow 1\nrow 2\n");
        assertThat(Files.getLastModifiedTime(target.resolve("data/app.db"))).isEqualTo(FIXED);
        assertThat(target.resolve("data/app.db-wal")).doesNotExist();
        assertThat(target.resolve("data/app.db-shm")).doesNotExist();
        assertThat(target.resolve("data/settings.txt")).hasContent("x=1");
        assertThat(index).contains("\"size\":" + "FAKEDB\nrow 1\nrow 2\n".length() + ",");
    }

    @Test
    void shouldDeleteTheTemporaryCopiesAndWriteThemInTheStagingFolderWhenSet() throws Exception {
        Path staging = tmp.resolve("staging");
        plan().staging(staging).build().backup();

        assertThat(FakeDatabaseCapture.COPIES).hasSize(1);
        Path copy = FakeDatabaseCapture.COPIES.peek();
        assertThat(copy.toAbsolutePath().startsWith(staging.toAbsolutePath())).as(copy.toString()).isTrue();
        assertThat(copy).doesNotExist();
        assertThat(copy.getParent()).doesNotExist();
    }

    @Test
    void shouldNeverReuseAUnitHoldingADatabaseWhenOnlyItsLogChanged() throws Exception {
        BackupPlan p = plan().build();
        BackupResult first = p.backup();
        Files.writeString(source.resolve("data/app.db-wal"), "row 2\nrow 3\n"); // the .db keeps size and mtime
        BackupResult second = p.backup();

        assertThat(unit(second.snapshotId(), "docs").path("reusedFrom").asText()).isEqualTo(first.snapshotId());
        assertThat(unit(second.snapshotId(), "data").has("reusedFrom")).isFalse();
        Path target = tmp.resolve("target");
        p.restore(RestoreRequest.latest().target(target));
        assertThat(target.resolve("data/app.db")).hasContent("FAKEDB\nrow 1\nrow 2\nrow 3\n");
    }

    @Test
    void shouldCaptureAgainInAFolderUnitInsteadOfLinkingThePreviousCopy() throws Exception {
        BackupPlan p = plan().special("data").build();
        p.backup();
        Files.writeString(source.resolve("data/app.db-wal"), "row 2\nrow 3\n");
        p.backup();

        Path target = tmp.resolve("target");
        p.restore(RestoreRequest.latest().target(target));
        assertThat(target.resolve("data/app.db")).hasContent("FAKEDB\nrow 1\nrow 2\nrow 3\n");
        assertThat(target.resolve("data/app.db-wal")).doesNotExist();
    }

    @Test
    void shouldFailTheRestoreBeforeTheSwapWhenADatabaseIsDamaged() throws Exception {
        writeDb("FAKEDB\nrow 1\nCORRUPT\n", "");
        BackupPlan p = plan().build();
        p.backup();
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.writeString(target.resolve("before.txt"), "keep me");

        assertThatThrownBy(() -> p.restore(RestoreRequest.latest().target(target)))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("'data/app.db'").hasMessageContaining("page 2 is malformed");
        try (var files = Files.list(target)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("before.txt");
        }
    }

    @Test
    void shouldRemoveStaleCompanionsThatSurviveAsExcludedPaths() throws Exception {
        BackupPlan p = plan().exclude("**/*.db-shm").build();
        p.backup();
        Path target = Files.createDirectories(tmp.resolve("target/data"));
        Files.writeString(target.resolve("app.db-shm"), "stale");
        Files.writeString(target.resolve("other.db-shm"), "not a restored database's");

        p.restore(RestoreRequest.latest().target(target.getParent()));

        assertThat(target.resolve("app.db")).hasContent("FAKEDB\nrow 1\nrow 2\n");
        assertThat(target.resolve("app.db-shm")).doesNotExist();
        assertThat(target.resolve("other.db-shm")).hasContent("not a restored database's");
    }

    @Test
    void shouldLeaveTheLiveLogOfADatabaseAPartialRestoreDoesNotTouch() throws Exception {
        BackupPlan p = plan().build();
        String id = p.backup().snapshotId();
        Files.writeString(source.resolve("data/app.db-wal"), "live commits not yet checkpointed");
        Files.writeString(source.resolve("data/settings.txt"), "x=2");

        p.restore(RestoreRequest.of(id).only("data/settings.txt"));

        assertThat(source.resolve("data/settings.txt")).hasContent("x=1");

        assertThat(source.resolve("data/app.db-wal")).hasContent("live commits not yet checkpointed");
    }

    @Test
    void shouldBackUpAMarkedFileNoProviderRecognisesAsAPlainFileWithAWarning() throws Exception {
        Files.writeString(source.resolve("data/Thumbs.db"), "not a database");
        BackupResult r = plan().build().backup();

        assertThat(r.warnings()).anyMatch(w -> w.contains("'data/Thumbs.db'") && w.contains("plain file"));
        assertThat(manifest(r.snapshotId()).get("databases")).hasSize(1);
        Path target = tmp.resolve("target");
        plan().build().restore(RestoreRequest.latest().target(target));
        assertThat(target.resolve("data/Thumbs.db")).hasContent("not a database");
    }

    @Test
    void shouldListTheCaptureAmongTheDryRunSteps() {
        BackupResult r = plan().dryRun(true).build().backup();

        assertThat(r.steps()).anyMatch(s -> s.contains("capture database 'data/app.db'"));
        assertThat(dest).doesNotExist();
    }

    @Test
    void shouldFailBuildNamingTheModuleWhenNoProviderIsOnTheClassPath() {
        assertThatThrownBy(() -> BackupPlan.builder().source(source).destination(dest).database("data/*.db").build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("io.backupkit:backup-sqlite").hasMessageContaining("data/*.db");
    }

    @Test
    void shouldQuoteABadDatabaseGlob() {
        assertThatThrownBy(() -> BackupPlan.builder().database("data/*.db", "/var/lib/app.db", "[x"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("database pattern '/var/lib/app.db'")
                .hasMessageContaining("database pattern '[x'")
                .hasMessageNotContaining("'data/*.db'");
    }

    @Test
    void shouldKeepTheDatabaseGlobsInToBuilder() {
        BackupPlan p = plan().database("db/*.sqlite").build();

        assertThat(p.toBuilder().build().databases()).containsExactly("data/*.db", "db/*.sqlite");
        assertThat(BackupPlan.builder().source(source).destination(dest).build().databases()).isEmpty();
    }
}
