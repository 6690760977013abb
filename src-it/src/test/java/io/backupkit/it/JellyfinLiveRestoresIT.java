package io.backupkit.it;

import io.backupkit.it.ItSupport.Background;
import io.backupkit.it.ItSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Emby-style jobs through the CLI jar while a writer process keeps changing the live Jellyfin database: a
 * restore onto a new server as an additional server with its media elsewhere, and play state copied from a user in
 * the backup into another user of the running server.
 */
@Timeout(300)
class JellyfinLiveRestoresIT {

    private static final String ALICE = "4f2c9a1e-0000-4000-8000-000000000001";
    private static final String BOB = "4f2c9a1e-0000-4000-8000-000000000002";

    @TempDir
    Path tmp;

    @Test
    void shouldRestoreOntoANewServerAndCopyUserDataWhileTheLiveDatabaseIsWritten() throws Exception {
        Path live = JellyfinFixture.create(tmp.resolve("jellyfin"));
        Path db = live.resolve(JellyfinFixture.DB);
        Path dest = tmp.resolve("backups");
        Path ready = tmp.resolve("writer.commits");
        try (Background writer = LiveDbWriter.start(db, ready)) {
            Run backup = ItSupport.cli("backup", "--profile", "jellyfin", "--source", live.toString(),
                    "--dest", dest.toString());
            assertThat(backup.exit()).as(backup.describe()).isZero();

            // a new server: its own id kept, the media at another path, the plugins listed
            Path target = tmp.resolve("new-server");
            Files.createDirectories(target.resolve("data"));
            Files.writeString(target.resolve("data/device.txt"), "new-server-id");
            Run restore = ItSupport.cli("restore", "--profile", "jellyfin", "--dest", dest.toString(), "--target",
                    target.toString(), "--keep-identity", "--remap", "/srv/media=/mnt/media");
            assertThat(restore.exit()).as(restore.describe()).isZero();
            assertThat(restore.stdoutLines()).as(restore.describe())
                    .anyMatch(l -> l.startsWith("Plugins in the snapshot: Trakt 25.0.0.0"));
            assertThat(target.resolve("data/device.txt")).hasContent("new-server-id");
            assertThat(target.resolve("root/default/Movies/Movies.mblink")).hasContent("/mnt/media/Movies");
            Path restoredDb = target.resolve(JellyfinFixture.DB);
            assertThat(JellyfinProfileIT.integrityCheck(restoredDb)).isEqualTo("ok");
            assertThat(JellyfinProfileIT.query(restoredDb, "SELECT COUNT(*) FROM BaseItems WHERE Path LIKE "
                    + "'/mnt/media/%'")).isEqualTo(200);
            assertThat(JellyfinProfileIT.query(restoredDb, "SELECT SUM(PlayCount) FROM UserData"))
                    .isEqualTo(JellyfinProfileIT.query(restoredDb, "SELECT Commits FROM WriterState"));

            // alice's plays in the backup copied to bob on the running server, while the writer keeps going
            Run dry = ItSupport.cli("copy-user-data", "--dest", dest.toString(), "--source", live.toString(),
                    "--from-snapshot", "latest", "--map", "alice=bob", "--dry-run");
            assertThat(dry.exit()).as(dry.describe()).isZero();
            assertThat(JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM UserData WHERE UserId = '" + BOB + "'"))
                    .as("a dry run writes nothing").isZero();
            Run copy = ItSupport.cli("copy-user-data", "--dest", dest.toString(), "--source", live.toString(),
                    "--from-snapshot", "latest", "--map", "alice=bob");
            assertThat(copy.exit()).as(copy.describe()).isZero();
            assertThat(writer.isAlive()).as("the writer ran throughout: " + writer.describeSoFar()).isTrue();
            writer.kill();
        }
        long bobRows = JellyfinProfileIT.query(db, "SELECT COUNT(*) FROM UserData WHERE UserId = '" + BOB + "'");
        assertThat(bobRows).as("bob got alice's plays of the backup").isPositive();
        assertThat(JellyfinProfileIT.integrityCheck(db)).isEqualTo("ok");
        assertThat(JellyfinProfileIT.query(db, "SELECT SUM(PlayCount) FROM UserData WHERE UserId = '" + ALICE + "'"))
                .as("the writer's own invariant held through the copy")
                .isEqualTo(JellyfinProfileIT.query(db, "SELECT Commits FROM WriterState"));
    }
}
