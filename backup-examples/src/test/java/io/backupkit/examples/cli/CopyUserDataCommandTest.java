package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.examples.userdata.JellyfinFixture;
import io.backupkit.examples.userdata.PlayState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CopyUserDataCommandTest {

    @TempDir
    Path tmp;

    private JellyfinFixture live;
    private String dest;
    private String id;
    private String alice;
    private String bob;
    private String carol;
    private String dave;
    private String heat;
    private String inception;

    @BeforeEach
    void setUp() throws Exception {
        live = JellyfinFixture.create(tmp.resolve("jellyfin"));
        dest = tmp.resolve("backups").toString();
        alice = live.user("alice");
        bob = live.user("Bob");
        carol = live.user("carol");
        dave = live.user("dave");
        inception = live.item("Inception");
        heat = live.item("Heat");
        String gone = live.item("Gone Movie");
        live.userData(alice, inception, "tt1375666", new PlayState(true, 2, 0, true, "2026-11-10 20:00:00", null,
                null));
        live.userData(alice, heat, "tt0113277", new PlayState(false, 0, 18_000_000_000L, false,
                "2026-11-12 21:30:00", null, null));
        live.userData(alice, gone, "tt0000005", new PlayState(true, 4, 0, true, "2026-09-01 10:00:00", null, null));
        live.userData(carol, inception, "tt1375666", new PlayState(false, 0, 0, true, null, null, null));
        id = Fixtures.snapshotId(CliRun.of("backup", "--source", live.root().toString(), "--dest", dest,
                "--database", "data/*.db", "--exclude", "log/**"));
        // after the backup: bob watched Heat, the other film left the library
        live.userData(bob, heat, "tt0113277", new PlayState(true, 1, 0, false, "2026-11-01 20:00:00", null, null));
        live.deleteItem(gone);
    }

    private CliRun copy(String... more) {
        String[] base = {"copy-user-data", "--from-snapshot", "latest", "--dest", dest, "--source",
            live.root().toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void shouldPrintWhatADryRunWouldChangeAndChangeNothing() throws Exception {
        Map<String, String> before = live.dump();

        CliRun run = copy("--map", "alice=bob,carol=dave", "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).containsExactly(
                "Dry run: would copy user data from snapshot " + id + " into " + live.database() + " (merge)",
                "alice -> Bob: 1 copied, 1 changed, 0 unchanged, 1 unmatched",
                "  change  Heat [tt0113277]: position 0:00:00 -> 0:30:00, last played 2026-11-01 20:00:00 -> "
                        + "2026-11-12 21:30:00",
                "  copy    Inception [tt1375666]: played, 2 plays, favourite, last played 2026-11-10 20:00:00",
                "  unmatched Gone Movie [tt0000005]: no item with this id on the server, and no row there with "
                        + "this key",
                "carol -> dave: 1 copied, 0 changed, 0 unchanged, 0 unmatched",
                "  copy    Inception [tt1375666]: not played, 0 plays, favourite");
        assertThat(run.err()).isEmpty();
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldCopyWithRepeatedMapsAndSayWhereTheDatabaseBeforeIsKept() throws Exception {
        CliRun run = copy("--map", "alice=bob", "--map", "carol=dave");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines().get(0)).matches("Copied user data from snapshot " + id + " into "
                + java.util.regex.Pattern.quote(live.database().toString()) + " \\(merge\\) in \\d+\\.\\d\\ds; the "
                + "database before the change is kept at .*jellyfin\\.db\\.before-user-data-copy-\\d{8}T\\d{6}Z");
        Path kept = Path.of(run.outLines().get(0).replaceAll(".* is kept at ", ""));
        assertThat(JellyfinFixture.read(kept, bob, inception, "tt1375666")).isEmpty();
        assertThat(live.read(bob, inception, "tt1375666")).isPresent();
        assertThat(live.read(dave, inception, "tt1375666")).contains(new PlayState(false, 0, 0, true, null, null,
                null));
        assertThat(run.errLines()).singleElement().asString().startsWith("warning: No service was stopped: "
                + "Jellyfin keeps user data in memory");
    }

    @Test
    void shouldReplaceTheTargetsValuesWithOverwrite() throws Exception {
        CliRun run = copy("--map", "alice=bob", "--overwrite");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines().get(0)).contains("(overwrite)");
        assertThat(live.read(bob, heat, "tt0113277")).contains(new PlayState(false, 0, 18_000_000_000L, false,
                "2026-11-12 21:30:00", null, null));
    }

    @Test
    void shouldListAtMostTheGivenNumberOfItemsPerPair() throws Exception {
        for (int i = 0; i < 7; i++) {
            live.userData(carol, live.item("Film " + i), "tt10" + i, new PlayState(true, 1, 0, false, null, null,
                    null));
        }
        String again = Fixtures.snapshotId(CliRun.of("backup", "--source", live.root().toString(), "--dest", dest,
                "--database", "data/*.db", "--exclude", "log/**"));

        CliRun run = copy("--map", "carol=dave", "--dry-run", "--max-listed", "3");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(6);
        assertThat(run.outLines().get(0)).contains("snapshot " + again);
        assertThat(run.outLines().get(1)).isEqualTo("carol -> dave: 8 copied, 0 changed, 0 unchanged, 0 unmatched");
        assertThat(run.outLines().subList(2, 5)).allMatch(l -> l.startsWith("  copy    "));
        assertThat(run.outLines().get(5)).isEqualTo("  ... 5 more");
    }

    @Test
    void shouldPrintOnlyTheCountsWhenQuiet() {
        CliRun run = copy("--map", "alice=bob", "--dry-run", "--quiet");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(1)).isEqualTo("alice -> Bob: 1 copied, 1 changed, 0 unchanged, 1 unmatched");
    }

    @Test
    void shouldPrintTheReportAsJson() throws Exception {
        CliRun run = copy("--map", "alice=bob", "--dry-run", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertThat(r.get("snapshotId").asText()).isEqualTo(id);
        assertThat(r.get("dryRun").asBoolean()).isTrue();
        assertThat(r.get("database").asText()).isEqualTo(live.database().toString());
        assertThat(r.get("safetyCopy").isNull()).isTrue();
        JsonNode m = r.get("mappings").get(0);
        assertThat(m.get("from").asText()).isEqualTo("alice");
        assertThat(m.get("to").asText()).isEqualTo("Bob");
        assertThat(m.get("toId").asText()).isEqualTo(bob);
        assertThat(m.get("copied").asInt()).isEqualTo(1);
        assertThat(m.get("changed").asInt()).isEqualTo(1);
        assertThat(m.get("unmatched").asInt()).isEqualTo(1);
        JsonNode heatChange = m.get("changes").get(0);
        assertThat(heatChange.get("kind").asText()).isEqualTo("CHANGED");
        assertThat(heatChange.get("itemId").asText()).isEqualTo(heat);
        assertThat(heatChange.get("before").get("positionTicks").asLong()).isZero();
        assertThat(heatChange.get("after").get("positionTicks").asLong()).isEqualTo(18_000_000_000L);
        assertThat(heatChange.get("after").get("played").asBoolean()).isTrue();
        assertThat(m.get("unmatchedItems").get(0).get("key").asText()).isEqualTo("tt0000005");
    }

    @Test
    void shouldFailNamingAnUnknownUserAndTheUsersThatExist() throws Exception {
        Map<String, String> before = live.dump();

        CliRun run = copy("--map", "alise=bob");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("backupkit: error: User 'alise' is not in the backup (snapshot "
                + id + "); its users are alice, Bob, carol, dave; nothing was changed");
        assertThat(live.dump()).isEqualTo(before);
    }

    @Test
    void shouldRefuseAMappingThatIsNotFromEqualsTo() {
        CliRun run = copy("--map", "alice");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("user mapping must be FROM=TO").contains("was 'alice'");
    }

    @Test
    void shouldRefuseTwoMappingsIntoOneServerUser() {
        CliRun run = copy("--map", "alice=bob", "--map", "carol=bob");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("server user 'bob' is the target of two mappings (alice=bob and carol=bob)");
    }

    @Test
    void shouldRefuseAProfileOtherThanJellyfin() {
        CliRun run = copy("--map", "alice=bob", "--profile", "plex");

        assertThat(run.exit()).as(run.toString()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(run.err()).contains("--profile must be jellyfin, was 'plex'");
    }

    @Test
    void shouldNeedTheSnapshotTheMappingsAndTheBackups() {
        CliRun noSnapshot = CliRun.of("copy-user-data", "--map", "alice=bob", "--dest", dest, "--source",
                live.root().toString());
        assertThat(noSnapshot.exit()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(noSnapshot.err()).contains("Missing required option: '--from-snapshot=ID'");

        CliRun noMap = CliRun.of("copy-user-data", "--from-snapshot", "latest", "--dest", dest, "--source",
                live.root().toString());
        assertThat(noMap.exit()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(noMap.err()).contains("--map=FROM=TO");

        CliRun noDest = CliRun.of("copy-user-data", "--from-snapshot", "latest", "--map", "alice=bob", "--source",
                live.root().toString());
        assertThat(noDest.exit()).isEqualTo(BackupKitCli.EXIT_USAGE);
        assertThat(noDest.err()).contains("Missing the backups to copy from: give --dest DIR");
    }

    @Test
    void shouldStopAndStartTheServiceAroundTheWrite() throws Exception {
        Path running = Files.createFile(tmp.resolve("running"));
        Path log = tmp.resolve("service.log");

        CliRun run = copy("--map", "alice=bob", "--status-cmd", "test -f '" + running + "'",
                "--stop-cmd", "echo stop >> '" + log + "' && rm '" + running + "'",
                "--start-cmd", "echo start >> '" + log + "' && touch '" + running + "'");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("stop", "start");
        assertThat(run.outLines()).last().asString().startsWith("Stopped and started again: command:");
        assertThat(run.err()).isEmpty();
        assertThat(live.read(bob, inception, "tt1375666")).isPresent();
    }

    @Test
    void shouldBeListedInTheHelp() {
        CliRun run = CliRun.of("--help");

        assertThat(run.out()).contains("copy-user-data");
    }
}
