package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleCommandTest {

    private static final Pattern RUN_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d) (Snapshot \\d{8}T\\d{6}Z written: .*"
                    + "|Backup skipped: .*)");

    @TempDir
    Path tmp;

    private String source() throws IOException {
        return Fixtures.source(tmp.resolve("Plex Media Server")).toString();
    }

    private String dest() {
        return tmp.resolve("backups").toString();
    }

    private List<Path> snapshots() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(dest()))) {
            return list.filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}Z")).toList();
        }
    }

    @Test
    void shouldRunTheGivenNumberOfBackupsPrintingOneLineEach() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "200ms", "--runs", "2", "--source", source(), "--dest", dest(),
                "--exclude", "Logs/**");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).as(run.toString()).allMatch(l -> RUN_LINE.matcher(l).matches())
                .filteredOn(l -> l.contains(" written: ")).hasSize(2);
        assertThat(snapshots()).hasSize(2);
        assertThat(run.err()).contains("every PT0.2S").contains("stopping after 2 runs");
    }

    @Test
    void shouldPrintOneJsonObjectPerLine() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "PT0.2S", "--runs", "1", "--source", source(), "--dest", dest(),
                "--json", "--quiet", "--keep", "1");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.outLines().get(0));
        assertThat(json.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.get("scheduled").asText()).endsWith("Z");
        assertThat(json.get("result").get("snapshotId").asText()).matches("\\d{8}T\\d{6}Z");
        assertThat(json.get("result").get("files").asLong()).isEqualTo(6);
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldReportAFailedRunAndExitWithOne() {
        Path missing = tmp.resolve("no such folder");

        CliRun run = CliRun.of("schedule", "--every", "200ms", "--runs", "1", "--source", missing.toString(),
                "--dest", dest(), "--quiet");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.outLines()).singleElement().asString()
                .endsWith(" Backup failed: Source folder " + missing + " does not exist");
    }

    @Test
    void shouldAcceptEveryBackupOption() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "1h", "--runs", "1", "--source", source(), "--dest", dest(),
                "--archiver", "mirror", "--split", "Metadata", "--workers", "2", "--retries", "1",
                "--retry-wait", "0s", "--dry-run", "--quiet");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).singleElement().asString().contains(" Dry run: snapshot ");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldRejectABadIntervalAsBadUsage() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "soon", "--source", source(), "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()).filteredOn(l -> l.startsWith(ErrorHandler.PREFIX)).singleElement().asString()
                .contains("--every").contains("'soon' is not a duration");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldRejectAZeroIntervalAsBadUsage() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "0m", "--source", source(), "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--every").contains("must be positive, was '0m'");
    }

    @Test
    void shouldRejectABadTimeOfDayAsBadUsage() throws IOException {
        CliRun run = CliRun.of("schedule", "--daily", "25:00", "--source", source(), "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--daily").contains("'25:00' is not a time of day");
    }

    @Test
    void shouldRejectAnUnknownZoneAsBadUsage() throws IOException {
        CliRun run = CliRun.of("schedule", "--daily", "00:05", "--zone", "Mars/Olympus", "--source", source(),
                "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("'Mars/Olympus' is not a time zone");
    }

    @Test
    void shouldRejectRunsBelowOneAsBadUsage() throws IOException {
        CliRun run = CliRun.of("schedule", "--every", "6h", "--runs", "0", "--source", source(), "--dest", dest());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--runs must be at least 1, was 0");
        assertThat(Path.of(dest())).doesNotExist();
    }

    @Test
    void shouldRequireExactlyOneOfDailyAndEvery() throws IOException {
        String source = source();
        CliRun neither = CliRun.of("schedule", "--source", source, "--dest", dest());
        CliRun both = CliRun.of("schedule", "--daily", "00:05", "--every", "6h", "--source", source, "--dest",
                dest());

        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.errLines().get(0)).contains("--daily").contains("--every");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.errLines().get(0)).contains("mutually exclusive");
    }

    @Test
    void shouldStopCleanlyWhenInterrupted() throws Exception {
        String source = source();
        CliRun[] result = new CliRun[1];
        Thread cli = new Thread(() -> result[0] = CliRun.of("schedule", "--daily", "00:05", "--source", source,
                "--dest", dest()));
        cli.start();
        // wait until the schedule is waiting: the start line is printed after it started
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cli.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        cli.interrupt();
        cli.join(Duration.ofSeconds(10).toMillis());

        assertThat(cli.isAlive()).isFalse();
        assertThat(result[0].exit()).as(result[0].toString()).isZero();
        assertThat(result[0].out()).isEmpty();
        assertThat(result[0].err()).contains("daily at 00:05").contains("Schedule stopped");
    }

    @Test
    void shouldReadShortAndIsoDurations() {
        assertThat(ScheduleCommand.parseDuration("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(ScheduleCommand.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ScheduleCommand.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(ScheduleCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ScheduleCommand.parseDuration("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(ScheduleCommand.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ScheduleCommand.parseDuration("PT6H")).isEqualTo(Duration.ofHours(6));
        assertThat(ScheduleCommand.parseDuration("P1D")).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> ScheduleCommand.parseDuration("6 hours")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'6 hours'");
        assertThatThrownBy(() -> ScheduleCommand.parseDuration("-6h")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> ScheduleCommand.parseDuration("PT-6H")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("must be positive");
    }
}
