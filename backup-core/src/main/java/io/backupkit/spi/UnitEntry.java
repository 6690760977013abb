package io.backupkit.spi;

import java.nio.file.attribute.FileTime;

/**
 * One entry of a unit, as found by the source walk and handed to {@link Archiver#write(ArchiveWriteRequest)}.
 *
 * <pre>{@code
 * for (UnitEntry e : request.entries()) {
 *     if (e.type() == EntryType.FILE) {
 *         try (InputStream in = request.open(e)) { ... }
 *     }
 * }
 * }</pre>
 *
 * @param path the source-relative path with {@code /} separators, never starting with {@code /}
 * @param type what the entry is
 * @param size the file's size when walked; 0 for directories and links
 * @param mtime the last-modified time when walked
 * @param mode the POSIX permission bits ({@code 0755}); a default when the file system has none
 * @param linkTarget the link's target as stored in the link, for {@link EntryType#SYMLINK}; otherwise {@code null}
 */
public record UnitEntry(String path, EntryType type, long size, FileTime mtime, int mode, String linkTarget) {
}
