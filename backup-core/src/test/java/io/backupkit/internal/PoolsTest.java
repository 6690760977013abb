package io.backupkit.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolsTest {

    @Test
    void shouldThrowWhatTheTaskThrewAsItThrewIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThat(Pools.result(pool.submit(() -> "done"), "'a'")).isEqualTo("done");
            IOException io = new IOException("disk full");
            assertThatThrownBy(() -> Pools.result(pool.submit(() -> {
                throw io;
            }), "'a'")).isSameAs(io);
            IllegalStateException bug = new IllegalStateException("bug");
            assertThatThrownBy(() -> Pools.result(pool.submit(() -> {
                throw bug;
            }), "'a'")).isSameAs(bug);
            OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
            assertThatThrownBy(() -> Pools.result(pool.submit(() -> {
                throw oom;
            }), "'a'")).as("an Error is not made an I/O failure, which would be retried").isSameAs(oom);
            Exception checked = new Exception("other");
            assertThatThrownBy(() -> Pools.result(pool.submit(() -> {
                throw checked;
            }), "'a'")).isInstanceOf(IOException.class).hasCause(checked);
        } finally {
            pool.shutdownNow();
            Pools.awaitEnd(pool, () -> { });
        }
    }

    @Test
    void shouldKeepTheInterruptAndNameWhatItWaitedFor() {
        Future<String> never = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Pools.result(never, "'Metadata/a.xml'"))
                    .isInstanceOf(InterruptedIOException.class).hasMessageContaining("'Metadata/a.xml'");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
