package io.backupkit.archivers.tar;

import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZOutputStream;

import java.io.IOException;
import java.util.Map;

/**
 * {@code tar.xz}: pax tar archives compressed with xz (LZMA2, CRC64 check) by the pure-Java xz library. The smallest
 * archives and by far the slowest to write (one thread per unit); choose it for archives kept long or sent over a
 * slow line, and {@code tar.zst} otherwise.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code level}, the xz preset 0-9 (default {@value #DEFAULT_LEVEL}, as {@code xz}). Each unit being written
 *       holds an encoder of about 94 MiB at level 6 and 674 MiB at level 9 (xz's figures);</li>
 *   <li>{@code memoryLimitMiB}, 1-{@value #MAX_MEMORY_LIMIT_MIB} (default {@value #DEFAULT_MEMORY_LIMIT_MIB}): the most
 *       memory the decoder may use when reading, so a crafted archive cannot exhaust the heap. Writing refuses a
 *       level whose archives could not be read back within it (level 9 needs 65 MiB).</li>
 *   <li>{@code readers}, threads per unit that read and hash small files ahead of the writer, 0-16 or {@code auto}
 *       (default: 1 with up to 2 cores, else 2); not a content option.</li>
 * </ul>
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("tar.xz").archiverOption("level", "9")...
 *
 * // restore by hand:  tar -xJf Metadata.tar.xz
 * }</pre>
 */
public final class TarXzArchiver extends TarArchiver {

    /** The id, also the extension. */
    public static final String ID = "tar.xz";

    /** Default preset: xz's own default, an 8 MiB dictionary. */
    public static final int DEFAULT_LEVEL = 6;

    /** Default decoder memory limit. */
    public static final int DEFAULT_MEMORY_LIMIT_MIB = TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB;

    /** Largest decoder memory limit accepted. */
    public static final int MAX_MEMORY_LIMIT_MIB = 65_536;

    /** Used by {@link java.util.ServiceLoader}. */
    public TarXzArchiver() {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * @return {@code level=6}, {@code memoryLimitMiB=256}, {@code readers=auto}
     */
    @Override
    public Map<String, String> defaultOptions() {
        return Map.of("level", Integer.toString(DEFAULT_LEVEL),
                "memoryLimitMiB", Integer.toString(DEFAULT_MEMORY_LIMIT_MIB), READERS, DEFAULT_READERS);
    }

    @Override
    Compressor compressor(Map<String, String> options) throws IOException {
        int level = TarOptions.integer(ID, options, "level", DEFAULT_LEVEL, LZMA2Options.PRESET_MIN,
                LZMA2Options.PRESET_MAX);
        int limit = xzMemoryLimitMiB(options);
        LZMA2Options lzma2;
        try {
            lzma2 = new LZMA2Options(level);
        } catch (UnsupportedOptionsException e) {
            throw new IOException(ID + " option 'level' " + level + " has no xz preset", e);
        }
        int neededMiB = (lzma2.getDecoderMemoryUsage() + 1023) / 1024;
        if (neededMiB > limit) {
            throw new IOException(ID + " option 'level' " + level + " writes archives that need " + neededMiB
                    + " MiB to read, more than option 'memoryLimitMiB' allows (" + limit + ")");
        }
        return file -> new XZOutputStream(file, lzma2);
    }

    @Override
    int xzMemoryLimitMiB(Map<String, String> options) throws IOException {
        return TarOptions.integer(ID, options, "memoryLimitMiB", DEFAULT_MEMORY_LIMIT_MIB, 1, MAX_MEMORY_LIMIT_MIB);
    }
}
