package io.backupkit.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.backupkit.spi.EntryType;

/**
 * One line of a unit's index ({@code index/<unit>.jsonl}): what was backed up, with the SHA-256 of the content as
 * read. The index, not the archive, is the authority on restore: metadata (mode, mtime) comes from here, and every
 * archive entry must match a line.
 *
 * <pre>{@code
 * {"path":"Media/a.jpg","type":"FILE","size":1234,"mtime":"2026-11-22T03:58:00.123456789Z","mode":420,"sha256":"..."}
 * }</pre>
 *
 * @param path source-relative path, {@code /} separators
 * @param type entry type
 * @param size content size in bytes (files only; 0 otherwise)
 * @param mtime last-modified time, ISO-8601 with full precision
 * @param mode POSIX mode bits (permission, setuid, setgid, sticky)
 * @param sha256 hex SHA-256 of the content (files only)
 * @param target link target (links only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexEntry(String path, EntryType type, long size, String mtime, int mode, String sha256,
                         String target) {
}
