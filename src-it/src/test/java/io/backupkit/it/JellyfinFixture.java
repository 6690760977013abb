package io.backupkit.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A Jellyfin data folder as the Linux package lays it out under {@code /var/lib/jellyfin}: settings, a real
 * {@code data/jellyfin.db} with {@code Users}, {@code BaseItems} and {@code UserData}, the server id, a library
 * definition, a plugin, and the logs, caches, transcodes and metadata the profile leaves out (or, for metadata,
 * keeps unless asked).
 */
final class JellyfinFixture {

    static final String DB = "data/jellyfin.db";

    private JellyfinFixture() {
    }

    static Path create(Path root) throws IOException, SQLException {
        write(root.resolve("config/system.xml"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ServerConfiguration>\n"
                + "  <ServerName>living-room</ServerName>\n  <EnableMetrics>false</EnableMetrics>\n"
                + "</ServerConfiguration>\n");
        write(root.resolve("config/network.xml"), "<NetworkConfiguration><InternalHttpPort>8096</InternalHttpPort>"
                + "</NetworkConfiguration>\n");
        write(root.resolve("data/device.txt"), "b3c1f0a4e6d14c3f9d2e7a8b5c6d7e8f");
        write(root.resolve("root/default/Movies/options.xml"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<LibraryOptions>\n  <PathInfos>\n    <MediaPathInfo>\n      <Path>/srv/media/Movies</Path>\n"
                + "    </MediaPathInfo>\n  </PathInfos>\n</LibraryOptions>\n");
        write(root.resolve("root/default/Movies/Movies.mblink"), "/srv/media/Movies");
        write(root.resolve("plugins/Trakt_25.0.0.0/meta.json"), "{\"name\":\"Trakt\",\"version\":\"25.0.0.0\"}");
        write(root.resolve("plugins/Trakt_25.0.0.0/Trakt.dll"), "MZ not really a dll");
        write(root.resolve("plugins/configurations/Trakt.xml"), "<PluginConfiguration/>");
        write(root.resolve("data/playlists/Road trip/playlist.xml"), "<Item><PlaylistItems/></Item>");
        write(root.resolve("data/collections/Heist films [boxset]/collection.xml"), "<Item/>");
        write(root.resolve("data/livetv/timers"), "[]");
        write(root.resolve("metadata/library/ab/abcdef/poster.jpg"), "\u00ff\u00d8 jpeg-ish");
        write(root.resolve("log/log_20261130.log"), "[INF] Jellyfin started\n");
        write(root.resolve("cache/images/resized-images/a.jpg"), "cached");
        write(root.resolve("data/transcodes/abc.ts"), "transcoding");
        Path db = root.resolve(DB);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("CREATE TABLE Users (Id TEXT NOT NULL PRIMARY KEY, Username TEXT NOT NULL)");
                s.execute("CREATE TABLE BaseItems (Id TEXT NOT NULL PRIMARY KEY, Type TEXT NOT NULL, Name TEXT, "
                        + "Path TEXT)");
                s.execute("CREATE TABLE UserData (CustomDataKey TEXT NOT NULL, ItemId TEXT NOT NULL, UserId TEXT NOT "
                        + "NULL, Rating REAL, PlaybackPositionTicks INTEGER NOT NULL, PlayCount INTEGER NOT NULL, "
                        + "IsFavorite INTEGER NOT NULL, LastPlayedDate TEXT, Played INTEGER NOT NULL, "
                        + "AudioStreamIndex INTEGER, SubtitleStreamIndex INTEGER, Likes INTEGER, RetentionDate TEXT, "
                        + "PRIMARY KEY (ItemId, UserId, CustomDataKey))");
                s.execute("CREATE TABLE WriterState (Commits INTEGER NOT NULL, Padding BLOB)");
                s.execute("INSERT INTO WriterState VALUES (0, NULL)");
                s.execute("INSERT INTO Users VALUES ('4f2c9a1e-0000-4000-8000-000000000001', 'alice'), "
                        + "('4f2c9a1e-0000-4000-8000-000000000002', 'bob')");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO BaseItems VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < 200; i++) {
                    p.setString(1, String.format("00000000-0000-4000-8000-%012d", i));
                    p.setString(2, "MediaBrowser.Controller.Entities.Movies.Movie");
                    p.setString(3, "Movie " + i);
                    p.setString(4, "/srv/media/Movies/Movie " + i + "/Movie " + i + ".mkv");
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
        return root;
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
