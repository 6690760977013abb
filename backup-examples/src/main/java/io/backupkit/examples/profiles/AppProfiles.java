package io.backupkit.examples.profiles;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.backupkit.examples.profiles.Platform.DOCKER;
import static io.backupkit.examples.profiles.Platform.LINUX;
import static io.backupkit.examples.profiles.Platform.MACOS;
import static io.backupkit.examples.profiles.Platform.SYNOLOGY;
import static io.backupkit.examples.profiles.Platform.WINDOWS;

/**
 * The built-in application profiles. Where each value comes from, and which are guesses, is in the module's README
 * ("Profiles").
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .apply(AppProfiles.jellyfin().withServices(true))
 *     .destination("/mnt/backup/jellyfin")
 *     .build();
 * AppProfile p = AppProfiles.byId("sonarr").orElseThrow();
 * }</pre>
 */
public final class AppProfiles {

    /** The ids of the built-in profiles, in this order. */
    public static final List<String> IDS = List.of("plex", "emby", "jellyfin", "sonarr", "radarr");

    private static final String PLEX_PREFERENCES = "Preferences.xml";

    private static final String HTTP_VERSION = "curl -fsS %s | sed -n 's/.*\"Version\":\"\\([^\"]*\\)\".*/\\1/p'";

    private AppProfiles() {
    }

    /**
     * @param id a profile id, ignoring case and surrounding blanks
     * @return the profile, or empty when there is none of that id
     */
    public static Optional<AppProfile> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        switch (id.strip().toLowerCase(Locale.ROOT)) {
            case "plex":
                return Optional.of(plex());
            case "emby":
                return Optional.of(emby());
            case "jellyfin":
                return Optional.of(jellyfin());
            case "sonarr":
                return Optional.of(sonarr());
            case "radarr":
                return Optional.of(radarr());
            default:
                return Optional.empty();
        }
    }

    /** @return every built-in profile, in the order of {@link #IDS} */
    public static List<AppProfile> all() {
        return List.of(plex(), emby(), jellyfin(), sonarr(), radarr());
    }

    /**
     * Plex Media Server: the whole {@code Plex Media Server} folder without diagnostics, crash reports, updates, logs
     * and caches (which hold the transcoder's temporary files by default); {@code Metadata} and {@code Media} split.
     * Optional: {@code **}{@code /*.bif} (video preview thumbnails, which Plex can generate again).
     *
     * @return the profile
     */
    public static AppProfile plex() {
        AppProfile.Data d = new AppProfile.Data("plex", "Plex Media Server")
                .folders(WINDOWS, "${LOCALAPPDATA}/Plex Media Server")
                .folders(LINUX, "/var/lib/plexmediaserver/Library/Application Support/Plex Media Server")
                .folders(MACOS, "~/Library/Application Support/Plex Media Server")
                .folders(DOCKER, "/config/Library/Application Support/Plex Media Server")
                .folders(SYNOLOGY, "/volume1/PlexMediaServer/AppData/Plex Media Server",
                        "/volume1/Plex/Library/Application Support/Plex Media Server")
                .service(WINDOWS, "windows:^Plex")
                .service(LINUX, "systemd:plexmediaserver")
                .service(MACOS, "launchd:com.plexapp.plexmediaserver")
                .service(DOCKER, "docker:plex")
                .version(LINUX, "dpkg-query", "-W", "-f=${Version}", "plexmediaserver")
                .version(DOCKER, "sh", "-c", "curl -fsS http://localhost:32400/identity"
                        + " | sed -n 's/.* version=\"\\([^\"]*\\)\".*/\\1/p'");
        Collections.addAll(d.excludes, "Diagnostics/**", "Crash Reports/**", "Updates/**", "Logs/**", "Cache/**",
                "Plug-in Support/Caches/**");
        Collections.addAll(d.optionalExcludes, "**/*.bif");
        d.library = LibraryLayout.plex();
        Collections.addAll(d.split, "Metadata", "Media");
        Collections.addAll(d.databases, "Plug-in Support/Databases/*.db");
        Collections.addAll(d.identity,
                "Preferences.xml: attributes MachineIdentifier and ProcessedMachineIdentifier (the server's identity"
                        + " towards plex.tv), AnonymousMachineIdentifier, CertificateUUID and CertificateVersion (its"
                        + " plex.direct certificate), and the sign-in PlexOnlineToken, PlexOnlineUsername,"
                        + " PlexOnlineMail, PlexOnlineHome (the token is issued to this server)");
        String plexId = "Plex Media Server makes a new identity at its first start";
        String signIn = "sign the server in again (claim it) in its web app after its first start";
        for (String a : List.of("MachineIdentifier", "ProcessedMachineIdentifier", "AnonymousMachineIdentifier")) {
            d.identityItems.add(IdentityItem.xmlAttribute(PLEX_PREFERENCES, a, "the server's identity", plexId));
        }
        for (String a : List.of("CertificateUUID", "CertificateVersion")) {
            d.identityItems.add(IdentityItem.xmlAttribute(PLEX_PREFERENCES, a,
                    "the server's plex.direct certificate", "Plex Media Server gets a new certificate"));
        }
        for (String a : List.of("PlexOnlineToken", "PlexOnlineUsername", "PlexOnlineMail", "PlexOnlineHome")) {
            d.identityItems.add(IdentityItem.xmlAttribute(PLEX_PREFERENCES, a,
                    "the sign-in, issued to this server", signIn));
        }
        d.owner(LINUX, "plex:plex").plugins(PluginInventories.bundles("Plug-ins"));
        Collections.addAll(d.notes,
                "On Windows Plex keeps its settings in the registry (HKCU\\Software\\Plex, Inc.\\Plex Media Server),"
                        + " not in Preferences.xml: export that key separately (a beforeBackup hook)",
                "Restoring onto another machine with the same MachineIdentifier makes both servers the same server"
                        + " towards plex.tv: stop the old one for good, or restore with keepIdentity()"
                        + " (restore --keep-identity) to add a second server");
        return AppProfile.of(d);
    }

    /**
     * Emby Server: its {@code programdata} folder without logs, cache and transcoding temporary files. Optional:
     * {@code metadata/**} (images and metadata Emby can download again).
     *
     * @return the profile
     */
    public static AppProfile emby() {
        AppProfile.Data d = new AppProfile.Data("emby", "Emby Server")
                .folders(WINDOWS, "${APPDATA}/Emby-Server/programdata")
                .folders(LINUX, "/var/lib/emby")
                .folders(MACOS, "~/.config/emby-server")
                .folders(DOCKER, "/config")
                .folders(SYNOLOGY, "/volume1/@appdata/EmbyServer")
                .service(WINDOWS, "windows:^Emby")
                .service(LINUX, "systemd:emby-server")
                .service(DOCKER, "docker:emby")
                .version(LINUX, "dpkg-query", "-W", "-f=${Version}", "emby-server")
                .version(DOCKER, "sh", "-c", String.format(HTTP_VERSION, "http://localhost:8096/System/Info/Public"));
        Collections.addAll(d.excludes, "logs/**", "cache/**", "transcoding-temp/**");
        d.library = LibraryLayout.emby();
        Collections.addAll(d.optionalExcludes, "metadata/**");
        Collections.addAll(d.databases, "data/*.db");
        Collections.addAll(d.identity, "data/device.txt (the server id, as in the open-source Emby code Jellyfin"
                + " forked; unchecked for Emby 4)", "config/system.xml (server name, ports: settings, not identity)");
        d.identityItems.add(IdentityItem.file("data/device.txt", "the server id",
                "Emby Server makes a new one at its first start"));
        d.owner(LINUX, "emby:emby").plugins(PluginInventories.files("plugins", ".dll"));
        return AppProfile.of(d);
    }

    /**
     * Jellyfin: its data folder without logs, cache and transcodes. Optional: {@code metadata/**}.
     *
     * @return the profile
     */
    public static AppProfile jellyfin() {
        String version = String.format(HTTP_VERSION, "http://localhost:8096/System/Info/Public");
        AppProfile.Data d = new AppProfile.Data("jellyfin", "Jellyfin")
                .folders(WINDOWS, "${PROGRAMDATA}/Jellyfin/Server", "${LOCALAPPDATA}/jellyfin")
                .folders(LINUX, "/var/lib/jellyfin")
                .folders(MACOS, "~/.local/share/jellyfin")
                .folders(DOCKER, "/config")
                .folders(SYNOLOGY, "/volume1/@appdata/Jellyfin")
                .service(WINDOWS, "windows:^JellyfinServer$")
                .service(LINUX, "systemd:jellyfin")
                .service(DOCKER, "docker:jellyfin")
                .version(LINUX, "sh", "-c", version)
                .version(DOCKER, "sh", "-c", version);
        Collections.addAll(d.excludes, "log/**", "cache/**", "transcodes/**", "data/transcodes/**");
        d.library = LibraryLayout.jellyfin();
        Collections.addAll(d.optionalExcludes, "metadata/**");
        Collections.addAll(d.databases, "data/*.db");
        Collections.addAll(d.identity, "data/device.txt (the server id)",
                "config/system.xml (ServerName and the other server settings: settings, not identity)");
        d.identityItems.add(IdentityItem.file("data/device.txt", "the server id",
                "Jellyfin makes a new one at its first start"));
        d.owner(LINUX, "jellyfin:jellyfin").plugins(PluginInventories.jellyfin("plugins"));
        Collections.addAll(d.notes, "The Linux package keeps its configuration in /etc/jellyfin, outside"
                + " /var/lib/jellyfin: back it up with a second plan");
        return AppProfile.of(d);
    }

    /**
     * Sonarr: its data folder without logs, update logs and the log database. Optional: {@code MediaCover/**}
     * (posters Sonarr downloads again).
     *
     * @return the profile
     */
    public static AppProfile sonarr() {
        return arr("sonarr", "Sonarr");
    }

    /**
     * Radarr: as {@link #sonarr()}, for movies.
     *
     * @return the profile
     */
    public static AppProfile radarr() {
        return arr("radarr", "Radarr");
    }

    private static AppProfile arr(String id, String name) {
        AppProfile.Data d = new AppProfile.Data(id, name)
                .folders(WINDOWS, "${PROGRAMDATA}/" + name)
                .folders(LINUX, "/var/lib/" + id, "~/.config/" + name)
                .folders(MACOS, "~/.config/" + name)
                .folders(DOCKER, "/config")
                .folders(SYNOLOGY, "/volume1/@appdata/" + id)
                .service(WINDOWS, "windows:^" + name + "$")
                .service(LINUX, "systemd:" + id)
                .service(DOCKER, "docker:" + id);
        Collections.addAll(d.excludes, "logs/**", "UpdateLogs/**", "logs.db", "logs.db-wal", "logs.db-shm");
        Collections.addAll(d.optionalExcludes, "MediaCover/**");
        Collections.addAll(d.databases, id + ".db");
        Collections.addAll(d.identity, "config.xml: ApiKey (what other apps connect with; InstanceName is a"
                + " setting, not identity)");
        d.identityItems.add(IdentityItem.xmlElement("config.xml", "ApiKey", "the API key other apps connect with",
                name + " makes a new one at its first start: give it to the apps that connect to " + name));
        d.owner(LINUX, id + ":media").plugins(PluginInventories.ownerNamed("plugins"));
        Collections.addAll(d.notes, "The version is in GET /api/v3/system/status, which needs the ApiKey of"
                + " config.xml (X-Api-Key header): no version command is built in");
        return AppProfile.of(d);
    }
}
