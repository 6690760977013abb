package io.backupkit.internal.zip;

import io.backupkit.internal.Pools;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Reads, checksums and deflates a unit's small files on worker threads, ahead of the one thread that writes the zip
 * in entry order: a metadata folder of many small files is compressed on every core instead of one. A file is packed
 * the same way whatever the number of workers (0 packs on the writer's thread), so the archive's bytes do not depend
 * on it. What is read ahead is bounded: at most {@link #AHEAD_FILES} files and about {@link #AHEAD_BYTES} bytes as
 * listed, each file read to at most its listed size plus {@link #SLACK}; a file that grew beyond that is handed back
 * to the writer, which streams it.
 *
 * <pre>{@code
 * try (ZipAhead ahead = new ZipAhead(request, level, workers)) {
 *     for (int i = 0; i < entries.size(); i++) {
 *         ZipAhead.Packed p = ahead.take(i); // null: not packed ahead, write it as a stream
 *     }
 * }
 * }</pre>
 */
final class ZipAhead implements AutoCloseable {

    /** Files up to this listed size are packed ahead; bigger ones are streamed by the writer. */
    static final long SMALL_FILE = 1024 * 1024;
    /** Listed bytes of the files packed ahead of the writer, at most (one file may pass it alone). */
    static final long AHEAD_BYTES = 8 * 1024 * 1024;
    /** Files packed ahead of the writer, at most. */
    static final int AHEAD_FILES = 256;
    /** How much a file may have grown since the walk and still be packed ahead. */
    static final int SLACK = 16 * 1024;

    /**
     * A file read, checksummed and (unless stored) deflated.
     *
     * @param deflated whether {@code data} is deflated; {@code false}: it is the content, stored
     */
    record Packed(byte[] data, int length, long size, long crc, boolean deflated) {
    }

    /** The file vanished since the walk: the entry is left out (the engine has recorded it). */
    static final Packed VANISHED = new Packed(new byte[0], 0, -1, 0, false);
    /** The file grew beyond what is read ahead: the writer streams it. */
    static final Packed TOO_BIG = new Packed(new byte[0], 0, -2, 0, false);

    private final ArchiveWriteRequest request;
    private final List<UnitEntry> entries;
    private final int level;
    private final ExecutorService pool;
    private final ThreadLocal<Deflater> deflaters;
    private final List<Deflater> made = new ArrayList<>();
    private final Map<Integer, Future<Packed>> ahead = new HashMap<>();
    private int next;
    private long aheadBytes;

    /**
     * @param request the unit being written
     * @param level the deflate level, 0-9 (0 stores every file)
     * @param workers threads that pack ahead; 0 packs each file on the writer's thread when it is taken
     */
    ZipAhead(ArchiveWriteRequest request, int level, int workers) {
        this.request = request;
        this.entries = request.entries();
        this.level = level;
        this.deflaters = ThreadLocal.withInitial(this::newDeflater);
        AtomicInteger n = new AtomicInteger();
        this.pool = workers <= 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "backupkit-zip-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param e an entry
     * @return whether a file is packed ahead
     */
    static boolean packed(UnitEntry e) {
        return e.type() == EntryType.FILE && e.size() <= SMALL_FILE;
    }

    /**
     * Hands over entry {@code index}'s packed file, having queued the files after it that the bounds allow.
     * Entries must be taken in order.
     *
     * @param index the entry the writer is at
     * @return the packed file, {@link #VANISHED}, {@link #TOO_BIG}, or {@code null} when the entry is not a file
     *         packed ahead
     * @throws IOException if the file could not be read
     */
    Packed take(int index) throws IOException {
        while (next < entries.size() && (next <= index
                || ahead.size() < AHEAD_FILES && aheadBytes + listed(entries.get(next)) <= AHEAD_BYTES)) {
            UnitEntry e = entries.get(next);
            if (packed(e)) {
                ahead.put(next, submit(e));
                aheadBytes += listed(e);
            }
            next++;
        }
        Future<Packed> f = ahead.remove(index);
        if (f == null) {
            return null;
        }
        aheadBytes -= listed(entries.get(index));
        return Pools.result(f, "'" + entries.get(index).path() + "'");
    }

    private static long listed(UnitEntry e) {
        return e.size() + 512;
    }

    private Future<Packed> submit(UnitEntry e) {
        if (pool == null) {
            // packed when taken, on the writer's thread
            return new FutureTask<>(() -> pack(e)) {
                @Override
                public Packed get() throws InterruptedException, ExecutionException {
                    run();
                    return super.get();
                }
            };
        }
        return pool.submit(() -> pack(e));
    }

    private Packed pack(UnitEntry e) throws IOException {
        InputStream in;
        try {
            in = request.open(e);
        } catch (NoSuchFileException vanished) {
            return VANISHED;
        }
        byte[] raw;
        try (in) {
            raw = readUpTo(in, (int) e.size(), (int) Math.min(Integer.MAX_VALUE - 64, e.size() + SLACK));
            if (raw == null) {
                return TOO_BIG; // closed before its end: the writer opens it again and streams it
            }
        }
        CRC32 crc = new CRC32();
        crc.update(raw, 0, raw.length);
        if (!ZipArchiver.deflates(level, e, raw, raw.length)) {
            return new Packed(raw, raw.length, raw.length, crc.getValue(), false);
        }
        Deflater d = deflaters.get();
        d.reset();
        d.setInput(raw, 0, raw.length);
        d.finish();
        // room for incompressible content (stored blocks: 5 bytes per 16 KiB block), so the array never grows
        byte[] out = new byte[raw.length + raw.length / 16_384 * 5 + 64];
        int length = 0;
        while (!d.finished()) {
            if (length == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            length += d.deflate(out, length, out.length - length);
        }
        if (length < out.length / 2) {
            out = Arrays.copyOf(out, length); // what waits for the writer is the compressed size
        }
        return new Packed(out, length, raw.length, crc.getValue(), true);
    }

    /**
     * Reads a file into an array of its listed size, as long as it has not changed size; only a file that shrank or
     * grew since the walk costs a second array. ({@code readNBytes(int)} gathers 8 KiB pieces and copies them into
     * the array it returns: every small file's bytes twice.)
     *
     * @param in the file's content
     * @param listed its size as listed
     * @param cap the most bytes taken, at least {@code listed}
     * @return the whole content, or {@code null} when there are more than {@code cap} bytes
     */
    static byte[] readUpTo(InputStream in, int listed, int cap) throws IOException {
        byte[] raw = new byte[listed];
        int n = in.readNBytes(raw, 0, listed);
        if (n < listed) {
            return Arrays.copyOf(raw, n);
        }
        int next = in.read();
        if (next < 0) {
            return raw;
        }
        if (listed >= cap) {
            return null;
        }
        byte[] rest = in.readNBytes(cap - listed); // one more than the cap allows when there is that much
        if (listed + 1 + rest.length > cap) {
            return null;
        }
        byte[] grown = Arrays.copyOf(raw, listed + 1 + rest.length);
        grown[listed] = (byte) next;
        System.arraycopy(rest, 0, grown, listed + 1, rest.length);
        return grown;
    }

    private Deflater newDeflater() {
        Deflater d = new Deflater(level, true);
        synchronized (made) {
            made.add(d);
        }
        return d;
    }

    /** Stops the workers (files still queued are not packed) and frees the deflaters. */
    @Override
    public void close() {
        for (Future<Packed> f : ahead.values()) {
            f.cancel(false);
        }
        ahead.clear();
        if (pool != null) {
            pool.shutdownNow();
            Pools.awaitEnd(pool, () -> { }); // no worker uses a deflater once they are ended
        }
        synchronized (made) {
            for (Deflater d : made) {
                d.end();
            }
            made.clear();
        }
    }
}
