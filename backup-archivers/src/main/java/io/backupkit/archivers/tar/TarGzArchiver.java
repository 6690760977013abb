package io.backupkit.archivers.tar;

import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.IOException;
import java.util.Map;

/**
 * {@code tar.gz}: pax tar archives compressed with gzip (zlib's deflate through the JDK), which every system can
 * open. Slower than {@code tar.zst} at a similar size; choose it when the archives must open anywhere.
 *
 * <p>Options: {@code level}, the gzip level 1-9 (default {@value #DEFAULT_LEVEL}); {@code readers}, threads per unit
 * that read and hash small files ahead of the writer, 0-16 or {@code auto} (default: 1 with up to 2 cores, else 2),
 * not a content option.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("tar.gz").archiverOption("level", "1")...
 *
 * // restore by hand:  tar -xzf Metadata.tar.gz
 * }</pre>
 */
public final class TarGzArchiver extends TarArchiver {

    /** The id, also the extension. */
    public static final String ID = "tar.gz";

    /** Default gzip level: gzip's own default. */
    public static final int DEFAULT_LEVEL = 6;

    private static final int DEFLATE_BUFFER = 64 * 1024;

    /** Used by {@link java.util.ServiceLoader}. */
    public TarGzArchiver() {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * @return {@code level=6}, {@code readers=auto}
     */
    @Override
    public Map<String, String> defaultOptions() {
        return Map.of("level", Integer.toString(DEFAULT_LEVEL), READERS, DEFAULT_READERS);
    }

    @Override
    Compressor compressor(Map<String, String> options) throws IOException {
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(TarOptions.integer(ID, options, "level", DEFAULT_LEVEL, 1, 9));
        parameters.setBufferSize(DEFLATE_BUFFER);
        parameters.setOS(GzipParameters.OS.UNIX);
        return file -> new GzipCompressorOutputStream(file, parameters);
    }
}
