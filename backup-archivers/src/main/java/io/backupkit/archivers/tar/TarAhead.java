package io.backupkit.archivers.tar;

import io.backupkit.internal.Pools;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a unit's small files on reader threads, ahead of the one thread that writes the tar stream in entry order:
 * opening, reading and hashing (the engine hashes every file as it is read) run beside the tar writer and its
 * compressor, so the one large unit of a media server's data folder is not left on one core. Each file is read
 * through {@link ArchiveWriteRequest#openExact}, exactly as the writer would read it, so the archive's bytes do not
 * depend on the number of readers. What waits for the writer is bounded: at most {@link #AHEAD_FILES} entries and
 * about {@link #AHEAD_BYTES} bytes as listed; files over {@link #SMALL_FILE} are left to the writer, which streams
 * them. The arrays files are read into are handed back by the writer ({@link #recycle}) and used again, so reading a
 * tree's small files ahead does not allocate their bytes over again (at most {@link #POOL_BYTES} are kept).
 *
 * <pre>{@code
 * try (TarAhead ahead = new TarAhead(request, 1)) {
 *     for (TarAhead.Item item; (item = ahead.next()) != null; ) {
 *         // item.content(): the file's bytes read ahead (its first size() bytes), or null for a folder, a link
 *         // or a file to stream
 *         ahead.recycle(item);
 *     }
 * }
 * }</pre>
 */
final class TarAhead implements AutoCloseable {

    /** Files up to this listed size are read ahead; bigger ones are streamed by the writer. */
    static final long SMALL_FILE = 1024 * 1024;
    /** Listed bytes of the files read ahead of the writer, at most (one file may pass it alone). */
    static final long AHEAD_BYTES = 8 * 1024 * 1024;
    /** Entries queued ahead of the writer, at most. */
    static final int AHEAD_FILES = 512;
    /** Name of the reader threads, numbered from 1. */
    static final String THREAD_NAME = "backupkit-tar-reader-";

    /** Content of a file that vanished since the walk: the entry is left out (the engine has recorded it). */
    static final byte[] VANISHED = new byte[0];
    /** Content of an empty file (not {@link #VANISHED}). */
    private static final byte[] EMPTY = new byte[0];

    /** The smallest array a file is read into is 2^this bytes; arrays are powers of two up to {@link #SMALL_FILE}. */
    private static final int SMALLEST_SHIFT = 12;
    /** Bytes of arrays kept for reuse, at most, beyond those in use. */
    static final long POOL_BYTES = AHEAD_BYTES;

    /**
     * One entry in order.
     *
     * @param entry the entry
     * @param content a file's bytes as read ahead, the first {@code entry.size()} of the array ({@link #VANISHED}
     *        when it vanished), {@code null} when not read ahead
     */
    record Item(UnitEntry entry, byte[] content) {
    }

    private record Pending(UnitEntry entry, Future<byte[]> content) {
    }

    private final ArchiveWriteRequest request;
    private final Iterator<UnitEntry> entries;
    private final ExecutorService pool;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long aheadBytes;
    /** Arrays for reuse by size class ({@code 2^(SMALLEST_SHIFT + i)} bytes); guarded by itself. */
    private final ArrayDeque<byte[]>[] free;
    private long freeBytes; // guarded by free

    /**
     * @param request the unit being written
     * @param readers reader threads, at least 1
     */
    TarAhead(ArchiveWriteRequest request, int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers " + readers);
        }
        this.request = request;
        this.entries = request.entries().iterator();
        @SuppressWarnings("unchecked")
        ArrayDeque<byte[]>[] classes = new ArrayDeque[sizeClass(SMALL_FILE) + 1];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = new ArrayDeque<>();
        }
        this.free = classes;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(readers, r -> {
            Thread t = new Thread(r, THREAD_NAME + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param e an entry
     * @return whether it is a file read ahead
     */
    static boolean readAhead(UnitEntry e) {
        return e.type() == EntryType.FILE && e.size() <= SMALL_FILE;
    }

    /**
     * Hands over the next entry, having queued the ones after it that the bounds allow.
     *
     * @return the next entry in order, or {@code null} after the last
     * @throws IOException if its file could not be read
     */
    Item next() throws IOException {
        while (entries.hasNext() && (queue.isEmpty()
                || queue.size() < AHEAD_FILES && aheadBytes < AHEAD_BYTES)) {
            UnitEntry e = entries.next();
            if (readAhead(e)) {
                queue.add(new Pending(e, pool.submit(() -> read(e))));
                aheadBytes += listed(e);
            } else {
                queue.add(new Pending(e, null));
            }
        }
        Pending p = queue.poll();
        if (p == null) {
            return null;
        }
        if (p.content() == null) {
            return new Item(p.entry(), null);
        }
        aheadBytes -= listed(p.entry());
        return new Item(p.entry(), Pools.result(p.content(), "'" + p.entry().path() + "'"));
    }

    /**
     * Hands an item's array back for a later file to be read into, once the writer has copied its bytes out.
     *
     * @param item an item {@link #next()} returned, no longer used
     */
    void recycle(Item item) {
        byte[] content = item.content();
        if (content == null || content.length < 1 << SMALLEST_SHIFT) {
            return;
        }
        int c = sizeClass(content.length);
        synchronized (free) {
            if (freeBytes + content.length <= POOL_BYTES) {
                free[c].push(content);
                freeBytes += content.length;
            }
        }
    }

    /**
     * @param size a file's size, at most {@link #SMALL_FILE}
     * @return the class of the smallest pooled array that holds it
     */
    static int sizeClass(long size) {
        int bits = size <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(size - 1);
        return Math.max(bits, SMALLEST_SHIFT) - SMALLEST_SHIFT;
    }

    private byte[] array(int size) {
        if (size == 0) {
            return EMPTY;
        }
        int c = sizeClass(size);
        synchronized (free) {
            byte[] reused = free[c].poll();
            if (reused != null) {
                freeBytes -= reused.length;
                return reused;
            }
        }
        return new byte[1 << (SMALLEST_SHIFT + c)];
    }

    private static long listed(UnitEntry e) {
        return e.size() + TarStreamWriter.RECORD;
    }

    private byte[] read(UnitEntry e) throws IOException {
        InputStream in;
        try {
            in = request.openExact(e);
        } catch (NoSuchFileException vanished) {
            return VANISHED;
        }
        try (in) {
            // an exact stream gives the listed size (padded if the file shrank, cut if it grew; the engine warns),
            // read to its end as the writer reads it, with the writer's messages otherwise
            // into an array of at least the listed size: readNBytes(int) would gather 8 KiB pieces and copy them
            // into a new array once more
            int size = (int) e.size();
            byte[] content = array(size);
            int n = in.readNBytes(content, 0, size);
            if (n != size) {
                throw new IOException("'" + e.path() + "' ended after " + n + " of the " + e.size()
                        + " bytes its tar header declares");
            }
            if (in.read(new byte[1], 0, 1) > 0) {
                throw new IOException("'" + e.path() + "' has more than the " + e.size()
                        + " bytes its tar header declares");
            }
            return content;
        }
    }

    /** Stops the readers (files still queued are not read) and waits until they have ended. */
    @Override
    public void close() {
        for (Pending p : queue) {
            if (p.content() != null) {
                p.content().cancel(false);
            }
        }
        queue.clear();
        pool.shutdownNow();
        Pools.awaitEnd(pool, () -> { }); // no reader may touch the unit's files once the writer has returned
    }
}
