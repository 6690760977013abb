package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * The SHA-256 of a unit's entries as its index lists them: for each line, in order, the path, type, mode and
 * modification time, a file's size and a link's target, each length-prefixed, so that two different listings never
 * give the same bytes. These are the fields a later backup compares to decide that an entry is unchanged, so one
 * digest, recorded in the manifest when the index is written, stands for the whole comparison: an unchanged unit
 * is recognised from the entries walked now without reading its index.
 *
 * <pre>{@code
 * EntryDigest d = new EntryDigest();
 * for (UnitEntry e : entries) {
 *     d.add(e);
 * }
 * String sha = d.sha256();
 * }</pre>
 */
final class EntryDigest {

    private final MessageDigest md = Hashing.sha256();
    private final byte[] buffer = new byte[16 * 1024];
    private int length;

    /** @return the digest of {@code entries}, in their order, each as {@link #add(UnitEntry)} takes it */
    static String of(Iterable<UnitEntry> entries) {
        EntryDigest d = new EntryDigest();
        for (UnitEntry e : entries) {
            d.add(e);
        }
        return d.sha256();
    }

    /** Adds an entry with the size it was listed with. */
    void add(UnitEntry e) {
        add(e.path(), e.type(), e.size(), e.mtime(), e.mode(), e.linkTarget());
    }

    /**
     * Adds one index line.
     *
     * @param path the source-relative path
     * @param type the entry's type
     * @param size the size the index records (counted for files only)
     * @param mtime the modification time
     * @param mode the POSIX mode
     * @param target a link's target (counted for links only)
     */
    void add(String path, EntryType type, long size, FileTime mtime, int mode, String target) {
        text(path);
        room(1 + 3 * 10);
        buffer[length++] = code(type);
        Instant t = mtime.toInstant();
        long seconds = t.getEpochSecond();
        length = EntryList.putVarLong(buffer, length, (seconds << 1) ^ (seconds >> 63));
        length = EntryList.putVarLong(buffer, length, t.getNano());
        length = EntryList.putVarLong(buffer, length, mode & 0xFFFFFFFFL);
        if (type == EntryType.FILE) {
            room(10);
            length = EntryList.putVarLong(buffer, length, size);
        } else if (type == EntryType.SYMLINK) {
            text(target == null ? "" : target);
        }
    }

    /** @return the SHA-256 in hex of everything added */
    String sha256() {
        md.update(buffer, 0, length);
        length = 0;
        return Hashing.hex(md.digest());
    }

    private static byte code(EntryType type) {
        return switch (type) { // fixed codes: reordering the enum must not change recorded digests
            case FILE -> 1;
            case DIRECTORY -> 2;
            case SYMLINK -> 3;
            case HARDLINK -> 4;
            case OTHER -> 5;
        };
    }

    private void text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        room(10);
        length = EntryList.putVarLong(buffer, length, utf8.length);
        if (utf8.length > buffer.length - length) {
            md.update(buffer, 0, length);
            length = 0;
            if (utf8.length > buffer.length) {
                md.update(utf8);
                return;
            }
        }
        System.arraycopy(utf8, 0, buffer, length, utf8.length);
        length += utf8.length;
    }

    private void room(int bytes) {
        if (buffer.length - length < bytes) {
            md.update(buffer, 0, length);
            length = 0;
        }
    }
}
