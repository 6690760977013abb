package io.backupkit.examples.userdata;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.ServiceControllers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserDataCopyBuilderTest {

    private static UserDataCopy.Builder valid() {
        return UserDataCopy.builder().destination("/mnt/backup/jellyfin").source("/var/lib/jellyfin");
    }

    private static InvalidPlanException problems(Runnable r) {
        try {
            r.run();
        } catch (InvalidPlanException e) {
            return e;
        }
        throw new AssertionError("no InvalidPlanException");
    }

    @Test
    void shouldTakeSeveralMappingsFromOneStringAndFromSeveral() {
        UserDataCopy c = valid().map("alice=bob, carol = dave").map("erin=frank").addMapping("gina", "hal").build();

        assertThat(c.mappings()).extracting(UserMapping::toString)
                .containsExactly("alice=bob", "carol=dave", "erin=frank", "gina=hal");
    }

    @Test
    void shouldQuoteEveryMappingThatIsNotFromEqualsTo() {
        assertThat(problems(() -> valid().map("alice", "=bob,carol=", "a=b=c")).problems()).containsExactly(
                "user mapping must be FROM=TO (a user of the backup, then a user of the running server), e.g. "
                        + "alice=bob, was 'alice'",
                "user mapping must be FROM=TO (a user of the backup, then a user of the running server), e.g. "
                        + "alice=bob, was '=bob'",
                "user mapping must be FROM=TO (a user of the backup, then a user of the running server), e.g. "
                        + "alice=bob, was 'carol='",
                "user mapping must be FROM=TO (a user of the backup, then a user of the running server), e.g. "
                        + "alice=bob, was 'a=b=c'");
    }

    @Test
    void shouldRefuseAServerUserThatTwoMappingsWriteTo() {
        assertThat(problems(() -> valid().map("alice=bob,carol=BOB").build()).problems()).containsExactly(
                "server user 'BOB' is the target of two mappings (alice=bob and carol=BOB): copy into each user "
                        + "once, or merge in two runs");
    }

    @Test
    void shouldRefuseAMappingGivenTwice() {
        assertThat(problems(() -> valid().map("alice=bob", "Alice=Bob").build()).problems()).containsExactly(
                "user mapping Alice=Bob is given twice");
    }

    @Test
    void shouldAllowOneBackupUserToGoToSeveralServerUsers() {
        assertThat(valid().map("alice=bob,alice=carol").build().mappings()).hasSize(2);
    }

    @Test
    void shouldReportEveryMissingSettingAtOnce() {
        assertThat(problems(() -> UserDataCopy.builder().build()).problems()).containsExactly(
                "destination (the folder holding the snapshots) is required",
                "source (the running Jellyfin server's data folder) is required",
                "at least one user mapping (FROM=TO) is required");
    }

    @Test
    void shouldRefuseADatabasePathOutsideTheDataFolder() {
        for (String bad : new String[] {"/data/jellyfin.db", "../jellyfin.db", "data//jellyfin.db", " ",
                "C:/jellyfin.db", "data\\jellyfin.db"}) {
            assertThat(problems(() -> valid().database(bad)).problems()).singleElement().asString()
                    .contains("was '" + bad + "'");
        }
        assertThat(valid().map("a=b").database("data/other.db").build().liveDatabase())
                .isEqualTo(Path.of("/var/lib/jellyfin/data/other.db"));
    }

    @Test
    void shouldRefuseABadBusyTimeout() {
        assertThat(problems(() -> valid().busyTimeout(Duration.ZERO)).problems())
                .containsExactly("busy timeout must be positive and at most a day, was PT0S");
        assertThat(problems(() -> valid().stopTimeout(Duration.ofSeconds(-1))).problems())
                .containsExactly("stop timeout must be positive, was PT-1S");
    }

    @Test
    void shouldTakeLatestInAnyCaseAndDefaultToIt() {
        assertThat(valid().map("a=b").build().snapshot()).isEqualTo(UserDataCopy.LATEST);
        assertThat(valid().map("a=b").snapshot("LATEST").build().snapshot()).isEqualTo(UserDataCopy.LATEST);
        assertThat(valid().map("a=b").snapshot(" 20261122T035800Z ").build().snapshot())
                .isEqualTo("20261122T035800Z");
        assertThatThrownBy(() -> valid().snapshot(" ")).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldTakeThePlansDestinationSourceAndServices() {
        BackupPlan plan = BackupPlan.builder().source("/var/lib/jellyfin").destination("/mnt/backup/jellyfin")
                .service(ServiceControllers.systemd("jellyfin")).stopTimeout(Duration.ofSeconds(5)).build();

        UserDataCopy c = UserDataCopy.builder().plan(plan).map("alice=bob").build();

        assertThat(c.destination()).isEqualTo(Path.of("/mnt/backup/jellyfin"));
        assertThat(c.source()).isEqualTo(Path.of("/var/lib/jellyfin"));
        assertThat(c.services()).extracting(s -> s.id()).containsExactly("systemd:jellyfin");
    }

    @Test
    void shouldRefuseTheSameFolderForBackupsAndServer() {
        assertThat(problems(() -> UserDataCopy.builder().destination("/srv/j").source("/srv/j/.").map("a=b")
                .build()).problems()).containsExactly("destination and source are the same folder: /srv/j");
    }
}
