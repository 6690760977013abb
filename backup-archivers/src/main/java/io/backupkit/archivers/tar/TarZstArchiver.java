package io.backupkit.archivers.tar;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * {@code tar.zst}: pax tar archives compressed with Zstandard (zstd-jni, native), with zstd's content checksum. The
 * recommended archiver when speed matters: at the default level it compresses several times faster than
 * {@code tar.gz} and about as small.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code level}, the zstd level 1-19 (default {@value #DEFAULT_LEVEL}, as {@code zstd});</li>
 *   <li>{@code workers}, zstd's own compression threads per unit being written, 0-{@value #MAX_WORKERS} or
 *       {@code auto} (default). 0 compresses on the thread that reads the files; 1 or more compress in the
 *       background while files are read and hashed. {@code auto} is {@link #autoWorkers()}: 0 on machines with up to
 *       2 cores (measured: extra threads only cost there, the plan already writes a unit per core), else half the
 *       cores, at most 4, so the one large unit a media-server folder usually has is not left on one core.
 *       {@code auto} is recorded as such in the manifest, so the same plan on another machine reuses unchanged
 *       archives.</li>
 *   <li>{@code readers}, threads per unit that read and hash small files ahead of the writer, 0-16 or {@code auto}
 *       (default: 1 with up to 2 cores, else 2); not a content option, as the archive's bytes do not change.</li>
 * </ul>
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("tar.zst").archiverOption("level", "1")...
 *
 * // restore by hand:  tar --zstd -xf Metadata.tar.zst
 * }</pre>
 */
public final class TarZstArchiver extends TarArchiver {

    /** The id, also the extension. */
    public static final String ID = "tar.zst";

    /** Default zstd level: zstd's own default. */
    public static final int DEFAULT_LEVEL = 3;

    /** Default of the {@code workers} option. */
    public static final String DEFAULT_WORKERS = "auto";

    /** Most zstd worker threads per unit accepted. */
    public static final int MAX_WORKERS = 64;

    /** Used by {@link java.util.ServiceLoader}. */
    public TarZstArchiver() {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * @return {@code level=3}, {@code workers=auto}, {@code readers=auto}
     */
    @Override
    public Map<String, String> defaultOptions() {
        return Map.of("level", Integer.toString(DEFAULT_LEVEL), "workers", DEFAULT_WORKERS, READERS, DEFAULT_READERS);
    }

    /**
     * @return what {@code workers=auto} means on this machine: 0 with up to 2 cores, else half of them, at most 4
     */
    public static int autoWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 0 : Math.min(cores / 2, 4);
    }

    @Override
    Compressor compressor(Map<String, String> options) throws IOException {
        int level = TarOptions.integer(ID, options, "level", DEFAULT_LEVEL, 1, 19);
        int workers = TarOptions.integerOrAuto(ID, options, "workers", autoWorkers(), 0, MAX_WORKERS);
        return file -> open(file, level, workers);
    }

    private static OutputStream open(OutputStream file, int level, int workers) throws IOException {
        ZstdOutputStreamNoFinalizer zstd;
        try {
            zstd = new ZstdOutputStreamNoFinalizer(file, level);
        } catch (LinkageError e) {
            throw new IOException("zstd is not available on this platform (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "): " + e, e);
        }
        try {
            return zstd.setChecksum(true).setWorkers(workers);
        } catch (IOException | RuntimeException e) {
            zstd.close();
            throw e;
        }
    }
}
