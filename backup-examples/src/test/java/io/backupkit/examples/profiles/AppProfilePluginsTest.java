package io.backupkit.examples.profiles;

import io.backupkit.BackupPlan;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.backupkit.examples.profiles.Platform.DOCKER;
import static io.backupkit.examples.profiles.Platform.LINUX;
import static io.backupkit.examples.profiles.Platform.MACOS;
import static io.backupkit.examples.profiles.Platform.SYNOLOGY;
import static io.backupkit.examples.profiles.Platform.WINDOWS;
import static org.assertj.core.api.Assertions.assertThat;

/** Each profile lists its application's plugins, and names the user its service runs as. */
class AppProfilePluginsTest {

    @TempDir
    Path tmp;

    private static List<String> plugins(AppProfile profile, Path folder) throws IOException {
        return profile.plugins().orElseThrow().list(folder);
    }

    @Test
    void shouldListJellyfinPluginsByNameAndVersionFromMetaJson() throws IOException {
        Path data = IdentityFixtures.jellyfin(tmp.resolve("jellyfin"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        IdentityFixtures.write(data, "plugins/Broken_2.0/meta.json", "{ not json");
        IdentityFixtures.write(data, "plugins/Broken_2.0/Broken.dll", "MZ");

        assertThat(plugins(AppProfiles.jellyfin(), data))
                .containsExactly("Broken_2.0", "Old Plugin_1.0", "Playback Reporting 16.0.0.0", "Trakt 26.0.0.0");
        assertThat(plugins(AppProfiles.jellyfin(), tmp.resolve("no-such-folder"))).isEmpty();
    }

    @Test
    void shouldListPlexBundlesEmbyDllsAndArrOwnerNamedFolders() throws IOException {
        Path plex = IdentityFixtures.plex(tmp.resolve("plex"));
        IdentityFixtures.write(plex, "Plug-ins/readme.txt", "not a plug-in");
        Path emby = tmp.resolve("emby");
        IdentityFixtures.write(emby, "plugins/MetaTube.dll", "MZ");
        IdentityFixtures.write(emby, "plugins/StatisticsPlugin.DLL", "MZ");
        IdentityFixtures.write(emby, "plugins/configurations/MetaTube.xml", "<x/>");
        Path sonarr = tmp.resolve("sonarr");
        IdentityFixtures.write(sonarr, "plugins/TypNull/Tubifarry/Tubifarry.dll", "MZ");
        IdentityFixtures.write(sonarr, "plugins/Loose/Loose.dll", "MZ");

        assertThat(plugins(AppProfiles.plex(), plex)).containsExactly("Sub-Zero.bundle", "WebTools.bundle");
        assertThat(plugins(AppProfiles.emby(), emby)).containsExactly("MetaTube.dll", "StatisticsPlugin.DLL");
        assertThat(plugins(AppProfiles.sonarr(), sonarr)).containsExactly("Loose", "TypNull/Tubifarry");
        assertThat(plugins(AppProfiles.radarr(), sonarr)).containsExactly("Loose", "TypNull/Tubifarry");
    }

    @Test
    void shouldRecordThePluginsThroughTheProfileAndNameThoseTheTargetLacks() throws IOException {
        Path source = IdentityFixtures.jellyfin(tmp.resolve("old"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        AppProfile jellyfin = AppProfiles.jellyfin().onHost(List.of(LINUX), Map.of());
        BackupPlan plan = BackupPlan.builder().apply(jellyfin).source(source).destination(tmp.resolve("dest"))
                .exclude("plugins/**").build();
        assertThat(plan.inventories()).containsOnlyKeys(AppProfile.PLUGINS);
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("new");
        IdentityFixtures.write(target, "plugins/Trakt_26.0.0.0/meta.json", "{\"name\":\"Trakt\",\"version\":\"26.0.0.0\"}");

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target));

        assertThat(r.inventory().get("plugins"))
                .containsExactly("Old Plugin_1.0", "Playback Reporting 16.0.0.0", "Trakt 26.0.0.0");
        assertThat(r.missing().get("plugins")).containsExactly("Old Plugin_1.0", "Playback Reporting 16.0.0.0");
        assertThat(Files.exists(target.resolve("plugins/Trakt_26.0.0.0/meta.json"))).isTrue();
    }

    @Test
    void shouldNameTheUserTheServiceRunsAsOnLinuxOnly() {
        assertThat(AppProfiles.plex().defaultOwner(LINUX)).contains("plex:plex");
        assertThat(AppProfiles.emby().defaultOwner(LINUX)).contains("emby:emby");
        assertThat(AppProfiles.jellyfin().defaultOwner(LINUX)).contains("jellyfin:jellyfin");
        assertThat(AppProfiles.sonarr().defaultOwner(LINUX)).contains("sonarr:media");
        assertThat(AppProfiles.radarr().defaultOwner(LINUX)).contains("radarr:media");
        for (AppProfile p : AppProfiles.all()) {
            for (Platform other : List.of(WINDOWS, MACOS, DOCKER, SYNOLOGY)) {
                assertThat(p.defaultOwner(other)).as(p.id() + " on " + other).isEmpty();
            }
        }
        assertThat(AppProfiles.plex().onHost(List.of(LINUX), Map.of()).defaultOwner()).contains("plex:plex");
        assertThat(AppProfiles.plex().onPlatform(DOCKER).defaultOwner()).isEmpty();
        assertThat(AppProfiles.plex().onPlatform(DOCKER).withServices(true).onPlatform(LINUX).defaultOwner())
                .as("kept through the copies").contains("plex:plex");
    }
}
