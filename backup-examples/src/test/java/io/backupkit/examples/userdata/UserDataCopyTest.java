package io.backupkit.examples.userdata;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.ServiceControlException;
import io.backupkit.ServiceControllers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Copies between real SQLite databases: a snapshot of a Jellyfin-like folder taken with the real {@link BackupPlan}
 * (zip, the database captured through backup-sqlite), then a server folder changed after it.
 */
class UserDataCopyTest {

    static final long MINUTE = 60 * PlayState.TICKS_PER_SECOND;
    static final String INCEPTION = "tt1375666";
    static final String HEAT = "tt0113277";
    static final String ALIEN = "tt0078748";
    static final String ARRIVAL = "tt2543164";
    static final String GONE = "tt0000005";
    static final String DUNE = "tt1160419";
    static final String PILOT = "296762001001";
    /** Sorts after every random id: the pilot's row is the last one written. */
    static final String PILOT_ID = "FFFFFFFF-0000-4000-8000-000000000001";

    @TempDir
    Path tmp;

    JellyfinFixture live;
    Path backups;
    String alice;
    String bob;
    String carol;
    String dave;
    String inception;
    String heat;
    String alien;
    String arrival;
    String gone;
    String dune;
    String arrivalAgain;

    /** The server as it was when backed up: alice's and carol's play state. */
    @BeforeEach
    void setUp() throws Exception {
        live = JellyfinFixture.create(tmp.resolve("jellyfin"));
        backups = tmp.resolve("backups");
        alice = live.user("alice");
        bob = live.user("Bob");
        carol = live.user("carol");
        dave = live.user("dave");
        inception = live.item("Inception");
        heat = live.item("Heat");
        alien = live.item("Alien");
        arrival = live.item("Arrival");
        gone = live.item("Gone Movie");
        dune = live.item("Dune");
        live.item(PILOT_ID, "Pilot", "Westworld");
        live.userData(alice, inception, INCEPTION, state(true, 2, 0, true, "2026-11-10 20:00:00.0000000"));
        live.userData(alice, heat, HEAT, state(false, 0, 30 * MINUTE, false, "2026-11-12 21:30:00.1234567"));
        live.userData(alice, alien, ALIEN, new PlayState(true, 1, 0, false, "2026-10-01 19:00:00", 7.0, null));
        live.userData(alice, arrival, ARRIVAL, state(true, 1, 0, true, "2026-11-05 18:00:00"));
        live.userData(alice, gone, GONE, state(true, 4, 0, true, "2026-09-01 10:00:00"));
        live.userData(alice, dune, DUNE, PlayState.NONE, 2);
        live.userData(alice, PILOT_ID, PILOT, state(false, 0, 10 * MINUTE, false, "2026-11-14 22:00:00"));
        live.userData(carol, inception, INCEPTION, state(false, 0, 0, true, null));
    }

    private static PlayState state(boolean played, int count, long position, boolean favorite, String last) {
        return new PlayState(played, count, position, favorite, last, null, null);
    }

    private String snapshot() {
        return BackupPlan.builder().source(live.root()).destination(backups).archiver("zip")
                .database("data/*.db").exclude("log/**").build().backup().snapshotId();
    }

    /** The server after the backup: bob has watched things, Arrival was re-added under a new id, one film is gone. */
    private void changeServer() throws SQLException {
        live.userData(bob, heat, HEAT, state(true, 1, 0, false, "2026-11-01 20:00:00"));
        live.userData(bob, alien, ALIEN, new PlayState(true, 3, 0, true, "2026-11-15 20:00:00", 9.0, null));
        live.deleteItem(arrival);
        arrivalAgain = live.item("Arrival");
        live.userData(dave, arrivalAgain, ARRIVAL, state(true, 1, 0, false, "2026-11-20 20:00:00"));
        live.deleteItem(gone);
    }

    private UserDataCopy.Builder copy(String id) {
        return UserDataCopy.builder().destination(backups).snapshot(id).source(live.root())
                .map("alice=bob", "carol=dave");
    }

    @Test
    void shouldMergePlayStateIntoTheServerUsers() throws Exception {
        String id = snapshot();
        changeServer();

        UserDataReport r = copy(id).build().run();

        assertThat(r.snapshotId()).isEqualTo(id);
        assertThat(r.dryRun()).isFalse();
        assertThat(r.mappings()).extracting(UserMappingReport::summary).containsExactly(
                "alice -> Bob: 3 copied, 1 changed, 2 unchanged, 1 unmatched",
                "carol -> dave: 1 copied, 0 changed, 0 unchanged, 0 unmatched");
        // new for bob: the backup's values
        assertThat(live.read(bob, inception, INCEPTION)).contains(state(true, 2, 0, true,
                "2026-11-10 20:00:00.0000000"));
        assertThat(live.read(bob, PILOT_ID, PILOT)).contains(state(false, 0, 10 * MINUTE, false,
                "2026-11-14 22:00:00"));
        // merged: played on the server, position of alice's later session, the later date
        assertThat(live.read(bob, heat, HEAT)).contains(state(true, 1, 30 * MINUTE, false,
                "2026-11-12 21:30:00.1234567"));
        // bob's own values win where they are more: more plays, a favourite, a later date, his rating
        assertThat(live.read(bob, alien, ALIEN)).contains(new PlayState(true, 3, 0, true, "2026-11-15 20:00:00",
                9.0, null));
        // found by its key on the item that replaced it
        assertThat(live.read(bob, arrivalAgain, ARRIVAL)).contains(state(true, 1, 0, true, "2026-11-05 18:00:00"));
        // alice's row holding nothing is not copied
        assertThat(live.read(bob, dune, DUNE)).isEmpty();
        assertThat(live.read(dave, inception, INCEPTION)).contains(state(false, 0, 0, true, null));
        // stored as Jellyfin stores them
        assertThat(live.column(bob, inception, INCEPTION, "Played")).isEqualTo("1");
        assertThat(live.column(bob, inception, INCEPTION, "AudioStreamIndex")).isNull();
        assertThat(r.warnings()).singleElement().asString().contains("No service was stopped")
                .contains("restart Jellyfin");
    }

    @Test
    void shouldListTheChangesWithTheirValuesBeforeAndAfter() throws Exception {
        String id = snapshot();
        changeServer();

        UserMappingReport m = copy(id).build().run().mappings().get(0);

        assertThat(m.changes()).extracting(UserDataChange::describe).contains(
                "copy    Inception [" + INCEPTION + "]: played, 2 plays, favourite, last played "
                        + "2026-11-10 20:00:00.0000000",
                "change  Heat [" + HEAT + "]: position 0:00:00 -> 0:30:00, last played "
                        + "2026-11-01 20:00:00 -> 2026-11-12 21:30:00.1234567",
                "copy    Westworld: Pilot [" + PILOT + "]: not played, 0 plays, position 0:10:00, last played "
                        + "2026-11-14 22:00:00");
        UserDataChange arrivalCopy = m.changes().stream().filter(c -> c.key().equals(ARRIVAL)).findFirst()
                .orElseThrow();
        assertThat(arrivalCopy.itemId()).isEqualTo(arrivalAgain);
        assertThat(arrivalCopy.kind()).isEqualTo(UserDataChange.Kind.COPIED);
        assertThat(arrivalCopy.before()).isNull();
    }

    @Test
    void shouldReportItemsTheServerDoesNotHaveInsteadOfDroppingThem() throws Exception {
        String id = snapshot();
        changeServer();

        UserMappingReport m = copy(id).build().run().mappings().get(0);

        assertThat(m.unmatched()).isEqualTo(1);
        UnmatchedUserData u = m.unmatchedItems().get(0);
        assertThat(u.itemId()).isEqualTo(gone);
        assertThat(u.key()).isEqualTo(GONE);
        assertThat(u.item()).isEqualTo("Gone Movie");
        assertThat(u.state()).isEqualTo(state(true, 4, 0, true, "2026-09-01 10:00:00"));
        assertThat(u.describe()).isEqualTo("unmatched Gone Movie [" + GONE + "]: no item with this id on the "
                + "server, and no row there with this key");
        assertThat(live.dump().keySet()).noneMatch(k -> k.contains(bob) && k.endsWith(GONE));
    }

    @Test
    void shouldOverwriteTheTargetsValuesWhenAsked() throws Exception {
        String id = snapshot();
        changeServer();

        UserDataReport r = copy(id).overwrite(true).build().run();

        assertThat(r.overwrite()).isTrue();
        assertThat(r.mappings().get(0).summary()).isEqualTo("alice -> Bob: 3 copied, 2 changed, 1 unchanged, "
                + "1 unmatched");
        assertThat(live.read(bob, heat, HEAT)).contains(state(false, 0, 30 * MINUTE, false,
                "2026-11-12 21:30:00.1234567"));
        assertThat(live.read(bob, alien, ALIEN)).contains(new PlayState(true, 1, 0, false, "2026-10-01 19:00:00",
                7.0, null));
    }

    @Test
    void shouldKeepACopyOfTheServersDatabaseAsItWasBeforeTheChange() throws Exception {
        String id = snapshot();
        changeServer();
        Map<String, String> before = live.dump();

        UserDataReport r = copy(id).build().run();

        Path safety = r.safetyCopy();
        assertThat(safety).isNotNull().isRegularFile().hasParent(live.database().getParent());
        assertThat(safety.getFileName().toString()).matches("jellyfin\\.db\\.before-user-data-copy-\\d{8}T\\d{6}Z");
        assertThat(JellyfinFixture.dump(safety)).isEqualTo(before);
        assertThat(JellyfinFixture.read(safety, bob, heat, HEAT)).contains(state(true, 1, 0, false,
                "2026-11-01 20:00:00"));
        assertThat(live.dump()).isNotEqualTo(before);
        if (Files.getFileStore(safety).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(safety)).isEqualTo(Files.getPosixFilePermissions(
                    live.database()));
        }
    }

    @Test
    void shouldChangeNothingOnADryRunAndReportWhatTheRunThenDoes() throws Exception {
        String id = snapshot();
        changeServer();
        byte[] bytes = Files.readAllBytes(live.database());
        Map<String, String> before = live.dump();

        UserDataReport dry = copy(id).dryRun(true).build().run();

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.safetyCopy()).isNull();
        assertThat(Files.readAllBytes(live.database())).isEqualTo(bytes);
        Path wal = live.database().resolveSibling("jellyfin.db-wal");
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("no write-ahead log written").isTrue();
        assertThat(live.dump()).isEqualTo(before);
        try (Stream<Path> files = Files.list(live.database().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("before-user-data"));
        }
        UserDataReport real = copy(id).build().run();
        assertThat(dry.mappings()).isEqualTo(real.mappings());
        assertThat(live.dump()).isNotEqualTo(before);
    }

    @Test
    void shouldNameAnUnknownBackupUserAndTheUsersTheBackupHas() throws Exception {
        String id = snapshot();
        Map<String, String> before = live.dump();

        assertThatThrownBy(() -> UserDataCopy.builder().destination(backups).snapshot(id).source(live.root())
                .map("alise=bob").build().run())
                .isInstanceOf(UnknownUserException.class)
                .hasMessage("User 'alise' is not in the backup (snapshot " + id + "); its users are alice, Bob, "
                        + "carol, dave; nothing was changed")
                .satisfies(e -> assertThat(((UnknownUserException) e).unknown()).containsExactly("alise"));
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldNameUnknownServerUsersAndTheUsersTheServerHas() throws Exception {
        String id = snapshot();
        changeServer();
        Map<String, String> before = live.dump();

        assertThatThrownBy(() -> UserDataCopy.builder().destination(backups).snapshot(id).source(live.root())
                .map("alice=bobby,carol=davy").build().run())
                .isInstanceOf(UnknownUserException.class)
                .hasMessage("Users 'bobby', 'davy' are not on the running server (" + live.database() + "); its "
                        + "users are alice, Bob, carol, dave; nothing was changed");
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldMatchUserNamesWithoutRegardToCase() throws Exception {
        String id = snapshot();
        changeServer();

        UserDataReport r = UserDataCopy.builder().destination(backups).snapshot(id).source(live.root())
                .map("ALICE=bob").build().run();

        assertThat(r.mappings().get(0).from()).isEqualTo("alice");
        assertThat(r.mappings().get(0).to()).isEqualTo("Bob");
        assertThat(live.read(bob, inception, INCEPTION)).isPresent();
    }

    @Test
    void shouldTakeTheNewestSnapshotForLatest() throws Exception {
        snapshot();
        Thread.sleep(1100);   // snapshot ids have a resolution of one second
        live.userData(alice, dune, "tt-newer", state(true, 1, 0, false, "2026-11-21 20:00:00"));
        String newest = snapshot();

        UserDataReport r = UserDataCopy.builder().destination(backups).snapshot("latest").source(live.root())
                .map("alice=dave").build().run();

        assertThat(r.snapshotId()).isEqualTo(newest);
        assertThat(live.read(dave, dune, "tt-newer")).isPresent();
    }

    @Test
    void shouldRefuseADatabaseLockedLongerThanTheBusyTimeout() throws Exception {
        String id = snapshot();
        changeServer();
        Map<String, String> before = live.dump();

        try (Connection server = live.connect(); Statement st = server.createStatement()) {
            st.execute("BEGIN IMMEDIATE");   // as Jellyfin holds it while it writes
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> copy(id).busyTimeout(Duration.ofMillis(300)).build().run())
                    .isInstanceOf(DatabaseBusyException.class)
                    .hasMessageContaining(live.database().toString())
                    .hasMessageContaining("stayed locked by another connection")
                    .hasMessageContaining("nothing was changed");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            st.execute("ROLLBACK");
        }
        assertThat(live.dump()).isEqualTo(before);
        try (Stream<Path> files = Files.list(live.database().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("before-user-data"));
        }
    }

    @Test
    void shouldRollBackEveryChangeWhenOneWriteFails() throws Exception {
        String id = snapshot();
        changeServer();
        // the pilot's row is written last, after Inception, Heat and Arrival
        live.execute("CREATE TRIGGER refuse_pilot BEFORE INSERT ON UserData WHEN NEW.CustomDataKey = '" + PILOT
                + "' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        Map<String, String> before = live.dump();

        assertThatThrownBy(() -> copy(id).build().run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("failed and was rolled back, nothing was changed")
                .hasMessageContaining("refused by the test")
                .hasMessageContaining("before-user-data-copy-");
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldReattachTheTargetsRowThatJellyfinDetachedFromADeletedItem() throws Exception {
        live.userData(bob, arrival, ARRIVAL, state(true, 2, 0, false, "2026-11-02 20:00:00"));
        String id = snapshot();
        changeServer();   // Arrival deleted: bob's row now hangs on the placeholder item
        assertThat(live.read(bob, JellyfinDatabase.PLACEHOLDER_ITEM_ID, ARRIVAL)).isPresent();

        UserDataReport r = UserDataCopy.builder().destination(backups).snapshot(id).source(live.root())
                .map("alice=bob").build().run();

        assertThat(live.read(bob, arrivalAgain, ARRIVAL)).contains(state(true, 2, 0, true, "2026-11-05 18:00:00"));
        assertThat(live.read(bob, JellyfinDatabase.PLACEHOLDER_ITEM_ID, ARRIVAL)).isEmpty();
        assertThat(live.column(bob, arrivalAgain, ARRIVAL, "RetentionDate")).isNull();
        assertThat(r.mappings().get(0).changes()).filteredOn(c -> c.key().equals(ARRIVAL)).singleElement()
                .satisfies(c -> {
                    assertThat(c.kind()).isEqualTo(UserDataChange.Kind.CHANGED);
                    assertThat(c.reattached()).isTrue();
                });
    }

    @Test
    void shouldStopTheServiceForTheWriteAndStartItAgain() throws Exception {
        String id = snapshot();
        changeServer();
        Path running = Files.createFile(tmp.resolve("running"));
        Path log = tmp.resolve("service.log");
        String stop = "echo stop >> '" + log + "' && rm '" + running + "'";
        String start = "echo start >> '" + log + "' && touch '" + running + "'";

        UserDataReport r = copy(id).service(ServiceControllers.command("test -f '" + running + "'", stop, start))
                .build().run();

        assertThat(Files.readAllLines(log)).containsExactly("stop", "start");
        assertThat(running).exists();
        assertThat(r.stoppedServices()).singleElement().asString().startsWith("command:");
        assertThat(r.warnings()).isEmpty();
        assertThat(live.read(bob, inception, INCEPTION)).isPresent();
    }

    @Test
    void shouldChangeNothingWhenTheServiceWillNotStop() throws Exception {
        String id = snapshot();
        changeServer();
        Map<String, String> before = live.dump();
        Path running = Files.createFile(tmp.resolve("running"));
        Path log = tmp.resolve("service.log");
        // the stop command does not stop it
        String status = "test -f '" + running + "'";

        assertThatThrownBy(() -> copy(id).stopTimeout(Duration.ofMillis(300))
                .service(ServiceControllers.command(status, "echo stop >> '" + log + "'",
                        "echo start >> '" + log + "'")).build().run())
                .isInstanceOf(ServiceControlException.class)
                .hasMessageContaining("still running")
                .hasMessageContaining("nothing was changed");
        assertThat(Files.readAllLines(log)).containsExactly("stop");   // still running: nothing to start
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldFailNamingTheFolderWhenTheServerHasNoJellyfinDatabase() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThatThrownBy(() -> UserDataCopy.builder().destination(backups).source(empty).map("alice=bob")
                .build().run())
                .isInstanceOf(BackupException.class)
                .hasMessage("There is no Jellyfin database at " + empty.resolve("data/jellyfin.db") + " (the "
                        + "running server's data folder " + empty + " should hold data/jellyfin.db)");
    }

    @Test
    void shouldRefuseADatabaseWithoutJellyfinsUserDataColumns() throws Exception {
        String id = snapshot();
        live.execute("ALTER TABLE UserData RENAME COLUMN CustomDataKey TO Key");

        assertThatThrownBy(() -> copy(id).build().run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("is not a Jellyfin 10.11 (or later) database: it has no UserData.CustomDataKey");
    }

    @Test
    void shouldRemoveItsTemporaryCopyOfTheBackupsDatabase() throws Exception {
        String id = snapshot();
        Path staging = Files.createDirectories(tmp.resolve("staging"));

        copy(id).staging(staging).dryRun(true).build().run();

        try (Stream<Path> left = Files.list(staging)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void shouldPutTheSafetyCopyIntoTheFolderGiven() throws Exception {
        String id = snapshot();
        changeServer();
        Path folder = tmp.resolve("copies");

        UserDataReport r = copy(id).safetyCopyFolder(folder).build().run();

        assertThat(r.safetyCopy()).hasParent(folder);
        assertThat(List.of(folder.toFile().list())).hasSize(1);
    }
}
