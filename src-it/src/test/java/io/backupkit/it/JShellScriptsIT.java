package io.backupkit.it;

import io.backupkit.it.ItSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JShell scripts shipped in {@code backup-examples/jshell/}, each run by the real {@code jshell} over the CLI jar
 * on a fixture data folder, the way their header comments tell users to run them.
 */
@Timeout(300)
class JShellScriptsIT {

    @TempDir
    Path tmp;

    @Test
    void plexBackupShouldBackUpWithTheProfileKeepTheLastSnapshotsAndVerify() throws Exception {
        Path plex = plexFolder(tmp.resolve("Plex Media Server"));
        Path dest = tmp.resolve("backups");

        Run first = jshell("plex-backup.jsh", "plex.source=" + plex, "plex.dest=" + dest, "plex.keep=1");
        assertThat(first.stdoutLines()).as(first.describe()).contains("verified: true", "status: 0", "pruned: []");
        String firstId = value(first, "snapshot");
        Files.writeString(plex.resolve("Preferences.xml"), "<Preferences FriendlyName=\"changed\"/>");
        Run second = jshell("plex-backup.jsh", "plex.source=" + plex, "plex.dest=" + dest, "plex.keep=1");

        assertThat(second.exit()).as(second.describe()).isZero();
        assertThat(second.stdoutLines()).as(second.describe()).contains("verified: true", "status: 0",
                "pruned: [" + firstId + "]");
        Path target = tmp.resolve("restored");
        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());
        assertThat(restore.exit()).as(restore.describe()).isZero();
        assertThat(target.resolve("Preferences.xml")).hasContent("<Preferences FriendlyName=\"changed\"/>");
        assertThat(target.resolve("Metadata/Movies/a/b.bundle/Contents/_combined/Info.xml")).exists();
        for (String left : List.of("Logs", "Cache", "Crash Reports",
                "Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif")) {
            assertThat(target.resolve(left)).as(left + " is left out by the profile").doesNotExist();
        }
        Path db = target.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db");
        assertThat(JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM metadata_items")).isEqualTo(3);
        assertThat(target.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db-wal")).doesNotExist();
    }

    @Test
    void plexBackupShouldNameAMissingDestination() throws Exception {
        Path plex = plexFolder(tmp.resolve("Plex Media Server"));

        Run run = jshell("plex-backup.jsh", "plex.source=" + plex);

        assertThat(run.exit()).as(run.describe()).isEqualTo(1);
        assertThat(run.stdoutLines()).as(run.describe())
                .contains("failed: java.lang.IllegalArgumentException: Missing the destination: give "
                        + "-R-Dplex.dest=DIR", "status: 1");
    }

    @Test
    void jellyfinRestoreShouldMakeAnAdditionalServerOnOtherMediaPathsAndListThePlugins() throws Exception {
        Path old = JellyfinFixture.create(tmp.resolve("old-server"));
        Path dest = tmp.resolve("backups");
        Run backup = ItSupport.cli("backup", "--profile", "jellyfin", "--source", old.toString(), "--dest",
                dest.toString());
        assertThat(backup.exit()).as(backup.describe()).isZero();
        Path target = tmp.resolve("new-server");
        write(target.resolve("data/device.txt"), "the new server's own id");
        write(target.resolve("log/log_20261201.log"), "the new server's log");

        Run run = jshell("jellyfin-restore-new-server.jsh", "jellyfin.dest=" + dest, "jellyfin.target=" + target,
                "jellyfin.remap=/srv/media=/mnt/media");

        assertThat(run.exit()).as(run.describe()).isZero();
        assertThat(run.stdoutLines()).as(run.describe()).contains("identity: new",
                "plugins in the snapshot: [Trakt 25.0.0.0]", "plugins to install again: []", "status: 0");
        assertThat(target.resolve("data/device.txt")).hasContent("the new server's own id");
        assertThat(target.resolve("log/log_20261201.log")).as("excluded: the live log stays")
                .hasContent("the new server's log");
        assertThat(target.resolve("config/system.xml")).hasSameTextualContentAs(old.resolve("config/system.xml"));
        assertThat(target.resolve("root/default/Movies/Movies.mblink")).hasContent("/mnt/media/Movies");
        assertThat(target.resolve("root/default/Movies/options.xml")).content().contains("<Path>/mnt/media/Movies</Path>");
        Path db = target.resolve(JellyfinFixture.DB);
        assertThat(JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM BaseItems WHERE Path LIKE '/mnt/media/%'"))
                .isEqualTo(200);
        assertThat(JellyfinProfileIT.integrityCheck(db)).isEqualTo("ok");

        Run takeOver = jshell("jellyfin-restore-new-server.jsh", "jellyfin.dest=" + dest,
                "jellyfin.target=" + target, "jellyfin.identity=old");
        assertThat(takeOver.stdoutLines()).as(takeOver.describe()).contains("identity: old", "status: 0");
        assertThat(target.resolve("data/device.txt")).hasSameTextualContentAs(old.resolve("data/device.txt"));

        Run bad = jshell("jellyfin-restore-new-server.jsh", "jellyfin.dest=" + dest, "jellyfin.target=" + target,
                "jellyfin.identity=maybe");
        assertThat(bad.stdoutLines()).as(bad.describe()).contains("failed: java.lang.IllegalArgumentException: "
                + "jellyfin.identity must be 'new' or 'old', was 'maybe'", "status: 1");
    }

    @Test
    void copyUserDataShouldShowTheChangesInADryRunThenMergeThemIntoTheRunningServer() throws Exception {
        Path live = JellyfinFixture.create(tmp.resolve("jellyfin"));
        Path db = live.resolve(JellyfinFixture.DB);
        sql(db, "INSERT INTO UserData (CustomDataKey, ItemId, UserId, PlaybackPositionTicks, PlayCount, IsFavorite, "
                + "LastPlayedDate, Played) SELECT Id, Id, '4f2c9a1e-0000-4000-8000-000000000001', 0, 2, "
                + "(rowid % 2), '2026-11-20 20:00:00', 1 FROM BaseItems WHERE rowid <= 3");
        Path dest = tmp.resolve("backups");
        Run backup = ItSupport.cli("backup", "--profile", "jellyfin", "--source", live.toString(), "--dest",
                dest.toString());
        assertThat(backup.exit()).as(backup.describe()).isZero();
        sql(db, "DELETE FROM UserData");

        Run dry = jshell("copy-user-data.jsh", "jellyfin.dest=" + dest, "jellyfin.source=" + live,
                "jellyfin.map=alice=bob", "jellyfin.dryRun=true");
        assertThat(dry.stdoutLines()).as(dry.describe()).contains("dry run: true",
                "users: alice -> bob: 3 copied, 0 changed, 0 unchanged, 0 unmatched", "status: 0");
        assertThat(JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM UserData")).as("a dry run writes nothing")
                .isZero();

        Run copy = jshell("copy-user-data.jsh", "jellyfin.dest=" + dest, "jellyfin.source=" + live,
                "jellyfin.map=alice=bob");
        assertThat(copy.stdoutLines()).as(copy.describe()).contains("dry run: false",
                "users: alice -> bob: 3 copied, 0 changed, 0 unchanged, 0 unmatched", "status: 0");
        assertThat(JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM UserData WHERE UserId = "
                + "'4f2c9a1e-0000-4000-8000-000000000002' AND Played = 1 AND PlayCount = 2")).isEqualTo(3);
        assertThat(copy.stdoutLines()).as(copy.describe()).anyMatch(l -> l.startsWith("database before the copy: "));

        Run unknown = jshell("copy-user-data.jsh", "jellyfin.dest=" + dest, "jellyfin.source=" + live,
                "jellyfin.map=mallory=bob");
        assertThat(unknown.stdoutLines()).as(unknown.describe()).anyMatch(l -> l.startsWith("failed: ")
                && l.contains("mallory") && l.contains("alice")).contains("status: 1");
    }

    private static void sql(Path db, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** A Plex data folder with a live (WAL) library database and what the profile leaves out. */
    static Path plexFolder(Path root) throws Exception {
        write(root.resolve("Preferences.xml"), "<Preferences MachineIdentifier=\"m-1\" FriendlyName=\"den\"/>");
        write(root.resolve("Metadata/Movies/a/b.bundle/Contents/_combined/Info.xml"), "<Movie/>");
        write(root.resolve("Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif"), "BIF thumbnails");
        write(root.resolve("Media/localhost/0/abc.bundle/Contents/Thumbnails/thumb1.jpg"), "jpeg");
        write(root.resolve("Logs/Plex Media Server.log"), "log");
        write(root.resolve("Cache/Transcode/Sessions/x.ts"), "transcode");
        write(root.resolve("Crash Reports/1.dmp"), "crash");
        write(root.resolve("Plug-in Support/Preferences/com.plexapp.system.xml"), "<x/>");
        Path db = root.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db");
        Files.createDirectories(db.getParent());
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("CREATE TABLE metadata_items (id INTEGER PRIMARY KEY, title TEXT)");
            s.execute("INSERT INTO metadata_items (title) VALUES ('one'), ('two'), ('three')");
        }
        // left open on purpose until the JVM ends: the WAL stays beside the database, as under a running Plex
        OPEN.add(c);
        assertThat(root.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db-wal")).exists();
        return root;
    }

    private static final List<Connection> OPEN = new ArrayList<>();

    private Run jshell(String script, String... properties) throws IOException {
        Path scripts = Path.of(System.getProperty("backupkit.jshell", "../backup-examples/jshell"));
        Path file = scripts.resolve(script);
        assertThat(file).as("the shipped script").isRegularFile();
        List<String> cmd = new ArrayList<>(List.of(ItSupport.jdkTool("jshell").toString(),
                "-J-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"),
                "--class-path", ItSupport.jar().toString()));
        for (String p : properties) {
            cmd.add("-R-D" + p);
        }
        cmd.add(file.toString());
        return ItSupport.run(cmd, Duration.ofSeconds(120));
    }

    private static String value(Run run, String key) {
        return run.stdoutLines().stream().filter(l -> l.startsWith(key + ": ")).findFirst()
                .map(l -> l.substring(key.length() + 2))
                .orElseThrow(() -> new AssertionError("no '" + key + ": ' line: " + run.describe()));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
