package io.backupkit;

import io.backupkit.spi.ArchiveWriteRequest;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The zip archiver, failing with an {@link IOException} when it is asked to write a unit that matches a rule, as a
 * crash, a full disk or a network share that went away would. Reading is plain zip.
 *
 * <pre>{@code
 * plan.toBuilder().archiver(FailingZip.atWrite(3)).build().backup();   // the third unit written fails
 * }</pre>
 */
public final class FailingZip extends ZipDelegate {

    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger unitAttempts = new AtomicInteger();
    private final int failAt;
    private final String unit;
    private final String message;

    private FailingZip(int failAt, String unit, String message) {
        this.failAt = failAt;
        this.unit = unit;
        this.message = message;
    }

    /**
     * @param n which write fails (1 = the first); the others succeed
     * @return the archiver, failing with "disk on fire"
     */
    public static FailingZip atWrite(int n) {
        return new FailingZip(n, null, "disk on fire");
    }

    /**
     * @param message the failure
     * @return an archiver whose every write fails
     */
    public static FailingZip always(String message) {
        return new FailingZip(0, null, message);
    }

    /**
     * @param unit the unit whose every write fails; the others succeed
     * @param message the failure; " (attempt N)" is added, N counting that unit's writes
     * @return the archiver
     */
    public static FailingZip onUnit(String unit, String message) {
        return new FailingZip(0, unit, message);
    }

    /** @return how many writes were asked for, failed or not */
    public int writes() {
        return writes.get();
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        int n = writes.incrementAndGet();
        if (unit != null) {
            if (unit.equals(request.unit())) {
                throw new IOException(message + " (attempt " + unitAttempts.incrementAndGet() + ")");
            }
        } else if (failAt == 0 || failAt == n) {
            throw new IOException(message);
        }
        super.write(request);
    }
}
