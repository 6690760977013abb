package io.backupkit;

import java.util.List;

/**
 * Caps that stop a decompression bomb or a hostile archive before it fills the disk: total bytes written, number of
 * entries, and the ratio of bytes written to archive bytes read. A restore that would pass one is refused with a
 * {@link RestoreException} naming the limit and how to raise it. Snapshots are checked against their manifest
 * before anything is extracted; archives from elsewhere ({@link RestoreRequest#fromArchive}) while they are read.
 *
 * <pre>{@code
 * BackupPlan.builder()...restoreLimits(RestoreLimits.defaults().maxBytes(8L << 40).maxRatio(50_000)).build();
 * }</pre>
 *
 * @param maxBytes the most content bytes a restore may write
 * @param maxEntries the most entries (files, folders, links) a restore may create
 * @param maxRatio the most content bytes per archive byte (per unit for snapshots, per archive otherwise); checked
 *        once more than {@link #RATIO_GRACE_BYTES} were written, so tiny archives of empty files pass
 */
public record RestoreLimits(long maxBytes, long maxEntries, double maxRatio) {

    /** Default cap on bytes written: 16 TiB. */
    public static final long DEFAULT_MAX_BYTES = 16L << 40;
    /** Default cap on entries: 100 million. */
    public static final long DEFAULT_MAX_ENTRIES = 100_000_000L;
    /**
     * Default cap on the compression ratio: 10,000 to 1. Real data stays far below (text compresses 3-10 to 1);
     * files of zeros reach about 1,000 to 1 with deflate and more with zstd, so very sparse data may need more.
     */
    public static final double DEFAULT_MAX_RATIO = 10_000;
    /** Bytes written before the ratio is checked. */
    public static final long RATIO_GRACE_BYTES = 16L << 20;

    /**
     * @throws InvalidPlanException if a limit is not positive
     */
    public RestoreLimits {
        if (maxBytes < 1 || maxEntries < 1 || !(maxRatio >= 1)) {
            throw new InvalidPlanException(List.of("restore limits must be positive (ratio at least 1), were maxBytes="
                    + maxBytes + ", maxEntries=" + maxEntries + ", maxRatio=" + maxRatio));
        }
    }

    /**
     * @return the default limits
     */
    public static RestoreLimits defaults() {
        return new RestoreLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_RATIO);
    }

    /**
     * @param maxBytes the most content bytes a restore may write
     * @return a copy with that cap
     */
    public RestoreLimits maxBytes(long maxBytes) {
        return new RestoreLimits(maxBytes, maxEntries, maxRatio);
    }

    /**
     * @param maxEntries the most entries a restore may create
     * @return a copy with that cap
     */
    public RestoreLimits maxEntries(long maxEntries) {
        return new RestoreLimits(maxBytes, maxEntries, maxRatio);
    }

    /**
     * @param maxRatio the most content bytes per archive byte
     * @return a copy with that cap
     */
    public RestoreLimits maxRatio(double maxRatio) {
        return new RestoreLimits(maxBytes, maxEntries, maxRatio);
    }
}
