package io.backupkit;

import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.backupkit.SnapshotForger.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hostile-input corpus in one place, over the real jars: forged snapshots (through core's {@code SnapshotForger})
 * and crafted archives from other tools. Each case must be refused with a {@link RestoreException} naming the entry
 * and the reason, the target's live data untouched and nothing written anywhere else ({@code Refusals}); setuid,
 * setgid and sticky bits are dropped, never restored. The figures go to {@code target/reliability/hostile.txt}.
 *
 * <p>The many-entries case builds 50,000 empty entries (1,000,000 with {@code -Dbackupkit.reliability.full=true})
 * and restores them with {@code RestoreLimits.maxEntries} at half that: the refusal's time and heap are reported, not
 * asserted.
 */
@Timeout(600)
class HostileInputIT {

    private static final String ID = "20260101T000000Z";

    @TempDir
    Path tmp;

    private final List<String> refused = new ArrayList<>();
    private int cases;

    /** A case gets its own folder: {@code Refusals} checks that nothing in it changed. */
    private Path caseDir(String name) throws IOException {
        cases++;
        return Files.createDirectories(tmp.resolve(String.format("%02d-", cases) + name));
    }

    private void snapshot(String name, List<Entry> entries, String entry, String why) throws Exception {
        Path dir = caseDir(name);
        Path dest = dir.resolve("dest");
        SnapshotForger.forge(dest, ID, entries);
        Files.createFile(dest.resolve(".backupkit.lock")); // left, empty, by any earlier run: not the restore's doing
        Refusals.assertRefused(dir, BackupPlan.builder().destination(dest).build(), RestoreRequest.of(ID), entry,
                why);
        refused.add("snapshot: " + name);
    }

    private void archive(String name, Path archive, String entry, String why) throws IOException {
        Refusals.assertRefused(archive.getParent(), BackupPlan.builder().destination(archive.resolveSibling("dest"))
                .build(), archive, entry, why);
        refused.add("archive " + archive.getFileName() + ": " + name);
    }

    @Test
    void shouldRefuseEveryHostileInputAndDropSpecialModeBits() throws Exception {
        // forged snapshots: index, archive and manifest agree, only the engine's checks stand in the way
        snapshot("path traversal", List.of(Entry.file("ok.txt", "ok"), Entry.file("../evil.txt", "x")),
                "../evil.txt", "unsafe name");
        snapshot("absolute path", List.of(Entry.file("/tmp/evil.txt", "x")), "/tmp/evil.txt", "absolute path");
        snapshot("absolute link", List.of(Entry.link("etc", "/etc")), "etc", "is absolute");
        snapshot("link climbing out", List.of(Entry.link("up", "../../evil.txt")), "up",
                "points outside the restore target");
        twoStepLinkEscape();
        snapshot("device", List.of(Entry.file("dev", "").withMode(0020000 | 0644)), "dev", "device");
        snapshot("FIFO", List.of(Entry.file("pipe", "").withMode(0010000 | 0644)), "pipe", "FIFO");
        snapshot("duplicate name", List.of(Entry.file("a.txt", "one"), Entry.file("a.txt", "one").onlyInZip()),
                "a.txt", "twice");
        snapshot("entry the index does not list", List.of(Entry.file("a.txt", "one"),
                Entry.file("b.txt", "sneaky").onlyInZip()), "b.txt", "FILE_EXTRA");
        forgedManifest("archive path outside the snapshot", "\"units/_root.zip\"", "\"../../evil.zip\"",
                "outside the snapshot");
        forgedManifest("index path outside the snapshot", "\"index/_root.jsonl\"", "\"../../evil.jsonl\"",
                "outside the snapshot");
        forgedManifest("unit name with '..'", "\"name\":\"\"", "\"name\":\"../..\"", "..");

        // archives from other tools
        Path dir = caseDir("zip");
        archive("path traversal", zip(dir, "climb.zip", file("ok.txt", "ok"), file("../evil.txt", "x")),
                "../evil.txt", "'..'");
        archive("absolute path", zip(dir, "abs.zip", file("/tmp/evil.txt", "x")), "/tmp/evil.txt", "absolute");
        archive("drive letter", zip(dir, "drive.zip", file("C:/evil.txt", "x")), "C:/evil.txt", "absolute");
        archive("two-step link escape", zip(dir, "twostep.zip", dir("a/"), link("a/b", ".."),
                link("c", "a/b/../..")), "c", "unsafe link");
        archive("file written through a link", zip(dir, "through.zip", dir("real/"), link("d", "real"),
                file("d/x.txt", "x")), "d/x.txt", "through the link 'd'");
        archive("FIFO", zip(dir, "fifo.zip", new Item("pipe", "", 0010644)), "pipe", "FIFO");
        archive("duplicate name", zip(dir, "dup.zip", file("a.txt", "1"), file("a.txt", "2")), "a.txt", "twice");
        archive("names equal but for case", zip(dir, "case.zip", file("Readme.txt", "1"), file("README.txt", "2")),
                "README.txt", "letter case");
        Path tars = caseDir("tar");
        archive("hard link to a file outside", tar(tars, "shadow.tar.gz", TarConstants.LF_LINK, "shadow",
                "/etc/shadow"), "shadow", "hard link");
        archive("hard link inside", tar(tars, "hard.tar.gz", TarConstants.LF_LINK, "b.txt", "a.txt"), "b.txt",
                "hard link");
        archive("character device", tar(tars, "tty.tar.gz", TarConstants.LF_CHR, "tty", null), "tty", "device");
        archive("block device", tar(tars, "sda.tar.gz", TarConstants.LF_BLK, "sda", null), "sda", "device");
        archive("FIFO", tar(tars, "fifo.tar.gz", TarConstants.LF_FIFO, "pipe", null), "pipe", "FIFO");

        bombs();
        String many = manyEntries();
        String modes = specialModeBitsAreDropped();

        Path report = Files.createDirectories(Path.of("target", "reliability")).resolve("hostile.txt");
        String summary = "hostile cases " + refused.size() + ", refused " + refused.size() + ", written outside "
                + "the staging folder 0; " + many + "; " + modes;
        Files.writeString(report, String.join("\n", refused) + "\n" + summary + "\n");
        System.out.println("hostile.txt: " + summary);
    }

    /** "d/b" -> ".." and "d/a" -> "b/../../evil.txt" each look harmless; together they leave the target. */
    private void twoStepLinkEscape() throws Exception {
        Path dir = caseDir("two-step");
        Path dest = dir.resolve("dest");
        SnapshotForger.forge(dest, ID, List.of(new Entry("d/", "DIRECTORY", "", 040755, true, true),
                Entry.link("d/b", ".."), Entry.link("d/a", "b/../../evil.txt")));
        // the forger writes every entry as a file line: make d's line a folder's, and fix the index hash
        Path index = dest.resolve(ID).resolve("index/_root.jsonl");
        Files.writeString(index, Files.readString(index).replace("\"path\":\"d/\"", "\"path\":\"d\"")
                .replaceAll("(\"path\":\"d\",\"type\":\"DIRECTORY\",\"size\":0,\"mtime\":\"[^\"]+\",\"mode\":420),"
                        + "\"sha256\":\"[0-9a-f]+\"", "$1"));
        Path manifest = dest.resolve(ID).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"indexSha256\":\"[0-9a-f]+\"",
                "\"indexSha256\":\"" + SnapshotForger.sha(Files.readAllBytes(index)) + "\""));
        Files.createFile(dest.resolve(".backupkit.lock"));
        Refusals.assertRefused(dir, BackupPlan.builder().destination(dest).build(), RestoreRequest.of(ID), "d/b",
                "d/a");
        refused.add("snapshot: two-step link escape");
    }

    /** The forged snapshot's manifest with one value replaced (no manifest.sha256: an older snapshot's). */
    private void forgedManifest(String name, String from, String to, String why) throws Exception {
        Path dir = caseDir(name.replaceAll("[^a-z]+", "-"));
        Path dest = dir.resolve("dest");
        SnapshotForger.forge(dest, ID, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(ID).resolve("manifest.json");
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        Files.writeString(manifest, text.replace(from, to));
        Files.createFile(dest.resolve(".backupkit.lock"));
        Path target = Refusals.target(dir);
        List<String> before = Refusals.everythingUnder(dir);
        BackupPlan plan = BackupPlan.builder().destination(dest).build();
        assertThat(plan.verify(ID).ok()).as(name + ": verify").isFalse();
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(ID).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining(why);
        assertThat(Files.readString(target.resolve("live.txt"))).isEqualTo("live data");
        assertThat(Refusals.everythingUnder(dir)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(dir.getParent().resolve("evil.txt")).doesNotExist();
        refused.add("snapshot: forged manifest, " + name);
    }

    /** A zip of 20 MiB of zeros and a tar.zst of 256 MiB of zeros: refused at the limits, nothing extracted. */
    private void bombs() throws IOException {
        Path dir = caseDir("bombs");
        Path zip = zip(dir, "bomb.zip", file("zeros.bin", "\0".repeat(20 << 20)));
        assertThat(Files.size(zip)).isLessThan(100_000);
        limitRefusal(dir, zip, RestoreLimits.defaults().maxRatio(100), "RestoreLimits.maxRatio", "zip bomb");
        Path zst = dir.resolve("bomb.tar.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zst), 19);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("zeros.bin");
            e.setSize(256L << 20);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }
        assertThat(Files.size(zst)).as("a zstd bomb is small").isLessThan(100_000);
        // the default limits: 256 MiB out of a few KiB is far beyond the default 10,000 bytes per archive byte
        limitRefusal(dir, zst, RestoreLimits.defaults(), "RestoreLimits.maxRatio", "zstd bomb");
        limitRefusal(dir, zst, RestoreLimits.defaults().maxBytes(1 << 20), "RestoreLimits.maxBytes",
                "zstd bomb over maxBytes");
    }

    private void limitRefusal(Path dir, Path archive, RestoreLimits limits, String limit, String name)
            throws IOException {
        Path target = Refusals.target(dir);
        List<String> before = Refusals.everythingUnder(dir);
        BackupPlan plan = BackupPlan.builder().destination(dir.resolve("dest")).restoreLimits(limits).build();
        assertThatThrownBy(() -> plan.restore(RestoreRequest.fromArchive(archive).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("zeros.bin").hasMessageContaining(limit);
        assertThat(Refusals.everythingUnder(dir)).containsExactlyInAnyOrderElementsOf(before);
        refused.add("archive " + archive.getFileName() + ": " + name + " (" + limit + ")");
    }

    /** @return the figures of the refusal of an archive with very many empty entries */
    private String manyEntries() throws IOException {
        int n = Boolean.getBoolean("backupkit.reliability.full") ? 1_000_000 : 50_000;
        Path dir = caseDir("many");
        Path zip = dir.resolve("many.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (int i = 0; i < n; i++) {
                ZipArchiveEntry e = new ZipArchiveEntry("e/" + i);
                e.setUnixMode(UnixStat.FILE_FLAG | 0644);
                out.putArchiveEntry(e);
                out.closeArchiveEntry();
            }
        }
        Path target = Refusals.target(dir);
        List<String> before = Refusals.everythingUnder(dir);
        BackupPlan plan = BackupPlan.builder().destination(dir.resolve("dest"))
                .restoreLimits(RestoreLimits.defaults().maxEntries(n / 2)).build();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        assertThatThrownBy(() -> plan.restore(RestoreRequest.fromArchive(zip).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxEntries");
        long millis = (System.nanoTime() - start) / 1_000_000;
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        assertThat(Refusals.everythingUnder(dir)).containsExactlyInAnyOrderElementsOf(before);
        refused.add("archive many.zip: " + n + " empty entries over RestoreLimits.maxEntries(" + n / 2 + ")");
        return n + " empty entries (" + Files.size(zip) / 1024 + " KiB) refused at maxEntries " + n / 2 + " in "
                + millis + " ms, heap grew " + Math.max(0, heapAfter - heapBefore) / (1 << 20) + " MiB";
    }

    /** A setuid, setgid and sticky file backed up and restored, and in a foreign zip: only rwx bits come back. */
    private String specialModeBitsAreDropped() throws IOException {
        Path dir = caseDir("modes");
        Path source = Files.createDirectories(dir.resolve("source"));
        Path tool = source.resolve("tool.sh");
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setAttribute(tool, "unix:mode", 07755);
        int sourceMode = (Integer) Files.getAttribute(tool, "unix:mode") & 07777;
        BackupPlan plan = BackupPlan.builder().source(source).destination(dir.resolve("dest")).build();
        plan.backup();
        Path restored = dir.resolve("restored");
        plan.restore(RestoreRequest.latest().target(restored));
        int snapshotMode = (Integer) Files.getAttribute(restored.resolve("tool.sh"), "unix:mode",
                LinkOption.NOFOLLOW_LINKS) & 07777;
        assertThat(snapshotMode).as("a restored setuid file").isEqualTo(0755);

        Path zip = zip(dir, "setuid.zip", new Item("su", "x", UnixStat.FILE_FLAG | 06755));
        Path fromZip = dir.resolve("from-zip");
        plan.restore(RestoreRequest.fromArchive(zip).target(fromZip));
        int zipMode = (Integer) Files.getAttribute(fromZip.resolve("su"), "unix:mode") & 07777;
        assertThat(zipMode).as("a setuid file from a foreign zip").isEqualTo(0755);
        assertThat(Files.getPosixFilePermissions(fromZip.resolve("su")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        return "setuid/setgid/sticky dropped: source mode " + Integer.toOctalString(sourceMode)
                + " restored as " + Integer.toOctalString(snapshotMode) + ", a zip's 6755 as "
                + Integer.toOctalString(zipMode);
    }

    // ------------------------------------------------------------------ crafted archives

    private record Item(String name, String content, int unixMode) {
    }

    private static Item file(String name, String content) {
        return new Item(name, content, UnixStat.FILE_FLAG | 0644);
    }

    private static Item dir(String name) {
        return new Item(name, null, UnixStat.DIR_FLAG | 0755);
    }

    private static Item link(String name, String target) {
        return new Item(name, target, UnixStat.LINK_FLAG | 0777);
    }

    private static Path zip(Path dir, String name, Item... items) throws IOException {
        Path zip = dir.resolve(name);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Item item : items) {
                ZipArchiveEntry e = new ZipArchiveEntry(item.name());
                e.setUnixMode(item.unixMode());
                out.putArchiveEntry(e);
                if (item.content() != null) {
                    out.write(item.content().getBytes(StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    /** A tar.gz holding {@code a.txt} and one entry of the given type. */
    private static Path tar(Path dir, String name, byte type, String entry, String linkName) throws IOException {
        Path archive = dir.resolve(name);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(
                Files.newOutputStream(archive)), StandardCharsets.UTF_8.name())) {
            TarArchiveEntry a = new TarArchiveEntry("a.txt");
            a.setSize(1);
            tar.putArchiveEntry(a);
            tar.write('a');
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry(entry, type, true);
            if (linkName != null) {
                e.setLinkName(linkName);
            }
            e.setMode(0644);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        return archive;
    }
}
