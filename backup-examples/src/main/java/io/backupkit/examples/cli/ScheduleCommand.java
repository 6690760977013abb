package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.BackupScheduler;
import io.backupkit.spi.RetentionPolicy;
import io.backupkit.ScheduledBackup;
import io.backupkit.ScheduledRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code backupkit schedule}: backs up on a schedule in the foreground, one line per run, until interrupted or
 * until {@code --runs N} backups have run. Takes every option of {@code backup}.
 *
 * <pre>{@code
 * $ backupkit schedule --daily 00:05 --source /srv/emby --dest /mnt/nas/backups/emby --keep 7
 * 2026-11-23T00:05:00+01:00 Snapshot 20261122T230500Z written: 3000 files, 12345678 bytes, 6 units (5 reused) in 2.31s
 * $ backupkit schedule --every 6h --source /srv/sonarr --dest /mnt/nas/backups/sonarr --json
 * {"scheduled": "2026-11-22T12:00:00Z", "started": ..., "outcome": "SUCCEEDED", "result": {...}, ...}
 * }</pre>
 *
 * <p>Ctrl-C or SIGTERM abandons a run in progress: it is interrupted, its lock released, and its unfinished snapshot
 * stays for {@code backupkit resume}. Exit code: 0 when no backup failed, 1 when one did.
 */
@Command(name = "schedule", description = "Back up on a schedule, in the foreground, until interrupted (Ctrl-C).")
final class ScheduleCommand extends CliCommand {

    /** How long an interrupted run may take to let go of the destination before the program ends anyway. */
    static final Duration ABANDON_WAIT = Duration.ofSeconds(30);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

    @Mixin
    BackupOptions options = new BackupOptions();

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Timing timing;

    @Option(names = "--zone", paramLabel = "ZONE", converter = ZoneConverter.class,
            description = "Time zone of --daily, e.g. Europe/Berlin (default: the system's).")
    ZoneId zone;

    @Option(names = "--runs", paramLabel = "N",
            description = "Stop after N backups have run (succeeded or failed; skipped ones do not count). "
                    + "Default: run until interrupted.")
    Integer runs;

    /** When the backups run: one of {@code --daily} and {@code --every}. */
    static final class Timing {
        @Option(names = "--daily", required = true, paramLabel = "HH:MM", converter = TimeConverter.class,
                description = "Back up every day at this local time, e.g. 00:05. A time skipped by a clock change "
                        + "runs when the clock has jumped; a time that occurs twice runs once.")
        LocalTime daily;

        @Option(names = "--every", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Back up now, then at this fixed rate, e.g. 6h, 30m, 1d, 90s, 1h30m or PT6H. Due "
                        + "times that pass during a long run are skipped, not caught up.")
        Duration every;
    }

    @Override
    public Integer call() {
        if (runs != null && runs < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, was " + runs);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "backupkit-schedule");
            t.setDaemon(true);
            return t;
        });
        try (ProgressDisplay progress = progress()) {
            RetentionPolicy policy = retention.policy().orElse(null);
            BackupPlan plan = options.plan(progress, policy);
            BackupScheduler scheduler = timing.daily != null ? BackupScheduler.daily(plan, timing.daily)
                    : BackupScheduler.every(plan, timing.every);
            if (zone != null) {
                scheduler = scheduler.zone(zone);
            }
            ZoneId shown = scheduler.zone();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<ScheduledBackup> handle = new AtomicReference<>();
            AtomicInteger ran = new AtomicInteger();
            AtomicBoolean failed = new AtomicBoolean();
            scheduler = scheduler.onRun(run -> {
                print(run, shown);
                if (run.outcome() == ScheduledRun.Outcome.FAILED) {
                    failed.set(true);
                }
                if (run.outcome() != ScheduledRun.Outcome.SKIPPED && runs != null && ran.incrementAndGet() >= runs) {
                    awaitQuietly(started);
                    handle.get().cancel();   // on the executor's thread: no further run can slip in
                    done.countDown();
                }
            });
            String starting = "Backing up " + plan.source() + " into " + plan.destination() + " "
                    + (timing.daily != null ? "daily at " + timing.daily + " (" + shown + ")" : "every " + timing.every)
                    + (runs == null ? "; stop with Ctrl-C" : "; stopping after " + runs + " runs");
            if (!common.quiet && timing.every != null) {
                err().println(starting + "; first run now");   // before it starts: it prints its own line at once
            }
            handle.set(scheduler.start(executor));
            started.countDown();
            if (!common.quiet && timing.daily != null) {
                err().println(starting + handle.get().nextRun()
                        .map(t -> "; first run at " + TIME.format(t.atZone(shown))).orElse(""));
            }
            Thread stopper = new Thread(() -> abandon(handle.get()), "backupkit-schedule-stop");
            boolean hooked = addShutdownHook(stopper);
            try {
                done.await();
                handle.get().await(ABANDON_WAIT);
            } catch (InterruptedException e) {
                abandon(handle.get());
                Thread.currentThread().interrupt();
            } finally {
                if (hooked) {
                    removeShutdownHook(stopper);
                }
            }
            return failed.get() ? BackupKitCli.EXIT_FAILED : BackupKitCli.EXIT_OK;
        } finally {
            executor.shutdownNow();
        }
    }

    /** Stops the schedule, interrupting a run in progress, and says so. */
    private void abandon(ScheduledBackup handle) {
        boolean wasRunning = handle.running();
        handle.cancelNow();
        try {
            handle.await(ABANDON_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!common.quiet) {
            err().println("Schedule stopped" + (wasRunning ? "; the backup in progress was abandoned, continue it "
                    + "with 'backupkit resume --source \"" + handle.scheduler().plan().source() + "\" --dest \""
                    + handle.scheduler().plan().destination() + "\"' and the same options" : ""));
        }
        err().flush();
        out().flush();
    }

    private void print(ScheduledRun run, ZoneId zone) {
        if (common.json) {
            out().println(JsonText.write(run).replaceAll("\\R\\s*", ""));   // one object per line (JSON lines)
            if (run.result() != null) {
                printWarnings(run.result().warnings());
            }
            return;
        }
        String due = TIME.format(run.scheduled().atZone(zone));
        switch (run.outcome()) {
            case SUCCEEDED -> {
                BackupResult r = run.result();
                out().println(due + " " + (r.dryRun()
                        ? "Dry run: snapshot " + r.snapshotId() + " would hold " + r.files() + " files, " + r.bytes()
                                + " bytes, " + r.units() + " units"
                        : "Snapshot " + r.snapshotId() + " written: " + r.files() + " files, " + r.bytes() + " bytes, "
                                + r.units() + " units (" + r.unitsReused() + " reused) in " + seconds(r.duration())
                                + "s"));
                printWarnings(r.warnings());
                if (!common.quiet) {
                    for (String id : r.pruned()) {
                        err().println("removed snapshot " + id + " (retention)");
                    }
                }
            }
            case FAILED -> out().println(due + " Backup failed: " + ErrorHandler.oneLine(run.error()));
            case SKIPPED -> out().println(due + " Backup skipped: " + ErrorHandler.oneLine(run.reason()));
            default -> throw new IllegalStateException("unknown outcome " + run.outcome());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean addShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;   // already shutting down
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | SecurityException e) {
            // shutting down: the hook is running or has run
        }
    }

    /**
     * @param text a duration: {@code 6h}, {@code 30m}, {@code 1d}, {@code 90s}, {@code 200ms}, combinations such
     *        as {@code 1h30m}, or ISO-8601 ({@code PT6H}, {@code P1D})
     * @return it, positive
     * @throws TypeConversionException naming the value when it is no duration or not positive
     */
    static Duration parseDuration(String text) {
        Duration d;
        try {
            d = CliDurations.parse("--every", text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new TypeConversionException("the interval must be positive, was '" + text + "'");
        }
        return d;
    }

    /** Reads {@code --every}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    /** Reads {@code --daily}: {@code HH:MM}, 00:00 to 23:59. */
    static final class TimeConverter implements ITypeConverter<LocalTime> {
        private static final Pattern HH_MM = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");

        @Override
        public LocalTime convert(String value) {
            Matcher m = HH_MM.matcher(value == null ? "" : value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a time of day: use HH:MM from 00:00 to "
                        + "23:59, e.g. 00:05");
            }
            return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }

    /** Reads {@code --zone}. */
    static final class ZoneConverter implements ITypeConverter<ZoneId> {
        @Override
        public ZoneId convert(String value) {
            try {
                return ZoneId.of(value.strip());
            } catch (DateTimeException e) {
                throw new TypeConversionException("'" + value + "' is not a time zone: use e.g. Europe/Berlin, "
                        + "America/New_York or UTC");
            }
        }
    }
}
