package io.backupkit.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A child process standing in for a media server that keeps writing its database: in WAL mode, as Jellyfin runs
 * SQLite, it commits one transaction after another, each adding a play to {@code UserData} and bumping the counter
 * in {@code WriterState} so that {@code SUM(PlayCount) = Commits} holds in every committed state. A copy that mixes
 * two states (a raw copy of the file without its {@code -wal}, or taken mid-checkpoint) breaks that invariant or the
 * database itself.
 *
 * <p>Usage: {@code java -cp backupkit.jar:test-classes io.backupkit.it.LiveDbWriter DB READY_FILE}. Writes the
 * number of commits so far to {@code READY_FILE} after the first 50 and every 50 after, and runs until killed.
 */
public final class LiveDbWriter {

    private LiveDbWriter() {
    }

    /**
     * Starts the writer as a child process over the CLI jar (which holds sqlite-jdbc) and waits for its first
     * commits.
     *
     * @param db the database to keep writing
     * @param ready the file it writes its commit count to
     * @return the running writer; closing it kills it
     */
    static ItSupport.Background start(Path db, Path ready) throws Exception {
        Path testClasses = Path.of(LiveDbWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ItSupport.Background writer = ItSupport.start(java.util.List.of(ItSupport.jdkTool("java").toString(), "-cp",
                ItSupport.jar() + java.io.File.pathSeparator + testClasses, LiveDbWriter.class.getName(),
                db.toString(), ready.toString()));
        ItSupport.await("the writer's first commits", java.time.Duration.ofSeconds(60), writer,
                () -> Files.exists(ready));
        return writer;
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path ready = Path.of(args[1]);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA wal_autocheckpoint=100");
            }
            c.setAutoCommit(false);
            String user = one(c, "SELECT Id FROM Users ORDER BY Username LIMIT 1");
            long commits = 0;
            while (true) {
                commits++;
                // one of the fixture's 200 items (JellyfinFixture), as the server records plays of its own items
                String key = String.format("00000000-0000-4000-8000-%012d", commits % 200);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO UserData (ItemId, UserId, CustomDataKey, "
                        + "Played, PlayCount, IsFavorite, PlaybackPositionTicks, LastPlayedDate) VALUES (?, ?, ?, 1, 1,"
                        + " 0, ?, CURRENT_TIMESTAMP) ON CONFLICT (ItemId, UserId, CustomDataKey) DO UPDATE SET "
                        + "PlayCount = PlayCount + 1, PlaybackPositionTicks = excluded.PlaybackPositionTicks, "
                        + "LastPlayedDate = CURRENT_TIMESTAMP")) {
                    p.setString(1, key);
                    p.setString(2, user);
                    p.setString(3, key);
                    p.setLong(4, commits * 10_000_000L);
                    p.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    // a wide row so the WAL grows and checkpoints happen while the backup copies
                    s.executeUpdate("UPDATE WriterState SET Commits = Commits + 1, Padding = randomblob(2000)");
                }
                c.commit();
                if (commits % 50 == 0) {
                    Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
                    Files.writeString(tmp, Long.toString(commits));
                    Files.move(tmp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            return rs.getString(1);
        }
    }
}
