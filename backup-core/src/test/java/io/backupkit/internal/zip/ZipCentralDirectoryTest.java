package io.backupkit.internal.zip;

import io.backupkit.BackupPlan;
import io.backupkit.RestoreException;
import io.backupkit.RestoreLimits;
import io.backupkit.RestoreRequest;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counting a zip's entries from its central directory, so an archive over the limit is refused before it is read. */
class ZipCentralDirectoryTest {

    @TempDir
    Path tmp;

    private Path zip(String name, int entries, Zip64Mode mode, String comment) throws IOException {
        Path zip = tmp.resolve(name);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            out.setUseZip64(mode);
            out.setComment(comment);
            for (int i = 0; i < entries; i++) {
                ZipArchiveEntry e = new ZipArchiveEntry("d/entry-" + i + ".txt");
                e.setUnixMode(UnixStat.FILE_FLAG | 0644);
                out.putArchiveEntry(e);
                out.write(("content " + i).getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    @ParameterizedTest
    @EnumSource(value = Zip64Mode.class, names = {"Never", "Always"})
    void shouldCountEveryHeaderAndStopJustPastTheLimit(Zip64Mode mode) throws IOException {
        Path zip = zip("n.zip", 1200, mode, "a comment: the record is not at the very end");

        assertThat(ZipCentralDirectory.count(zip, 10_000).entries()).isEqualTo(1200);
        assertThat(ZipCentralDirectory.count(zip, 1199).entries()).isEqualTo(1200);
        assertThat(ZipCentralDirectory.count(zip, 100).entries()).isEqualTo(101);
        assertThat(ZipCentralDirectory.count(zip, 100).firstOver()).isEqualTo("d/entry-100.txt");
    }

    @Test
    void shouldReportNotAZipAsUnknown() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain.zip"), "not a zip at all, only some text");
        assertThat(ZipCentralDirectory.count(file, 10).entries()).isEqualTo(-1);
        assertThat(ZipCentralDirectory.count(Files.write(tmp.resolve("empty.zip"), new byte[0]), 10).entries())
                .isEqualTo(-1);
    }

    @Test
    void shouldRefuseAZipOverTheEntryLimitBeforeReadingItAndRestoreOneWithin() throws IOException {
        Path many = zip("many.zip", 3000, Zip64Mode.AsNeeded, "");
        Path target = tmp.resolve("target");
        BackupPlan plan = BackupPlan.builder().destination(tmp.resolve("dest"))
                .restoreLimits(RestoreLimits.defaults().maxEntries(1000)).build();

        assertThatThrownBy(() -> plan.restore(RestoreRequest.fromArchive(many).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("many.zip")
                .hasMessageContaining("d/entry-1000.txt")
                .hasMessageContaining("RestoreLimits.maxEntries").hasMessageContaining("central directory");
        assertThat(target.resolve("d")).doesNotExist();

        Path few = zip("few.zip", 900, Zip64Mode.AsNeeded, "");
        plan.restore(RestoreRequest.fromArchive(few).target(target));
        assertThat(target.resolve("d/entry-899.txt")).hasContent("content 899");
    }
}
