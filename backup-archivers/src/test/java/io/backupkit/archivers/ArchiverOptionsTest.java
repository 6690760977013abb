package io.backupkit.archivers;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad option value of any archiver is one of the problems {@code build()} reports, before a service is stopped or
 * a file written, with the same message the archiver would give when writing.
 */
class ArchiverOptionsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "7z      | level          | 10   | 7z option 'level' must be a whole number 0-9, was '10'",
            "7z      | memoryLimitMiB | 0    | 7z option 'memoryLimitMiB' must be a whole number 1-65536, was '0'",
            "tar.gz  | level          | 0    | tar.gz option 'level' must be a whole number 1-9, was '0'",
            "tar.xz  | level          | x    | tar.xz option 'level' must be a whole number 0-9, was 'x'",
            "tar.xz  | memoryLimitMiB | 1    | tar.xz option 'level' 6 writes archives that need 9 MiB to read",
            "tar.zst | level          | 25   | tar.zst option 'level' must be a whole number 1-19, was '25'",
            "tar.zst | workers        | many | tar.zst option 'workers' must be 'auto' or a whole number 0-64, was 'many'",
    })
    void shouldRejectABadOptionValueWhenThePlanIsBuilt(String archiver, String option, String value, String message)
            throws IOException {
        Files.createDirectories(tmp.resolve("src"));
        BackupPlan.Builder builder = BackupPlan.builder().source(tmp.resolve("src")).destination(tmp.resolve("dest"))
                .archiver(archiver).archiverOption(option, value);

        assertThatThrownBy(builder::build).isInstanceOf(InvalidPlanException.class).hasMessageContaining(message);
        assertThat(tmp.resolve("dest")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"7z | level | 9", "tar.gz | level | 1", "tar.xz | level | 0",
            "tar.zst | workers | 2", "tar.zst | workers | auto"})
    void shouldAcceptAGoodOptionValue(String archiver, String option, String value) throws IOException {
        Files.createDirectories(tmp.resolve("src"));
        BackupPlan plan = BackupPlan.builder().source(tmp.resolve("src")).destination(tmp.resolve("dest"))
                .archiver(archiver).archiverOption(option, value).build();
        assertThat(plan).isNotNull();
    }
}
