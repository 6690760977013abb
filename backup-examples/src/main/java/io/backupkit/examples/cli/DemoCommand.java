package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.CorruptSnapshotException;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.VerifyResult;
import io.backupkit.examples.demo.DemoTree;
import io.backupkit.examples.demo.TreeComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code backupkit demo}: builds a sample Plex-like data folder ({@link DemoTree}), backs it up with the zip
 * archiver leaving out {@code Logs/} and {@code Cache/}, verifies the snapshot, restores it into another folder and
 * compares the restored tree with the source ({@link TreeComparison}). Exits 1 when they differ. Works in a
 * temporary folder that is removed afterwards, or under {@code --dir}, where it is kept.
 *
 * <pre>{@code
 * $ backupkit demo
 * Sample data folder: 3000 files, 14403444 bytes, 2213 folders, 1 link, longest path 337 characters (77 files in
 *   Logs/ and Cache/ excluded)
 * Backup:  snapshot 20261122T035800Z, 3000 files, 14403444 bytes in 1.35s
 * Verify:  sound, 3000 files checked in 0.60s
 * Restore: 3000 files into /tmp/backupkit-demo-123/restored/Plex Media Server in 1.07s
 * restored tree identical: yes
 * }</pre>
 */
@Command(name = "demo", description = "Back up, verify and restore a sample Plex-like data folder, and compare.")
final class DemoCommand extends CliCommand {

    private static final int MAX_DIFFERENCES = 20;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Work under this folder and keep the result (default: a temporary folder, removed).")
    Path dir;

    @Option(names = "--files", paramLabel = "N", defaultValue = "" + DemoTree.FILES,
            description = "Files in the sample, at least " + DemoTree.MIN_FILES + " (default: ${DEFAULT-VALUE}).")
    int files;

    /**
     * What the demo did, for {@code --json}.
     *
     * @param work the folder holding the sample, the backups and the restored copy
     * @param source the sample data folder
     * @param destination the snapshots' folder
     * @param target the restored copy
     * @param snapshotId the snapshot written
     * @param files files backed up
     * @param bytes their size
     * @param excludedFiles files left out (Logs/, Cache/)
     * @param verifiedFiles files whose hash verify checked
     * @param restoredFiles files restored
     * @param backupSeconds backup time
     * @param verifySeconds verify time
     * @param restoreSeconds restore time
     * @param identical whether the restored tree equals the source
     * @param differences what differs, at most 20
     * @param notes what the platform could not hold and the sample left out
     * @param kept whether the work folder was kept
     */
    record Report(Path work, Path source, Path destination, Path target, String snapshotId, long files, long bytes,
                  long excludedFiles, long verifiedFiles, long restoredFiles, double backupSeconds,
                  double verifySeconds, double restoreSeconds, boolean identical, List<String> differences,
                  List<String> notes, boolean kept) {
    }

    @Override
    public Integer call() throws IOException {
        if (files < DemoTree.MIN_FILES) {
            throw new ParameterException(spec.commandLine(), "--files must be at least " + DemoTree.MIN_FILES
                    + ", was " + files);
        }
        Path work;
        try {
            work = dir == null ? Files.createTempDirectory("backupkit-demo-")
                    : Files.createTempDirectory(Files.createDirectories(dir), "backupkit-demo-");
        } catch (IOException e) {
            throw new BackupException("Cannot create the demo folder " + (dir == null ? "in the temporary folder"
                    : "under " + dir) + ": " + e, e);
        }
        boolean keep = dir != null;
        boolean differs = false;
        try {
            Report report = run(work, keep);
            differs = !report.identical();
            print(report);
            return differs ? BackupKitCli.EXIT_FAILED : BackupKitCli.EXIT_OK;
        } finally {
            if (!keep && !differs) {
                try {
                    io.backupkit.internal.Fs.deleteTree(work);
                } catch (IOException e) {
                    err().println("warning: could not remove the demo folder " + work + ": " + e);
                }
            }
        }
    }

    private Report run(Path work, boolean keep) throws IOException {
        Path source = work.resolve(DemoTree.APP_FOLDER);
        Path dest = work.resolve("backups");
        Path target = work.resolve("restored").resolve(DemoTree.APP_FOLDER);
        DemoTree.Stats sample = DemoTree.create(source, files);
        BackupResult backup;
        VerifyResult verify;
        RestoreResult restore;
        try (ProgressDisplay progress = progress()) {
            BackupPlan plan = BackupPlan.builder()
                    .source(source)
                    .destination(dest)
                    .archiver("zip")
                    .exclude(DemoTree.EXCLUDES.toArray(String[]::new))
                    .listener(progress)
                    .build();
            backup = plan.backup();
            verify = plan.verify(backup.snapshotId());
            if (!verify.ok()) {
                throw new CorruptSnapshotException(verify);
            }
            restore = plan.restore(RestoreRequest.of(backup.snapshotId()).target(target));
        }
        List<String> differences = TreeComparison.differences(source, target, DemoTree::isExcluded, MAX_DIFFERENCES);
        if (!common.json && !common.quiet) {
            for (String note : sample.notes()) {
                err().println("note: " + note);
            }
            out().println("Sample data folder: " + sample.files() + " files, " + sample.bytes() + " bytes, "
                    + sample.directories() + " folders, " + sample.links() + " link" + (sample.links() == 1 ? "" : "s")
                    + ", longest path " + sample.longestPath() + " characters (" + sample.excludedFiles()
                    + " files in Logs/ and Cache/ excluded)");
        }
        printWarnings(backup.warnings());
        printWarnings(restore.warnings());
        return new Report(work, source, dest, target, backup.snapshotId(), backup.files(), backup.bytes(),
                sample.excludedFiles(), verify.files(), restore.files(), seconds(backup), seconds(verify),
                seconds(restore), differences.isEmpty(), differences, sample.notes(), keep);
    }

    private void print(Report r) {
        if (common.json) {
            printJson(r);
        } else {
            if (!common.quiet) {
                out().println("Backup:  snapshot " + r.snapshotId() + ", " + r.files() + " files, " + r.bytes()
                        + " bytes in " + fmt(r.backupSeconds()) + "s");
                out().println("Verify:  sound, " + r.verifiedFiles() + " files checked in " + fmt(r.verifySeconds())
                        + "s");
                out().println("Restore: " + r.restoredFiles() + " files into " + r.target() + " in "
                        + fmt(r.restoreSeconds()) + "s");
                if (r.kept()) {
                    out().println("Kept in " + r.work());
                }
            }
            out().println("restored tree identical: " + (r.identical() ? "yes" : "no"));
        }
        if (!r.identical()) {
            err().println(ErrorHandler.PREFIX + "the restored tree differs from the source ("
                    + r.differences().size() + (r.differences().size() == 1 ? " difference" : " differences") + ")");
            for (String d : r.differences()) {
                err().println("  " + d);
            }
            err().println("  the demo's folders are kept for a look in " + r.work());
        }
    }

    private static double seconds(BackupResult r) {
        return r.duration().toNanos() / 1e9;
    }

    private static double seconds(VerifyResult r) {
        return r.duration().toNanos() / 1e9;
    }

    private static double seconds(RestoreResult r) {
        return r.duration().toNanos() / 1e9;
    }

    private static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds);
    }
}
