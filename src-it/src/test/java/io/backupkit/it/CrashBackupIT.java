package io.backupkit.it;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.Snapshot;
import io.backupkit.VerifyResult;
import io.backupkit.it.ItSupport.Background;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash trials: the CLI backing up into one destination is killed with SIGKILL at a random moment, trial after trial,
 * the source changing a little between trials. After each kill: every snapshot listed as complete verifies, the
 * source is untouched, the next run takes the dead run's lock over, {@code resume} completes the unfinished snapshot,
 * and (every few trials, and at the end) the newest snapshot restores byte-identical.
 *
 * <p>{@code -Dbackupkit.reliability.trials=N} runs N trials (default 50), {@code -Dbackupkit.reliability.seed=S}
 * replays a run; the seed of each trial is in every failure message and in {@code target/reliability/}.
 */
@Timeout(1800)
class CrashBackupIT {

    @TempDir
    Path tmp;

    @Test
    void shouldNeverLeaveADamagedCompleteSnapshotWhenKilledAtRandom() throws IOException {
        int trials = Integer.getInteger("backupkit.reliability.trials", 50);
        long seed = Long.getLong("backupkit.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path source = tmp.resolve("source");
        Path dest = tmp.resolve("dest");
        ItSupport.writeRandomTree(source, seed, 6, 12, 64 * 1024);
        Set<String> verified = new HashSet<>();
        java.util.Map<String, SortedMap<String, ItSupport.Node>> trees = new java.util.HashMap<>();
        Report report = new Report("crash-backup", seed);
        int killed = 0;
        int resumed = 0;
        long window = calibrate(source, tmp.resolve("calibration"));
        for (int trial = 1; trial <= trials; trial++) {
            String round = "seed " + seed + ", trial " + trial + ": ";
            change(source, random);
            SortedMap<String, ItSupport.Node> before = ItSupport.describe(source);
            long delayMillis = random.nextInt((int) Math.max(1, window * 12 / 10));
            boolean wasKilled;
            String archiver = random.nextBoolean() ? "zip" : "tar.zst";
            try (Background backup = ItSupport.start(ItSupport.cliCommand("backup", "--source", source.toString(),
                    "--dest", dest.toString(), "--archiver", archiver, "--quiet"))) {
                // the kill lands anywhere in the backup's own work, not in the JVM's start-up
                awaitPartial(backup, dest);
                wasKilled = !waitFor(backup, delayMillis);
                if (wasKilled) {
                    backup.kill();
                    killed++;
                } else {
                    Run r = backup.await(Duration.ofSeconds(5));
                    assertThat(r.exit()).as(round + r.describe()).isZero();
                }
            }
            ItSupport.assertSameTree(round + "source after the kill", ItSupport.describe(source), before,
                    Times.MILLIS);
            // checked in this JVM through the API: only the run under test needs to be a process of its own
            BackupPlan plan = BackupPlan.builder().source(source).destination(dest).archiver(archiver).build();
            for (Snapshot s : Files.isDirectory(dest) ? plan.snapshots() : List.<Snapshot>of()) {
                if (s.complete() && verified.add(s.id())) {
                    VerifyResult v = plan.verify(s.id());
                    assertThat(v.ok()).as(round + "complete snapshot " + s.id() + " verifies: " + v.problems())
                            .isTrue();
                }
            }
            if (!ItSupport.list(dest, "*.partial").isEmpty()) {
                // the dead run's lock is taken over, and the unfinished snapshot completed
                BackupResult resume = plan.resume();
                VerifyResult v = plan.verify(resume.snapshotId());
                assertThat(v.ok()).as(round + "resumed after a kill at " + delayMillis + " ms: " + v.problems())
                        .isTrue();
                verified.add(resume.snapshotId());
                resumed++;
                assertThat(ItSupport.list(dest, "*.partial")).as(round + "unfinished after resume").isEmpty();
            }
            // a snapshot completed in this trial holds the source as it was during the trial (a kill before the
            // backup wrote anything leaves none)
            String newest = null;
            for (Snapshot s : Files.isDirectory(dest) ? plan.snapshots() : List.<Snapshot>of()) {
                if (s.complete()) {
                    trees.putIfAbsent(s.id(), before);
                    newest = newest == null || s.id().compareTo(newest) > 0 ? s.id() : newest;
                }
            }
            if (newest != null && (trial % 10 == 0 || trial == trials)) {
                Path target = tmp.resolve("restored-" + trial);
                plan.restore(RestoreRequest.of(newest).target(target));
                ItSupport.assertSameTree(round + "newest snapshot " + newest + " restored",
                        ItSupport.describe(target), trees.get(newest), Times.MILLIS);
                deleteTree(target);
            }
            report.trial(trial, delayMillis, wasKilled);
        }
        report.finish("window " + window + " ms, trials " + trials + ", killed " + killed + ", resumed " + resumed + ", complete snapshots "
                + "verified " + verified.size() + ", damaged 0");
        assertThat(killed).as("seed " + seed + ": kills that hit a running backup").isPositive();
    }

    /** @return how long a whole backup of the tree runs once its snapshot folder exists, in milliseconds */
    private static long calibrate(Path source, Path dest) throws IOException {
        try (Background backup = ItSupport.start(ItSupport.cliCommand("backup", "--source", source.toString(),
                "--dest", dest.toString(), "--quiet"))) {
            awaitPartial(backup, dest);
            long start = System.nanoTime();
            Run r = backup.await(Duration.ofSeconds(120));
            assertThat(r.exit()).as(r.describe()).isZero();
            long millis = (System.nanoTime() - start) / 1_000_000;
            deleteTree(dest);
            return millis;
        }
    }

    /** Waits until the backup has made its unfinished snapshot folder, or has ended. */
    private static void awaitPartial(Background backup, Path dest) {
        ItSupport.await("the backup's .partial folder", Duration.ofSeconds(60), null,
                () -> !backup.isAlive() || !ItSupport.list(dest, "*.partial").isEmpty());
    }

    /** @return true when the process ended within the delay, false when it is still running */
    private static boolean waitFor(Background process, long millis) {
        try {
            return process.process().waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Rewrites, adds or removes one file, so each trial's snapshot differs from the last. */
    static void change(Path source, Random random) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(source)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        Path pick = files.get(random.nextInt(files.size()));
        byte[] bytes = new byte[1 + random.nextInt(200_000)];
        random.nextBytes(bytes);
        switch (random.nextInt(3)) {
            case 0 -> Files.write(pick, bytes);
            case 1 -> Files.write(pick.resolveSibling("added-" + random.nextInt(1_000_000) + ".bin"), bytes);
            default -> {
                if (files.size() > 20) {
                    Files.delete(pick);
                } else {
                    Files.write(pick, bytes);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Writes each trial to {@code target/reliability/<name>.txt}: the figures the README quotes come from there. */
    static final class Report {
        private final Path file;

        Report(String name, long seed) throws IOException {
            Path dir = Path.of("target", "reliability");
            Files.createDirectories(dir);
            file = dir.resolve(name + ".txt");
            Files.writeString(file, name + " seed " + seed + "\n");
        }

        void trial(int trial, long delayMillis, boolean killed) throws IOException {
            Files.writeString(file, "trial " + trial + " after " + delayMillis + " ms: " + (killed ? "killed"
                    : "finished before the kill") + "\n", java.nio.file.StandardOpenOption.APPEND);
        }

        /** Adds a line of detail (a case worth reading, such as a fault that was harmless). */
        void line(String text) throws IOException {
            Files.writeString(file, text + "\n", java.nio.file.StandardOpenOption.APPEND);
        }

        void finish(String summary) throws IOException {
            Files.writeString(file, summary + "\n", java.nio.file.StandardOpenOption.APPEND);
            System.out.println(file.getFileName() + ": " + summary);
        }
    }
}
