package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.it.ItSupport.Background;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup killed with SIGKILL (power cut, OOM killer) leaves only an unfinished snapshot, never one that looks
 * complete; {@code resume} finishes it, reusing the units that were done, into a sound, restorable snapshot.
 */
@Timeout(300)
class KillResumeIT {

    private static final int FOLDERS = 8;
    /** Units: the root files plus one per top-level folder. */
    private static final int UNITS = FOLDERS + 1;

    @TempDir
    Path tmp;

    @Test
    void shouldResumeABackupKilledAfterOneThreeAndFiveUnits() throws IOException {
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 2026, FOLDERS, 12, 1 << 20);
        SortedMap<String, ItSupport.Node> before = ItSupport.describe(source);

        for (int killAfter : List.of(1, 3, 5)) {
            String round = "killed after " + killAfter + " units: ";
            Path dest = tmp.resolve("dest-" + killAfter);

            int finishedAtKill;
            try (Background backup = ItSupport.start(ItSupport.cliCommand("backup", "--source", source.toString(),
                    "--dest", dest.toString(), "--quiet"))) {
                ItSupport.await(killAfter + " finished units in " + dest + "/*.partial/state", Duration.ofSeconds(60),
                        backup, () -> ItSupport.finishedUnits(dest) >= killAfter);
                backup.kill();
                finishedAtKill = ItSupport.finishedUnits(dest);
                assertThat(backup.process().exitValue()).as(round + "exit after SIGKILL").isEqualTo(128 + 9);
            }
            assertThat(finishedAtKill).as(round + "finished units when killed").isBetween(killAfter, UNITS - 1);

            // only an unfinished snapshot: nothing that looks complete
            JsonNode listed = listJson(dest, round);
            assertThat(listed.size()).as(round + listed).isEqualTo(1);
            assertThat(listed.get(0).path("complete").asBoolean(true)).as(round + listed).isFalse();
            String partialId = listed.get(0).path("id").asText();
            assertThat(dest.resolve(partialId + ".partial")).as(round).isDirectory();
            assertThat(dest.resolve(partialId)).as(round).doesNotExist();

            Run verify = ItSupport.cli("verify", "--dest", dest.toString());
            assertThat(verify.exit()).as(round + verify.describe()).isEqualTo(1);
            assertThat(verify.stderr()).as(round + verify.describe()).startsWith(ItSupport.ERROR_PREFIX);

            ItSupport.assertSameTree(round + "source after the kill", ItSupport.describe(source), before,
                    Times.MILLIS);

            // resume reuses what was finished
            Run resume = ItSupport.cli("resume", "--source", source.toString(), "--dest", dest.toString(),
                    "--json");
            assertThat(resume.exit()).as(round + resume.describe()).isZero();
            JsonNode result = resume.stdoutJson();
            assertThat(result.path("snapshotId").asText()).as(round + resume.describe()).isEqualTo(partialId);
            assertThat(result.path("unitsReused").asInt()).as(round + resume.describe())
                    .isGreaterThanOrEqualTo(finishedAtKill).isLessThan(UNITS);
            assertThat(result.path("units").asInt()).as(round + resume.describe()).isEqualTo(UNITS);
            assertThat(result.path("files").asLong()).as(round + resume.describe())
                    .isEqualTo(before.values().stream().filter(n -> n.type().equals("file")).count());

            // exactly one complete snapshot, no unfinished one
            listed = listJson(dest, round);
            assertThat(listed.size()).as(round + listed).isEqualTo(1);
            assertThat(listed.get(0).path("complete").asBoolean()).as(round + listed).isTrue();
            assertThat(listed.get(0).path("id").asText()).as(round + listed).isEqualTo(partialId);
            assertThat(ItSupport.list(dest, "*.partial")).as(round + "unfinished snapshots").isEmpty();

            verify = ItSupport.cli("verify", "--dest", dest.toString());
            assertThat(verify.exit()).as(round + verify.describe()).isZero();

            Path target = tmp.resolve("restored-" + killAfter);
            Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());
            assertThat(restore.exit()).as(round + restore.describe()).isZero();
            ItSupport.assertSameTree(round + "restored tree", ItSupport.describe(target), before, Times.MILLIS);
            ItSupport.assertSameTree(round + "source at the end", ItSupport.describe(source), before, Times.MILLIS);
        }
    }

    /**
     * The last step of a backup (manifest written, resume files removed, folder renamed) must be as safe to interrupt as the
     * others. Kills the CLI once all units and the manifest are written but before the folder is renamed, then resumes.
     */
    @Test
    void shouldResumeABackupKilledWhileItsSnapshotIsCompleted() throws IOException {
        Path source = tmp.resolve("source");
        int folders = 3;
        ItSupport.writeRandomTree(source, 5, folders, 20, 64 * 1024);
        SortedMap<String, ItSupport.Node> before = ItSupport.describe(source);

        Path dest = null;
        for (int attempt = 0; attempt < 20 && dest == null; attempt++) {
            Path d = tmp.resolve("dest-finishing-" + attempt);
            try (Background backup = ItSupport.start(ItSupport.cliCommand("backup", "--source", source.toString(),
                    "--dest", d.toString(), "--quiet"))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (backup.isAlive() && System.nanoTime() < deadline) {
                    if (isFinishing(d, folders + 1)) {
                        backup.kill();
                        dest = d;
                        break;
                    }
                    Thread.onSpinWait();
                }
                backup.await(Duration.ofSeconds(60));
            }
            if (dest != null && ItSupport.list(dest, "*.partial").isEmpty()) {
                dest = null; // the rename won the race against the kill: the snapshot is complete, try again
            }
        }
        Assumptions.assumeTrue(dest != null, "the finishing phase was too short to catch on this machine");

        Run resume = ItSupport.cli("resume", "--source", source.toString(), "--dest", dest.toString(), "--json");
        assertThat(resume.exit()).as(resume.describe()).isZero();
        JsonNode listed = listJson(dest, "");
        assertThat(listed.size()).as(listed.toString()).isEqualTo(1);
        assertThat(listed.get(0).path("complete").asBoolean()).as(listed.toString()).isTrue();
        Run verify = ItSupport.cli("verify", "--dest", dest.toString());
        assertThat(verify.exit()).as(verify.describe()).isZero();
        Path target = tmp.resolve("restored-finishing");
        Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());
        assertThat(restore.exit()).as(restore.describe()).isZero();
        ItSupport.assertSameTree("restored tree", ItSupport.describe(target), before, Times.MILLIS);
    }

    /** All unit archives written and the manifest on disk, the folder not yet renamed: the run is completing. */
    private static boolean isFinishing(Path dest, int units) {
        for (Path partial : ItSupport.list(dest, "*.partial")) {
            if (ItSupport.list(partial.resolve("units"), "*.zip").size() == units
                    && Files.exists(partial.resolve("manifest.json"))) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode listJson(Path dest, String round) {
        Run list = ItSupport.cli("list", "--dest", dest.toString(), "--json");
        assertThat(list.exit()).as(round + list.describe()).isZero();
        JsonNode json = list.stdoutJson();
        assertThat(json.isArray()).as(round + list.describe()).isTrue();
        return json;
    }
}
