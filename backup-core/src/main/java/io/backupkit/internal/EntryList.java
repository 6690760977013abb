package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * A unit's walked entries, sorted by path and packed into one byte array: about 45 bytes an entry where
 * {@link UnitEntry} objects take about 200. Each path is stored as the bytes it shares with the path before it and
 * the UTF-8 bytes that follow; every {@value #BLOCK}th path is stored whole, so {@link #get(int)} decodes at most
 * {@value #BLOCK} entries and {@link #indexOf(Object)} searches those whole paths by bisection. The list is
 * immutable; {@link #get(int)} makes a new {@link UnitEntry} each time, and iterating decodes each entry once.
 *
 * <pre>{@code
 * EntryList.Builder b = new EntryList.Builder();
 * b.add(new UnitEntry("Metadata", EntryType.DIRECTORY, 0, mtime, 0755, null)); // in path order
 * b.add(new UnitEntry("Metadata/a.xml", EntryType.FILE, 120, mtime, 0644, null));
 * EntryList entries = b.build();
 * int slot = entries.indexOfPath("Metadata/a.xml"); // 1
 * }</pre>
 *
 * <p>Records: shared byte count, suffix length, suffix bytes (all lengths unsigned LEB128), then the attributes:
 * a type byte (the {@link EntryType} ordinal, {@code 0x80} set when a link target follows), the size, the mtime's
 * seconds (zig-zag) and nanoseconds, the mode, and the link target's length and UTF-8 bytes.
 */
public final class EntryList extends AbstractList<UnitEntry> implements RandomAccess {

    /** Entries per block: each block's first path is stored whole. */
    static final int BLOCK = 16;
    private static final int HAS_LINK = 0x80;
    private static final EntryType[] TYPES = EntryType.values();
    private static final EntryList EMPTY = new Builder().build();
    private static final Comparator<UnitEntry> BY_PATH = Comparator.comparing(UnitEntry::path);

    private final byte[] data;
    private final int[] blocks;
    private final int size;
    private final long files;
    private final long bytes;

    private EntryList(byte[] data, int[] blocks, int size, long files, long bytes) {
        this.data = data;
        this.blocks = blocks;
        this.size = size;
        this.files = files;
        this.bytes = bytes;
    }

    /** @return an empty list */
    public static EntryList empty() {
        return EMPTY;
    }

    /**
     * @param entries entries in any order, with distinct paths
     * @return the entries packed, sorted by path; {@code entries} itself when it is an {@code EntryList}
     * @throws IllegalArgumentException naming the path, if two entries have the same path or a path is not
     *         valid UTF-16 (an unpaired surrogate)
     */
    public static EntryList copyOf(List<UnitEntry> entries) {
        if (entries instanceof EntryList l) {
            return l;
        }
        List<UnitEntry> sorted = entries;
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i - 1).path().compareTo(entries.get(i).path()) >= 0) {
                sorted = new ArrayList<>(entries);
                sorted.sort(BY_PATH);
                break;
            }
        }
        Builder b = new Builder();
        for (UnitEntry e : sorted) {
            b.add(e);
        }
        return b.build();
    }

    @Override
    public int size() {
        return size;
    }

    /** @return the bytes the packed entries take, without the list's own few fields */
    long storedBytes() {
        return data.length + 4L * blocks.length;
    }

    /** @return the number of regular files */
    public long files() {
        return files;
    }

    /** @return the sum of the regular files' sizes */
    public long bytes() {
        return bytes;
    }

    @Override
    public UnitEntry get(int index) {
        Cursor c = seek(index);
        return c.entry();
    }

    /**
     * @param index an entry's position
     * @return its path, without making the entry
     */
    public String pathAt(int index) {
        return seek(index).path();
    }

    @Override
    public int indexOf(Object o) {
        if (!(o instanceof UnitEntry e)) {
            return -1;
        }
        int i = indexOfPath(e.path());
        return i >= 0 && get(i).equals(e) ? i : -1;
    }

    @Override
    public int lastIndexOf(Object o) {
        return indexOf(o); // paths are distinct
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    /**
     * @param path a path
     * @return the position of the entry with that path, or -1
     */
    public int indexOfPath(String path) {
        int lo = 0;
        int hi = blocks.length - 1;
        while (lo <= hi) { // the last block whose first path is not after the one sought
            int mid = (lo + hi) >>> 1;
            int cmp = new Cursor(mid).path().compareTo(path);
            if (cmp == 0) {
                return mid * BLOCK;
            } else if (cmp < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return -1;
        }
        Cursor c = new Cursor(hi);
        for (int i = hi * BLOCK + 1; i < Math.min(size, (hi + 1) * BLOCK); i++) {
            c.next();
            int cmp = c.path().compareTo(path);
            if (cmp == 0) {
                return i;
            } else if (cmp > 0) {
                break;
            }
        }
        return -1;
    }

    @Override
    public Iterator<UnitEntry> iterator() {
        return new Iterator<>() {
            private Cursor cursor;
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public UnitEntry next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                if (next % BLOCK == 0) {
                    cursor = new Cursor(next / BLOCK);
                } else {
                    cursor.next();
                }
                next++;
                return cursor.entry();
            }
        };
    }

    private Cursor seek(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        Cursor c = new Cursor(index / BLOCK);
        for (int i = index % BLOCK; i > 0; i--) {
            c.next();
        }
        return c;
    }

    /** Decodes entries one after another from the start of a block. */
    private final class Cursor {
        private byte[] path = new byte[128];
        private int pathLength;
        private int pos;
        private int attrs;

        Cursor(int block) {
            pos = blocks[block];
            read();
        }

        void next() {
            pos = skipAttributes(data, attrs);
            read();
        }

        private void read() {
            long shared = readVarLong(data, pos);
            pos = after(data, pos);
            int suffix = (int) readVarLong(data, pos);
            pos = after(data, pos);
            int length = (int) shared + suffix;
            if (length > path.length) {
                path = Arrays.copyOf(path, Math.max(length, path.length * 2));
            }
            System.arraycopy(data, pos, path, (int) shared, suffix);
            pathLength = length;
            attrs = pos + suffix;
        }

        String path() {
            return new String(path, 0, pathLength, StandardCharsets.UTF_8);
        }

        UnitEntry entry() {
            int p = attrs;
            int typeByte = data[p++] & 0xFF;
            EntryType type = TYPES[typeByte & ~HAS_LINK];
            long entrySize = readVarLong(data, p);
            p = after(data, p);
            long seconds = unzigzag(readVarLong(data, p));
            p = after(data, p);
            int nanos = (int) readVarLong(data, p);
            p = after(data, p);
            int mode = (int) readVarLong(data, p);
            p = after(data, p);
            String link = null;
            if ((typeByte & HAS_LINK) != 0) {
                int length = (int) readVarLong(data, p);
                p = after(data, p);
                link = new String(data, p, length, StandardCharsets.UTF_8);
            }
            return new UnitEntry(path(), type, entrySize, FileTime.from(Instant.ofEpochSecond(seconds, nanos)), mode,
                    link);
        }
    }

    private static int skipAttributes(byte[] b, int p) {
        boolean link = (b[p++] & HAS_LINK) != 0;
        for (int i = 0; i < 4; i++) { // size, seconds, nanoseconds, mode
            p = after(b, p);
        }
        if (link) {
            int length = (int) readVarLong(b, p);
            p = after(b, p) + length;
        }
        return p;
    }

    /** @return the unsigned LEB128 number at {@code p} */
    static long readVarLong(byte[] b, int p) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    /** @return the position after the unsigned LEB128 number at {@code p} */
    static int after(byte[] b, int p) {
        while (b[p] < 0) {
            p++;
        }
        return p + 1;
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /**
     * Packs entries given in path order ({@link String#compareTo}). The order is checked when a path is added,
     * at the cost of comparing it with the one before; {@link #addEncoded} leaves that to its caller.
     */
    public static final class Builder {
        private byte[] data = new byte[4096];
        private int length;
        private int[] blocks = new int[16];
        private int size;
        private long files;
        private long bytes;
        private byte[] last = new byte[128];
        private int lastLength;
        private String lastPath;

        /**
         * @param e the next entry, after every one added so far in path order
         * @return this builder
         * @throws IllegalArgumentException naming the path, if it is not after the one before or is not valid
         *         UTF-16
         */
        public Builder add(UnitEntry e) {
            String path = e.path();
            if (lastPath != null && lastPath.compareTo(path) >= 0) {
                throw new IllegalArgumentException("entry '" + path + "' is not after '" + lastPath
                        + "' in path order" + (lastPath.equals(path) ? " (listed twice)" : ""));
            }
            byte[] utf8 = utf8(path, "path");
            byte[] attrs = attributes(e);
            addEncoded(utf8, utf8.length, attrs, 0, attrs.length);
            lastPath = path;
            return this;
        }

        /**
         * Adds an entry whose attributes are encoded already.
         *
         * @param path the path's UTF-8 bytes
         * @param pathLength how many of them
         * @param attrs an array holding the encoded attributes
         * @param from where they start
         * @param to where they end
         */
        void addEncoded(byte[] path, int pathLength, byte[] attrs, int from, int to) {
            int shared = 0;
            if (size % BLOCK == 0) {
                if (size / BLOCK == blocks.length) {
                    blocks = Arrays.copyOf(blocks, blocks.length * 2);
                }
                blocks[size / BLOCK] = length;
            } else {
                int max = Math.min(pathLength, lastLength);
                while (shared < max && path[shared] == last[shared]) {
                    shared++;
                }
            }
            int suffix = pathLength - shared;
            ensure(10 + 5 + suffix + (to - from));
            length = putVarLong(data, length, shared);
            length = putVarLong(data, length, suffix);
            System.arraycopy(path, shared, data, length, suffix);
            length += suffix;
            System.arraycopy(attrs, from, data, length, to - from);
            length += to - from;
            if (pathLength > last.length) {
                last = Arrays.copyOf(last, Math.max(pathLength, last.length * 2));
            }
            System.arraycopy(path, shared, last, shared, suffix);
            lastLength = pathLength;
            lastPath = null; // known only to add(UnitEntry)
            if (attrs[from] == EntryType.FILE.ordinal()) {
                files++;
                bytes += readVarLong(attrs, from + 1);
            }
            size++;
        }

        /** @return the entries added so far */
        int size() {
            return size;
        }

        private void ensure(int more) {
            if ((long) length + more > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("more than 2 GiB of entries in one unit (" + size
                        + " entries so far): split the folder into several units");
            }
            if (length + more > data.length) {
                long grown = Math.max((long) length + more, data.length + (data.length >> 1));
                data = Arrays.copyOf(data, (int) Math.min(grown, Integer.MAX_VALUE - 16));
            }
        }

        /** @return the list; the builder must not be used afterwards */
        public EntryList build() {
            int blockCount = (size + BLOCK - 1) / BLOCK;
            EntryList list = new EntryList(Arrays.copyOf(data, length), Arrays.copyOf(blocks, blockCount), size,
                    files, bytes);
            data = null;
            return list;
        }
    }

    /**
     * Encodes the attributes of one entry (all but its path), as {@link Builder#addEncoded} takes them.
     *
     * @param e the entry
     * @return its attributes
     * @throws IllegalArgumentException naming the path, if the size is negative or the link target is not valid
     *         UTF-16
     */
    static byte[] attributes(UnitEntry e) {
        if (e.size() < 0) {
            throw new IllegalArgumentException("entry '" + e.path() + "' has a negative size: " + e.size());
        }
        byte[] link = e.linkTarget() == null ? null : utf8(e.linkTarget(), "link target of '" + e.path() + "'");
        byte[] out = new byte[36 + (link == null ? 0 : link.length)];
        int n = 0;
        out[n++] = (byte) (e.type().ordinal() | (link != null ? HAS_LINK : 0));
        n = putVarLong(out, n, e.size());
        Instant t = e.mtime().toInstant();
        n = putVarLong(out, n, (t.getEpochSecond() << 1) ^ (t.getEpochSecond() >> 63));
        n = putVarLong(out, n, t.getNano());
        n = putVarLong(out, n, e.mode() & 0xFFFFFFFFL);
        if (link != null) {
            n = putVarLong(out, n, link.length);
            System.arraycopy(link, 0, out, n, link.length);
            n += link.length;
        }
        return Arrays.copyOf(out, n);
    }

    /** @return whether the attributes at {@code at} are a folder's */
    static boolean isDirectory(byte[] b, int at) {
        return (b[at] & ~HAS_LINK) == EntryType.DIRECTORY.ordinal();
    }

    /** @return the end of the attributes that start at {@code at} */
    static int attributesEnd(byte[] b, int at) {
        return skipAttributes(b, at);
    }

    static int putVarLong(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /**
     * @return the UTF-8 bytes of {@code s}
     * @throws IllegalArgumentException naming {@code what}, if {@code s} holds an unpaired surrogate, which UTF-8
     *         cannot carry
     */
    static byte[] utf8(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) { // check that it comes back unchanged
                if (!new String(b, StandardCharsets.UTF_8).equals(s)) {
                    throw new IllegalArgumentException("the " + what + " '" + s + "' holds an unpaired surrogate");
                }
                break;
            }
        }
        return b;
    }
}
