package io.backupkit.spi;

import java.nio.file.attribute.FileTime;

/**
 * One entry as read back from an archive by {@link Archiver#read}. The engine, not the archiver, decides whether the
 * entry is safe and where it goes.
 *
 * <pre>{@code
 * visitor.visit(new ArchivedEntry(name, EntryType.FILE, size, mode, mtime, null), in);
 * }</pre>
 *
 * @param path the entry's name in the archive, as stored (not yet checked for {@code ..} or absolute paths)
 * @param type what the archive says the entry is
 * @param size the stored size, or -1 when unknown
 * @param mode the POSIX permission bits, or -1 when the archive has none
 * @param mtime the stored last-modified time, or {@code null}
 * @param linkTarget the link target for {@link EntryType#SYMLINK}, otherwise {@code null}
 */
public record ArchivedEntry(String path, EntryType type, long size, int mode, FileTime mtime, String linkTarget) {
}
