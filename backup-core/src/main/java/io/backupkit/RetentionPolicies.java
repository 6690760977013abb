package io.backupkit;

import io.backupkit.spi.RetentionPolicy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in retention policies. A policy only ever runs after a successful backup (or on
 * {@link BackupPlan#prune()}), and whatever it says the engine never removes an unfinished snapshot, the newest
 * complete snapshot, the snapshot just written or a pinned one.
 *
 * <pre>{@code
 * RetentionPolicy policy = RetentionPolicies.union(
 *     RetentionPolicies.keepLast(3),
 *     RetentionPolicies.gfs().daily(7).weekly(4).monthly(12),
 *     RetentionPolicies.maxTotalSize(500L << 30));
 * BackupPlan.builder().source(src).destination(dest).retention(policy).build();
 * }</pre>
 *
 * <p>Every policy orders snapshots newest first by {@link Snapshot#created()} (then by id) and prints as the call
 * that made it, e.g. {@code gfs(daily=7, weekly=4)}.
 */
public final class RetentionPolicies {

    /** The zone of {@link #gfs()}'s calendar periods unless {@link Gfs#zone(ZoneId)} says otherwise. */
    public static final ZoneId DEFAULT_GFS_ZONE = ZoneOffset.UTC;

    private static final Comparator<Snapshot> NEWEST_FIRST = Comparator.comparing(Snapshot::created,
            Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(Snapshot::id, Comparator.reverseOrder());

    private RetentionPolicies() {
    }

    /**
     * Keeps the newest {@code n} complete snapshots (PlexBackup's {@code Keep}).
     *
     * @param n how many to keep, at least 1
     * @return the policy
     * @throws InvalidPlanException if {@code n < 1}
     */
    public static RetentionPolicy keepLast(int n) {
        if (n < 1) {
            throw new InvalidPlanException(List.of("keepLast needs n >= 1, was " + n));
        }
        return new KeepLast(n);
    }

    /**
     * Keeps every snapshot: the default.
     *
     * @return the policy
     */
    public static RetentionPolicy keepAll() {
        return KeepAll.INSTANCE;
    }

    /**
     * Keeps the snapshots created within {@code duration} before now: a snapshot created at or after
     * {@code now - duration} is kept (the boundary is inclusive), as is one created after {@code now} (a clock set
     * back). Unlike restic's {@code --keep-within}, the reference is the current time, not the newest snapshot; the
     * newest complete snapshot is kept anyway by the engine.
     *
     * @param duration how far back to keep, positive
     * @return the policy
     * @throws InvalidPlanException if {@code duration} is null, zero or negative
     */
    public static RetentionPolicy keepWithin(Duration duration) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new InvalidPlanException(List.of("keepWithin needs a positive duration, was " + duration));
        }
        return new KeepWithin(duration);
    }

    /**
     * Grandfather-father-son retention, with restic's {@code --keep-daily} etc. semantics: for each of the last N
     * days (weeks, months, years) that have snapshots, keep the newest snapshot of that period. Periods are calendar
     * days, ISO-8601 weeks (Monday to Sunday, numbered in the week-based year, so 2026-12-31 and 2027-01-01 may share
     * a week, and some years have a week 53), calendar months and years, in UTC unless {@link Gfs#zone(ZoneId)} is
     * given. A snapshot may be counted by several rules; so at most {@code daily + weekly + monthly + yearly}
     * snapshots are kept. All counts start at 0 (off); at least one must be set before the policy is used.
     *
     * <pre>{@code
     * RetentionPolicies.gfs().daily(7).weekly(4).monthly(12).yearly(3)
     * }</pre>
     *
     * @return an empty policy to set counts on
     */
    public static Gfs gfs() {
        return new Gfs(0, 0, 0, 0, DEFAULT_GFS_ZONE);
    }

    /**
     * Keeps the newest snapshots while their running total of {@link Snapshot#storedBytes()} stays within
     * {@code bytes}: newest first, the first snapshot that would take the total over the cap and every older one are
     * not kept. {@code storedBytes} counts what each snapshot occupies on its own (its archives, or the files of its
     * folder units), so files hard-linked between snapshots are counted in each: the real space used by the kept
     * snapshots never exceeds the cap (it may be well below it with the {@code mirror} archiver). Protected snapshots
     * (newest, just written, pinned) stay even when they alone exceed it.
     *
     * @param bytes the cap, at least 1
     * @return the policy
     * @throws InvalidPlanException if {@code bytes < 1}
     */
    public static RetentionPolicy maxTotalSize(long bytes) {
        if (bytes < 1) {
            throw new InvalidPlanException(List.of("maxTotalSize needs at least 1 byte, was " + bytes));
        }
        return new MaxTotalSize(bytes);
    }

    /**
     * Keeps every snapshot that at least one of {@code policies} keeps (restic's combined {@code --keep-*} options).
     *
     * @param policies the policies, at least one
     * @return the policy
     * @throws InvalidPlanException if there is none, one is null, or one is a {@link Gfs} with no count set
     */
    public static RetentionPolicy union(RetentionPolicy... policies) {
        if (policies == null || policies.length == 0) {
            throw new InvalidPlanException(List.of("union needs at least one policy, was none"));
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < policies.length; i++) {
            if (policies[i] == null) {
                problems.add("union: policy " + (i + 1) + " of " + policies.length + " is null");
            } else {
                problems.addAll(problems(policies[i]));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return new Union(List.of(policies));
    }

    /**
     * @param policy a policy
     * @return why it cannot be used (a {@link Gfs} without any count, possibly inside a union); empty when it can
     */
    static List<String> problems(RetentionPolicy policy) {
        if (policy instanceof Gfs g && g.daily == 0 && g.weekly == 0 && g.monthly == 0 && g.yearly == 0) {
            return List.of("gfs() needs at least one of daily, weekly, monthly or yearly above 0, was " + g);
        }
        return List.of();
    }

    private static List<Snapshot> newestFirst(List<Snapshot> complete) {
        List<Snapshot> sorted = new ArrayList<>(complete);
        sorted.sort(NEWEST_FIRST);
        return sorted;
    }

    private static List<Snapshot> inOrder(List<Snapshot> complete, Set<String> ids) {
        return complete.stream().filter(s -> ids.contains(s.id())).toList();
    }

    private static int count(int n, String what) {
        if (n < 0) {
            throw new InvalidPlanException(List.of("gfs " + what + " must be 0 (off) or more, was " + n));
        }
        return n;
    }

    /**
     * Grandfather-father-son retention: see {@link RetentionPolicies#gfs()}. Immutable: each setter returns a changed
     * copy.
     *
     * <pre>{@code
     * Gfs policy = RetentionPolicies.gfs().daily(7).weekly(4).monthly(12).zone(ZoneId.of("Europe/Paris"));
     * }</pre>
     */
    public static final class Gfs implements RetentionPolicy {

        private final int daily;
        private final int weekly;
        private final int monthly;
        private final int yearly;
        private final ZoneId zone;

        private Gfs(int daily, int weekly, int monthly, int yearly, ZoneId zone) {
            this.daily = daily;
            this.weekly = weekly;
            this.monthly = monthly;
            this.yearly = yearly;
            this.zone = zone;
        }

        /**
         * @param n how many of the last days that have snapshots keep their newest one; 0 (the default) for none
         * @return a changed copy
         * @throws InvalidPlanException if {@code n < 0}
         */
        public Gfs daily(int n) {
            return new Gfs(count(n, "daily"), weekly, monthly, yearly, zone);
        }

        /**
         * @param n how many of the last ISO weeks that have snapshots keep their newest one; 0 (the default) for none
         * @return a changed copy
         * @throws InvalidPlanException if {@code n < 0}
         */
        public Gfs weekly(int n) {
            return new Gfs(daily, count(n, "weekly"), monthly, yearly, zone);
        }

        /**
         * @param n how many of the last months that have snapshots keep their newest one; 0 (the default) for none
         * @return a changed copy
         * @throws InvalidPlanException if {@code n < 0}
         */
        public Gfs monthly(int n) {
            return new Gfs(daily, weekly, count(n, "monthly"), yearly, zone);
        }

        /**
         * @param n how many of the last years that have snapshots keep their newest one; 0 (the default) for none
         * @return a changed copy
         * @throws InvalidPlanException if {@code n < 0}
         */
        public Gfs yearly(int n) {
            return new Gfs(daily, weekly, monthly, count(n, "yearly"), zone);
        }

        /**
         * @param zone the time zone whose calendar cuts days, weeks, months and years. Default
         *        {@link RetentionPolicies#DEFAULT_GFS_ZONE} (UTC, the zone of snapshot ids)
         * @return a changed copy
         * @throws InvalidPlanException if {@code zone} is null
         */
        public Gfs zone(ZoneId zone) {
            if (zone == null) {
                throw new InvalidPlanException(List.of("gfs zone must not be null"));
            }
            return new Gfs(daily, weekly, monthly, yearly, zone);
        }

        /** @return the daily count */
        public int daily() {
            return daily;
        }

        /** @return the weekly count */
        public int weekly() {
            return weekly;
        }

        /** @return the monthly count */
        public int monthly() {
            return monthly;
        }

        /** @return the yearly count */
        public int yearly() {
            return yearly;
        }

        /** @return the calendar's zone */
        public ZoneId zone() {
            return zone;
        }

        @Override
        public String id() {
            return "gfs";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            int[] left = {daily, weekly, monthly, yearly};
            String[] last = new String[4];
            Set<String> keep = new HashSet<>();
            for (Snapshot s : newestFirst(complete)) {
                if (s.created() == null) {
                    continue;
                }
                ZonedDateTime t = s.created().atZone(zone);
                String[] keys = {
                    t.toLocalDate().toString(),
                    t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                    t.getYear() + "-" + t.getMonthValue(),
                    Integer.toString(t.getYear())
                };
                for (int rule = 0; rule < 4; rule++) {
                    if (left[rule] > 0 && !keys[rule].equals(last[rule])) {
                        last[rule] = keys[rule];
                        left[rule]--;
                        keep.add(s.id());
                    }
                }
            }
            return inOrder(complete, keep);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Gfs g && g.daily == daily && g.weekly == weekly && g.monthly == monthly
                    && g.yearly == yearly && g.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return Objects.hash(daily, weekly, monthly, yearly, zone);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (daily > 0) {
                parts.add("daily=" + daily);
            }
            if (weekly > 0) {
                parts.add("weekly=" + weekly);
            }
            if (monthly > 0) {
                parts.add("monthly=" + monthly);
            }
            if (yearly > 0) {
                parts.add("yearly=" + yearly);
            }
            if (!zone.equals(DEFAULT_GFS_ZONE)) {
                parts.add("zone=" + zone);
            }
            return "gfs(" + String.join(", ", parts) + ")";
        }
    }

    private record KeepLast(int n) implements RetentionPolicy {
        @Override
        public String id() {
            return "keep-last";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            return newestFirst(complete).stream().limit(n).toList();
        }

        @Override
        public String toString() {
            return "keepLast(" + n + ")";
        }
    }

    private record KeepWithin(Duration duration) implements RetentionPolicy {
        @Override
        public String id() {
            return "keep-within";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            Instant from = now.minus(duration);
            return complete.stream().filter(s -> s.created() != null && !s.created().isBefore(from)).toList();
        }

        @Override
        public String toString() {
            return "keepWithin(" + duration + ")";
        }
    }

    private record MaxTotalSize(long bytes) implements RetentionPolicy {
        @Override
        public String id() {
            return "max-total-size";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            List<Snapshot> kept = new ArrayList<>();
            long total = 0;
            for (Snapshot s : newestFirst(complete)) {
                long size = Math.max(0, s.storedBytes());
                if (size > bytes - total) {
                    break;
                }
                total += size;
                kept.add(s);
            }
            return kept;
        }

        @Override
        public String toString() {
            return "maxTotalSize(" + bytes + ")";
        }
    }

    private record Union(List<RetentionPolicy> policies) implements RetentionPolicy {
        @Override
        public String id() {
            return "union";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            Set<String> keep = new HashSet<>();
            for (RetentionPolicy p : policies) {
                List<Snapshot> kept = p.keep(complete, now);
                if (kept == null) {
                    throw new IllegalStateException("retention policy '" + p.id() + "' returned null");
                }
                for (Snapshot s : kept) {
                    keep.add(s.id());
                }
            }
            return inOrder(complete, keep);
        }

        @Override
        public String toString() {
            return "union(" + policies.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        }
    }

    private enum KeepAll implements RetentionPolicy {
        INSTANCE;

        @Override
        public String id() {
            return "keep-all";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            return complete;
        }

        @Override
        public String toString() {
            return "keepAll()";
        }
    }
}
