package io.backupkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Runs a {@link BackupPlan}'s backup on a schedule: every day at a local time, or at a fixed interval. The runs
 * happen on a {@link ScheduledExecutorService} the caller passes to {@link #start}; BackupKit starts no thread of its
 * own. Immutable and reusable: every method but {@link #start} returns a changed copy.
 *
 * <pre>{@code
 * ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
 * ScheduledBackup nightly = BackupScheduler.daily(plan, LocalTime.of(0, 5))   // just after midnight, like Emby
 *     .zone(ZoneId.of("Europe/Berlin"))
 *     .onRun(run -> log.info("{}", run))
 *     .start(executor);
 * nightly.nextRun();          // when the next backup is due
 * nightly.runs();             // what the last runs did
 * ...
 * nightly.cancel();           // no further runs; a run in progress finishes
 * executor.shutdown();
 * }</pre>
 *
 * <p>How runs are timed and what happens when they collide:
 * <ul>
 *   <li>{@link #daily}: once a day at a wall-clock time in {@link #zone}. On the day clocks spring forward, a time
 *       inside the gap (02:30 when 02:00 jumps to 03:00) runs at the first instant after the gap (03:00). On the day
 *       they fall back, a time that occurs twice runs once, at its first occurrence.</li>
 *   <li>{@link #every}: the first run starts at once, then at fixed rate: run {@code n} is due at start time plus
 *       {@code n} intervals, so runs do not drift by their own duration. Due times that pass while a run is still
 *       going are not caught up: they are reported {@link ScheduledRun.Outcome#SKIPPED} (one report each on an
 *       executor with a thread free to notice them, one for the lot on a single-thread executor), and the next run
 *       is the first due time after the long run, never a burst of runs.</li>
 *   <li>A run that is due while the previous run of the same schedule is still going, or while another process or
 *       schedule holds the destination's lock, is {@link ScheduledRun.Outcome#SKIPPED} and reported with the reason,
 *       naming the holder; it is not queued. A backup that fails is reported
 *       {@link ScheduledRun.Outcome#FAILED} and the schedule goes on; so does it after any unexpected exception.</li>
 *   <li>A run that is late (the executor was busy, the machine slept) runs once, as soon as it can.</li>
 * </ul>
 */
public final class BackupScheduler {

    private final BackupPlan plan;
    private final LocalTime time;
    private final Duration interval;
    private final ZoneId zone;
    private final Clock clock;
    private final Consumer<ScheduledRun> onRun;

    private BackupScheduler(BackupPlan plan, LocalTime time, Duration interval, ZoneId zone, Clock clock,
                            Consumer<ScheduledRun> onRun) {
        this.plan = plan;
        this.time = time;
        this.interval = interval;
        this.zone = zone;
        this.clock = clock;
        this.onRun = onRun;
    }

    /**
     * @param plan the plan to back up; must have a source
     * @param time the wall-clock time of day to run at, in {@link #zone} (default: the system's zone)
     * @return a schedule running the plan's backup once a day at {@code time}
     * @throws InvalidPlanException if {@code plan} or {@code time} is null, or the plan has no source
     */
    public static BackupScheduler daily(BackupPlan plan, LocalTime time) {
        checkPlan(plan);
        if (time == null) {
            throw new InvalidPlanException(List.of("daily time of a backup schedule must not be null"));
        }
        return new BackupScheduler(plan, time, null, ZoneId.systemDefault(), Clock.systemUTC(), run -> { });
    }

    /**
     * @param plan the plan to back up; must have a source
     * @param interval the time between the starts of two runs; positive. The first run starts at once
     * @return a schedule running the plan's backup at a fixed rate
     * @throws InvalidPlanException if {@code plan} or {@code interval} is null, {@code interval} is zero or
     *         negative (the message quotes it), or the plan has no source
     */
    public static BackupScheduler every(BackupPlan plan, Duration interval) {
        checkPlan(plan);
        if (interval == null) {
            throw new InvalidPlanException(List.of("interval of a backup schedule must not be null"));
        }
        if (interval.isZero() || interval.isNegative()) {
            throw new InvalidPlanException(List.of("interval of a backup schedule must be positive, was " + interval));
        }
        return new BackupScheduler(plan, null, interval, ZoneId.systemDefault(), Clock.systemUTC(), run -> { });
    }

    private static void checkPlan(BackupPlan plan) {
        if (plan == null) {
            throw new InvalidPlanException(List.of("plan of a backup schedule must not be null"));
        }
        if (plan.source() == null) {
            throw new InvalidPlanException(List.of("plan of a backup schedule has no source; set it with source(...)"));
        }
    }

    /**
     * @param zone the time zone of a {@link #daily} time. Default: the system's zone when the schedule was made.
     *        An {@link #every} schedule does not depend on it
     * @return a copy using {@code zone}
     * @throws InvalidPlanException if {@code zone} is null
     */
    public BackupScheduler zone(ZoneId zone) {
        if (zone == null) {
            throw new InvalidPlanException(List.of("zone of a backup schedule must not be null"));
        }
        return new BackupScheduler(plan, time, interval, zone, clock, onRun);
    }

    /**
     * @param clock where the current time comes from, to compute due times (for tests). The executor's own timer
     *        still measures the waits. Default: {@link Clock#systemUTC()}
     * @return a copy using {@code clock}
     * @throws InvalidPlanException if {@code clock} is null
     */
    public BackupScheduler clock(Clock clock) {
        if (clock == null) {
            throw new InvalidPlanException(List.of("clock of a backup schedule must not be null"));
        }
        return new BackupScheduler(plan, time, interval, zone, clock, onRun);
    }

    /**
     * @param listener receives every run's outcome (succeeded, failed or skipped) on the executor's thread, after
     *        it is added to {@link ScheduledBackup#runs()}. An exception it throws is logged and ignored. Default:
     *        none
     * @return a copy reporting to {@code listener} instead of any earlier one
     * @throws InvalidPlanException if {@code listener} is null
     */
    public BackupScheduler onRun(Consumer<ScheduledRun> listener) {
        if (listener == null) {
            throw new InvalidPlanException(List.of("run listener of a backup schedule must not be null"));
        }
        return new BackupScheduler(plan, time, interval, zone, clock, listener);
    }

    /**
     * Schedules the first run on {@code executor}; each run schedules the next one. The executor is not shut down
     * by BackupKit: cancel the schedule, then shut it down. One thread is enough; with more, a due time that passes
     * during a long run is noticed and reported as skipped at once.
     *
     * @param executor where the runs happen
     * @return the running schedule
     * @throws InvalidPlanException if {@code executor} is null
     * @throws BackupException if the executor refuses the task (it was shut down)
     */
    public ScheduledBackup start(ScheduledExecutorService executor) {
        if (executor == null) {
            throw new InvalidPlanException(List.of("executor of a backup schedule must not be null"));
        }
        ScheduledBackup handle = new ScheduledBackup(this, executor);
        handle.begin();
        return handle;
    }

    /** @return the plan backed up */
    public BackupPlan plan() {
        return plan;
    }

    /** @return the time of day of a {@link #daily} schedule, or {@code null} for an {@link #every} schedule */
    public LocalTime time() {
        return time;
    }

    /** @return the interval of an {@link #every} schedule, or {@code null} for a {@link #daily} one */
    public Duration interval() {
        return interval;
    }

    /** @return the zone a {@link #daily} time is read in */
    public ZoneId zone() {
        return zone;
    }

    /** @return the clock due times are computed with */
    public Clock clock() {
        return clock;
    }

    Consumer<ScheduledRun> listener() {
        return onRun;
    }

    /**
     * @param start when the schedule starts
     * @return the first due time: {@code start} itself for an {@link #every} schedule, the first occurrence of the
     *         daily time at or after {@code start} for a {@link #daily} one
     */
    Instant firstRun(Instant start) {
        if (interval != null) {
            return start;
        }
        return dailyAtOrAfter(start);
    }

    /**
     * @param anchor the first due time of the schedule
     * @param after a point in time
     * @return the first due time strictly after {@code after}
     */
    Instant nextRun(Instant anchor, Instant after) {
        if (interval != null) {
            if (after.isBefore(anchor)) {
                return anchor;
            }
            long periods = Duration.between(anchor, after).dividedBy(interval) + 1;   // whole periods, then one more
            return anchor.plus(interval.multipliedBy(periods));
        }
        return dailyAtOrAfter(after.plusNanos(1));
    }

    private Instant dailyAtOrAfter(Instant t) {
        LocalDate day = LocalDateTime.ofInstant(t, zone).toLocalDate().minusDays(1);
        for (int i = 0; i < 4; i++, day = day.plusDays(1)) {
            Instant candidate = occurrence(day);
            if (!candidate.isBefore(t)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no occurrence of " + time + " in " + zone + " near " + t);
    }

    /** The daily time on {@code day}: the end of a gap when it falls in one, its first occurrence in an overlap. */
    private Instant occurrence(LocalDate day) {
        LocalDateTime local = LocalDateTime.of(day, time);
        ZoneRules rules = zone.getRules();
        if (rules.getValidOffsets(local).isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        return ZonedDateTime.ofLocal(local, zone, null).withEarlierOffsetAtOverlap().toInstant();
    }

    /**
     * @return a description of the timing, e.g. {@code daily at 00:05 (Europe/Berlin)} or {@code every PT6H}
     */
    String timing() {
        return interval != null ? "every " + interval : "daily at " + time + " (" + zone + ")";
    }

    @Override
    public String toString() {
        return "BackupScheduler[" + timing() + ", source=" + plan.source() + ", destination=" + plan.destination()
                + "]";
    }
}
