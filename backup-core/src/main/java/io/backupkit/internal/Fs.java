package io.backupkit.internal;

import java.io.IOException;
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
import java.util.HashSet;
import java.util.Set;

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
     * Forces a file's content to disk.
     *
     * @param file a regular file
     * @throws IOException if it cannot be opened or synced
     */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
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

    /**
     * Forces every regular file under {@code root}, then every folder (deepest first), to disk.
     *
     * @param root a folder
     * @throws IOException if a file cannot be synced
     */
    public static void fsyncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    fsync(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                fsyncDirectory(dir);
                return FileVisitResult.CONTINUE;
            }
        });
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
