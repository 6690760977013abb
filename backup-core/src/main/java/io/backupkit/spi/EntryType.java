package io.backupkit.spi;

/**
 * The kinds of entry BackupKit stores. Anything else found in a source (sockets, FIFOs, devices) is skipped with a
 * warning; anything else found in an archive is refused on restore.
 *
 * <pre>{@code
 * if (entry.type() == EntryType.FILE) { ... }
 * }</pre>
 */
public enum EntryType {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link, stored as a link and never followed. */
    SYMLINK,
    /**
     * A hard link to another entry of the same archive (tar can hold them; the link target is in
     * {@link ArchivedEntry#linkTarget()}): never written, refused on restore.
     */
    HARDLINK,
    /** Anything else (device, FIFO, socket): never written, refused on restore. */
    OTHER
}
