package io.backupkit.examples.profiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.CommandServiceController;
import io.backupkit.ServiceControllers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static io.backupkit.examples.profiles.Platform.DOCKER;
import static io.backupkit.examples.profiles.Platform.LINUX;
import static io.backupkit.examples.profiles.Platform.MACOS;
import static io.backupkit.examples.profiles.Platform.SYNOLOGY;
import static io.backupkit.examples.profiles.Platform.WINDOWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppProfilesTest {

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- data

    @Test
    void shouldDescribePlex() {
        AppProfile plex = AppProfiles.plex();

        assertThat(plex.id()).isEqualTo("plex");
        assertThat(plex.displayName()).isEqualTo("Plex Media Server");
        assertThat(plex.excludes()).containsExactly("Diagnostics/**", "Crash Reports/**", "Updates/**", "Logs/**",
                "Cache/**", "Plug-in Support/Caches/**");
        assertThat(plex.optionalExcludes()).containsExactly("**/*.bif");
        assertThat(plex.split()).containsExactly("Metadata", "Media");
        assertThat(plex.special()).isEmpty();
        assertThat(plex.databases()).containsExactly("Plug-in Support/Databases/*.db");
        assertThat(plex.service(LINUX)).contains("systemd:plexmediaserver");
        assertThat(plex.service(WINDOWS)).contains("windows:^Plex");
        assertThat(plex.service(DOCKER)).contains("docker:plex");
        assertThat(plex.service(MACOS)).contains("launchd:com.plexapp.plexmediaserver");
        assertThat(plex.service(SYNOLOGY)).isEmpty();
        assertThat(plex.versionCommand(LINUX)).contains(List.of("dpkg-query", "-W", "-f=${Version}",
                "plexmediaserver"));
        assertThat(plex.dataFolders(LINUX))
                .containsExactly("/var/lib/plexmediaserver/Library/Application Support/Plex Media Server");
        assertThat(plex.dataFolders(WINDOWS)).containsExactly("${LOCALAPPDATA}/Plex Media Server");
        assertThat(plex.identity()).anySatisfy(s -> assertThat(s).contains("Preferences.xml")
                .contains("MachineIdentifier").contains("ProcessedMachineIdentifier"));
    }

    @Test
    void shouldDescribeEmbyAndJellyfin() {
        AppProfile emby = AppProfiles.emby();
        assertThat(emby.excludes()).containsExactly("logs/**", "cache/**", "transcoding-temp/**");
        assertThat(emby.optionalExcludes()).containsExactly("metadata/**");
        assertThat(emby.databases()).containsExactly("data/*.db");
        assertThat(emby.service(LINUX)).contains("systemd:emby-server");
        assertThat(emby.service(DOCKER)).contains("docker:emby");
        assertThat(emby.dataFolders(LINUX)).containsExactly("/var/lib/emby");

        AppProfile jellyfin = AppProfiles.jellyfin();
        assertThat(jellyfin.excludes()).containsExactly("log/**", "cache/**", "transcodes/**", "data/transcodes/**");
        assertThat(jellyfin.optionalExcludes()).containsExactly("metadata/**");
        assertThat(jellyfin.databases()).containsExactly("data/*.db");
        assertThat(jellyfin.service(LINUX)).contains("systemd:jellyfin");
        assertThat(jellyfin.service(WINDOWS)).contains("windows:^JellyfinServer$");
        assertThat(jellyfin.service(DOCKER)).contains("docker:jellyfin");
        assertThat(jellyfin.versionCommand(DOCKER).orElseThrow())
                .anySatisfy(s -> assertThat(s).contains("http://localhost:8096/System/Info/Public"));
        assertThat(jellyfin.identity()).anySatisfy(s -> assertThat(s).contains("config/system.xml"));
    }

    @Test
    void shouldDescribeSonarrAndRadarr() {
        for (AppProfile arr : List.of(AppProfiles.sonarr(), AppProfiles.radarr())) {
            assertThat(arr.excludes()).contains("logs/**", "UpdateLogs/**", "logs.db");
            assertThat(arr.optionalExcludes()).containsExactly("MediaCover/**");
            assertThat(arr.databases()).containsExactly(arr.id() + ".db");
            assertThat(arr.service(LINUX)).contains("systemd:" + arr.id());
            assertThat(arr.service(DOCKER)).contains("docker:" + arr.id());
            assertThat(arr.versionCommand(LINUX)).isEmpty();
        }
        assertThat(AppProfiles.sonarr().service(WINDOWS)).contains("windows:^Sonarr$");
        assertThat(AppProfiles.radarr().dataFolders(WINDOWS)).containsExactly("${PROGRAMDATA}/Radarr");
    }

    @Test
    void shouldParseEveryServiceSpecAndGiveEveryPlatformAFolder() {
        for (AppProfile p : AppProfiles.all()) {
            for (Platform platform : Platform.values()) {
                p.service(platform).ifPresent(spec -> assertThat(ServiceControllers.parse(spec)).isNotNull());
                assertThat(p.dataFolders(platform)).as(p.id() + " on " + platform).isNotEmpty();
            }
        }
        assertThat(AppProfiles.all()).extracting(AppProfile::id).containsExactlyElementsOf(AppProfiles.IDS);
    }

    @Test
    void shouldFindProfilesByIdIgnoringCase() {
        assertThat(AppProfiles.byId(" Jellyfin ")).get().extracting(AppProfile::id).isEqualTo("jellyfin");
        assertThat(AppProfiles.byId("kodi")).isEmpty();
        assertThat(AppProfiles.byId(null)).isEmpty();
    }

    @Test
    void shouldBeImmutable() {
        AppProfile plex = AppProfiles.plex();
        AppProfile lean = plex.withOptionalExcludes(true);

        assertThat(plex.appliedExcludes()).doesNotContain("**/*.bif");
        assertThat(lean.appliedExcludes()).endsWith("**/*.bif");
        assertThatThrownBy(() -> plex.excludes().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------- the running host

    @Test
    void shouldChooseThePlatformsOfTheRunningOs() {
        assertThat(Platform.forOs("Windows 11")).containsExactly(WINDOWS);
        assertThat(Platform.forOs("Mac OS X")).containsExactly(MACOS);
        assertThat(Platform.forOs("Linux")).containsExactly(LINUX, DOCKER, SYNOLOGY);
    }

    @Test
    void shouldFindTheDefaultSourceFromTheEnvironment() throws IOException {
        Path home = tmp.resolve("home");
        Path data = Files.createDirectories(home.resolve("Library/Application Support/Plex Media Server"));
        AppProfile plex = AppProfiles.plex().onHost(List.of(MACOS), Map.of("HOME", home.toString()));

        assertThat(plex.candidates()).containsExactly(data);
        assertThat(plex.defaultSource()).contains(data);
        assertThat(plex.platform()).isEqualTo(MACOS);
    }

    @Test
    void shouldFindNoDefaultSourceWhenNoCandidateExistsOrAVariableIsUnset() {
        AppProfile plex = AppProfiles.plex().onHost(List.of(WINDOWS), Map.of());
        assertThat(plex.candidates()).isEmpty();
        assertThat(plex.defaultSource()).isEmpty();
        assertThat(plex.platform()).isEqualTo(WINDOWS);

        AppProfile sonarr = AppProfiles.sonarr().onHost(List.of(WINDOWS),
                Map.of("PROGRAMDATA", tmp.resolve("nothing").toString()));
        assertThat(sonarr.candidates()).containsExactly(tmp.resolve("nothing/Sonarr"));
        assertThat(sonarr.defaultSource()).isEmpty();
    }

    @Test
    void shouldTakeThePlatformWhoseFolderWasFound() throws IOException {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".config/Sonarr"));
        AppProfile sonarr = AppProfiles.sonarr().onHost(List.of(LINUX, DOCKER, SYNOLOGY),
                Map.of("HOME", home.toString()));

        assertThat(sonarr.defaultSource()).contains(home.resolve(".config/Sonarr"));
        assertThat(sonarr.platform()).isEqualTo(LINUX);
        assertThat(sonarr.onPlatform(DOCKER).platform()).isEqualTo(DOCKER);
        assertThat(sonarr.onPlatform(DOCKER).service()).contains("docker:sonarr");
    }

    // ---------------------------------------------------------------- applied to a builder

    @Test
    void shouldAddTheServiceOfThePlatformOnlyWhenAsked() {
        Path dest = tmp.resolve("dest");
        AppProfile plex = AppProfiles.plex().onHost(List.of(LINUX), Map.of());

        BackupPlan without = BackupPlan.builder().apply(plex).destination(dest).build();
        BackupPlan with = BackupPlan.builder().apply(plex.withServices(true)).destination(dest).build();
        BackupPlan docker = BackupPlan.builder().apply(plex.withServices(true).onPlatform(DOCKER))
                .destination(dest).build();

        assertThat(without.services()).isEmpty();
        assertThat(with.services()).hasSize(1);
        assertThat(with.services().get(0)).isInstanceOf(CommandServiceController.class);
        assertThat(with.services().get(0).toString()).contains("plexmediaserver");
        assertThat(docker.services().get(0).toString()).contains("plex").contains("docker");
    }

    @Test
    void shouldSetTheSourceWhenOneIsFoundAndLetLaterSettingsWin() throws IOException {
        Path home = tmp.resolve("home");
        Path data = Files.createDirectories(home.resolve(".config/Radarr"));
        AppProfile radarr = AppProfiles.radarr().onHost(List.of(MACOS), Map.of("HOME", home.toString()));

        BackupPlan found = BackupPlan.builder().apply(radarr).destination(tmp.resolve("dest")).build();
        BackupPlan overridden = BackupPlan.builder().apply(radarr).source(tmp.resolve("other"))
                .exclude("Backups/**").split("MediaCover").destination(tmp.resolve("dest")).build();

        assertThat(found.source()).isEqualTo(data);
        assertThat(overridden.source()).isEqualTo(tmp.resolve("other"));
        assertThat(overridden.excludes()).containsExactly("logs/**", "UpdateLogs/**", "logs.db", "logs.db-wal",
                "logs.db-shm", "Backups/**");
        assertThat(overridden.split()).containsExactly("MediaCover");
    }

    @Test
    void shouldBackUpAPlexFolderWithoutWhatItExcludes() throws IOException {
        Path src = tmp.resolve("Plex Media Server");
        write(src, "Preferences.xml", "Plug-in Support/Databases/com.plexapp.plugins.library.db",
                "Plug-in Support/Preferences/com.plexapp.agents.imdb.xml",
                "Metadata/Movies/a/1a2b.bundle/Contents/Info.xml", "Metadata/TV Shows/b/3c4d.bundle/Contents/poster.jpg",
                "Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif",
                "Media/localhost/0/abc.bundle/Contents/Thumbnails/thumb1.jpg",
                "Logs/Plex Media Server.log", "Cache/Transcode/Sessions/x.ts", "Crash Reports/1.dmp",
                "Diagnostics/d.zip", "Updates/1.40/plexmediaserver.deb", "Plug-in Support/Caches/c.cache");

        Set<String> full = backUp(AppProfiles.plex(), src);
        Set<String> lean = backUp(AppProfiles.plex().withOptionalExcludes(true), src);

        assertThat(full).containsExactlyInAnyOrder("Preferences.xml",
                "Plug-in Support/Databases/com.plexapp.plugins.library.db",
                "Plug-in Support/Preferences/com.plexapp.agents.imdb.xml",
                "Metadata/Movies/a/1a2b.bundle/Contents/Info.xml", "Metadata/TV Shows/b/3c4d.bundle/Contents/poster.jpg",
                "Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif",
                "Media/localhost/0/abc.bundle/Contents/Thumbnails/thumb1.jpg");
        assertThat(lean).doesNotContain("Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif")
                .contains("Media/localhost/0/abc.bundle/Contents/Thumbnails/thumb1.jpg");
    }

    @Test
    void shouldBackUpAnEmbyFolderWithoutWhatItExcludes() throws IOException {
        Path src = tmp.resolve("programdata");
        write(src, "config/system.xml", "data/library.db", "data/users.db", "plugins/a.dll",
                "metadata/library/ab/poster.jpg", "logs/embyserver.txt", "cache/images/x.jpg",
                "transcoding-temp/1.ts");

        assertThat(backUp(AppProfiles.emby(), src)).containsExactlyInAnyOrder("config/system.xml",
                "data/library.db", "data/users.db", "plugins/a.dll", "metadata/library/ab/poster.jpg");
        assertThat(backUp(AppProfiles.emby().withOptionalExcludes(true), src))
                .doesNotContain("metadata/library/ab/poster.jpg").contains("data/library.db");
    }

    @Test
    void shouldBackUpAJellyfinFolderWithoutWhatItExcludes() throws IOException {
        Path src = tmp.resolve("jellyfin");
        write(src, "config/system.xml", "data/device.txt", "data/library.db", "data/jellyfin.db",
                "metadata/People/A/Actor/folder.jpg", "root/default/Movies/options.xml", "log/log_1.log",
                "cache/images/x.webp", "transcodes/abc.ts", "data/transcodes/def.ts");

        assertThat(backUp(AppProfiles.jellyfin(), src)).containsExactlyInAnyOrder("config/system.xml",
                "data/device.txt", "data/library.db", "data/jellyfin.db", "metadata/People/A/Actor/folder.jpg",
                "root/default/Movies/options.xml");
        assertThat(backUp(AppProfiles.jellyfin().withOptionalExcludes(true), src))
                .doesNotContain("metadata/People/A/Actor/folder.jpg");
    }

    @Test
    void shouldBackUpSonarrAndRadarrFoldersWithoutWhatTheyExclude() throws IOException {
        for (AppProfile arr : List.of(AppProfiles.sonarr(), AppProfiles.radarr())) {
            Path src = tmp.resolve(arr.id());
            write(src, "config.xml", arr.id() + ".db", arr.id() + ".db-wal", "MediaCover/1/poster.jpg",
                    "Backups/scheduled/b.zip", "logs/" + arr.id() + ".txt", "UpdateLogs/u.txt", "logs.db",
                    "logs.db-wal");

            // the database is marked: its -wal is never archived raw (the capture holds what it committed)
            assertThat(backUp(arr, src)).containsExactlyInAnyOrder("config.xml", arr.id() + ".db",
                    "MediaCover/1/poster.jpg", "Backups/scheduled/b.zip");
            assertThat(backUp(arr.withOptionalExcludes(true), src)).doesNotContain("MediaCover/1/poster.jpg");
        }
    }

    private static void write(Path root, String... files) throws IOException {
        for (String f : files) {
            Path p = root.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "content of " + f, StandardCharsets.UTF_8);
        }
    }

    /** @return the paths of the files in the new snapshot's index */
    private Set<String> backUp(AppProfile profile, Path src) throws IOException {
        Path dest = Files.createTempDirectory(tmp, "dest");
        BackupResult r = BackupPlan.builder().apply(profile).source(src).destination(dest).build().backup();
        Set<String> paths = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> indexes = Files.list(dest.resolve(r.snapshotId()).resolve("index"))) {
            for (Path index : indexes.toList()) {
                for (String line : Files.readAllLines(index)) {
                    if (!line.isBlank() && json.readTree(line).get("type").asText().equals("FILE")) {
                        paths.add(json.readTree(line).get("path").asText());
                    }
                }
            }
        }
        return paths;
    }
}
