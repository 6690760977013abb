package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A restore onto another machine gives the restored files the owner the application's service runs as
 * ({@code restore --owner}), links included, never what they point to.
 */
class OwnerRestoreTest {

    @TempDir
    Path tmp;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void shouldGiveEveryRestoredEntryTheOwnerAsked() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("target");
        RestoreRequest request = RestoreRequest.of(id).target(target).owner("nobody:nogroup");

        if (!root()) {
            assertThatThrownBy(() -> plan.restore(request)).isInstanceOf(BackupException.class)
                    .hasMessageContaining("needs root");
            assertThat(target.resolve("Preferences.xml")).doesNotExist();
            return;
        }
        plan.restore(request);

        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!p.equals(target)) {
                    assertThat(a.owner().getName()).as(p.toString()).isEqualTo("nobody");
                    assertThat(a.group().getName()).as(p.toString()).isEqualTo("nogroup");
                }
            }
        }
        assertThat(TestTrees.describe(target)).isEqualTo(TestTrees.describe(source));
    }

    @Test
    void shouldRefuseAnUnknownUserBeforeTouchingTheTarget() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan plan = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        String id = plan.backup().snapshotId();
        Files.writeString(source.resolve("Preferences.xml"), "live");

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).owner("no-such-user-4711")))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("no user 'no-such-user-4711' on this machine; nothing was restored");
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).owner("nobody:no-such-group-4711")))
                .isInstanceOf(BackupException.class).hasMessageContaining("no group 'no-such-group-4711'");
        assertThat(source.resolve("Preferences.xml")).hasContent("live");
    }

    @Test
    void shouldRejectAMalformedOwner() {
        for (String bad : new String[] {"", " ", ":group", "user:", "a:b:c"}) {
            assertThatThrownBy(() -> RestoreRequest.latest().owner(bad)).as(bad)
                    .isInstanceOf(InvalidPlanException.class).hasMessageContaining("owner must be USER or USER:GROUP");
        }
        assertThat(RestoreRequest.latest().owner(" plex:plex ").owner()).contains("plex:plex");
    }
}
