package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumeCommandTest {

    @TempDir
    Path tmp;

    /** The real zip archiver, failing on one unit as a full disk would. */
    private static Archiver zipFailingOn(String unit) {
        return failingOn("zip", unit);
    }

    /** A real archiver, failing on one unit as a full disk would. */
    private static Archiver failingOn(String id, String unit) {
        Archiver zip = ServiceLoader.load(Archiver.class, BackupPlan.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(a -> a.id().equals(id))
                .findFirst()
                .orElseThrow();
        return new Archiver() {
            @Override
            public String id() {
                return zip.id();
            }

            @Override
            public String extension() {
                return zip.extension();
            }

            @Override
            public Map<String, String> defaultOptions() {
                return zip.defaultOptions();
            }

            @Override
            public void write(ArchiveWriteRequest request) throws IOException {
                if (request.unit().equals(unit)) {
                    throw new IOException("No space left on device (test)");
                }
                zip.write(request);
            }

            @Override
            public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
                zip.read(archive, options, visitor);
            }
        };
    }

    @Test
    void shouldContinueAnInterruptedBackupKeepingTheUnitsWritten() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        Path dest = tmp.resolve("backups");
        BackupPlan interrupted = BackupPlan.builder().source(source).destination(dest)
                .archiver(zipFailingOn("Plug-in Support")).retries(0).build();
        assertThatThrownBy(interrupted::backup).isInstanceOf(BackupException.class);
        assertThat(CliRun.of("list", "--dest", dest.toString()).out()).contains("unfinished");

        CliRun run = CliRun.of("resume", "--source", source.toString(), "--dest", dest.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        Matcher m = Fixtures.WRITTEN.matcher(run.out().strip());
        assertThat(m.matches()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(m.group(5))).isPositive();
        assertThat(m.group(2)).isEqualTo("6");
        assertThat(CliRun.of("verify", "--dest", dest.toString()).exit()).isZero();
        try (var s = Files.list(dest)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void shouldContinueWithTheArchiverTheSnapshotWasStartedWithUnlessOneIsGiven() throws IOException {
        Path source = Fixtures.source(tmp.resolve("source"));
        Path dest = tmp.resolve("backups");
        BackupPlan interrupted = BackupPlan.builder().source(source).destination(dest)
                .archiver(failingOn("tar.zst", "Plug-in Support")).retries(0).build();
        assertThatThrownBy(interrupted::backup).isInstanceOf(BackupException.class);

        CliRun wrong = CliRun.of("resume", "--source", source.toString(), "--dest", dest.toString(),
                "--archiver", "zip");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.err()).contains("was started with archiver 'tar.zst', this plan uses 'zip'");

        CliRun run = CliRun.of("resume", "--source", source.toString(), "--dest", dest.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.errLines()).anyMatch(l -> l.startsWith("resuming snapshot ")
                && l.endsWith(" with archiver 'tar.zst', the one it was started with"));
        Matcher m = Fixtures.WRITTEN.matcher(run.out().strip());
        assertThat(m.matches()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(m.group(5))).as("units kept").isPositive();
        assertThat(CliRun.of("verify", "--dest", dest.toString()).exit()).isZero();
    }
}
