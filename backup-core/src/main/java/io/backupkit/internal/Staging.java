package io.backupkit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A run's folder in the plan's local staging folder: archives are written there, then moved to the destination
 * (a NAS share, say), so the slow link sees one sequential copy per archive instead of an archiver's small writes.
 * Each run's folder holds a file locked (operating-system lock) while the run lives; a folder whose lock can be
 * taken belongs to a run that was killed and is removed when the next run opens the staging folder.
 *
 * <pre>{@code
 * try (Staging staging = Staging.open(plan.staging(), snapshotId, log)) {
 *     Path staged = staging.file("Metadata.zip");
 *     ... write it ...
 *     staging.moveTo(staged, partial.resolve("units/Metadata.zip.tmp"));
 * }
 * }</pre>
 */
final class Staging implements AutoCloseable {

    /** Prefix of the run folders in a staging folder. */
    static final String PREFIX = ".backupkit-staging-";
    private static final String LOCK = "lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private Staging(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the staging folder when missing, removes what killed runs left in it, and makes this run's folder.
     *
     * @param folder the plan's staging folder
     * @param runId names this run's folder (the snapshot id)
     * @param log the run log
     * @return this run's staging
     * @throws IOException if the folder cannot be made or locked
     */
    static Staging open(Path folder, String runId, RunLog log) throws IOException {
        Files.createDirectories(folder);
        removeStale(folder, log);
        Path dir = Files.createTempDirectory(folder, PREFIX + runId + "-");
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.lock();
            log.info("Archives are staged in {} before they move to the destination", dir);
            return new Staging(dir, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Fs.deleteTree(dir);
            throw e;
        }
    }

    /**
     * Removes the run folders of killed runs: those whose lock file can be locked.
     *
     * @param folder the staging folder
     * @param log the run log
     * @throws IOException if the folder cannot be listed
     */
    static void removeStale(Path folder, RunLog log) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(folder, PREFIX + "*")) {
            for (Path run : runs) {
                if (!Files.isDirectory(run) || held(run.resolve(LOCK))) {
                    continue;
                }
                try {
                    Fs.deleteTree(run);
                    log.info("Removed staging files left by an interrupted run: {}", run);
                } catch (IOException e) {
                    log.warn("Could not remove staging files left by an interrupted run in " + run + ": "
                            + SourceScanner.describe(e));
                }
            }
        }
    }

    /** @return {@code true} when a live run holds the lock file (in this or another process) */
    private static boolean held(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false; // killed before its lock file was made
        }
        try (FileChannel c = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = c.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by another run in this JVM
        } catch (IOException e) {
            return true; // cannot tell: leave it
        }
    }

    /**
     * @return this run's folder, removed when the run ends or by the next run after a kill
     */
    Path folder() {
        return dir;
    }

    /**
     * @param name a file name, unique within the run
     * @return where to write it in this run's folder
     */
    Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * Moves a staged file to the destination (a copy when they are on different file systems) and fsyncs it there.
     *
     * @param staged the staged file
     * @param target where it goes; must not exist
     * @throws IOException if the copy fails or the copy's size differs from the staged file's
     */
    void moveTo(Path staged, Path target) throws IOException {
        long size = Files.size(staged);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
        Fs.fsync(target);
        long copied = Files.size(target);
        if (copied != size) {
            throw new IOException("Moving " + staged + " to " + target + " wrote " + copied + " of " + size
                    + " bytes");
        }
    }

    /** Releases the lock and removes this run's folder. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
            Fs.deleteTree(dir);
        }
    }
}
