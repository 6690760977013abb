package io.backupkit;

import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static io.backupkit.ScheduledRun.Outcome.FAILED;
import static io.backupkit.ScheduledRun.Outcome.SKIPPED;
import static io.backupkit.ScheduledRun.Outcome.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

/** Real schedules on a real executor, writing real snapshots. */
class BackupSchedulerRunTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final long TIMEOUT_SECONDS = 10;

    @TempDir
    Path tmp;

    private Path source;
    private Path dest;
    private ScheduledThreadPoolExecutor executor;
    private final LinkedBlockingQueue<ScheduledRun> reported = new LinkedBlockingQueue<>();
    private ScheduledBackup handle;

    @BeforeEach
    void setUp() throws IOException {
        source = tmp.resolve("source");
        TestTrees.write(source.resolve("Preferences.xml"), "<Preferences/>");
        TestTrees.write(source.resolve("Metadata/Movies/Info.xml"), "<Movie/>");
        TestTrees.write(source.resolve("Plug-in Support/Databases/library.db"), "SQLite format 3");
        dest = tmp.resolve("dest");
        executor = new ScheduledThreadPoolExecutor(2);
        executor.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (handle != null) {
            handle.cancelNow();
            handle.await(Duration.ofSeconds(TIMEOUT_SECONDS));
        }
        executor.shutdownNow();
        executor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private BackupPlan.Builder plan() {
        return BackupPlan.builder().source(source).destination(dest).workers(1);
    }

    private ScheduledBackup start(BackupPlan plan) {
        handle = BackupScheduler.every(plan, INTERVAL).onRun(reported::add).start(executor);
        return handle;
    }

    /** The next reported run that matches, failing the test after the timeout. */
    private ScheduledRun awaitRun(Predicate<ScheduledRun> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            ScheduledRun run = reported.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(run).as("a matching run within %ss", TIMEOUT_SECONDS).isNotNull();
            if (wanted.test(run)) {
                return run;
            }
        }
    }

    private static Predicate<ScheduledRun> outcome(ScheduledRun.Outcome outcome) {
        return run -> run.outcome() == outcome;
    }

    private void stop() throws InterruptedException {
        handle.cancel();
        assertThat(handle.await(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();
    }

    @Test
    void shouldWriteOneSnapshotPerRun() throws InterruptedException {
        BackupPlan plan = plan().build();
        start(plan);

        for (int i = 0; i < 3; i++) {
            awaitRun(outcome(SUCCEEDED));
        }
        stop();

        long succeeded = handle.runs().stream().filter(outcome(SUCCEEDED)).count();
        assertThat(succeeded).isGreaterThanOrEqualTo(3);
        assertThat(plan.snapshots()).hasSize((int) succeeded).allSatisfy(s -> assertThat(s.complete()).isTrue());
        assertThat(handle.runs()).filteredOn(outcome(SUCCEEDED))
                .extracting(r -> r.result().snapshotId()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(plan.snapshots().stream().map(Snapshot::id).toList());
        assertThat(handle.runs()).noneMatch(outcome(FAILED));
        ScheduledRun first = handle.runs().get(0);
        assertThat(first.started()).isAfterOrEqualTo(first.scheduled());
        assertThat(first.finished()).isAfterOrEqualTo(first.started());
    }

    @Test
    void shouldSkipARunDueWhileThePreviousOneStillRuns() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstRun = new AtomicBoolean(true);
        BackupPlan plan = plan().listener(event -> {
            if (event instanceof ProgressEvent.RunStarted && firstRun.getAndSet(false)) {
                try {
                    release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).build();
        start(plan);

        ScheduledRun skipped = awaitRun(run -> true);
        release.countDown();
        ScheduledRun slow = awaitRun(outcome(SUCCEEDED));

        assertThat(skipped.outcome()).isEqualTo(SKIPPED);
        assertThat(skipped.reason()).contains("previous run of this schedule").contains("still running")
                .contains(dest.toString()).contains(slow.scheduled().toString());
        assertThat(skipped.result()).isNull();
        assertThat(skipped.error()).isNull();
        assertThat(skipped.scheduled()).isAfter(slow.scheduled());
        assertThat(skipped.duration()).isZero();
        ScheduledRun next = awaitRun(outcome(SUCCEEDED));
        assertThat(next.scheduled()).isAfter(skipped.scheduled());
        stop();
        assertThat(handle.runs()).noneMatch(outcome(FAILED));
    }

    @Test
    void shouldSkipARunWhileAnotherRunHoldsTheDestinationLockNamingIt() throws Exception {
        Files.createDirectories(dest);
        ScheduledRun skipped;
        try (DestinationLock lock = DestinationLock.acquire(dest, "restore")) {
            start(plan().build());
            skipped = awaitRun(run -> true);
        }
        ScheduledRun after = awaitRun(outcome(SUCCEEDED));

        assertThat(skipped.outcome()).isEqualTo(SKIPPED);
        assertThat(skipped.reason()).contains("locked").contains("pid " + ProcessHandle.current().pid())
                .contains("restore since");
        assertThat(after.scheduled()).isAfter(skipped.scheduled());
        stop();
        assertThat(handle.runs()).noneMatch(outcome(FAILED));
    }

    @Test
    void shouldReportAFailedRunAndRunAgainOnceTheSourceIsBack() throws Exception {
        Path away = tmp.resolve("source-away");
        Files.move(source, away);
        start(plan().build());

        ScheduledRun failed = awaitRun(run -> true);
        Files.move(away, source);
        ScheduledRun after = awaitRun(outcome(SUCCEEDED));

        assertThat(failed.outcome()).isEqualTo(FAILED);
        assertThat(failed.error()).isEqualTo("Source folder " + source + " does not exist");
        assertThat(failed.result()).isNull();
        assertThat(after.scheduled()).isAfter(failed.scheduled());
        assertThat(after.result().files()).isEqualTo(3);
        stop();
    }

    @Test
    void shouldGoOnAfterAnUnexpectedException() throws InterruptedException {
        BackupPlan plan = plan().archiver(new BrokenOnceArchiver()).build();
        start(plan);

        ScheduledRun broken = awaitRun(run -> true);
        ScheduledRun after = awaitRun(outcome(SUCCEEDED));

        assertThat(broken.outcome()).isEqualTo(FAILED);
        assertThat(broken.error()).contains("unexpected").contains(IllegalStateException.class.getName())
                .contains("archiver bug");
        assertThat(after.scheduled()).isAfter(broken.scheduled());
        stop();
    }

    @Test
    void shouldGoOnWhenTheRunListenerThrows() throws InterruptedException {
        CountDownLatch calls = new CountDownLatch(2);
        handle = BackupScheduler.every(plan().build(), INTERVAL).onRun(run -> {
            calls.countDown();
            throw new IllegalStateException("listener bug");
        }).start(executor);

        assertThat(calls.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        stop();
        assertThat(handle.runs()).hasSizeGreaterThanOrEqualTo(2).anyMatch(outcome(SUCCEEDED));
    }

    @Test
    void shouldStartNoRunOnceCancelled() throws Exception {
        BackupPlan plan = plan().build();
        start(plan);
        awaitRun(outcome(SUCCEEDED));

        stop();
        int runs = handle.runs().size();

        assertThat(handle.cancelled()).isTrue();
        assertThat(handle.nextRun()).isEmpty();
        assertThat(executor.getQueue()).as("nothing left scheduled").isEmpty();
        // three intervals later, still nothing more
        executor.schedule(() -> { }, INTERVAL.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(handle.runs()).hasSize(runs);
        assertThat(reported).hasSize(0);
        assertThat(plan.snapshots()).hasSize((int) handle.runs().stream().filter(outcome(SUCCEEDED)).count());
    }

    @Test
    void shouldLeaveAResumableSnapshotWhenCancelledDuringARun() throws Exception {
        CountDownLatch inUnit = new CountDownLatch(1);
        AtomicBoolean firstRun = new AtomicBoolean(true);
        BackupPlan plan = plan().listener(event -> {
            if (event instanceof ProgressEvent.UnitFinished && firstRun.getAndSet(false)) {
                inUnit.countDown();
                try {
                    new CountDownLatch(1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);   // until interrupted
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).build();
        start(plan);
        assertThat(inUnit.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

        handle.cancelNow();
        assertThat(handle.await(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();

        assertThat(handle.runs()).singleElement().satisfies(run -> {
            assertThat(run.outcome()).isEqualTo(FAILED);
            assertThat(run.error()).containsIgnoringCase("interrupt");
        });
        assertThat(plan.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
        BackupResult resumed = plan.toBuilder().listener(null).build().resume();
        assertThat(resumed.unitsReused()).isGreaterThanOrEqualTo(1);
        assertThat(plan.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
    }

    /** A zip archiver with a bug that shows once: an unexpected exception, not a BackupException. */
    private static final class BrokenOnceArchiver extends ZipDelegate {
        private final AtomicBoolean broken = new AtomicBoolean(true);

        @Override
        public Set<String> contentOptions() {
            if (broken.getAndSet(false)) {
                throw new IllegalStateException("archiver bug");
            }
            return zip.contentOptions();
        }
    }
}
