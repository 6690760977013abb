package io.backupkit;

import io.backupkit.internal.Retention;
import io.backupkit.internal.SnapshotStore;
import io.backupkit.spi.RetentionPolicy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Generated snapshot histories over a few years, random pins and policies: the safety rules always hold. */
class RetentionPropertyTest {

    private static final Instant START = Instant.parse("2023-01-01T00:00:00Z");
    private static final long SPAN = Duration.ofDays(4 * 365).toSeconds();

    /** One generated snapshot: seconds after {@link #START}, complete or not, pinned or not, its stored size. */
    record Gen(long offset, boolean complete, boolean pinned, long storedBytes) {
    }

    @Provide
    Arbitrary<List<Snapshot>> histories() {
        Arbitrary<Gen> gen = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.longs().between(0, SPAN),
                        Arbitraries.longs().between(SPAN - 3 * 86400, SPAN)),  // many on the last days
                Arbitraries.integers().between(0, 9).map(n -> n > 0),
                Arbitraries.integers().between(0, 9).map(n -> n == 0),
                Arbitraries.longs().between(0, 2_000))
                .as(Gen::new);
        return gen.list().ofMinSize(0).ofMaxSize(60).map(RetentionPropertyTest::snapshots);
    }

    static List<Snapshot> snapshots(List<Gen> gens) {
        Map<String, Snapshot> byId = new LinkedHashMap<>();
        for (Gen g : gens) {
            Instant t = START.plusSeconds(g.offset());
            String id = SnapshotStore.idFor(t);
            byId.putIfAbsent(id, new Snapshot(id, t, null, g.complete(), Path.of(id), "zip", 1, 1, 1,
                    g.complete() && g.pinned(), g.complete() ? g.storedBytes() : 0));
        }
        List<Snapshot> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(Snapshot::id).thenComparing(Snapshot::complete).reversed());
        return list;
    }

    @Provide
    Arbitrary<RetentionPolicy> builtIns() {
        Arbitrary<RetentionPolicy> keepLast = Arbitraries.integers().between(1, 12).map(RetentionPolicies::keepLast);
        Arbitrary<RetentionPolicy> within = Arbitraries.longs().between(1, Duration.ofDays(900).toSeconds())
                .map(s -> RetentionPolicies.keepWithin(Duration.ofSeconds(s)));
        Arbitrary<RetentionPolicy> size = Arbitraries.longs().between(1, 20_000)
                .map(RetentionPolicies::maxTotalSize);
        Arbitrary<RetentionPolicy> single = Arbitraries.oneOf(keepLast, within, gfsPolicies().map(g -> g), size,
                Arbitraries.just(RetentionPolicies.keepAll()));
        Arbitrary<RetentionPolicy> union = single.list().ofMinSize(1).ofMaxSize(4)
                .map(l -> RetentionPolicies.union(l.toArray(RetentionPolicy[]::new)));
        return Arbitraries.oneOf(single, union);
    }

    @Provide
    Arbitrary<RetentionPolicies.Gfs> gfsPolicies() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 8);
        return Combinators.combine(n, n, n, n).as((d, w, m, y) -> RetentionPolicies.gfs().daily(d).weekly(w)
                .monthly(m).yearly(y)).filter(g -> g.daily() + g.weekly() + g.monthly() + g.yearly() > 0);
    }

    /** A user's policy: keeps a random subset, may add snapshots that do not exist, return null or throw. */
    @Provide
    Arbitrary<RetentionPolicy> anyPolicies() {
        Arbitrary<RetentionPolicy> custom = Arbitraries.longs().map(seed -> new RetentionPolicy() {
            @Override
            public String id() {
                return "random-" + seed;
            }

            @Override
            public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
                Random r = new Random(seed);
                int mode = r.nextInt(10);
                if (mode == 0) {
                    throw new IllegalStateException("policy bug");
                }
                if (mode == 1) {
                    return null;
                }
                List<Snapshot> out = new ArrayList<>();
                for (Snapshot s : complete) {
                    if (r.nextBoolean()) {
                        out.add(s);
                    }
                }
                if (mode == 2) {
                    out.add(new Snapshot("29991231T000000Z", Instant.MAX, null, true, Path.of("x"), "zip", 0, 0, 0));
                }
                return out;
            }
        });
        return Arbitraries.oneOf(builtIns(), custom);
    }

    private static Instant now(List<Snapshot> history, int extraSeconds) {
        return START.plusSeconds(SPAN + extraSeconds);
    }

    private static Set<String> ids(List<Snapshot> list) {
        return list.stream().map(Snapshot::id).collect(Collectors.toSet());
    }

    private static List<Snapshot> complete(List<Snapshot> history) {
        return history.stream().filter(Snapshot::complete).toList();
    }

    @Property(tries = 400)
    void shouldNeverRemoveProtectedOrUnfinishedSnapshots(@ForAll("histories") List<Snapshot> history,
                                                         @ForAll("anyPolicies") RetentionPolicy policy,
                                                         @ForAll boolean justWrittenIsNewest) {
        List<Snapshot> complete = complete(history);
        String justWritten = complete.isEmpty() ? null
                : justWrittenIsNewest ? complete.get(0).id() : complete.get(complete.size() / 2).id();

        Retention.Decision d = Retention.decide(policy, history, justWritten, Set.of(), now(history, 3600));

        Set<String> removed = d.removed().stream().map(r -> r.snapshot().id()).collect(Collectors.toSet());
        assertThat(Collections.disjoint(ids(d.kept()), removed)).isTrue();
        Set<String> union = new HashSet<>(ids(d.kept()));
        union.addAll(removed);
        assertThat(union).as("kept and removed are exactly the complete snapshots").isEqualTo(ids(complete));
        if (!complete.isEmpty()) {
            assertThat(removed).doesNotContain(complete.get(0).id(), justWritten);
        }
        assertThat(Collections.disjoint(removed, ids(complete.stream().filter(Snapshot::pinned).toList())))
                .as("pinned ones kept").isTrue();
        assertThat(d.kept()).allMatch(Snapshot::complete);
        assertThat(d.removed()).allMatch(r -> r.snapshot().complete());
    }

    @Property(tries = 200)
    void shouldRemoveNothingWhenThePolicyThrowsOrThePinsAreUnreadable(@ForAll("histories") List<Snapshot> history) {
        RetentionPolicy broken = new RetentionPolicy() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
                throw new IllegalStateException("bug");
            }
        };

        Retention.Decision thrown = Retention.decide(broken, history, null, Set.of(), Instant.now());
        Retention.Decision unreadablePins = Retention.decide(RetentionPolicies.keepLast(1), history, null, null,
                Instant.now());

        assertThat(thrown.removed()).isEmpty();
        assertThat(unreadablePins.removed()).isEmpty();
        if (!complete(history).isEmpty()) {
            assertThat(thrown.warnings()).singleElement().asString().contains("broken", "nothing removed");
            assertThat(unreadablePins.warnings()).hasSize(1);
        }
    }

    @Property(tries = 300)
    void shouldKeepThePinnedIdsItIsGiven(@ForAll("histories") List<Snapshot> history, @ForAll long seed) {
        List<Snapshot> complete = complete(history);
        Random r = new Random(seed);
        Set<String> pinned = complete.stream().map(Snapshot::id).filter(id -> r.nextInt(3) == 0)
                .collect(Collectors.toSet());

        Retention.Decision d = Retention.decide(RetentionPolicies.keepLast(1), history, null, pinned, Instant.now());

        assertThat(Collections.disjoint(d.removed().stream().map(x -> x.snapshot().id()).toList(), pinned)).isTrue();
        assertThat(d.kept()).filteredOn(s -> pinned.contains(s.id())).allMatch(Snapshot::pinned);
    }

    @Property(tries = 300)
    void shouldKeepExactlyTheUnionOfWhatEachPolicyKeeps(@ForAll("histories") List<Snapshot> history,
                                                        @ForAll("builtIns") RetentionPolicy a,
                                                        @ForAll("builtIns") RetentionPolicy b,
                                                        @ForAll("builtIns") RetentionPolicy c) {
        List<Snapshot> complete = complete(history);
        Instant now = now(history, 0);
        Set<String> expected = new HashSet<>();
        for (RetentionPolicy p : List.of(a, b, c)) {
            expected.addAll(ids(p.keep(complete, now)));
        }

        List<Snapshot> kept = RetentionPolicies.union(a, b, c).keep(complete, now);

        assertThat(ids(kept)).isEqualTo(expected);
        assertThat(kept).hasSize(expected.size());
    }

    @Property(tries = 400)
    void shouldKeepTheNewestOfEachCountedPeriodAndNoMore(@ForAll("histories") List<Snapshot> history,
                                                         @ForAll("gfsPolicies") RetentionPolicies.Gfs gfs) {
        List<Snapshot> complete = complete(history);

        List<Snapshot> kept = gfs.keep(complete, Instant.now());

        assertThat(kept.size()).isLessThanOrEqualTo(gfs.daily() + gfs.weekly() + gfs.monthly() + gfs.yearly());
        Set<String> keptIds = ids(kept);
        expectNewestOfLastPeriods(complete, gfs.daily(), t -> t.toLocalDate().toString(), keptIds);
        expectNewestOfLastPeriods(complete, gfs.weekly(),
                t -> t.get(IsoFields.WEEK_BASED_YEAR) + "W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), keptIds);
        expectNewestOfLastPeriods(complete, gfs.monthly(), t -> t.getYear() + "-" + t.getMonthValue(), keptIds);
        expectNewestOfLastPeriods(complete, gfs.yearly(), t -> Integer.toString(t.getYear()), keptIds);
        Set<String> newestOfSomePeriod = new HashSet<>();
        for (Function<ZonedDateTime, Object> f : List.<Function<ZonedDateTime, Object>>of(ZonedDateTime::toLocalDate,
                t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100 + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                t -> t.getYear() * 100 + t.getMonthValue(), ZonedDateTime::getYear)) {
            newestOfSomePeriod.addAll(newestPerPeriod(complete, f).values());
        }
        assertThat(newestOfSomePeriod).as("only the newest of a period is ever kept").containsAll(keptIds);

        Set<String> protectedIds = new HashSet<>(ids(complete.stream().filter(Snapshot::pinned).toList()));
        if (!complete.isEmpty()) {
            protectedIds.add(complete.get(0).id());
        }
        Retention.Decision d = Retention.decide(gfs, history, null, Set.of(), Instant.now());
        assertThat(d.kept().size()).isLessThanOrEqualTo(
                gfs.daily() + gfs.weekly() + gfs.monthly() + gfs.yearly() + protectedIds.size());
    }

    private static Map<Object, String> newestPerPeriod(List<Snapshot> complete, Function<ZonedDateTime, Object> key) {
        Map<Object, String> newest = new LinkedHashMap<>();
        for (Snapshot s : complete) {   // newest first
            newest.putIfAbsent(key.apply(s.created().atZone(ZoneOffset.UTC)), s.id());
        }
        return newest;
    }

    private static void expectNewestOfLastPeriods(List<Snapshot> complete, int n,
                                                  Function<ZonedDateTime, Object> key, Set<String> kept) {
        List<String> newest = new ArrayList<>(newestPerPeriod(complete, key).values());
        assertThat(kept).containsAll(newest.subList(0, Math.min(n, newest.size())));
    }

    @Property(tries = 300)
    void shouldKeepWithinTheDurationAndNothingOlder(@ForAll("histories") List<Snapshot> history,
                                                    @ForAll("durations") Duration within) {
        Instant now = now(history, 0);
        List<Snapshot> withBoundaries = new ArrayList<>(history);
        Instant boundary = now.minus(within);
        for (Instant t : List.of(boundary, boundary.minusSeconds(1), boundary.plusSeconds(1))) {
            String id = SnapshotStore.idFor(t);
            withBoundaries.removeIf(s -> s.id().equals(id));
            withBoundaries.add(new Snapshot(id, t, null, true, Path.of(id), "zip", 1, 1, 1));
        }
        withBoundaries.sort(Comparator.comparing(Snapshot::id).reversed());
        List<Snapshot> complete = complete(withBoundaries);

        Set<String> kept = ids(RetentionPolicies.keepWithin(within).keep(complete, now));

        for (Snapshot s : complete) {
            assertThat(kept.contains(s.id())).as(s.id() + " vs boundary " + boundary)
                    .isEqualTo(!s.created().isBefore(boundary));
        }
        assertThat(kept).contains(SnapshotStore.idFor(boundary), SnapshotStore.idFor(boundary.plusSeconds(1)))
                .doesNotContain(SnapshotStore.idFor(boundary.minusSeconds(1)));
    }

    @Provide
    Arbitrary<Duration> durations() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 3600).map(Duration::ofSeconds),
                Arbitraries.integers().between(1, 1500).map(Duration::ofDays),
                Arbitraries.integers().between(1, 100).map(w -> Duration.ofDays(7L * w)));
    }

    @Property(tries = 400)
    void shouldNeverExceedTheSizeCapExceptForProtectedSnapshots(@ForAll("histories") List<Snapshot> history,
                                                                @ForAll("caps") long cap) {
        List<Snapshot> complete = complete(history);
        RetentionPolicy policy = RetentionPolicies.maxTotalSize(cap);

        List<Snapshot> byPolicy = policy.keep(complete, Instant.now());
        Retention.Decision d = Retention.decide(policy, history, null, Set.of(), Instant.now());

        assertThat(byPolicy.stream().mapToLong(Snapshot::storedBytes).sum()).isLessThanOrEqualTo(cap);
        assertThat(byPolicy).as("a newest-first run").isEqualTo(complete.subList(0, byPolicy.size()));
        if (byPolicy.size() < complete.size()) {
            long total = byPolicy.stream().mapToLong(Snapshot::storedBytes).sum();
            assertThat(total + complete.get(byPolicy.size()).storedBytes()).as("the next would not fit")
                    .isGreaterThan(cap);
        }
        String newest = complete.isEmpty() ? null : complete.get(0).id();
        long unprotected = d.kept().stream().filter(s -> !s.pinned() && !s.id().equals(newest))
                .mapToLong(Snapshot::storedBytes).sum();
        assertThat(unprotected).isLessThanOrEqualTo(cap);
    }

    @Provide
    Arbitrary<Long> caps() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 3_000), Arbitraries.longs().between(1, 60_000));
    }
}
