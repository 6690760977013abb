package io.backupkit.examples.profiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Data folders of the applications with their identity files, as the profiles' tests and the CLI tests use them. */
public final class IdentityFixtures {

    /** The old server's Plex identity and sign-in (made-up values of the real shapes). */
    public static final String OLD_MACHINE = "3f1c9a2e-7b4d-4e0a-9c61-5d2b8e7f0a11";
    /** The new server's MachineIdentifier. */
    public static final String NEW_MACHINE = "a7d2e4f6-1b3c-4d5e-8f90-123456abcdef";

    private IdentityFixtures() {
    }

    /**
     * @param machine the MachineIdentifier
     * @param processed the ProcessedMachineIdentifier
     * @param token the PlexOnlineToken, or {@code null} for a server nobody signed in to
     * @param name the FriendlyName
     * @return a Preferences.xml as Plex Media Server writes it: one line, the attributes in Plex's order
     */
    public static String plexPreferences(String machine, String processed, String token, String name) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<Preferences OldestPreviousVersion=\"1.40.2.8395-c67dce28e\" MachineIdentifier=\"" + machine
                + "\" ProcessedMachineIdentifier=\"" + processed + "\" AnonymousMachineIdentifier=\"anon-" + machine
                + "\" MetricsEpoch=\"1\" AcceptedEULA=\"1\" FriendlyName=\"" + name + "\""
                + " PublishServerOnPlexOnlineKey=\"1\""
                + (token == null ? "" : " PlexOnlineToken=\"" + token + "\" PlexOnlineUsername=\"someone\""
                + " PlexOnlineMail=\"someone@example.org\" PlexOnlineHome=\"1\"")
                + " CertificateUUID=\"cert-" + processed + "\" CertificateVersion=\"3\" PubSubServer=\"192.0.2.10\""
                + " LanguageInCloud=\"1\" TranscoderTempDirectory=\"/transcode\" ScannerLowPriority=\"1\"/>\n";
    }

    /** @return the old server's Preferences.xml, signed in */
    public static String oldPlexPreferences() {
        return plexPreferences(OLD_MACHINE, "9d5ed678fe57bcca610140957afab571b3f2a8c1", "oldServerToken123", "Keller");
    }

    /**
     * @param root a folder to fill as Plex's data folder, with the old server's identity and two plug-ins
     * @return {@code root}
     */
    public static Path plex(Path root) throws IOException {
        write(root, "Preferences.xml", oldPlexPreferences());
        write(root, "Plug-in Support/Databases/com.plexapp.plugins.library.db", "SQLite format 3\0library");
        write(root, "Plug-in Support/Preferences/com.plexapp.system.xml", "<PluginPreferences/>\n");
        write(root, "Metadata/Movies/a/b.bundle/Contents/Info.xml", "<Movie/>\n");
        write(root, "Plug-ins/Sub-Zero.bundle/Contents/Info.plist", "<plist/>\n");
        write(root, "Plug-ins/WebTools.bundle/Contents/Info.plist", "<plist/>\n");
        write(root, "Logs/Plex Media Server.log", "log\n");
        return root;
    }

    /**
     * @param root a folder to fill as Jellyfin's data folder (the Docker layout: config and data in one folder)
     * @param deviceId the server id in {@code data/device.txt}
     * @return {@code root}
     */
    public static Path jellyfin(Path root, String deviceId) throws IOException {
        write(root, "data/device.txt", deviceId);
        write(root, "data/jellyfin.db", "SQLite format 3\0jellyfin");
        write(root, "config/system.xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ServerConfiguration>\n"
                + "  <ServerName>Keller</ServerName>\n  <PublicPort>8096</PublicPort>\n</ServerConfiguration>\n");
        write(root, "plugins/Trakt_26.0.0.0/meta.json", "{\n  \"category\": \"General\",\n  \"guid\": "
                + "\"4fe3201e-d6ae-4f2e-8917-e12bda571281\",\n  \"name\": \"Trakt\",\n  \"version\": \"26.0.0.0\",\n"
                + "  \"targetAbi\": \"10.10.0.0\",\n  \"status\": \"Active\"\n}\n");
        write(root, "plugins/Trakt_26.0.0.0/Trakt.dll", "MZ");
        write(root, "plugins/Playback Reporting_16.0.0.0/meta.json", "{\"name\":\"Playback Reporting\","
                + "\"version\":\"16.0.0.0\"}");
        write(root, "plugins/Playback Reporting_16.0.0.0/Jellyfin.Plugin.PlaybackReporting.dll", "MZ");
        write(root, "plugins/Old Plugin_1.0/Old.dll", "MZ");            // no meta.json: the folder's name
        write(root, "plugins/configurations/Trakt.xml", "<PluginConfiguration/>");   // not a plugin
        write(root, "log/log_20261122.log", "log\n");
        return root;
    }

    /**
     * @param root a folder to fill as Sonarr's data folder
     * @param apiKey the ApiKey in {@code config.xml}
     * @return {@code root}
     */
    public static Path sonarr(Path root, String apiKey) throws IOException {
        write(root, "config.xml", "<Config>\n  <BindAddress>*</BindAddress>\n  <Port>8989</Port>\n"
                + "  <ApiKey>" + apiKey + "</ApiKey>\n  <InstanceName>Sonarr</InstanceName>\n</Config>\n");
        write(root, "sonarr.db", "SQLite format 3\0sonarr");
        return root;
    }

    /** Writes a file, making its folders. */
    public static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }
}
