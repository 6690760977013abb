package io.backupkit.examples.userdata;

import io.backupkit.BackupException;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One connection to a Jellyfin 10.11+ {@code jellyfin.db}: the tables {@code Users}, {@code BaseItems} and
 * {@code UserData} as Jellyfin's EF Core model makes them (GUIDs as upper-case text, booleans as 0/1, dates as
 * text). Opened through the sqlite-jdbc driver class directly (no {@code DriverManager}), read-only or for writing
 * with foreign keys enforced and a busy timeout.
 *
 * <pre>{@code
 * try (JellyfinDatabase db = JellyfinDatabase.open(file, true, Duration.ofSeconds(10), "the backup's database")) {
 *     db.checkSchema();
 *     List<JellyfinDatabase.User> users = db.users();
 * }
 * }</pre>
 */
final class JellyfinDatabase implements AutoCloseable {

    /** The item Jellyfin (10.11 and later) moves user data to when its item is deleted. */
    static final String PLACEHOLDER_ITEM_ID = "00000000-0000-0000-0000-000000000001";

    /** Columns a {@code UserData} table must have for a copy. */
    static final List<String> REQUIRED = List.of("ItemId", "UserId", "CustomDataKey", "Played", "PlayCount",
            "IsFavorite", "PlaybackPositionTicks", "LastPlayedDate");

    private final Connection connection;
    private final Path file;
    private final String label;
    private Map<String, Column> userDataColumns;
    private Set<String> baseItemColumns;

    /** A column as {@code PRAGMA table_info} reports it. */
    record Column(String name, boolean notNull, String defaultValue, boolean primaryKey) {
    }

    /** A row of {@code Users}. */
    record User(String id, String name) {
    }

    /** A row of {@code UserData}: its key and the copied fields. */
    record Row(String itemId, String key, PlayState state) {
    }

    private JellyfinDatabase(Connection connection, Path file, String label) {
        this.connection = connection;
        this.file = file;
        this.label = label;
    }

    /**
     * @param file the database file
     * @param readOnly {@code true} to open it read-only
     * @param busyTimeout how long a statement waits for another connection's lock
     * @param label how messages name the database
     * @return the open database
     * @throws BackupException naming {@code label} and the file if SQLite cannot open it
     */
    static JellyfinDatabase open(Path file, boolean readOnly, Duration busyTimeout, String label) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        config.enforceForeignKeys(true);
        try {
            Connection c = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
            if (c == null) {
                throw new BackupException("sqlite-jdbc refused the path of " + label + " " + file);
            }
            return new JellyfinDatabase(c, file, label);
        } catch (SQLException e) {
            throw new BackupException("SQLite cannot open " + label + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the database file */
    Path file() {
        return file;
    }

    /** @return how messages name the database */
    String label() {
        return label;
    }

    /**
     * @throws BackupException naming the missing tables and columns if this is not a Jellyfin 10.11+ database
     */
    void checkSchema() {
        List<String> missing = new ArrayList<>();
        Map<String, Column> users = columns("Users");
        for (String c : List.of("Id", "Username")) {
            if (!users.containsKey(c)) {
                missing.add("Users." + c);
            }
        }
        if (!columns("BaseItems").containsKey("Id")) {
            missing.add("BaseItems.Id");
        }
        Map<String, Column> data = userDataColumns();
        for (String c : REQUIRED) {
            if (!data.containsKey(c)) {
                missing.add("UserData." + c);
            }
        }
        if (!missing.isEmpty()) {
            throw new BackupException(label + " " + file + " is not a Jellyfin 10.11 (or later) database: it has no "
                    + String.join(", ", missing) + " (Jellyfin before 10.11 keeps user data in library.db, which "
                    + "this copy does not read)");
        }
    }

    /** @return whether {@code UserData} has the column */
    boolean hasColumn(String column) {
        return userDataColumns().containsKey(column);
    }

    /** @return the columns of {@code UserData}, by name */
    Map<String, Column> userDataColumns() {
        if (userDataColumns == null) {
            userDataColumns = columns("UserData");
        }
        return userDataColumns;
    }

    /** @return the users, in the order of their names */
    List<User> users() {
        List<User> out = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT Id, Username FROM Users ORDER BY Username COLLATE NOCASE")) {
            while (rs.next()) {
                out.add(new User(rs.getString(1), rs.getString(2)));
            }
        } catch (SQLException e) {
            throw failure("read the users of", e);
        }
        return out;
    }

    /**
     * @param userId a user's {@code Id} as this database holds it
     * @return the user's rows, ordered by item and key
     */
    List<Row> rows(String userId) {
        String extra = (hasColumn("Rating") ? ", Rating" : ", NULL") + (hasColumn("Likes") ? ", Likes" : ", NULL");
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT ItemId, CustomDataKey, Played, PlayCount, "
                + "PlaybackPositionTicks, IsFavorite, LastPlayedDate" + extra
                + " FROM UserData WHERE UserId = ? ORDER BY ItemId, CustomDataKey")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), state(rs, 3)));
                }
            }
        } catch (SQLException e) {
            throw failure("read the user data of", e);
        }
        return out;
    }

    private static PlayState state(ResultSet rs, int first) throws SQLException {
        boolean played = rs.getLong(first) != 0;
        int playCount = (int) Math.max(0, Math.min(Integer.MAX_VALUE, rs.getLong(first + 1)));
        long position = Math.max(0, rs.getLong(first + 2));
        boolean favorite = rs.getLong(first + 3) != 0;
        String lastPlayed = rs.getString(first + 4);
        double r = rs.getDouble(first + 5);
        Double rating = rs.wasNull() ? null : r;
        long l = rs.getLong(first + 6);
        Boolean likes = rs.wasNull() ? null : l != 0;
        return new PlayState(played, playCount, position, favorite, lastPlayed, rating, likes);
    }

    /**
     * @param itemId an item id, in any case
     * @return the id as {@code BaseItems} holds it, when the item exists (never the placeholder item)
     */
    Optional<String> item(String itemId) {
        if (itemId == null || itemId.equalsIgnoreCase(PLACEHOLDER_ITEM_ID)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT Id FROM BaseItems WHERE Id = ?")) {
            for (String candidate : new LinkedHashSet<>(List.of(itemId, itemId.toUpperCase(Locale.ROOT),
                    itemId.toLowerCase(Locale.ROOT)))) {
                ps.setString(1, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("look up an item in", e);
        }
        return Optional.empty();
    }

    /**
     * @param keys the {@code CustomDataKey}s asked for
     * @return for each key that some user's row of an existing item (not the placeholder) carries, those items'
     *         ids as {@code BaseItems} holds them
     */
    Map<String, Set<String>> itemsByKey(Set<String> keys) {
        Map<String, Set<String>> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT u.CustomDataKey, b.Id "
                + "FROM UserData u JOIN BaseItems b ON b.Id = u.ItemId WHERE b.Id <> ?")) {
            ps.setString(1, PLACEHOLDER_ITEM_ID);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    if (keys.contains(key)) {
                        out.computeIfAbsent(key, k -> new TreeSet<>()).add(rs.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("look up item keys in", e);
        }
        return out;
    }

    /**
     * @param itemId an item id as this database holds it
     * @return the item's name, {@code "Series: Name"} for an episode, or {@code null} when it has none
     */
    String name(String itemId) {
        if (baseItemColumns == null) {
            baseItemColumns = columns("BaseItems").keySet();
        }
        if (!baseItemColumns.contains("Name") || itemId.equalsIgnoreCase(PLACEHOLDER_ITEM_ID)) {
            return null;
        }
        String series = baseItemColumns.contains("SeriesName") ? "SeriesName" : "NULL";
        try (PreparedStatement ps = connection.prepareStatement("SELECT Name, " + series
                + " FROM BaseItems WHERE Id = ?")) {
            ps.setString(1, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return null;
                }
                String s = rs.getString(2);
                return s == null || s.isBlank() ? rs.getString(1) : s + ": " + rs.getString(1);
            }
        } catch (SQLException e) {
            throw failure("read an item's name in", e);
        }
    }

    /**
     * @return the {@code NOT NULL} columns of {@code UserData} without a default that an added row would leave
     *         empty; an insert would fail on them
     */
    List<String> unfillableColumns() {
        Set<String> filled = new HashSet<>(REQUIRED);
        filled.add("Rating");
        filled.add("Likes");
        List<String> out = new ArrayList<>();
        for (Column c : userDataColumns().values()) {
            if (c.notNull() && c.defaultValue() == null && !filled.contains(c.name())) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** Takes the write lock now ({@code BEGIN IMMEDIATE}), waiting up to the busy timeout. */
    void begin() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
    }

    void commit() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("COMMIT");
        }
    }

    /** Rolls back the open transaction, if any; closing the connection would roll it back too. */
    void rollbackQuietly() {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction open (SQLite rolled it back itself), or the connection is gone: nothing is committed
        }
    }

    /**
     * Copies the whole database with SQLite's online backup API, in one step, from a second read-only connection:
     * with this connection holding the write lock, the copy is the database exactly as it is before the change.
     *
     * @param copy the file to write; must not exist
     */
    void backupTo(Path copy, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        try (Connection reader = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties())) {
            int steps = (int) Math.max(1, busyTimeout.toMillis() / 100);
            ((SQLiteConnection) reader).getDatabase().backup("main", copy.toString(), null, 100, steps, -1);
        }
    }

    /** @return the number of rows of {@code UserData} */
    long countRows() {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM UserData")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("count the user data of", e);
        }
    }

    /** Adds a row for a user and an item. */
    void insert(String itemId, String userId, String key, PlayState s) throws SQLException {
        List<String> cols = new ArrayList<>(List.of("ItemId", "UserId", "CustomDataKey", "Played", "PlayCount",
                "IsFavorite", "PlaybackPositionTicks", "LastPlayedDate"));
        if (hasColumn("Rating")) {
            cols.add("Rating");
        }
        if (hasColumn("Likes")) {
            cols.add("Likes");
        }
        String sql = "INSERT INTO UserData (" + String.join(", ", cols) + ") VALUES ("
                + String.join(", ", Collections.nCopies(cols.size(), "?")) + ")";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, itemId);
            ps.setString(2, userId);
            ps.setString(3, key);
            int i = bind(ps, 4, s);
            if (i != cols.size() + 1) {
                throw new IllegalStateException("bound " + (i - 1) + " of " + cols.size() + " columns");
            }
            ps.executeUpdate();
        }
    }

    /**
     * Gives a user's row new values; with {@code newItemId} also moves it to that item (a detached row reattached)
     * and clears its {@code RetentionDate}.
     */
    void update(String itemId, String userId, String key, PlayState s, String newItemId) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE UserData SET Played = ?, PlayCount = ?, IsFavorite = ?, "
                + "PlaybackPositionTicks = ?, LastPlayedDate = ?");
        if (hasColumn("Rating")) {
            sql.append(", Rating = ?");
        }
        if (hasColumn("Likes")) {
            sql.append(", Likes = ?");
        }
        if (newItemId != null) {
            sql.append(", ItemId = ?");
            if (hasColumn("RetentionDate")) {
                sql.append(", RetentionDate = NULL");
            }
        }
        sql.append(" WHERE ItemId = ? AND UserId = ? AND CustomDataKey = ?");
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = bind(ps, 1, s);
            if (newItemId != null) {
                ps.setString(i++, newItemId);
            }
            ps.setString(i++, itemId);
            ps.setString(i++, userId);
            ps.setString(i, key);
            int n = ps.executeUpdate();
            if (n != 1) {
                throw new SQLException("expected to change 1 row of UserData (item " + itemId + ", key " + key
                        + "), changed " + n);
            }
        }
    }

    private int bind(PreparedStatement ps, int i, PlayState s) throws SQLException {
        ps.setInt(i++, s.played() ? 1 : 0);
        ps.setInt(i++, s.playCount());
        ps.setInt(i++, s.favorite() ? 1 : 0);
        ps.setLong(i++, s.positionTicks());
        if (s.lastPlayed() == null) {
            ps.setNull(i++, Types.VARCHAR);
        } else {
            ps.setString(i++, s.lastPlayed());
        }
        if (hasColumn("Rating")) {
            if (s.rating() == null) {
                ps.setNull(i++, Types.REAL);
            } else {
                ps.setDouble(i++, s.rating());
            }
        }
        if (hasColumn("Likes")) {
            if (s.likes() == null) {
                ps.setNull(i++, Types.INTEGER);
            } else {
                ps.setInt(i++, s.likes() ? 1 : 0);
            }
        }
        return i;
    }

    /**
     * @param e an SQLite error
     * @return whether it says another connection holds a lock
     */
    static boolean isBusy(SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            return code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED
                    || code.name().startsWith("SQLITE_BUSY_") || code.name().startsWith("SQLITE_LOCKED_");
        }
        return e.getErrorCode() == 5 || e.getErrorCode() == 6;
    }

    private Map<String, Column> columns(String table) {
        Map<String, Column> out = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
            while (rs.next()) {
                out.put(rs.getString("name"), new Column(rs.getString("name"), rs.getInt("notnull") != 0,
                        rs.getString("dflt_value"), rs.getInt("pk") != 0));
            }
        } catch (SQLException e) {
            throw failure("read the tables of", e);
        }
        return out;
    }

    private BackupException failure(String what, SQLException e) {
        return new BackupException("Could not " + what + " " + label + " " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }
}
