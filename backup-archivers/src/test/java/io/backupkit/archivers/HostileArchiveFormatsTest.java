package io.backupkit.archivers;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.backupkit.BackupPlan;
import io.backupkit.Refusals;
import io.backupkit.RestoreException;
import io.backupkit.RestoreLimits;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every refusal of a hostile archive, for each format of this module (core tests the same for zip): archives are
 * built here with Commons Compress, restored through {@link RestoreRequest#fromArchive}, and must be refused with a
 * {@link RestoreException} naming the entry, the target's live data untouched and nothing left outside it.
 */
class HostileArchiveFormatsTest {

    @TempDir
    Path tmp;

    /** One entry of a crafted archive. */
    record Item(String name, Kind kind, String content) {
        enum Kind { FILE, DIR, SYMLINK, HARDLINK, FIFO, CHAR_DEVICE }

        static Item file(String name, String content) {
            return new Item(name, Kind.FILE, content);
        }

        static Item dir(String name) {
            return new Item(name, Kind.DIR, null);
        }

        static Item link(String name, String target) {
            return new Item(name, Kind.SYMLINK, target);
        }
    }

    private int archives;

    /** Writes the items as an archive of the format, named so that restore recognises it. */
    private Path archive(String format, Item... items) throws IOException {
        Path archive = tmp.resolve("crafted-" + archives++ + "." + format);
        if (format.equals("7z")) {
            write7z(archive, items);
        } else {
            writeTar(archive, format, items);
        }
        return archive;
    }

    private static void writeTar(Path archive, String format, Item... items) throws IOException {
        OutputStream file = Files.newOutputStream(archive, StandardOpenOption.CREATE_NEW);
        OutputStream compressed = switch (format) {
            case "tar.gz" -> new GZIPOutputStream(file);
            case "tar.xz" -> new XZOutputStream(file, new LZMA2Options(1));
            case "tar.zst" -> new ZstdOutputStreamNoFinalizer(file, 3);
            default -> throw new IllegalArgumentException(format);
        };
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item item : items) {
                byte[] content = item.kind() == Item.Kind.FILE ? item.content().getBytes(StandardCharsets.UTF_8)
                        : new byte[0];
                TarArchiveEntry e = switch (item.kind()) {
                    case FILE -> new TarArchiveEntry(item.name(), TarConstants.LF_NORMAL, true);
                    case DIR -> new TarArchiveEntry(item.name() + "/", TarConstants.LF_DIR, true);
                    case SYMLINK -> new TarArchiveEntry(item.name(), TarConstants.LF_SYMLINK, true);
                    case HARDLINK -> new TarArchiveEntry(item.name(), TarConstants.LF_LINK, true);
                    case FIFO -> new TarArchiveEntry(item.name(), TarConstants.LF_FIFO, true);
                    case CHAR_DEVICE -> new TarArchiveEntry(item.name(), TarConstants.LF_CHR, true);
                };
                if (item.kind() == Item.Kind.SYMLINK || item.kind() == Item.Kind.HARDLINK) {
                    e.setLinkName(item.content());
                }
                e.setMode(item.kind() == Item.Kind.DIR ? 0755 : 0644);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
    }

    /** 7z has no hard links: the p7zip attributes carry the other types. */
    private static void write7z(Path archive, Item... items) throws IOException {
        try (SevenZOutputFile out = new SevenZOutputFile(Files.newByteChannel(archive, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE))) {
            out.setContentCompression(SevenZMethod.LZMA2);
            for (Item item : items) {
                SevenZArchiveEntry e = new SevenZArchiveEntry();
                e.setName(item.name());
                int unix = switch (item.kind()) {
                    case FILE -> 0100644;
                    case DIR -> 040755;
                    case SYMLINK -> 0120777;
                    case FIFO -> 0010644;
                    case CHAR_DEVICE -> 0020660;
                    case HARDLINK -> throw new IllegalArgumentException("7z stores no hard links");
                };
                e.setDirectory(item.kind() == Item.Kind.DIR);
                e.setWindowsAttributes((item.kind() == Item.Kind.DIR ? 0x10 : 0x20) | 0x8000 | unix << 16);
                e.setHasWindowsAttributes(true);
                out.putArchiveEntry(e);
                if (item.content() != null && item.kind() != Item.Kind.DIR) {
                    out.write(item.content().getBytes(StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
    }

    private BackupPlan plan() {
        return BackupPlan.builder().destination(tmp.resolve("dest")).build();
    }

    private void assertRefused(Path archive, String entry, String why) throws IOException {
        Refusals.assertRefused(tmp, plan(), archive, entry, why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRestoreAPlainArchive(String format) throws IOException {
        Path archive = archive(format, Item.dir("Metadata"), Item.file("Metadata/a.xml", "<a/>"),
                Item.link("Metadata/link", "a.xml"), Item.file("Preferences.xml", "<Preferences/>"));
        Path target = Refusals.target(tmp);

        RestoreResult r = plan().restore(RestoreRequest.fromArchive(archive).target(target));

        assertThat(r.files()).isEqualTo(2);
        assertThat(r.links()).isEqualTo(1);
        assertThat(target.resolve("Metadata/a.xml")).hasContent("<a/>");
        assertThat(Files.readSymbolicLink(target.resolve("Metadata/link")).toString()).isEqualTo("a.xml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseNamesThatClimbOut(String format) throws IOException {
        assertRefused(archive(format, Item.file("ok.txt", "ok"), Item.file("../evil.txt", "x")), "../evil.txt",
                "'..'");
        assertRefused(archive(format, Item.file("a/../../evil.txt", "x")), "a/../../evil.txt", "'..'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseAbsoluteNamesAndDriveLetters(String format) throws IOException {
        assertRefused(archive(format, Item.file("/tmp/evil.txt", "x")), "/tmp/evil.txt", "absolute");
        assertRefused(archive(format, Item.file("C:/evil.txt", "x")), "C:/evil.txt", "absolute");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseLinksPointingOutside(String format) throws IOException {
        assertRefused(archive(format, Item.link("passwd", "/etc/passwd")), "passwd", "absolute");
        assertRefused(archive(format, Item.dir("a"), Item.link("a/up", "../../outside")), "a/up", "unsafe link");
        assertRefused(archive(format, Item.dir("a"), Item.link("a/b", ".."), Item.link("c", "a/b/../..")), "c",
                "unsafe link");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseAFileWrittenThroughALinkStoredBeforeIt(String format) throws IOException {
        assertRefused(archive(format, Item.dir("real"), Item.link("dir", "real"), Item.file("dir/x.txt", "x")),
                "dir/x.txt", "through the link 'dir'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseALinkStoredAfterEntriesBeneathIt(String format) throws IOException {
        assertRefused(archive(format, Item.file("dir/x.txt", "x"), Item.link("dir", "elsewhere")), "dir",
                "beneath it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseFifosAndDevices(String format) throws IOException {
        assertRefused(archive(format, Item.file("ok.txt", "ok"), new Item("pipe", Item.Kind.FIFO, null)), "pipe",
                "FIFO");
        assertRefused(archive(format, new Item("tty", Item.Kind.CHAR_DEVICE, null)), "tty", "device");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseHardLinks(String format) throws IOException {
        assertRefused(archive(format, Item.file("a.txt", "a"), new Item("b.txt", Item.Kind.HARDLINK, "a.txt")),
                "b.txt", "hard link to 'a.txt'");
        assertRefused(archive(format, new Item("shadow", Item.Kind.HARDLINK, "/etc/shadow")), "shadow",
                "hard link");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseDuplicateNamesAlsoWhenTheyDifferOnlyInCase(String format) throws IOException {
        assertRefused(archive(format, Item.file("a.txt", "1"), Item.file("a.txt", "2")), "a.txt", "twice");
        assertRefused(archive(format, Item.file("Readme.txt", "1"), Item.file("README.txt", "2")), "README.txt",
                "letter case");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7z", "tar.gz", "tar.xz", "tar.zst"})
    void shouldRefuseDecompressionBombsAtTheLimits(String format) throws IOException {
        Path bomb = archive(format, Item.file("zeros.bin", "\0".repeat(20 << 20)));
        assertThat(Files.size(bomb)).as("a bomb is small").isLessThan(200_000);
        Path target = Refusals.target(tmp);

        BackupPlan ratio = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxRatio(100)).build();
        assertThatThrownBy(() -> ratio.restore(RestoreRequest.fromArchive(bomb).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("zeros.bin")
                .hasMessageContaining("RestoreLimits.maxRatio");
        BackupPlan bytes = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxBytes(1 << 20)).build();
        assertThatThrownBy(() -> bytes.restore(RestoreRequest.fromArchive(bomb).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxBytes");
        Path many = archive(format, Item.file("1", ""), Item.file("2", ""), Item.file("3", ""));
        BackupPlan entries = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxEntries(2)).build();
        assertThatThrownBy(() -> entries.restore(RestoreRequest.fromArchive(many).target(target)))
                .isInstanceOfSatisfying(RestoreException.class, e -> assertThat(e.entry()).contains("3"))
                .hasMessageContaining("RestoreLimits.maxEntries");
        assertThat(Files.readString(target.resolve("live.txt"))).isEqualTo("live data");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");
    }
}
