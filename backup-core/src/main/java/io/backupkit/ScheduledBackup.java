package io.backupkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link BackupScheduler}: when the next backup is due, what the last ones did, and how to stop it.
 * Thread-safe.
 *
 * <pre>{@code
 * ScheduledBackup schedule = BackupScheduler.every(plan, Duration.ofHours(6)).start(executor);
 * schedule.nextRun();                         // Optional[2026-11-22T09:58:00Z]
 * schedule.lastRun().map(ScheduledRun::outcome);
 * schedule.cancel();                          // no further runs
 * schedule.await(Duration.ofMinutes(5));      // wait for a run in progress to finish
 * }</pre>
 */
public final class ScheduledBackup {

    /** How many runs {@link #runs()} keeps: the newest ones. */
    public static final int HISTORY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackup.class);

    private final BackupScheduler scheduler;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Object lock = new Object();
    private final ArrayDeque<ScheduledRun> history = new ArrayDeque<>();

    // guarded by lock
    private Instant anchor;
    private Instant next;
    private ScheduledFuture<?> pending;
    private boolean cancelled;
    private int active;
    private Thread runner;
    private Instant runnerDue;
    private Instant runnerStarted;
    private Instant lastStarted;
    private Instant lastFinished;

    ScheduledBackup(BackupScheduler scheduler, ScheduledExecutorService executor) {
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = scheduler.clock();
    }

    /** Schedules the first run. */
    void begin() {
        synchronized (lock) {
            Instant now = clock.instant();
            anchor = scheduler.firstRun(now);
            scheduleLocked(anchor, now);
        }
    }

    private void scheduleLocked(Instant due, Instant now) {
        long delay = Math.max(0, Duration.between(now, due).toNanos());
        try {
            pending = executor.schedule(() -> tick(due), delay, TimeUnit.NANOSECONDS);
            next = due;
        } catch (RejectedExecutionException e) {
            next = null;
            throw new BackupException("Cannot schedule the backup of " + scheduler.plan().source() + " due at " + due
                    + ": the executor refused it (was it shut down?)", e);
        }
    }

    /** One due time: schedule the next one, then run the backup unless another run holds the destination. */
    private void tick(Instant due) {
        Instant now;
        String skip = null;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            active++;
            now = clock.instant();
            Instant following = scheduler.nextRun(anchor, now.isAfter(due) ? now : due);
            try {
                scheduleLocked(following, now);
            } catch (BackupException e) {
                LOG.warn("{}; the schedule ends", e.getMessage());
                cancelled = true;
                lock.notifyAll();
            }
            if (runner != null) {
                skip = "the previous run of this schedule (due " + runnerDue + ", started " + runnerStarted
                        + ") is still running on " + scheduler.plan().destination();
            } else if (lastFinished != null && lastFinished.isAfter(due)) {
                skip = "the previous run of this schedule (started " + lastStarted + ") was still running on "
                        + scheduler.plan().destination() + " when this one was due; it ended at " + lastFinished;
            } else {
                runner = Thread.currentThread();
                runnerDue = due;
                runnerStarted = now;
            }
        }
        ScheduledRun run = null;
        try {
            if (skip != null) {
                LOG.info("Backup due at {} skipped: {}", due, skip);
                run = ScheduledRun.skipped(due, now, skip);
            } else {
                run = backup(due, now);
            }
        } finally {
            synchronized (lock) {
                if (skip == null) {
                    runner = null;
                    lastStarted = now;
                    lastFinished = run == null ? clock.instant() : run.finished();
                    Thread.interrupted();   // a cancelNow() meant for this run must not reach the executor's next task
                }
                if (run != null) {
                    history.addLast(run);
                    while (history.size() > HISTORY) {
                        history.removeFirst();
                    }
                }
            }
            try {
                if (run != null) {
                    report(run);
                }
            } finally {
                synchronized (lock) {
                    active--;
                    lock.notifyAll();
                }
            }
        }
    }

    private ScheduledRun backup(Instant due, Instant started) {
        BackupPlan plan = scheduler.plan();
        try {
            BackupResult result = plan.backup();
            LOG.info("Scheduled backup due at {} wrote snapshot {}", due, result.snapshotId());
            return ScheduledRun.succeeded(due, started, clock.instant(), result);
        } catch (DestinationLockedException e) {
            LOG.info("Backup due at {} skipped: {}", due, e.getMessage());
            return new ScheduledRun(due, started, clock.instant(), ScheduledRun.Outcome.SKIPPED, null, null,
                    e.getMessage());
        } catch (BackupException e) {
            LOG.warn("Scheduled backup due at {} failed; the schedule goes on: {}", due, e.getMessage());
            return ScheduledRun.failed(due, started, clock.instant(), e.getMessage());
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a provider's bug or a broken class path: reported like any failure, never silently swallowed
            LOG.error("Scheduled backup due at {} failed unexpectedly; the schedule goes on", due, e);
            return ScheduledRun.failed(due, started, clock.instant(), "unexpected " + e);
        }
    }

    private void report(ScheduledRun run) {
        try {
            scheduler.listener().accept(run);
        } catch (RuntimeException e) {
            LOG.warn("A scheduled-run listener failed; the schedule goes on: {}", e.toString(), e);
        }
    }

    /**
     * Stops the schedule: no further run starts. A run in progress finishes; {@link #await} waits for it.
     * Calling it again does nothing.
     */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            next = null;
            if (pending != null) {
                pending.cancel(false);
            }
            lock.notifyAll();
        }
    }

    /**
     * Stops the schedule and interrupts a run in progress. That run ends {@link ScheduledRun.Outcome#FAILED}
     * ("interrupted"); its unfinished snapshot stays in the destination and {@link BackupPlan#resume()} continues it.
     */
    public void cancelNow() {
        synchronized (lock) {
            cancel();
            if (runner != null) {
                runner.interrupt();
            }
        }
    }

    /**
     * Waits until the schedule is cancelled and no run is in progress (its listener call included).
     *
     * @param timeout the longest to wait
     * @return {@code true} if the schedule stopped, {@code false} if the time ran out first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!cancelled || active > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * @return when the next run is due; empty once the schedule is cancelled
     */
    public Optional<Instant> nextRun() {
        synchronized (lock) {
            return cancelled ? Optional.empty() : Optional.ofNullable(next);
        }
    }

    /**
     * @return the newest runs (at most {@value #HISTORY}) in the order they ended: a run skipped while a long one
     *         was going comes before it
     */
    public List<ScheduledRun> runs() {
        synchronized (lock) {
            return List.copyOf(history);
        }
    }

    /**
     * @return the newest run, if any has ended
     */
    public Optional<ScheduledRun> lastRun() {
        synchronized (lock) {
            return Optional.ofNullable(history.peekLast());
        }
    }

    /**
     * @return whether a backup of this schedule is in progress
     */
    public boolean running() {
        synchronized (lock) {
            return runner != null;
        }
    }

    /**
     * @return whether the schedule was cancelled (or ended because its executor was shut down)
     */
    public boolean cancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    /**
     * @return the scheduler this schedule runs
     */
    public BackupScheduler scheduler() {
        return scheduler;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ScheduledBackup[" + scheduler.timing() + ", " + (cancelled ? "cancelled" : "next " + next)
                    + ", runs=" + history.size() + (runner != null ? ", running" : "") + "]";
        }
    }
}
