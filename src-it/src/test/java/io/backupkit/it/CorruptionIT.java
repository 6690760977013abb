package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bit rot in a snapshot: for every archiver, one byte at a random offset of an archive (or a file of a folder unit),
 * an index or the manifest is flipped, trial after trial. Each time {@code verify} must name the damaged unit or file
 * and {@code restore} must refuse with the target untouched; a flip that neither notices must be harmless, which is
 * checked by restoring it: the restored tree equals the source and the target's excluded live files are kept.
 * The byte's modification time is kept, as bit rot keeps it.
 *
 * <p>{@code -Dbackupkit.reliability.corruptionTrials=N} trials per archiver (default 20, 200 with
 * {@code -Dbackupkit.reliability.full=true}), {@code -Dbackupkit.reliability.seed=S} replays a run. Figures go to
 * {@code target/reliability/corruption.txt}.
 */
@Timeout(1800)
class CorruptionIT {

    static final List<String> ARCHIVERS = List.of("zip", "7z", "tar.gz", "tar.xz", "tar.zst", "mirror");

    @TempDir
    Path tmp;

    /** A file of the snapshot that can be damaged, and the unit it belongs to ({@code null}: the manifest). */
    private record Piece(Path file, String kind, String unit) {
    }

    @Test
    void shouldDetectEveryFlippedByteOrRestoreIdenticalBytes() throws IOException {
        boolean full = Boolean.getBoolean("backupkit.reliability.full");
        int trials = Integer.getInteger("backupkit.reliability.corruptionTrials", full ? 200 : 20);
        long seed = Long.getLong("backupkit.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, seed);
        Files.createDirectories(source.resolve("Logs"));
        Files.writeString(source.resolve("Logs/server.log"), "excluded from the backup\n");
        SortedMap<String, ItSupport.Node> expected = new TreeMap<>(ItSupport.describe(source));
        expected.keySet().removeIf(p -> p.equals("Logs") || p.startsWith("Logs/"));

        CrashBackupIT.Report report = new CrashBackupIT.Report("corruption", seed);
        List<String> summary = new ArrayList<>();
        int allTrials = 0;
        int allDetected = 0;
        int allHarmless = 0;
        for (String archiver : ARCHIVERS) {
            Path dest = tmp.resolve("dest-" + archiver);
            BackupPlan plan = BackupPlan.builder().source(source).destination(dest).archiver(archiver)
                    .exclude("Logs/**").build();
            BackupResult backup = plan.backup();
            String id = backup.snapshotId();
            Path snapshot = dest.resolve(id);
            List<Piece> pieces = pieces(snapshot);
            Path target = tmp.resolve("target-" + archiver);
            writeLiveTarget(target);
            Map<String, int[]> byKind = new LinkedHashMap<>(); // kind -> {trials, detected, harmless}
            for (int trial = 1; trial <= trials; trial++) {
                String kind = List.of("archive", "index", "manifest").get(random.nextInt(3));
                List<Piece> ofKind = pieces.stream().filter(p -> p.kind().equals(kind)).toList();
                Piece piece = ofKind.get(random.nextInt(ofKind.size()));
                long size = Files.size(piece.file());
                long offset = (long) (random.nextDouble() * size);
                int mask = 1 + random.nextInt(255);
                String round = "seed " + seed + ", " + archiver + " trial " + trial + ", " + snapshot.relativize(
                        piece.file()) + " byte " + offset + " ^ " + mask + ": ";
                String context = context(piece.file(), offset);
                SortedMap<String, ItSupport.Node> targetBefore = ItSupport.describe(target);
                List<String> besideBefore = names(tmp);
                flip(piece.file(), offset, mask);
                boolean detected;
                try {
                    detected = checkDetection(plan, id, piece, round);
                    if (detected) {
                        assertRefused(plan, id, target, round);
                        ItSupport.assertSameTree(round + "target after the refused restore",
                                ItSupport.describe(target), targetBefore, Times.MILLIS);
                        assertThat(names(tmp)).as(round + "nothing left beside the target").isEqualTo(besideBefore);
                    } else {
                        // neither verify nor restore notices: it must not matter to the restored bytes
                        plan.restore(RestoreRequest.of(id).target(target));
                        SortedMap<String, ItSupport.Node> now = ItSupport.describe(target);
                        SortedMap<String, ItSupport.Node> want = new TreeMap<>(expected);
                        want.put("Logs", targetBefore.get("Logs"));
                        want.put("Logs/live.log", targetBefore.get("Logs/live.log"));
                        ItSupport.assertSameTree(round + "an undetected flip (" + context + ") changed the restore",
                                now, want, Times.MILLIS);
                        report.line(round + "not detected, harmless: restored bytes identical; near it: " + context);
                        CrashBackupIT.deleteTree(target);
                        writeLiveTarget(target);
                    }
                } finally {
                    flip(piece.file(), offset, mask);
                }
                int[] counts = byKind.computeIfAbsent(kind, k -> new int[3]);
                counts[0]++;
                counts[detected ? 1 : 2]++;
                allTrials++;
                if (detected) {
                    allDetected++;
                } else {
                    allHarmless++;
                }
            }
            VerifyResult clean = plan.verify(id);
            assertThat(clean.ok()).as("seed " + seed + ", " + archiver + ": every flip was undone: "
                    + clean.problems()).isTrue();
            StringBuilder line = new StringBuilder(archiver + ": " + trials + " trials");
            byKind.forEach((k, c) -> line.append(", ").append(k).append(' ').append(c[0]).append(" (detected ")
                    .append(c[1]).append(", harmless ").append(c[2]).append(')'));
            summary.add(line.toString());
            report.line(line.toString());
        }
        report.finish("archivers " + ARCHIVERS.size() + ", trials " + allTrials + ", detected " + allDetected
                + ", harmless " + allHarmless + ", undetected harmful 0; " + String.join("; ", summary));
    }

    /** The command line says the same: exit code 1 and a line naming the damaged unit, for two archivers. */
    @Test
    void shouldNameTheDamagedUnitOnTheCommandLine() throws IOException {
        Path source = tmp.resolve("source");
        ItSupport.writeRandomTree(source, 7, 2, 3, 16 * 1024);
        for (String archiver : List.of("zip", "mirror")) {
            Path dest = tmp.resolve("dest-" + archiver);
            BackupPlan plan = BackupPlan.builder().source(source).destination(dest).archiver(archiver).build();
            String id = plan.backup().snapshotId();
            Path file = archiver.equals("zip") ? dest.resolve(id).resolve("units/Folder 01.zip")
                    : dest.resolve(id).resolve("units/Folder 01/Folder 01/data 02.bin");
            flip(file, Files.size(file) / 2, 0x20);
            Run verify = ItSupport.cli("verify", "--dest", dest.toString());
            assertThat(verify.exit()).as(verify.describe()).isEqualTo(1);
            assertThat(verify.stdout() + verify.stderr()).as(verify.describe()).contains("Folder 01");
            Path target = tmp.resolve("target-" + archiver);
            writeLiveTarget(target);
            SortedMap<String, ItSupport.Node> before = ItSupport.describe(target);
            Run restore = ItSupport.cli("restore", "--dest", dest.toString(), "--target", target.toString());
            assertThat(restore.exit()).as(restore.describe()).isEqualTo(1);
            assertThat(restore.stderr()).as(restore.describe()).startsWith(ItSupport.ERROR_PREFIX)
                    .contains("Folder 01");
            ItSupport.assertSameTree(archiver + ": target after the refused restore", ItSupport.describe(target),
                    before, Times.MILLIS);
        }
    }

    /**
     * @return true when verify reports the damage; then it must name the damaged unit or file. Verify may also
     *         refuse the snapshot as a whole with a {@link BackupException} (a manifest that no longer parses).
     */
    private static boolean checkDetection(BackupPlan plan, String id, Piece piece, String round) {
        VerifyResult v;
        try {
            v = plan.verify(id);
        } catch (BackupException e) {
            assertThat(e.getMessage()).as(round + "verify's error").isNotBlank().containsAnyOf("manifest",
                    id);
            return true;
        }
        if (v.ok()) {
            return false;
        }
        List<VerifyProblem> problems = v.problems();
        if (piece.unit() != null) {
            String name = piece.file().getFileName().toString();
            assertThat(problems).as(round + "verify names the damaged unit or file").anyMatch(p ->
                    piece.unit().equals(p.unit()) || String.valueOf(p.path()).endsWith(name));
        } else {
            assertThat(problems).as(round + "verify's problems").allSatisfy(p ->
                    assertThat(p.toString()).isNotBlank());
        }
        return true;
    }

    private static void assertRefused(BackupPlan plan, String id, Path target, String round) {
        try {
            plan.restore(RestoreRequest.of(id).target(target));
        } catch (BackupException e) {
            assertThat(e.getMessage()).as(round + "restore's error").isNotBlank();
            return;
        }
        throw new AssertionError(round + "verify found the damage but restore went ahead");
    }

    /** The manifest and its hash, every index and every non-empty file of every unit (an archive, or a folder unit's files). */
    private static List<Piece> pieces(Path snapshot) throws IOException {
        JsonNode manifest = ItSupport.JSON.readTree(snapshot.resolve("manifest.json").toFile());
        List<Piece> out = new ArrayList<>();
        out.add(new Piece(snapshot.resolve("manifest.json"), "manifest", null));
        out.add(new Piece(snapshot.resolve("manifest.sha256"), "manifest", null));
        for (JsonNode unit : manifest.path("units")) {
            String name = unit.path("name").asText();
            out.add(new Piece(snapshot.resolve(unit.path("index").asText()), "index", name));
            Path archive = snapshot.resolve(unit.path("archive").asText());
            if (Files.isDirectory(archive, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(archive)) {
                    for (Path p : s.sorted().toList()) {
                        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) > 0) {
                            out.add(new Piece(p, "archive", name));
                        }
                    }
                }
            } else {
                out.add(new Piece(archive, "archive", name));
            }
        }
        return out;
    }

    /** A live data folder the restores must either leave alone or replace, keeping its excluded log. */
    private static void writeLiveTarget(Path target) throws IOException {
        Files.createDirectories(target.resolve("Logs"));
        Files.writeString(target.resolve("Preferences.xml"), "<Preferences live=\"1\"/>");
        Files.writeString(target.resolve("Logs/live.log"), "written by the running server\n");
    }

    /** Flips the byte with XOR (so flipping again undoes it), keeping the file's modification time. */
    static void flip(Path file, long offset, int mask) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ mask);
        }
        Files.setLastModifiedTime(file, mtime);
    }

    /** @return up to 24 printable characters around the offset, for the report */
    private static String context(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int from = (int) Math.max(0, offset - 12);
        int to = (int) Math.min(all.length, offset + 12);
        String s = new String(all, from, to - from, StandardCharsets.ISO_8859_1);
        return "'" + s.replaceAll("[^\\x20-\\x7e]", ".") + "'";
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
