package io.backupkit.examples.profiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Media server data folders for the remap tests, with the file, table and column names of the real applications
 * (the module's README, "Restore onto other media paths", says where they come from), a few other columns, and
 * realistic rows.
 */
public final class LibraryFixtures {

    /** Movies one library holds below its media folder, as rows of BaseItems. */
    public static final int MOVIES = 1200;   // more than one batch of updates

    private LibraryFixtures() {
    }

    /**
     * A Jellyfin 10.11 data folder whose media lived in {@code media} (e.g. {@code /srv/media} or
     * {@code D:\Media}): libraries Movies ({@code <media>/Movies} and {@code /mnt/media2/Movies}) and Shows
     * ({@code <media>/Shows}), their {@code .mblink} files, and {@code data/jellyfin.db}.
     *
     * @param root the folder to fill
     * @param media the media folder of the old machine
     * @param sep its separator
     * @return {@code root}
     */
    public static Path jellyfin(Path root, String media, char sep) throws IOException, SQLException {
        String movies = media + sep + "Movies";
        String shows = media + sep + "Shows";
        write(root, "config/system.xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ServerConfiguration>\n"
                + "  <ServerName>old-box</ServerName>\n  <MetadataPath />\n</ServerConfiguration>\n");
        write(root, "root/default/Movies/options.xml", options(movies, "/mnt/media2/Movies"));
        write(root, "root/default/Movies/Movies.mblink", movies);
        write(root, "root/default/Movies/Other movies.mblink", "/mnt/media2/Movies");
        write(root, "root/default/Shows/options.xml", options(shows));
        write(root, "root/default/Shows/Shows.mblink", shows + "\n");
        write(root, "metadata/library/2a/2a27372f1e9bc757b1db99721bbeae1e/poster.jpg", "\u00ff\u00d8 poster");
        Files.createDirectories(root.resolve("data"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("data/jellyfin.db"));
             Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE BaseItems (Id TEXT NOT NULL CONSTRAINT PK_BaseItems PRIMARY KEY, Type TEXT NOT"
                    + " NULL, Data TEXT, Path TEXT, Name TEXT, IsFolder INTEGER NOT NULL, ParentId TEXT,"
                    + " DateCreated TEXT)");
            st.execute("CREATE INDEX IX_BaseItems_Path ON BaseItems (Path)");
            st.execute("CREATE TABLE BaseItemImageInfos (Id TEXT NOT NULL PRIMARY KEY, Path TEXT NOT NULL,"
                    + " DateModified TEXT, ImageType INTEGER NOT NULL, Width INTEGER NOT NULL, Height INTEGER NOT"
                    + " NULL, Blurhash BLOB, ItemId TEXT NOT NULL)");
            st.execute("CREATE TABLE MediaStreamInfos (ItemId TEXT NOT NULL, StreamIndex INTEGER NOT NULL,"
                    + " StreamType INTEGER, Codec TEXT, Language TEXT, Path TEXT, IsExternal INTEGER NOT NULL,"
                    + " PRIMARY KEY (ItemId, StreamIndex))");
            st.execute("CREATE TABLE Chapters (ItemId TEXT NOT NULL, ChapterIndex INTEGER NOT NULL,"
                    + " StartPositionTicks INTEGER NOT NULL, Name TEXT, ImagePath TEXT, ImageDateModified TEXT,"
                    + " PRIMARY KEY (ItemId, ChapterIndex))");
            st.execute("CREATE TABLE UserData (CustomDataKey TEXT NOT NULL, ItemId TEXT NOT NULL, UserId TEXT NOT"
                    + " NULL, Played INTEGER NOT NULL, PlayCount INTEGER NOT NULL, PlaybackPositionTicks INTEGER"
                    + " NOT NULL, LastPlayedDate TEXT, PRIMARY KEY (ItemId, UserId, CustomDataKey))");
            c.setAutoCommit(false);
            item(c, "col-movies", "MediaBrowser.Controller.Entities.CollectionFolder",
                    "/var/lib/jellyfin/root/default/Movies", "Movies", true, null);
            item(c, "dir-movies", "MediaBrowser.Controller.Entities.Folder", movies, "Movies", true, null);
            item(c, "dir-movies-trailing", "MediaBrowser.Controller.Entities.Folder", movies + sep, "Movies/", true,
                    null);
            for (int i = 0; i < MOVIES; i++) {
                String folder = movies + sep + "Film " + i + " (" + (1950 + i % 70) + ")";
                String file = folder + sep + "Film " + i + ".mkv";
                String data = i == 0 ? "{\"LocalAlternateVersions\":[\"" + json(folder + sep + "Film 0 - 4K.mkv")
                        + "\"],\"Tagline\":\"In space\"}" : null;
                item(c, "movie-" + i, "MediaBrowser.Controller.Entities.Movies.Movie", file, "Film " + i, false,
                        data);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO BaseItemImageInfos VALUES (?, ?,"
                        + " '2026-01-01 00:00:00', 0, 1000, 1500, NULL, ?)")) {
                    ps.setString(1, "img-" + i);
                    ps.setString(2, i % 2 == 0 ? folder + sep + "poster.jpg"
                            : "%MetadataPath%/library/2a/2a27372f1e9bc757b1db99721bbeae1e/poster.jpg");
                    ps.setString(3, "movie-" + i);
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO MediaStreamInfos VALUES (?, ?, ?, ?,"
                        + " 'eng', ?, ?)")) {
                    ps.setString(1, "movie-" + i);
                    ps.setInt(2, 0);
                    ps.setInt(3, 1);
                    ps.setString(4, "h264");
                    ps.setString(5, null);
                    ps.setInt(6, 0);
                    ps.execute();
                    ps.setInt(2, 1);
                    ps.setInt(3, 3);
                    ps.setString(4, "srt");
                    ps.setString(5, folder + sep + "Film " + i + ".en.srt");
                    ps.setInt(6, 1);
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO Chapters VALUES (?, 0, 0,"
                        + " 'Opening', ?, NULL)")) {
                    ps.setString(1, "movie-" + i);
                    ps.setString(2, "%MetadataPath%/chapters/movie-" + i + "/0.jpg");
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO UserData VALUES (?, ?, 'user-1',"
                        + " ?, ?, 0, NULL)")) {
                    ps.setString(1, "tmdb-" + (1000 + i));
                    ps.setString(2, "movie-" + i);
                    ps.setInt(3, i % 3 == 0 ? 1 : 0);
                    ps.setInt(4, i % 3 == 0 ? 2 : 0);
                    ps.execute();
                }
            }
            item(c, "other", "MediaBrowser.Controller.Entities.Movies.Movie", "/mnt/media2/Movies/Other.mkv",
                    "Other", false, null);
            item(c, "dir-shows", "MediaBrowser.Controller.Entities.Folder", shows, "Shows", true, null);
            item(c, "episode", "MediaBrowser.Controller.Entities.TV.Episode",
                    shows + sep + "Show" + sep + "Season 1" + sep + "S01E01.mkv", "Pilot", false, null);
            c.commit();
        }
        return root;
    }

    /** The rows of BaseItems {@link #jellyfin} puts below the media folder. */
    public static int jellyfinMediaRows() {
        return 2 + MOVIES + 1 + 1;   // the Movies folder twice, the movies, the Shows folder, the episode
    }

    /**
     * @param paths the library's folders
     * @return a Jellyfin {@code options.xml} as the server writes it (UTF-8 with a byte order mark)
     */
    public static String options(String... paths) {
        StringBuilder sb = new StringBuilder("\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                + "<LibraryOptions xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\r\n"
                + "  <Enabled>true</Enabled>\r\n"
                + "  <EnablePhotos>true</EnablePhotos>\r\n"
                + "  <EnableRealtimeMonitor>true</EnableRealtimeMonitor>\r\n"
                + "  <PathInfos>\r\n");
        for (String p : paths) {
            sb.append("    <MediaPathInfo>\r\n      <Path>").append(p.replace("&", "&amp;"))
                    .append("</Path>\r\n    </MediaPathInfo>\r\n");
        }
        sb.append("  </PathInfos>\r\n"
                + "  <PreferredMetadataLanguage>de</PreferredMetadataLanguage>\r\n"
                + "  <MetadataCountryCode>DE</MetadataCountryCode>\r\n"
                + "  <SeasonZeroDisplayName>Specials – Extras</SeasonZeroDisplayName>\r\n"
                + "  <TypeOptions>\r\n    <TypeOptions>\r\n      <Type>Movie</Type>\r\n"
                + "      <MetadataFetchers>\r\n        <string>TheMovieDb</string>\r\n"
                + "      </MetadataFetchers>\r\n    </TypeOptions>\r\n  </TypeOptions>\r\n"
                + "</LibraryOptions>");
        return sb.toString();
    }

    /**
     * @param db a database
     * @param sql a query of one text column
     * @return its values, in order
     */
    public static List<String> column(Path db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * @param db a database
     * @return what {@code PRAGMA integrity_check} says
     */
    public static List<String> integrity(Path db) throws SQLException {
        return column(db, "PRAGMA integrity_check");
    }

    static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    private static void item(Connection c, String id, String type, String path, String name, boolean folder,
                             String data) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO BaseItems VALUES (?, ?, ?, ?, ?, ?, NULL,"
                + " '2026-01-01 00:00:00')")) {
            ps.setString(1, id);
            ps.setString(2, type);
            ps.setString(3, data);
            ps.setString(4, path);
            ps.setString(5, name);
            ps.setInt(6, folder ? 1 : 0);
            ps.execute();
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
