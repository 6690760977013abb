package io.backupkit;

import io.backupkit.spi.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each built-in policy with hand-picked dates: month ends, ISO week 53, a leap day, boundaries. */
class RetentionPoliciesTest {

    static Snapshot snap(String isoTime) {
        return snap(isoTime, 0);
    }

    static Snapshot snap(String isoTime, long storedBytes) {
        Instant t = Instant.parse(isoTime);
        String id = io.backupkit.internal.SnapshotStore.idFor(t);
        return new Snapshot(id, t, null, true, Path.of(id), "zip", 1, 1, 1, false, storedBytes);
    }

    static List<Snapshot> newestFirst(Snapshot... s) {
        List<Snapshot> list = new ArrayList<>(List.of(s));
        list.sort(Comparator.comparing(Snapshot::id).reversed());
        return list;
    }

    static List<Instant> created(List<Snapshot> kept) {
        return kept.stream().map(Snapshot::created).sorted().toList();
    }

    static List<Instant> times(String... iso) {
        return java.util.Arrays.stream(iso).map(Instant::parse).sorted().toList();
    }

    @Test
    void shouldKeepTheNewestNWithKeepLast() {
        List<Snapshot> all = newestFirst(snap("2026-01-01T00:00:00Z"), snap("2026-01-02T00:00:00Z"),
                snap("2026-01-03T00:00:00Z"));

        assertThat(created(RetentionPolicies.keepLast(2).keep(all, Instant.now())))
                .isEqualTo(times("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"));
    }

    @Test
    void shouldKeepEverythingWithKeepAll() {
        List<Snapshot> all = newestFirst(snap("2026-01-01T00:00:00Z"), snap("2026-01-02T00:00:00Z"));

        assertThat(RetentionPolicies.keepAll().keep(all, Instant.now())).isEqualTo(all);
    }

    @Test
    void shouldKeepWithinTheDurationIncludingTheBoundary() {
        Instant now = Instant.parse("2026-03-31T12:00:00Z");
        List<Snapshot> all = newestFirst(snap("2026-03-01T12:00:00Z"), snap("2026-03-01T11:59:59Z"),
                snap("2026-03-31T11:00:00Z"), snap("2026-04-01T00:00:00Z"));

        List<Snapshot> kept = RetentionPolicies.keepWithin(Duration.ofDays(30)).keep(all, now);

        assertThat(created(kept)).as("exactly 30 days old is within; a second older is not; the future is kept")
                .isEqualTo(times("2026-03-01T12:00:00Z", "2026-03-31T11:00:00Z", "2026-04-01T00:00:00Z"));
    }

    @Test
    void shouldKeepTheNewestOfEachOfTheLastDaysThatHaveSnapshots() {
        List<Snapshot> all = newestFirst(
                snap("2024-02-28T01:00:00Z"), snap("2024-02-28T23:00:00Z"),
                snap("2024-02-29T05:00:00Z"), snap("2024-02-29T23:59:59Z"),     // leap day
                snap("2024-03-02T10:00:00Z"));                                   // no snapshot on March 1st

        List<Snapshot> kept = RetentionPolicies.gfs().daily(3).keep(all, Instant.now());

        assertThat(created(kept)).isEqualTo(times("2024-02-28T23:00:00Z", "2024-02-29T23:59:59Z",
                "2024-03-02T10:00:00Z"));
    }

    @Test
    void shouldCountIsoWeeksAcrossTheYearEndIncludingWeek53() {
        // 2026 has an ISO week 53: Monday 2026-12-28 to Sunday 2027-01-03
        List<Snapshot> all = newestFirst(
                snap("2026-12-27T10:00:00Z"),   // Sunday of week 52
                snap("2026-12-28T10:00:00Z"),   // week 53
                snap("2026-12-31T10:00:00Z"),   // week 53
                snap("2027-01-03T10:00:00Z"),   // week 53, newest of it
                snap("2027-01-04T10:00:00Z"));  // week 1 of 2027

        List<Snapshot> kept = RetentionPolicies.gfs().weekly(3).keep(all, Instant.now());

        assertThat(created(kept)).isEqualTo(times("2026-12-27T10:00:00Z", "2027-01-03T10:00:00Z",
                "2027-01-04T10:00:00Z"));
    }

    @Test
    void shouldKeepTheNewestOfEachMonthAtMonthEnds() {
        List<Snapshot> all = newestFirst(
                snap("2026-01-31T23:59:59Z"), snap("2026-02-01T00:00:00Z"),
                snap("2026-02-28T23:00:00Z"), snap("2026-03-31T22:00:00Z"), snap("2026-03-01T00:00:00Z"));

        List<Snapshot> kept = RetentionPolicies.gfs().monthly(2).keep(all, Instant.now());

        assertThat(created(kept)).isEqualTo(times("2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z"));
    }

    @Test
    void shouldKeepTheNewestOfEachYear() {
        List<Snapshot> all = newestFirst(snap("2023-12-31T23:59:59Z"), snap("2024-01-01T00:00:00Z"),
                snap("2024-12-31T12:00:00Z"), snap("2025-06-01T00:00:00Z"));

        List<Snapshot> kept = RetentionPolicies.gfs().yearly(5).keep(all, Instant.now());

        assertThat(created(kept)).isEqualTo(times("2023-12-31T23:59:59Z", "2024-12-31T12:00:00Z",
                "2025-06-01T00:00:00Z"));
    }

    @Test
    void shouldCountOneSnapshotForSeveralRulesAsResticDoes() {
        List<Snapshot> all = newestFirst(snap("2026-05-10T10:00:00Z"), snap("2026-05-09T10:00:00Z"),
                snap("2026-04-15T10:00:00Z"));

        List<Snapshot> kept = RetentionPolicies.gfs().daily(1).monthly(2).keep(all, Instant.now());

        assertThat(created(kept)).as("the newest counts for its day and its month; April's newest for April")
                .isEqualTo(times("2026-04-15T10:00:00Z", "2026-05-10T10:00:00Z"));
    }

    @Test
    void shouldCutDaysInTheGivenZone() {
        // 23:30 UTC on May 9th is already May 10th in Paris (UTC+2)
        List<Snapshot> all = newestFirst(snap("2026-05-09T23:30:00Z"), snap("2026-05-10T08:00:00Z"));

        assertThat(RetentionPolicies.gfs().daily(2).keep(all, Instant.now())).hasSize(2);
        assertThat(created(RetentionPolicies.gfs().daily(2).zone(ZoneId.of("Europe/Paris")).keep(all, Instant.now())))
                .isEqualTo(times("2026-05-10T08:00:00Z"));
    }

    @Test
    void shouldKeepNewestSnapshotsWithinTheTotalSize() {
        List<Snapshot> all = newestFirst(snap("2026-01-04T00:00:00Z", 40), snap("2026-01-03T00:00:00Z", 50),
                snap("2026-01-02T00:00:00Z", 20), snap("2026-01-01T00:00:00Z", 5));

        assertThat(created(RetentionPolicies.maxTotalSize(90).keep(all, Instant.now())))
                .isEqualTo(times("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));
        assertThat(created(RetentionPolicies.maxTotalSize(109).keep(all, Instant.now())))
                .as("stops at the first that does not fit, even if an older one would")
                .isEqualTo(times("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));
        assertThat(RetentionPolicies.maxTotalSize(39).keep(all, Instant.now())).isEmpty();
    }

    @Test
    void shouldKeepWhatAnyPolicyOfAUnionKeeps() {
        List<Snapshot> all = newestFirst(snap("2026-01-03T00:00:00Z"), snap("2026-01-02T00:00:00Z"),
                snap("2025-06-01T00:00:00Z"));
        RetentionPolicy union = RetentionPolicies.union(RetentionPolicies.keepLast(1),
                RetentionPolicies.gfs().yearly(2));

        assertThat(created(union.keep(all, Instant.now())))
                .isEqualTo(times("2025-06-01T00:00:00Z", "2026-01-03T00:00:00Z"));
    }

    @Test
    void shouldPrintEachPolicyAsTheCallThatMadeIt() {
        assertThat(RetentionPolicies.keepLast(3)).hasToString("keepLast(3)");
        assertThat(RetentionPolicies.keepAll()).hasToString("keepAll()");
        assertThat(RetentionPolicies.keepWithin(Duration.ofDays(30))).hasToString("keepWithin(PT720H)");
        assertThat(RetentionPolicies.gfs().daily(7).weekly(4).monthly(12).yearly(2))
                .hasToString("gfs(daily=7, weekly=4, monthly=12, yearly=2)");
        assertThat(RetentionPolicies.gfs().daily(1).zone(ZoneId.of("Europe/Paris")))
                .hasToString("gfs(daily=1, zone=Europe/Paris)");
        assertThat(RetentionPolicies.maxTotalSize(1000)).hasToString("maxTotalSize(1000)");
        assertThat(RetentionPolicies.union(RetentionPolicies.keepLast(2), RetentionPolicies.gfs().weekly(4)))
                .hasToString("union(keepLast(2), gfs(weekly=4))");
    }

    @Test
    void shouldHaveAnIdForEachPolicy() {
        assertThat(List.of(RetentionPolicies.keepLast(1), RetentionPolicies.keepAll(),
                RetentionPolicies.keepWithin(Duration.ofHours(1)), RetentionPolicies.gfs().daily(1),
                RetentionPolicies.maxTotalSize(1), RetentionPolicies.union(RetentionPolicies.keepAll())))
                .extracting(RetentionPolicy::id)
                .containsExactly("keep-last", "keep-all", "keep-within", "gfs", "max-total-size", "union");
    }

    @Test
    void shouldBeImmutableWhenSettingGfsCounts() {
        RetentionPolicies.Gfs base = RetentionPolicies.gfs().daily(7);
        RetentionPolicies.Gfs more = base.weekly(4);

        assertThat(base.weekly()).isZero();
        assertThat(more.daily()).isEqualTo(7);
        assertThat(more.weekly()).isEqualTo(4);
        assertThat(more).isEqualTo(RetentionPolicies.gfs().weekly(4).daily(7));
    }

    @Test
    void shouldRejectKeepLastBelowOne() {
        assertThatThrownBy(() -> RetentionPolicies.keepLast(0)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("was 0");
    }

    @Test
    void shouldRejectAKeepWithinThatIsNotPositive() {
        assertThatThrownBy(() -> RetentionPolicies.keepWithin(Duration.ZERO)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("was PT0S");
        assertThatThrownBy(() -> RetentionPolicies.keepWithin(Duration.ofDays(-1)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("was PT-24H");
        assertThatThrownBy(() -> RetentionPolicies.keepWithin(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("was null");
    }

    @Test
    void shouldRejectNegativeGfsCounts() {
        assertThatThrownBy(() -> RetentionPolicies.gfs().daily(-1)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("daily").hasMessageContaining("was -1");
        assertThatThrownBy(() -> RetentionPolicies.gfs().weekly(-2)).hasMessageContaining("weekly")
                .hasMessageContaining("was -2");
        assertThatThrownBy(() -> RetentionPolicies.gfs().monthly(-3)).hasMessageContaining("monthly")
                .hasMessageContaining("was -3");
        assertThatThrownBy(() -> RetentionPolicies.gfs().yearly(-4)).hasMessageContaining("yearly")
                .hasMessageContaining("was -4");
        assertThatThrownBy(() -> RetentionPolicies.gfs().zone(null)).isInstanceOf(InvalidPlanException.class);
    }

    @Test
    void shouldRejectAGfsWithoutAnyCountOnAPlanAndInAUnion() {
        BackupPlan.Builder b = BackupPlan.builder().destination(Path.of("dest"));

        assertThatThrownBy(() -> b.retention(RetentionPolicies.gfs())).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("gfs()");
        assertThatThrownBy(() -> RetentionPolicies.union(RetentionPolicies.keepLast(1), RetentionPolicies.gfs()))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("gfs()");
    }

    @Test
    void shouldRejectAMaxTotalSizeBelowOneByte() {
        assertThatThrownBy(() -> RetentionPolicies.maxTotalSize(0)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> RetentionPolicies.maxTotalSize(-5)).hasMessageContaining("was -5");
    }

    @Test
    void shouldRejectAnEmptyUnionOrANullMember() {
        assertThatThrownBy(RetentionPolicies::union).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> RetentionPolicies.union(RetentionPolicies.keepAll(), null))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("policy 2 of 2 is null");
    }
}
