package io.backupkit.it;

import io.backupkit.BackupPlan;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash trials of restore: the CLI restoring a snapshot over a folder is killed with SIGKILL at a random moment, half
 * the trials anywhere in its work, half inside its swap (once its journal exists). After {@code restore --recover},
 * the folder holds either its old content or the restored content, never a mix, and its live log (a path the backup
 * excluded) is still there.
 *
 * <p>{@code -Dbackupkit.reliability.restoreTrials=N} (default 30), {@code -Dbackupkit.reliability.seed=S}.
 */
@Timeout(1800)
class CrashRestoreIT {

    @TempDir
    Path tmp;

    @Test
    void shouldLeaveTheOldOrTheRestoredContentNeverAMixWhenKilledAtRandom() throws Exception {
        int trials = Integer.getInteger("backupkit.reliability.restoreTrials", 30);
        long seed = Long.getLong("backupkit.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path snapshotTree = tmp.resolve("snapshot-tree");
        Path oldTree = tmp.resolve("old-tree");
        ItSupport.writeRandomTree(snapshotTree, seed, 8, 10, 48 * 1024);
        ItSupport.writeRandomTree(oldTree, seed + 1, 8, 10, 48 * 1024);
        Files.createDirectories(oldTree.resolve("Logs"));
        Files.writeString(oldTree.resolve("Logs/live.log"), "written by the running server\n");
        Path dest = tmp.resolve("dest");
        BackupPlan.builder().source(snapshotTree).destination(dest).exclude("Logs/**").build().backup();
        SortedMap<String, ItSupport.Node> oldContent = ItSupport.describe(oldTree);
        SortedMap<String, ItSupport.Node> restoredContent = new TreeMap<>(ItSupport.describe(snapshotTree));
        restoredContent.put("Logs", oldContent.get("Logs"));
        restoredContent.put("Logs/live.log", oldContent.get("Logs/live.log"));
        Path target = tmp.resolve("server");
        Path work = tmp.resolve(".server.backupkit-restore");
        long window = calibrate(oldTree, target, dest, work);
        CrashBackupIT.Report report = new CrashBackupIT.Report("crash-restore", seed);
        Map<String, Integer> outcomes = new TreeMap<>();
        int old = 0;
        int restored = 0;
        for (int trial = 1; trial <= trials; trial++) {
            String round = "seed " + seed + ", trial " + trial + ": ";
            CrashBackupIT.deleteTree(target);
            copy(oldTree, target);
            boolean inSwap = random.nextBoolean();
            long delayMillis = inSwap ? random.nextInt(25) : random.nextInt((int) Math.max(1, window));
            try (Background restore = ItSupport.start(ItSupport.cliCommand("restore", "--dest", dest.toString(),
                    "--target", target.toString(), "--quiet"))) {
                // in the swap: once the journal names its first rename
                ItSupport.await("the restore's work folder", Duration.ofSeconds(60), null, () -> !restore.isAlive()
                        || (inSwap ? size(work.resolve("journal.jsonl")) > 0 : Files.exists(work)));
                if (!restore.process().waitFor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    restore.kill();
                }
            }
            Run recover = ItSupport.cli("restore", "--recover", "--target", target.toString(), "--json");
            assertThat(recover.exit()).as(round + recover.describe()).isZero();
            String outcome = recover.stdoutJson().path("outcome").asText();
            outcomes.merge((inSwap ? "in swap, " : "anywhere, ") + outcome, 1, Integer::sum);
            assertThat(work).as(round + "work folder after recovery").doesNotExist();
            SortedMap<String, ItSupport.Node> now = ItSupport.describe(target);
            boolean isOld = now.equals(oldContent);
            if (!isOld) {
                ItSupport.assertSameTree(round + "after a kill " + (inSwap ? "in the swap" : "") + " at "
                        + delayMillis + " ms and recovery (" + outcome + "), neither old nor restored content",
                        now, restoredContent, Times.MILLIS);
            }
            assertThat(outcome).as(round + "what the recovery says matches the content")
                    .isIn(isOld ? List.of("NONE", "DISCARDED", "ROLLED_BACK") : List.of("NONE", "FINISHED"));
            if (isOld) {
                old++;
            } else {
                restored++;
            }
            report.trial(trial, delayMillis, true);
        }
        report.finish("window " + window + " ms, trials " + trials + ", old content " + old + ", restored content "
                + restored + ", mixed 0; outcomes " + outcomes);
        assertThat(outcomes.keySet()).as("seed " + seed + ": kills landed both before and inside swaps: " + outcomes)
                .anyMatch(k -> k.endsWith("ROLLED_BACK") || k.endsWith("DISCARDED"));
    }

    /** @return how long a whole restore runs once its work folder exists, in milliseconds */
    private static long calibrate(Path oldTree, Path target, Path dest, Path work) throws Exception {
        copy(oldTree, target);
        try (Background restore = ItSupport.start(ItSupport.cliCommand("restore", "--dest", dest.toString(),
                "--target", target.toString(), "--quiet"))) {
            ItSupport.await("the restore's work folder", Duration.ofSeconds(60), null,
                    () -> !restore.isAlive() || Files.exists(work));
            long start = System.nanoTime();
            Run r = restore.await(Duration.ofSeconds(120));
            assertThat(r.exit()).as(r.describe()).isZero();
            return Math.max(1, (System.nanoTime() - start) / 1_000_000);
        } finally {
            CrashBackupIT.deleteTree(target);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Run cp = ItSupport.run(List.of("cp", "-a", from.toString(), to.toString()), Duration.ofSeconds(60));
        assertThat(cp.exit()).as(cp.describe()).isZero();
    }
}
