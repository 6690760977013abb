package io.backupkit.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileOptionsTest {

    @TempDir
    Path tmp;

    private Path jellyfin() throws IOException {
        Path src = tmp.resolve("jellyfin");
        for (String f : new String[] {"config/system.xml", "data/library.db", "log/log_1.log", "cache/x.webp",
                "metadata/a.jpg"}) {
            Fixtures.write(src, f, "content of " + f);
        }
        return src;
    }

    private Path config(String json) throws IOException {
        return Files.writeString(tmp.resolve("plan.json"), json);
    }

    private static String q(Path p) {
        return p.toString().replace("\\", "\\\\");
    }

    @Test
    void shouldBackUpWithAProfileLeavingOutItsExcludes() throws IOException {
        Path dest = tmp.resolve("dest");
        CliRun run = CliRun.of("backup", "--profile", "jellyfin", "--source", jellyfin().toString(),
                "--dest", dest.toString(), "--exclude", "metadata/**");

        assertThat(run.exit()).as(run.toString()).isZero();
        Path restored = tmp.resolve("restored");
        assertThat(CliRun.of("restore", "--dest", dest.toString(), "--target", restored.toString()).exit()).isZero();
        assertThat(restored.resolve("config/system.xml")).isRegularFile();
        assertThat(restored.resolve("data/library.db")).isRegularFile();
        assertThat(restored.resolve("log")).doesNotExist();
        assertThat(restored.resolve("cache")).doesNotExist();
        assertThat(restored.resolve("metadata")).as("--exclude adds to the profile's").doesNotExist();
    }

    @Test
    void shouldBackUpFromAConfigFileWithCommandLineOverrides() throws IOException {
        Path src = jellyfin();
        Path dest = tmp.resolve("dest");
        Path f = config("{\"profile\": \"jellyfin\", \"source\": \"" + q(tmp.resolve("missing")) + "\","
                + " \"destination\": \"" + q(dest) + "\", \"dryRun\": true, \"keep\": 1}");

        CliRun dry = CliRun.of("backup", "--config", f.toString(), "--source", src.toString());
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).startsWith("Dry run: snapshot ").contains(" would hold 3 files");
        assertThat(dest).doesNotExist();

        Path f2 = config("{\"profile\": \"jellyfin\", \"source\": \"" + q(src) + "\", \"destination\": \""
                + q(dest) + "\", \"keep\": 1}");
        CliRun first = CliRun.of("backup", "--config", f2.toString());
        CliRun second = CliRun.of("backup", "--config", f2.toString(), "--keep", "2");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(CliRun.of("list", "--dest", dest.toString()).outLines()).as("--keep 2 replaced the file's keep 1")
                .filteredOn(l -> l.contains("complete")).hasSize(2);
    }

    @Test
    void shouldRestoreIntoTheSourceOfTheConfigFile() throws IOException {
        Path src = jellyfin();
        Path dest = tmp.resolve("dest");
        Path f = config("{\"profile\": \"jellyfin\", \"source\": \"" + q(src) + "\", \"destination\": \""
                + q(dest) + "\"}");
        assertThat(CliRun.of("backup", "--config", f.toString()).exit()).isZero();

        CliRun run = CliRun.of("restore", "--config", f.toString(), "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("would restore 3 files").contains(src.toString());
    }

    @Test
    void shouldRequireASourceWhenNoProfileOrConfigGivesOne() {
        CliRun run = CliRun.of("backup", "--dest", tmp.resolve("dest").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("backupkit: error: --source is required unless --profile finds"
                + " the app's data folder or --config sets source");
    }

    @Test
    void shouldRequireADestinationWhenNoConfigGivesOne() throws IOException {
        CliRun run = CliRun.of("backup", "--source", jellyfin().toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0))
                .isEqualTo("backupkit: error: --dest is required unless --config sets destination");
    }

    @Test
    void shouldRefuseAnUnknownProfile() throws IOException {
        CliRun run = CliRun.of("backup", "--profile", "kodi", "--source", jellyfin().toString(), "--dest",
                tmp.resolve("dest").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("backupkit: error: --profile must be one of plex, emby, "
                + "jellyfin, sonarr, radarr, was 'kodi'");
    }

    @Test
    void shouldReportEveryProblemOfTheConfigFileOnOneLine() throws IOException {
        Path f = config("{\"destination\": \"/b\", \"exlude\": [], \"workers\": \"four\"}");

        CliRun run = CliRun.of("backup", "--config", f.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: --config plan.json: unknown key 'exlude'")
                .contains("did you mean 'exclude'?").contains("key 'workers' (at $.workers) must be an integer");
        assertThat(run.errLines()).noneMatch(l -> l.startsWith("\tat "));
    }

    @Test
    void shouldRefuseAMissingConfigFile() {
        CliRun run = CliRun.of("backup", "--config", tmp.resolve("none.json").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: --config configuration file ")
                .endsWith("none.json does not exist");
    }

    @Test
    void shouldNeedAProfileForProfileService() throws IOException {
        CliRun run = CliRun.of("backup", "--profile-service", "--source", jellyfin().toString(), "--dest",
                tmp.resolve("dest").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("backupkit: error: --profile-service needs --profile NAME");
    }
}
