package io.backupkit;

import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives from elsewhere restore through {@link RestoreRequest#fromArchive}; hostile ones are refused with a
 * {@link RestoreException} naming the entry, the target untouched and nothing written outside the staging folder.
 */
class HostileArchiveTest {

    @TempDir
    Path tmp;

    /** One entry of a zip built by a test: a file, a folder (name ends in '/'), a link or a FIFO. */
    record Item(String name, String content, int unixType) {
        static Item file(String name, String content) {
            return new Item(name, content, UnixStat.FILE_FLAG);
        }

        static Item dir(String name) {
            return new Item(name, null, UnixStat.DIR_FLAG);
        }

        static Item link(String name, String target) {
            return new Item(name, target, UnixStat.LINK_FLAG);
        }

        static Item fifo(String name) {
            return new Item(name, "", 0010000);
        }
    }

    private Path zip(String fileName, Item... items) throws IOException {
        Path zip = tmp.resolve(fileName);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Item item : items) {
                ZipArchiveEntry e = new ZipArchiveEntry(item.name());
                e.setUnixMode(item.unixType() | (item.unixType() == UnixStat.DIR_FLAG ? 0755 : 0644));
                out.putArchiveEntry(e);
                if (item.content() != null) {
                    out.write(item.content().getBytes(StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    private BackupPlan plan() {
        return BackupPlan.builder().destination(tmp.resolve("dest")).build();
    }

    private void assertRefused(Path archive, String entry, String why) throws IOException {
        Refusals.assertRefused(tmp, plan(), archive, entry, why);
    }

    @Test
    void shouldRestoreAForeignZipLikeASnapshot() throws Exception {
        Path zip = zip("plain.zip", Item.dir("./"), Item.dir("./Metadata/"), Item.file("./Metadata/a.xml", "<a/>"),
                Item.file("Preferences.xml", "<Preferences/>"), Item.link("Metadata/link", "a.xml"));
        Path target = Refusals.target(tmp);

        RestoreResult r = plan().restore(RestoreRequest.fromArchive(zip).target(target));

        assertThat(r.files()).isEqualTo(2);
        assertThat(r.links()).isEqualTo(1);
        assertThat(Files.readString(target.resolve("Metadata/a.xml"))).isEqualTo("<a/>");
        assertThat(Files.readSymbolicLink(target.resolve("Metadata/link")).toString()).isEqualTo("a.xml");
        assertThat(target.resolve("live.txt")).doesNotExist(); // the archive replaces the target's content
    }

    @Test
    void shouldCheckAForeignArchiveWithoutWritingOnADryRun() throws Exception {
        Path zip = zip("plain.zip", Item.file("a.txt", "a"));
        Path target = Refusals.target(tmp);
        RestoreResult r = plan().restore(RestoreRequest.fromArchive(zip).target(target).dryRun(true));
        assertThat(r.dryRun()).isTrue();
        assertThat(r.files()).isEqualTo(1);
        assertThat(target.resolve("a.txt")).doesNotExist();
    }

    @Test
    void shouldRefuseNamesThatClimbOut() throws Exception {
        assertRefused(zip("climb.zip", Item.file("ok.txt", "ok"), Item.file("../evil.txt", "x")), "../evil.txt",
                "'..'");
        assertRefused(zip("deep.zip", Item.file("a/../../evil.txt", "x")), "a/../../evil.txt", "'..'");
    }

    @Test
    void shouldRefuseAbsoluteNamesAndDriveLetters() throws Exception {
        assertRefused(zip("abs.zip", Item.file("/tmp/evil.txt", "x")), "/tmp/evil.txt", "absolute");
        assertRefused(zip("drive.zip", Item.file("C:/evil.txt", "x")), "C:/evil.txt", "absolute");
    }

    @Test
    void shouldRefuseLinksPointingOutside() throws Exception {
        assertRefused(zip("abslink.zip", Item.link("passwd", "/etc/passwd")), "passwd", "absolute");
        assertRefused(zip("uplink.zip", Item.dir("a/"), Item.link("a/up", "../../outside")), "a/up",
                "unsafe link");
        assertRefused(zip("twostep.zip", Item.dir("a/"), Item.link("a/b", ".."), Item.link("c", "a/b/../..")), "c",
                "unsafe link");
    }

    @Test
    void shouldRefuseAFileWrittenThroughALinkStoredBeforeIt() throws Exception {
        assertRefused(zip("through.zip", Item.dir("real/"), Item.link("dir", "real"), Item.file("dir/x.txt", "x")),
                "dir/x.txt", "through the link 'dir'");
    }

    @Test
    void shouldRefuseALinkStoredAfterEntriesBeneathIt() throws Exception {
        assertRefused(zip("after.zip", Item.file("dir/x.txt", "x"), Item.link("dir", "elsewhere")), "dir",
                "beneath it");
    }

    @Test
    void shouldRefuseFifosAndDevices() throws Exception {
        assertRefused(zip("fifo.zip", Item.fifo("pipe")), "pipe", "FIFO");
    }

    @Test
    void shouldRefuseDuplicateNamesAlsoWhenTheyDifferOnlyInCase() throws Exception {
        assertRefused(zip("dup.zip", Item.file("a.txt", "1"), Item.file("a.txt", "2")), "a.txt", "twice");
        assertRefused(zip("case.zip", Item.file("Readme.txt", "1"), Item.file("README.txt", "2")), "README.txt",
                "letter case");
    }

    @Test
    void shouldRefuseDecompressionBombsAtTheLimits() throws Exception {
        String zeros = "\0".repeat(20 << 20);
        Path bomb = zip("bomb.zip", Item.file("zeros.bin", zeros));
        assertThat(Files.size(bomb)).isLessThan(100_000);
        Path target = Refusals.target(tmp);

        BackupPlan ratio = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxRatio(100)).build();
        assertThatThrownBy(() -> ratio.restore(RestoreRequest.fromArchive(bomb).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("zeros.bin")
                .hasMessageContaining("RestoreLimits.maxRatio");
        BackupPlan bytes = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxBytes(1 << 20)).build();
        assertThatThrownBy(() -> bytes.restore(RestoreRequest.fromArchive(bomb).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxBytes");
        Path many = zip("many.zip", Item.file("1", ""), Item.file("2", ""), Item.file("3", ""));
        BackupPlan entries = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxEntries(2)).build();
        assertThatThrownBy(() -> entries.restore(RestoreRequest.fromArchive(many).target(target)))
                .isInstanceOfSatisfying(RestoreException.class, e -> assertThat(e.entry()).contains("3"))
                .hasMessageContaining("RestoreLimits.maxEntries");
        assertThat(Files.readString(target.resolve("live.txt"))).isEqualTo("live data");

        // the default limits let a 20 MiB file of zeros through
        plan().restore(RestoreRequest.fromArchive(bomb).target(target));
        assertThat(Files.size(target.resolve("zeros.bin"))).isEqualTo(20 << 20);
    }

    @Test
    void shouldRefuseASnapshotBeyondTheLimitsBeforeTouchingTheTarget() throws Exception {
        Path source = TestTrees.plexLike(tmp.resolve("source"));
        BackupPlan p = BackupPlan.builder().source(source).destination(tmp.resolve("dest")).build();
        p.backup();
        Path target = Refusals.target(tmp);

        assertThatThrownBy(() -> p.toBuilder().restoreLimits(RestoreLimits.defaults().maxEntries(5)).build()
                .restore(RestoreRequest.latest().target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxEntries");
        assertThatThrownBy(() -> p.toBuilder().restoreLimits(RestoreLimits.defaults().maxBytes(1000)).build()
                .restore(RestoreRequest.latest().target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxBytes");
        assertThat(Files.readString(target.resolve("live.txt"))).isEqualTo("live data");
    }

    @Test
    void shouldNameAMissingOrUnreadableArchive() throws Exception {
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromArchive(tmp.resolve("missing.zip"))
                .target(tmp.resolve("t")))).isInstanceOf(BackupException.class).hasMessageContaining("missing.zip")
                .hasMessageContaining("does not exist");
        Path odd = tmp.resolve("backup.rar");
        Files.writeString(odd, "not really an archive");
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromArchive(odd).target(Refusals.target(tmp))))
                .isInstanceOf(BackupException.class).hasMessageContaining("backup.rar");
        assertThat(Files.readString(tmp.resolve("work/target/live.txt"))).isEqualTo("live data");
    }

    @Test
    void shouldRefuseATargetThatHoldsTheArchiveButRestoreNextToIt() throws Exception {
        Path zip = zip("plain.zip", Item.file("a.txt", "a"));
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromArchive(zip).target(tmp)))
                .isInstanceOf(BackupException.class).hasMessageContaining("contains the archive");
        assertThat(zip).exists();

        plan().restore(RestoreRequest.fromArchive(zip).target(tmp.resolve("next-to-it")));
        assertThat(tmp.resolve("next-to-it/a.txt")).hasContent("a");
    }

    @Test
    void shouldRejectBadLimits() {
        assertThatThrownBy(() -> RestoreLimits.defaults().maxBytes(0)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("maxBytes=0");
    }
}
