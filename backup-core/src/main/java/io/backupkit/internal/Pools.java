package io.backupkit.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for the engine's thread pools.
 *
 * <pre>{@code
 * Packed p = Pools.result(future, "'" + entry.path() + "'");
 * pool.shutdownNow();
 * Pools.awaitEnd(pool, () -> log.warn("still waiting"));
 * }</pre>
 */
public final class Pools {

    private Pools() {
    }

    /**
     * Waits for a task's result and throws what the task threw, as it threw it: an {@link IOException}, a
     * {@link RuntimeException} or an {@link Error} (an {@code OutOfMemoryError} stays one, and is not retried as a
     * failed write); anything else is wrapped in an {@code IOException}.
     *
     * @param task a task of a pool (or one run when it is asked for)
     * @param what what it makes, for the message when the wait is interrupted: {@code 'Metadata/a.xml'}
     * @return the task's result
     * @throws InterruptedIOException when the wait is interrupted (the interrupt is kept)
     */
    public static <T> T result(Future<T> task, String what) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            rethrow(e.getCause());
            throw new IOException("a task failed without a cause", e);
        }
    }

    /**
     * Throws what a task failed with, as it was thrown: an {@link IOException}, a {@link RuntimeException} or an
     * {@link Error} as it is, anything else wrapped in an {@code IOException}; nothing when there was no failure.
     *
     * @param failure the first failure of a pool's tasks, or {@code null}
     * @throws IOException when {@code failure} is one, or wraps it
     */
    public static void rethrow(Throwable failure) throws IOException {
        if (failure == null) {
            return;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        throw new IOException(failure.toString(), failure);
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
