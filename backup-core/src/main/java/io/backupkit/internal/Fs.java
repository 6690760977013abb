package io.backupkit.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * File-system helpers: durable writes (fsync of files and folders) and safe recursive deletion.
 *
 * <pre>{@code
 * Fs.fsync(file);
 * Fs.fsyncDirectory(file.getParent());
 * }</pre>
 */
public final class Fs {

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT)
            .startsWith("windows");

    private Fs() {
    }

    /**
     * Forces a file's content to disk. The file is opened for writing (some network file systems refuse to sync a
     * file opened for reading only); a file its owner may not write, such as a restored read-only file, is opened for
     * reading instead (not on Windows, which syncs written files only), and one its owner may not even read is made
     * readable for the call.
     *
     * @param file a regular file
     * @throws IOException if it cannot be opened or synced
     */
    public static void fsync(Path file) throws IOException {
        try {
            force(file, StandardOpenOption.WRITE);
            return;
        } catch (AccessDeniedException notWritable) {
            if (WINDOWS) {
                throw notWritable;
            }
        }
        try {
            force(file, StandardOpenOption.READ);
        } catch (AccessDeniedException denied) {
            Set<PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                throw denied;
            }
            Set<PosixFilePermission> readable = new HashSet<>(perms);
            readable.add(PosixFilePermission.OWNER_READ);
            Files.setPosixFilePermissions(file, readable);
            try {
                force(file, StandardOpenOption.READ);
            } catch (IOException e) {
                try {
                    Files.setPosixFilePermissions(file, perms);
                } catch (IOException restore) {
                    e.addSuppressed(restore);
                }
                throw e;
            }
            // the mode put back is not synced itself: a crash may leave the file readable by its owner
            Files.setPosixFilePermissions(file, perms);
        }
    }

    private static void force(Path file, StandardOpenOption mode) throws IOException {
        try (FileChannel ch = FileChannel.open(file, mode, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }

    /**
     * Forces a folder's entries (creations, renames) to disk where the platform allows it; a no-op on Windows, where
     * folders cannot be opened for syncing.
     *
     * @param dir a folder
     * @throws IOException if syncing fails for a reason other than the platform not supporting it
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            // some file systems (and some FUSE mounts) refuse to open folders: nothing more can be done
        }
    }

    /** Threads {@link #fsyncAll} and {@link #fsyncTree} sync with: enough to keep a disk's queue full. */
    static final int FSYNC_THREADS = 16;

    /**
     * Forces many files and folders to disk, several at a time. One fsync waits for its own writes to reach the
     * disk; issued together they share the device's queue and flushes: 20,000 files and 24,700 folders took 9.2 s
     * one after the other and 2.4 s sixteen at a time (ext4 on a virtual disk). Returns once all are done.
     *
     * @param files regular files
     * @param folders folders whose entries must be durable
     * @throws IOException naming the first path that could not be synced
     */
    public static void fsyncAll(List<Path> files, Collection<Path> folders) throws IOException {
        fsyncAll(files, folders, FSYNC_THREADS);
    }

    static void fsyncAll(List<Path> files, Collection<Path> folders, int threads) throws IOException {
        try (ParallelSync sync = new ParallelSync(threads)) {
            for (Path f : files) {
                sync.add(f, false);
            }
            for (Path d : folders) {
                sync.add(d, true);
            }
            sync.await();
        }
    }

    /**
     * Forces every regular file and every folder under {@code root}, and {@code root} itself, to disk: with one
     * {@code syncfs} of its file system where {@link #syncFileSystem(Path)} can, else each of them, several at a
     * time as {@link #fsyncAll} does, without holding the list: links are not followed.
     *
     * @param root a folder
     * @throws IOException naming the first path that could not be synced, or if the walk fails
     */
    public static void fsyncTree(Path root) throws IOException {
        if (!syncFileSystem(root)) {
            fsyncTree(root, FSYNC_THREADS);
        }
    }

    /**
     * Local Linux file systems whose {@code syncfs(2)} writes back every dirty file and folder and flushes the
     * device, as an fsync of each would: not FUSE, where it may do nothing, nor network file systems.
     */
    static final Set<String> SYNCFS_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "zfs");
    private static final Path SYNC = findSync();

    private static Path findSync() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(dir, "sync");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Makes everything under {@code root} durable with one {@code syncfs(2)} of its file system ({@code sync -f}),
     * when that file system is one of {@link #SYNCFS_TYPES}: on a tree just written that is one flush instead of
     * an fsync per file and folder (a restored {@code plex} tree of 333,000 entries: 1.6 s instead of 9.3 s). It
     * also writes back what other programs left dirty on that file system.
     *
     * @param root a folder
     * @return {@code false} when it could not be done that way (another system or file system, no {@code sync}
     *         program, or {@code sync -f} failed): the caller then syncs each file, which names a path that fails
     * @throws InterruptedIOException if interrupted while waiting
     */
    static boolean syncFileSystem(Path root) throws InterruptedIOException {
        if (SYNC == null) {
            return false;
        }
        String type;
        try {
            type = Files.getFileStore(root).type();
        } catch (IOException e) {
            return false;
        }
        return syncFileSystem(root, type, SYNC);
    }

    static boolean syncFileSystem(Path root, String type, Path sync) throws InterruptedIOException {
        if (!SYNCFS_TYPES.contains(type)) {
            return false;
        }
        Process p;
        try {
            p = new ProcessBuilder(sync.toString(), "-f", root.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        try {
            return p.waitFor() == 0;
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while syncing " + root);
        }
    }

    static void fsyncTree(Path root, int threads) throws IOException {
        try (ParallelSync sync = new ParallelSync(threads)) {
            walkForSync(root, sync);
            sync.await();
        }
    }

    /**
     * Queues every file and folder under {@code root}. A folder its owner may not list or search (a restored
     * {@code 0000} or {@code 0311} folder, for a restore that does not run as root) is opened up to its owner for its
     * own walk and sync, then given its mode back (that last change is not synced itself).
     */
    private static void walkForSync(Path root, ParallelSync sync) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    sync.add(file, false);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (!(exc instanceof AccessDeniedException) || WINDOWS
                        || !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw exc;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> open = new HashSet<>(perms);
                open.add(PosixFilePermission.OWNER_READ);
                open.add(PosixFilePermission.OWNER_EXECUTE);
                if (open.equals(perms)) {
                    throw exc;
                }
                Files.setPosixFilePermissions(file, open);
                try {
                    walkForSync(file, sync);
                    sync.await(); // everything inside is synced before the folder is closed again
                } finally {
                    Files.setPosixFilePermissions(file, perms);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                sync.add(dir, true);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Syncs paths on a few threads, at most {@link #IN_FLIGHT} queued at once. The failure of the earliest path
     * added that could not be synced is thrown by {@link #await} (or by a later {@link #add}), naming its path; paths
     * added after it may be skipped. With one thread, syncs on the caller's.
     */
    private static final class ParallelSync implements AutoCloseable {
        private static final int IN_FLIGHT = 1024;
        private final ExecutorService pool;
        private final Semaphore room = new Semaphore(IN_FLIGHT);
        private final AtomicReference<Failure> failure =
                new AtomicReference<>();
        private long added;

        private record Failure(long order, IOException cause) {
        }

        ParallelSync(int threads) {
            pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "backupkit-fsync");
                t.setDaemon(true);
                return t;
            });
        }

        void add(Path p, boolean folder) throws IOException {
            throwFailure();
            long order = added++;
            if (pool == null) {
                sync(p, folder);
                return;
            }
            acquire(1);
            pool.execute(() -> {
                try {
                    Failure earlier = failure.get();
                    if (earlier == null || order < earlier.order()) { // a path added before a failure is still tried
                        sync(p, folder);
                    }
                } catch (IOException e) { // sync turns every failure into one that names the path
                    fail(order, e);
                } finally {
                    room.release();
                }
            });
        }

        private void fail(long order, IOException e) {
            failure.accumulateAndGet(new Failure(order, e), (a, b) -> a == null || b.order() < a.order() ? b : a);
        }

        void await() throws IOException {
            if (pool != null) {
                acquire(IN_FLIGHT);
                room.release(IN_FLIGHT);
            }
            throwFailure();
        }

        private void acquire(int permits) throws InterruptedIOException {
            try {
                room.acquire(permits);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while syncing to disk");
            }
        }

        private void throwFailure() throws IOException {
            Failure f = failure.get();
            if (f != null) {
                throw f.cause();
            }
        }

        private static void sync(Path p, boolean folder) throws IOException {
            try {
                if (folder) {
                    fsyncDirectory(p);
                } else {
                    fsync(p);
                }
            } catch (IOException | RuntimeException e) {
                throw new IOException("Cannot sync '" + p + "' to disk: " + e, e);
            }
        }

        /** Stops the threads and waits until each has ended, so nothing is synced (or chmodded) afterwards. */
        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
                Pools.awaitEnd(pool, () -> { });
            }
        }
    }

    /**
     * Deletes a file, link or folder tree, never following links. Read-only folders are made writable first so a
     * restored tree with {@code 0555} folders can be removed. Missing paths are ignored.
     *
     * @param path what to delete
     * @throws IOException if something cannot be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                makeWritable(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("cannot delete " + dir + ": something was written into it meanwhile", e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void makeWritable(Path dir) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!perms.contains(PosixFilePermission.OWNER_WRITE) || !perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                Set<PosixFilePermission> writable = new HashSet<>(perms);
                writable.add(PosixFilePermission.OWNER_WRITE);
                writable.add(PosixFilePermission.OWNER_EXECUTE);
                writable.add(PosixFilePermission.OWNER_READ);
                Files.setPosixFilePermissions(dir, writable);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the delete that follows reports the real problem
        }
    }

    /**
     * Makes a folder readable, writable and searchable by its owner only ({@code rwx------}), where the file system
     * has POSIX permissions; elsewhere does nothing.
     *
     * @param dir the folder
     * @throws IOException if the permissions cannot be set
     */
    public static void ownerOnly(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            java.nio.file.Files.setPosixFilePermissions(dir,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * @param p a path that need not exist
     * @return its absolute, normalised form with links resolved on the longest prefix that exists, so that two paths
     *         naming one folder through different links compare equal
     */
    public static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = abs.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    /**
     * Resolves a snapshot-relative name against a folder, turning a name that the JVM's file-name encoding cannot
     * represent into a clear error.
     *
     * @param dir a folder
     * @param relative a {@code /}-separated relative name
     * @return the resolved path
     * @throws io.backupkit.BackupException naming the file and the encoding, with the fix
     */
    public static Path resolve(Path dir, String relative) {
        try {
            return dir.resolve(relative);
        } catch (java.nio.file.InvalidPathException e) {
            throw unrepresentable(relative, dir, e);
        }
    }

    /**
     * @param name the file name at fault
     * @param dir where it is
     * @param cause the failure
     * @return an exception explaining that the locale's encoding cannot represent the name
     */
    public static io.backupkit.BackupException unrepresentable(String name, Path dir, RuntimeException cause) {
        return new io.backupkit.BackupException("Cannot handle '" + name + "' in " + dir + ": its name cannot be "
                + "represented in this JVM's file-name encoding (" + System.getProperty("sun.jnu.encoding")
                + ", from the locale); start Java with a UTF-8 locale, for example LANG=C.UTF-8", cause);
    }
}
