package io.backupkit.examples.userdata;

import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A Jellyfin-like data folder with a real {@code data/jellyfin.db}: the tables {@code Users}, {@code BaseItems} and
 * {@code UserData} with the column names, types, keys, foreign keys and indexes of Jellyfin 10.11's EF Core model
 * (a subset of the columns of {@code Users} and {@code BaseItems}; every column of {@code UserData}), the
 * placeholder item, WAL journal mode, GUIDs as upper-case text and dates as EF Core writes them.
 *
 * <pre>{@code
 * JellyfinFixture live = JellyfinFixture.create(tmp.resolve("jellyfin"));
 * String alice = live.user("alice");
 * String heat = live.item("Heat");
 * live.userData(alice, heat, "tt0113277", new PlayState(true, 1, 0, false, "2026-11-01 20:00:00", null, null));
 * }</pre>
 */
public final class JellyfinFixture {

    /** The DDL, as EF Core's SQLite provider writes it for Jellyfin 10.11's model (the column subset above). */
    static final String[] SCHEMA = {
        """
        CREATE TABLE "Users" (
            "Id" TEXT NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY,
            "Username" TEXT NOT NULL,
            "Password" TEXT NULL,
            "MustUpdatePassword" INTEGER NOT NULL,
            "AuthenticationProviderId" TEXT NOT NULL,
            "PasswordResetProviderId" TEXT NOT NULL,
            "InvalidLoginAttemptCount" INTEGER NOT NULL,
            "LastActivityDate" TEXT NULL,
            "LastLoginDate" TEXT NULL,
            "SubtitleMode" INTEGER NOT NULL,
            "InternalId" INTEGER NOT NULL,
            "MaxActiveSessions" INTEGER NOT NULL,
            "RowVersion" INTEGER NOT NULL
        )""",
        "CREATE UNIQUE INDEX \"IX_Users_Username\" ON \"Users\" (\"Username\")",
        """
        CREATE TABLE "BaseItems" (
            "Id" TEXT NOT NULL CONSTRAINT "PK_BaseItems" PRIMARY KEY,
            "Type" TEXT NOT NULL,
            "Name" TEXT NULL,
            "Path" TEXT NULL,
            "SeriesName" TEXT NULL,
            "IsFolder" INTEGER NOT NULL,
            "IsVirtualItem" INTEGER NOT NULL,
            "IsMovie" INTEGER NOT NULL,
            "IsSeries" INTEGER NOT NULL,
            "PresentationUniqueKey" TEXT NULL,
            "ParentId" TEXT NULL,
            "TopParentId" TEXT NULL
        )""",
        """
        CREATE TABLE "UserData" (
            "ItemId" TEXT NOT NULL,
            "UserId" TEXT NOT NULL,
            "CustomDataKey" TEXT NOT NULL,
            "Rating" REAL NULL,
            "PlaybackPositionTicks" INTEGER NOT NULL,
            "PlayCount" INTEGER NOT NULL,
            "IsFavorite" INTEGER NOT NULL,
            "LastPlayedDate" TEXT NULL,
            "Played" INTEGER NOT NULL,
            "AudioStreamIndex" INTEGER NULL,
            "SubtitleStreamIndex" INTEGER NULL,
            "Likes" INTEGER NULL,
            "RetentionDate" TEXT NULL,
            CONSTRAINT "PK_UserData" PRIMARY KEY ("ItemId", "UserId", "CustomDataKey"),
            CONSTRAINT "FK_UserData_BaseItems_ItemId" FOREIGN KEY ("ItemId") REFERENCES "BaseItems" ("Id")
                ON DELETE CASCADE,
            CONSTRAINT "FK_UserData_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
        )""",
        "CREATE INDEX \"IX_UserData_UserId\" ON \"UserData\" (\"UserId\")",
        "CREATE INDEX \"IX_UserData_ItemId_UserId_IsFavorite\" ON \"UserData\" (\"ItemId\", \"UserId\", \"IsFavorite\")",
        "CREATE INDEX \"IX_UserData_ItemId_UserId_LastPlayedDate\" ON \"UserData\" (\"ItemId\", \"UserId\", "
                + "\"LastPlayedDate\")",
        "CREATE INDEX \"IX_UserData_ItemId_UserId_PlaybackPositionTicks\" ON \"UserData\" (\"ItemId\", \"UserId\", "
                + "\"PlaybackPositionTicks\")",
        "CREATE INDEX \"IX_UserData_ItemId_UserId_Played\" ON \"UserData\" (\"ItemId\", \"UserId\", \"Played\")",
        // the item 10.11 moves user data to when its item is deleted (migration DetachUserDataInsteadOfDelete)
        "INSERT INTO \"BaseItems\" (\"Id\", \"Type\", \"Name\", \"IsFolder\", \"IsVirtualItem\", \"IsMovie\", "
                + "\"IsSeries\") VALUES ('00000000-0000-0000-0000-000000000001', 'PLACEHOLDER', 'This is a "
                + "placeholder item for UserData that has been detacted from its original item', 0, 0, 0, 0)",
    };

    private final Path root;
    private long internalId;

    private JellyfinFixture(Path root) {
        this.root = root;
    }

    /**
     * @param root the data folder to create: {@code data/jellyfin.db} (WAL), {@code config/system.xml},
     *        {@code metadata/} and {@code log/}
     * @return the fixture
     */
    public static JellyfinFixture create(Path root) throws IOException, SQLException {
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("metadata/library/ab"));
        Files.createDirectories(root.resolve("log"));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/system.xml"), "<ServerConfiguration><ServerName>test</ServerName>"
                + "</ServerConfiguration>\n", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("metadata/library/ab/poster.jpg"), "not really a jpeg");
        Files.writeString(root.resolve("log/log_20261122.log"), "log line\n");
        JellyfinFixture f = new JellyfinFixture(root);
        try (Connection c = f.connect(); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            for (String ddl : SCHEMA) {
                st.execute(ddl);
            }
        }
        return f;
    }

    /** @return the data folder */
    public Path root() {
        return root;
    }

    /** @return {@code data/jellyfin.db} */
    public Path database() {
        return root.resolve("data/jellyfin.db");
    }

    /**
     * @param name a user name
     * @return the new user's id, an upper-case GUID as EF Core writes it
     */
    public String user(String name) throws SQLException {
        String id = guid();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO Users (Id, Username, "
                + "MustUpdatePassword, AuthenticationProviderId, PasswordResetProviderId, InvalidLoginAttemptCount, "
                + "SubtitleMode, InternalId, MaxActiveSessions, RowVersion) VALUES (?, ?, 0, "
                + "'Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider', "
                + "'Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider', 0, 0, ?, 0, 0)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setLong(3, ++internalId);
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * @param name a movie's name
     * @return the new item's id
     */
    public String item(String name) throws SQLException {
        return item(guid(), name, null);
    }

    /**
     * @param id the item's id
     * @param name its name
     * @param seriesName its series, for an episode, or {@code null}
     * @return {@code id}
     */
    public String item(String id, String name, String seriesName) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO BaseItems (Id, Type, "
                + "Name, Path, SeriesName, IsFolder, IsVirtualItem, IsMovie, IsSeries) VALUES (?, ?, ?, ?, ?, 0, 0, "
                + "?, 0)")) {
            ps.setString(1, id);
            ps.setString(2, seriesName == null ? "MediaBrowser.Controller.Entities.Movies.Movie"
                    : "MediaBrowser.Controller.Entities.TV.Episode");
            ps.setString(3, name);
            ps.setString(4, "/media/" + name + ".mkv");
            ps.setString(5, seriesName);
            ps.setInt(6, seriesName == null ? 1 : 0);
            ps.executeUpdate();
        }
        return id;
    }

    /** Deletes an item as Jellyfin 10.11 does: its user data goes to the placeholder item, with a retention date. */
    public void deleteItem(String id) throws SQLException {
        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE UserData SET ItemId = ?, RetentionDate = "
                    + "'2026-12-22 00:00:00' WHERE ItemId = ?")) {
                ps.setString(1, JellyfinDatabase.PLACEHOLDER_ITEM_ID);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM BaseItems WHERE Id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
    }

    /** Adds a row of {@code UserData}. */
    public void userData(String userId, String itemId, String key, PlayState s) throws SQLException {
        userData(userId, itemId, key, s, null);
    }

    /** Adds a row of {@code UserData} with an audio stream chosen (a column the copy leaves alone). */
    public void userData(String userId, String itemId, String key, PlayState s, Integer audioStream)
            throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO UserData (ItemId, "
                + "UserId, CustomDataKey, Rating, PlaybackPositionTicks, PlayCount, IsFavorite, LastPlayedDate, Played, "
                + "AudioStreamIndex, Likes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, itemId);
            ps.setString(2, userId);
            ps.setString(3, key);
            if (s.rating() == null) {
                ps.setNull(4, Types.REAL);
            } else {
                ps.setDouble(4, s.rating());
            }
            ps.setLong(5, s.positionTicks());
            ps.setInt(6, s.playCount());
            ps.setInt(7, s.favorite() ? 1 : 0);
            ps.setString(8, s.lastPlayed());
            ps.setInt(9, s.played() ? 1 : 0);
            if (audioStream == null) {
                ps.setNull(10, Types.INTEGER);
            } else {
                ps.setInt(10, audioStream);
            }
            if (s.likes() == null) {
                ps.setNull(11, Types.INTEGER);
            } else {
                ps.setInt(11, s.likes() ? 1 : 0);
            }
            ps.executeUpdate();
        }
    }

    /** Runs a statement, e.g. a trigger for a failure test. */
    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** @return a user's row for an item and key, if it has one */
    public Optional<PlayState> read(String userId, String itemId, String key) throws SQLException {
        return read(database(), userId, itemId, key);
    }

    /** @return a user's row for an item and key in any {@code jellyfin.db}, if it has one */
    public static Optional<PlayState> read(Path db, String userId, String itemId, String key) throws SQLException {
        try (Connection c = connect(db, true); PreparedStatement ps = c.prepareStatement("SELECT Played, PlayCount, "
                + "PlaybackPositionTicks, IsFavorite, LastPlayedDate, Rating, Likes FROM UserData "
                + "WHERE UserId = ? AND ItemId = ? AND CustomDataKey = ?")) {
            ps.setString(1, userId);
            ps.setString(2, itemId);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                double r = rs.getDouble(6);
                Double rating = rs.wasNull() ? null : r;
                long l = rs.getLong(7);
                Boolean likes = rs.wasNull() ? null : l != 0;
                return Optional.of(new PlayState(rs.getInt(1) != 0, rs.getInt(2), rs.getLong(3), rs.getInt(4) != 0,
                        rs.getString(5), rating, likes));
            }
        }
    }

    /** @return a column of a user's row as SQLite holds it (its text), or {@code null} */
    public String column(String userId, String itemId, String key, String column) throws SQLException {
        try (Connection c = connect(database(), true); PreparedStatement ps = c.prepareStatement("SELECT \"" + column
                + "\" FROM UserData WHERE UserId = ? AND ItemId = ? AND CustomDataKey = ?")) {
            ps.setString(1, userId);
            ps.setString(2, itemId);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** @return every row of {@code UserData}, as text, keyed by item, user and key: a before/after picture */
    public Map<String, String> dump() throws SQLException {
        return dump(database());
    }

    /** @return every row of {@code UserData} of any database, as text */
    public static Map<String, String> dump(Path db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = connect(db, true); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM UserData")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                }
                out.put(rs.getString("ItemId") + "/" + rs.getString("UserId") + "/" + rs.getString("CustomDataKey"),
                        sb.toString());
            }
        }
        return out;
    }

    /** @return a connection for writing, foreign keys on, as Jellyfin's own connections */
    public Connection connect() throws SQLException {
        return connect(database(), false);
    }

    static Connection connect(Path db, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setReadOnly(readOnly);
        config.setBusyTimeout(2000);
        return JDBC.createConnection(JDBC.PREFIX + db.toAbsolutePath(), config.toProperties());
    }

    /** @return a new random GUID, upper case as EF Core's SQLite provider stores it */
    public static String guid() {
        return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    }
}
