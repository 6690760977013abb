package io.backupkit.it;

import io.backupkit.it.ItSupport.Background;
import io.backupkit.it.ItSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backupkit backup --profile jellyfin} on a Jellyfin data folder whose database another process keeps writing,
 * and the restores that go with it, all through the CLI jar as child processes.
 */
@Timeout(300)
class JellyfinProfileIT {

    private static final Pattern WRITTEN = Pattern.compile("^Snapshot (\\d{8}T\\d{6}Z) written: ", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @Test
    void shouldBackUpALiveDatabaseConsistentlyAndRestoreItWholeOrAlone() throws Exception {
        Path source = JellyfinFixture.create(tmp.resolve("jellyfin"));
        Path dest = tmp.resolve("backups");
        Path ready = tmp.resolve("writer.commits");
        Path db = source.resolve(JellyfinFixture.DB);
        String id;
        long before;
        try (Background writer = LiveDbWriter.start(db, ready)) {

            Run backup = ItSupport.cli("backup", "--profile", "jellyfin", "--source", source.toString(),
                    "--dest", dest.toString());

            assertThat(backup.exit()).as(backup.describe()).isZero();
            id = snapshotId(backup);
            before = commits(ready);
            ItSupport.await("more commits after the backup", Duration.ofSeconds(60), writer,
                    () -> commits(ready) > before);
            assertThat(writer.isAlive()).as("the writer ran through the backup: " + writer.describeSoFar()).isTrue();
            writer.kill();
        }
        assertThat(source.resolve(JellyfinFixture.DB + "-wal")).as("the killed writer left its WAL").exists();

        // a whole restore into a new folder: the database is consistent, the left-out folders are not there
        Path target = tmp.resolve("restored");
        Run restore = ItSupport.cli("restore", "--profile", "jellyfin", "--dest", dest.toString(),
                "--target", target.toString());
        assertThat(restore.exit()).as(restore.describe()).isZero();
        Path restoredDb = target.resolve(JellyfinFixture.DB);
        assertThat(integrityCheck(restoredDb)).isEqualTo("ok");
        long captured = query(restoredDb, "SELECT Commits FROM WriterState");
        assertThat(captured).as("the database as of one commit during the backup").isPositive()
                .isLessThanOrEqualTo(commits(ready));
        assertThat(query(restoredDb, "SELECT SUM(PlayCount) FROM UserData")).as("plays = commits in that state")
                .isEqualTo(captured);
        assertThat(target.resolve(JellyfinFixture.DB + "-wal")).doesNotExist();
        assertThat(target.resolve(JellyfinFixture.DB + "-shm")).doesNotExist();
        for (String kept : List.of("config/system.xml", "data/device.txt", "root/default/Movies/options.xml",
                "plugins/Trakt_25.0.0.0/meta.json", "plugins/configurations/Trakt.xml",
                "data/playlists/Road trip/playlist.xml", "data/collections/Heist films [boxset]/collection.xml",
                "data/livetv/timers", "metadata/library/ab/abcdef/poster.jpg")) {
            assertThat(target.resolve(kept)).as(kept).hasSameBinaryContentAs(source.resolve(kept));
        }
        for (String left : List.of("log", "cache", "data/transcodes")) {
            assertThat(target.resolve(left)).as(left + " is left out by the profile").doesNotExist();
        }

        // the earlier database alone, back into the live folder: the rest of the folder stays as it is now
        Files.writeString(source.resolve("config/system.xml"), "<ServerConfiguration>changed since</ServerConfiguration>");
        Run only = ItSupport.cli("restore", "--profile", "jellyfin", "--dest", dest.toString(), "--source",
                source.toString(), "--snapshot", id, "--only", JellyfinFixture.DB);
        assertThat(only.exit()).as(only.describe()).isZero();
        assertThat(query(db, "SELECT Commits FROM WriterState")).isEqualTo(captured);
        assertThat(integrityCheck(db)).isEqualTo("ok");
        assertThat(source.resolve(JellyfinFixture.DB + "-wal")).as("the live WAL of the replaced database")
                .doesNotExist();
        assertThat(source.resolve("config/system.xml")).hasContent(
                "<ServerConfiguration>changed since</ServerConfiguration>");
        assertThat(source.resolve("log/log_20261130.log")).exists();
    }

    private static String snapshotId(Run backup) {
        Matcher m = WRITTEN.matcher(backup.stdout());
        assertThat(m.find()).as("'Snapshot <ID> written: ...' line: " + backup.describe()).isTrue();
        return m.group(1);
    }


    private static long commits(Path ready) {
        try {
            return Long.parseLong(Files.readString(ready).strip());
        } catch (Exception e) {
            return 0;
        }
    }

    static long query(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    static String integrityCheck(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
