package io.backupkit.examples.config;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.VersionCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BackupPlansTest {

    @TempDir
    Path tmp;

    private Path file(String json) throws IOException {
        return Files.writeString(Files.createTempFile(tmp, "plan", ".json"), json);
    }

    private static String q(Path p) {
        return p.toString().replace("\\", "\\\\");
    }

    private List<String> problems(String json) throws IOException {
        Path f = file(json);
        InvalidPlanException e = catchThrowableOfType(() -> BackupPlans.load(f, Map.of()),
                InvalidPlanException.class);
        assertThat(e).as("expected an InvalidPlanException").isNotNull();
        return e.problems();
    }

    @Test
    void shouldReadEveryKey() throws IOException {
        Path f = file("{\"profile\": {\"id\": \"plex\", \"optionalExcludes\": true, \"services\": true,"
                + " \"platform\": \"linux\"},"
                + " \"source\": \"" + q(tmp.resolve("src")) + "\", \"destination\": \"" + q(tmp.resolve("dest")) + "\","
                + " \"archiver\": \"zip\", \"archiverOptions\": {\"level\": 1},"
                + " \"exclude\": [\"Extra/**\"], \"special\": [\"Media/localhost\"], \"split\": [\"Cache2\"],"
                + " \"workers\": 3, \"retries\": 4, \"retryWait\": \"5s\", \"recheckAfter\": \"12h\", \"staging\": \"" + q(tmp.resolve("st"))
                + "\", \"services\": [\"systemd:plexmediaserver\", \"docker:plex\"], \"stopTimeout\": \"2m\","
                + " \"noRestart\": true, \"requireRunning\": true, \"spaceCheck\": false, \"versionCheck\": \"exact\","
                + " \"keep\": 3, \"keepDaily\": 7, \"keepWeekly\": 4, \"keepMonthly\": 6, \"keepYearly\": 2,"
                + " \"keepWithin\": \"30d\", \"maxTotalSize\": \"5G\", \"dryRun\": true,"
                + " \"database\": [\"Plug-in Support/Databases/*.db\"]}");

        PlanConfig config = BackupPlans.load(f, Map.of());
        BackupPlan plan = config.builder().build();

        assertThat(config.keys()).startsWith("profile").containsAll(BackupPlans.keys());
        assertThat(plan.source()).isEqualTo(tmp.resolve("src"));
        assertThat(plan.destination()).isEqualTo(tmp.resolve("dest"));
        assertThat(plan.archiver().id()).isEqualTo("zip");
        assertThat(plan.archiverOptions()).containsEntry("level", "1");
        assertThat(plan.excludes()).contains("Logs/**", "**/*.bif").endsWith("Extra/**");
        assertThat(plan.special()).containsExactly("Media/localhost");
        assertThat(plan.split()).containsExactly("Metadata", "Media", "Cache2");
        assertThat(plan.workers()).isEqualTo(3);
        assertThat(plan.retries()).isEqualTo(4);
        assertThat(plan.retryWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.recheckAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(plan.staging()).isEqualTo(tmp.resolve("st"));
        assertThat(plan.services()).as("the file's services replace the profile's").hasSize(2);
        assertThat(plan.stopTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(plan.noRestart()).isTrue();
        assertThat(plan.requireRunning()).isTrue();
        assertThat(plan.spaceCheck()).isFalse();
        assertThat(plan.versionCheck()).isEqualTo(VersionCheck.EXACT);
        assertThat(plan.retention().toString()).contains("3").contains("7");
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.databases()).contains("Plug-in Support/Databases/*.db");
    }

    @Test
    void shouldLetTheCallerOverrideAndSkipKeys() throws IOException {
        Path f = file("{\"profile\": {\"id\": \"jellyfin\", \"services\": true, \"platform\": \"docker\"},"
                + " \"destination\": \"" + q(tmp.resolve("dest")) + "\", \"workers\": 3, \"keep\": 2}");
        PlanConfig config = BackupPlans.load(f, Map.of());

        BackupPlan overridden = config.builder().workers(1).exclude("more/**").build();
        BackupPlan skipped = config.builder(Set.of("services", "keep")).build();

        assertThat(overridden.workers()).isEqualTo(1);
        assertThat(overridden.excludes()).startsWith("log/**").endsWith("more/**");
        assertThat(overridden.services()).hasSize(1);
        assertThat(overridden.retention().id()).isNotEqualTo("keep-all");
        assertThat(skipped.services()).isEmpty();
        assertThat(skipped.retention().id()).isEqualTo("keep-all");
        assertThat(BackupPlans.fromJson(f).build().workers()).isEqualTo(3);
    }

    @Test
    void shouldExpandEnvironmentVariables() throws IOException {
        String home = System.getenv("HOME") != null ? "HOME" : "PATH";
        Path f = file("{\"destination\": \"${" + home + "}/backups\", \"exclude\": [\"$${literal}/**\"]}");

        BackupPlan plan = BackupPlans.load(f).builder().build();

        assertThat(plan.destination()).isEqualTo(Path.of(System.getenv(home) + "/backups"));
        assertThat(plan.excludes()).containsExactly("${literal}/**");
    }

    @Test
    void shouldNameAnUnsetVariable() throws IOException {
        assertThat(problems("{\"destination\": \"${BACKUPKIT_SURELY_UNSET_VAR}/x\"}"))
                .singleElement().asString().contains("'destination'").contains("$.destination")
                .contains("BACKUPKIT_SURELY_UNSET_VAR").contains("not set");
    }

    @Test
    void shouldSuggestTheNearestKeyForAnUnknownOne() throws IOException {
        assertThat(problems("{\"destination\": \"/b\", \"exlude\": [\"Logs/**\"]}")).singleElement().asString()
                .contains("unknown key 'exlude'").contains("$.exlude").contains("did you mean 'exclude'?");
        assertThat(problems("{\"destination\": \"/b\", \"colour\": 1}")).singleElement().asString()
                .contains("unknown key 'colour'").contains("valid keys: profile, source");
    }

    @Test
    void shouldSayWhereAKeyIsValid() throws IOException {
        assertThat(problems("{\"destination\": \"/b\", \"platform\": \"docker\"}")).singleElement().asString()
                .contains("key 'platform' (at $.platform) is valid only inside 'profile'");
        assertThat(problems("{\"destination\": \"/b\", \"profile\": {\"id\": \"plex\", \"exclude\": []}}"))
                .singleElement().asString().contains("key 'exclude' (at $.profile.exclude) is valid only at the top level");
    }

    @Test
    void shouldReportNestedUnknownKeys() throws IOException {
        assertThat(problems("{\"destination\": \"/b\", \"profile\": {\"id\": \"plex\", \"platfrom\": \"docker\"}}"))
                .singleElement().asString().contains("unknown key 'platfrom' (at $.profile.platfrom)")
                .contains("did you mean 'platform'?");
    }

    @Test
    void shouldNameTheKeyAndTheExpectedTypeOfAWrongValue() throws IOException {
        List<String> problems = problems("{\"destination\": 5, \"exclude\": \"Logs/**\", \"workers\": \"four\","
                + " \"noRestart\": \"yes\", \"retryWait\": 10, \"special\": [1], \"archiverOptions\": [],"
                + " \"profile\": 3, \"keep\": 0, \"versionCheck\": \"newer\", \"maxTotalSize\": \"lots\"}");

        assertThat(problems).hasSize(11);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'destination' (at $.destination) must be a string, was a number (5)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'exclude' (at $.exclude) must be an array of strings, was a string"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'workers' (at $.workers) must be an integer"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'noRestart' (at $.noRestart) must be a boolean"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'retryWait' (at $.retryWait) must be a duration"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'special' (at $.special[0]) must be a string"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'archiverOptions' (at $.archiverOptions) must be an object"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'profile' (at $.profile) must be a profile id"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'keep' (at $.keep) must be at least 1"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'versionCheck'").contains("'newer'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("key 'maxTotalSize'").contains("'lots'"));
    }

    @Test
    void shouldPassOnTheBuildersChecksWithTheKey() throws IOException {
        assertThat(problems("{\"destination\": \"/b\", \"workers\": 0, \"exclude\": [\"/abs\"],"
                + " \"services\": [\"cron:x\"], \"profile\": \"kodi\"}"))
                .hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("key 'workers' (at $.workers): workers must be between 1 and 64"))
                .anySatisfy(p -> assertThat(p).contains("key 'exclude' (at $.exclude)"))
                .anySatisfy(p -> assertThat(p).contains("key 'services' (at $.services)").contains("cron:x"))
                .anySatisfy(p -> assertThat(p).contains("names no profile: 'kodi'").contains("plex, emby"));
    }

    @Test
    void shouldRefuseBadJsonAndAMissingFile() throws IOException {
        assertThat(problems("{\"destination\": \"/b\",,}")).singleElement().asString()
                .contains("is not valid JSON at line 1");
        assertThat(problems("{\"keep\": 1, \"keep\": 2}")).singleElement().asString().contains("Duplicate field 'keep'");
        assertThat(problems("[1]")).singleElement().asString().contains("must hold a JSON object");
        InvalidPlanException e = catchThrowableOfType(() -> BackupPlans.load(tmp.resolve("none.json")),
                InvalidPlanException.class);
        assertThat(e.getMessage()).contains("none.json does not exist");
    }

    @Test
    void shouldPointAtSecretsNotBeingKeptInTheFile() throws IOException {
        assertThat(problems("{\"destination\": \"/b\", \"smtpPassword\": \"x\"}")).singleElement().asString()
                .contains("unknown key 'smtpPassword'").contains("secrets are never kept in a configuration file");
    }

    @Test
    void shouldSuggestWithinThreeEditsOnly() {
        assertThat(BackupPlans.levenshtein("exlude", "exclude")).isEqualTo(1);
        assertThat(BackupPlans.levenshtein("kitten", "sitting")).isEqualTo(3);
        assertThat(BackupPlans.levenshtein("", "abc")).isEqualTo(3);
    }

    @Test
    void shouldLoadEverySampleFile() throws IOException {
        Path dir = Path.of("config");
        Map<String, String> env = Map.of("BACKUP_ROOT", tmp.toString(), "APPDATA", tmp.resolve("roaming").toString());
        List<Path> samples;
        try (Stream<Path> s = Files.list(dir)) {
            samples = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(samples).extracting(p -> p.getFileName().toString()).containsExactly("emby-windows.json",
                "jellyfin-docker.json", "plex-linux.json", "radarr-linux.json", "sonarr-linux.json");
        for (Path sample : samples) {
            PlanConfig config = BackupPlans.load(sample, env);
            BackupPlan plan = config.builder().build();
            String id = sample.getFileName().toString().split("-")[0];
            assertThat(config.profile()).as(sample.toString()).get().extracting(p -> p.id()).isEqualTo(id);
            assertThat(plan.destination()).isEqualTo(tmp.resolve(id));
            assertThat(plan.excludes()).containsAll(config.profile().get().excludes());
        }
        BackupPlan jellyfin = BackupPlans.load(dir.resolve("jellyfin-docker.json"), env).builder().build();
        assertThat(jellyfin.services().get(0).toString()).contains("jellyfin");
        assertThat(jellyfin.archiver().id()).isEqualTo("tar.zst");
    }
}
