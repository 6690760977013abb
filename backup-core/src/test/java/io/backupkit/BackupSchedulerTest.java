package io.backupkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When runs are due, and what a schedule accepts. */
class BackupSchedulerTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @TempDir
    Path tmp;

    private BackupPlan plan;
    private ScheduledExecutorService executor;

    @BeforeEach
    void setUp() {
        plan = BackupPlan.builder().source(tmp.resolve("source")).destination(tmp.resolve("dest")).build();
        executor = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    private BackupScheduler daily(String time, ZoneId zone) {
        return BackupScheduler.daily(plan, LocalTime.parse(time)).zone(zone);
    }

    @Test
    void shouldRunLaterTheSameDayWhenStartedBeforeTheTime() {
        assertThat(daily("00:05", BERLIN).firstRun(at("2026-06-10T00:00:00+02:00")))
                .isEqualTo(at("2026-06-10T00:05:00+02:00"));
    }

    @Test
    void shouldRunTheNextDayWhenStartedAfterTheTime() {
        assertThat(daily("00:05", BERLIN).firstRun(at("2026-06-10T00:06:00+02:00")))
                .isEqualTo(at("2026-06-11T00:05:00+02:00"));
    }

    @Test
    void shouldRunAtOnceWhenStartedAtTheTimeAndThenTheNextDay() {
        BackupScheduler s = daily("00:05", BERLIN);
        Instant first = s.firstRun(at("2026-06-10T00:05:00+02:00"));

        assertThat(first).isEqualTo(at("2026-06-10T00:05:00+02:00"));
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-06-11T00:05:00+02:00"));
    }

    @Test
    void shouldReportTheNextRunOfAStartedScheduleFromItsClock() {
        Clock clock = Clock.fixed(at("2026-06-10T00:00:00+02:00"), ZoneOffset.UTC);

        ScheduledBackup handle = daily("00:05", BERLIN).clock(clock).start(executor);

        assertThat(handle.nextRun()).contains(at("2026-06-10T00:05:00+02:00"));
        handle.cancel();
        assertThat(handle.nextRun()).isEmpty();
        assertThat(handle.runs()).isEmpty();
    }

    @Test
    void shouldUseTheSystemZoneUnlessTold() {
        assertThat(BackupScheduler.daily(plan, LocalTime.NOON).zone()).isEqualTo(ZoneId.systemDefault());
    }

    @Test
    void shouldRunAtTheEndOfTheGapWhenTheTimeDoesNotExistOnTheSpringForwardDayInBerlin() {
        BackupScheduler s = daily("02:30", BERLIN);   // 2026-03-29: 02:00 CET becomes 03:00 CEST

        Instant first = s.firstRun(at("2026-03-29T00:00:00+01:00"));

        assertThat(first).isEqualTo(at("2026-03-29T03:00:00+02:00"));
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-03-30T02:30:00+02:00"));
        assertThat(s.nextRun(first, at("2026-03-28T02:30:00+01:00"))).isEqualTo(first);
    }

    @Test
    void shouldRunOnceWhenTheTimeOccursTwiceOnTheFallBackDayInBerlin() {
        BackupScheduler s = daily("02:30", BERLIN);   // 2026-10-25: 03:00 CEST becomes 02:00 CET

        Instant first = s.firstRun(at("2026-10-25T00:00:00+02:00"));

        assertThat(first).isEqualTo(at("2026-10-25T02:30:00+02:00"));
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-10-26T02:30:00+01:00"));
        assertThat(s.nextRun(first, at("2026-10-25T02:45:00+02:00")))
                .as("between the two 02:30s").isEqualTo(at("2026-10-26T02:30:00+01:00"));
    }

    @Test
    void shouldKeepTheWallClockTimeAcrossTheChangeInBerlin() {
        BackupScheduler s = daily("00:05", BERLIN);
        Instant before = s.firstRun(at("2026-03-29T00:00:00+01:00"));
        Instant after = s.nextRun(before, before);

        assertThat(before).isEqualTo(at("2026-03-29T00:05:00+01:00"));
        assertThat(after).isEqualTo(at("2026-03-30T00:05:00+02:00"));
        assertThat(Duration.between(before, after)).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void shouldRunAtTheEndOfTheGapOnTheSpringForwardDayInNewYork() {
        BackupScheduler s = daily("02:30", NEW_YORK);   // 2026-03-08: 02:00 EST becomes 03:00 EDT

        Instant first = s.firstRun(at("2026-03-08T00:00:00-05:00"));

        assertThat(first).isEqualTo(at("2026-03-08T03:00:00-04:00"));
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-03-09T02:30:00-04:00"));
    }

    @Test
    void shouldRunOnceWhenTheTimeOccursTwiceOnTheFallBackDayInNewYork() {
        BackupScheduler s = daily("01:30", NEW_YORK);   // 2026-11-01: 02:00 EDT becomes 01:00 EST

        Instant first = s.firstRun(at("2026-11-01T00:00:00-04:00"));

        assertThat(first).isEqualTo(at("2026-11-01T01:30:00-04:00"));
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-11-02T01:30:00-05:00"));
        assertThat(s.nextRun(first, at("2026-11-01T01:30:00-05:00"))).isEqualTo(at("2026-11-02T01:30:00-05:00"));
    }

    @Test
    void shouldRunOnTheLeapDayAndTheDayAfter() {
        BackupScheduler s = daily("00:05", ZoneOffset.UTC);

        Instant leapDay = s.firstRun(at("2028-02-28T23:00:00Z"));

        assertThat(leapDay).isEqualTo(at("2028-02-29T00:05:00Z"));
        assertThat(s.nextRun(leapDay, leapDay)).isEqualTo(at("2028-03-01T00:05:00Z"));
    }

    @Test
    void shouldRunAnIntervalScheduleAtOnceThenAtFixedRate() {
        BackupScheduler s = BackupScheduler.every(plan, Duration.ofHours(6));
        Instant start = at("2026-06-10T12:00:00Z");

        Instant first = s.firstRun(start);

        assertThat(first).isEqualTo(start);
        assertThat(s.nextRun(first, first)).isEqualTo(at("2026-06-10T18:00:00Z"));
        assertThat(s.nextRun(first, at("2026-06-10T18:00:00Z").minusNanos(1))).isEqualTo(at("2026-06-10T18:00:00Z"));
    }

    @Test
    void shouldNotCatchUpTheDueTimesALongRunMissed() {
        BackupScheduler s = BackupScheduler.every(plan, Duration.ofHours(6));
        Instant first = at("2026-06-10T12:00:00Z");

        // the run due at 12:00 ended at 07:00 the next day: 18:00, 00:00 and 06:00 passed meanwhile
        assertThat(s.nextRun(first, at("2026-06-11T07:00:00Z"))).isEqualTo(at("2026-06-11T12:00:00Z"));
    }

    @Test
    void shouldRejectANullPlan() {
        assertThatThrownBy(() -> BackupScheduler.daily(null, LocalTime.MIDNIGHT))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("plan").hasMessageContaining("null");
        assertThatThrownBy(() -> BackupScheduler.every(null, Duration.ofHours(1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("plan").hasMessageContaining("null");
    }

    @Test
    void shouldRejectANullTime() {
        assertThatThrownBy(() -> BackupScheduler.daily(plan, null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("time").hasMessageContaining("null");
    }

    @Test
    void shouldRejectANullInterval() {
        assertThatThrownBy(() -> BackupScheduler.every(plan, null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("interval")
                .hasMessageContaining("null");
    }

    @Test
    void shouldRejectAZeroIntervalQuotingIt() {
        assertThatThrownBy(() -> BackupScheduler.every(plan, Duration.ZERO))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("must be positive, was PT0S");
    }

    @Test
    void shouldRejectANegativeIntervalQuotingIt() {
        assertThatThrownBy(() -> BackupScheduler.every(plan, Duration.ofHours(-6)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("must be positive, was PT-6H");
    }

    @Test
    void shouldRejectAPlanWithoutASource() {
        BackupPlan readOnly = BackupPlan.builder().destination(tmp.resolve("dest")).build();

        assertThatThrownBy(() -> BackupScheduler.every(readOnly, Duration.ofHours(1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("no source");
        assertThatThrownBy(() -> BackupScheduler.daily(readOnly, LocalTime.MIDNIGHT))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("no source");
    }

    @Test
    void shouldRejectANullZone() {
        assertThatThrownBy(() -> BackupScheduler.daily(plan, LocalTime.MIDNIGHT).zone(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("zone");
    }

    @Test
    void shouldRejectANullClock() {
        assertThatThrownBy(() -> BackupScheduler.daily(plan, LocalTime.MIDNIGHT).clock(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("clock");
    }

    @Test
    void shouldRejectANullRunListener() {
        assertThatThrownBy(() -> BackupScheduler.daily(plan, LocalTime.MIDNIGHT).onRun(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("listener");
    }

    @Test
    void shouldRejectANullExecutor() {
        assertThatThrownBy(() -> BackupScheduler.daily(plan, LocalTime.MIDNIGHT).start(null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("executor");
    }

    @Test
    void shouldFailToStartOnAnExecutorThatWasShutDown() {
        executor.shutdown();

        assertThatThrownBy(() -> BackupScheduler.daily(plan, LocalTime.MIDNIGHT).start(executor))
                .isInstanceOf(BackupException.class).hasMessageContaining("refused")
                .hasMessageContaining(tmp.resolve("source").toString());
    }

    @Test
    void shouldBeImmutable() {
        BackupScheduler utc = BackupScheduler.daily(plan, LocalTime.MIDNIGHT).zone(ZoneOffset.UTC);

        BackupScheduler berlin = utc.zone(BERLIN);

        assertThat(utc.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(berlin.zone()).isEqualTo(BERLIN);
        assertThat(berlin.time()).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(berlin.interval()).isNull();
    }
}
