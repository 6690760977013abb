package io.backupkit.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for the engine's thread pools.
 *
 * <pre>{@code
 * pool.shutdownNow();
 * Pools.awaitEnd(pool, () -> log.warn("still waiting"));
 * }</pre>
 */
public final class Pools {

    private Pools() {
    }

    /**
     * Waits, uninterruptibly, until a pool that was shut down has ended every task, so that none still works on what
     * the caller goes on to release; an interrupt meanwhile is kept for the caller.
     *
     * @param pool a pool after {@code shutdown} or {@code shutdownNow}
     * @param stillWaiting run after each minute the pool has not ended
     */
    public static void awaitEnd(ExecutorService pool, Runnable stillWaiting) {
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                stillWaiting.run();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
