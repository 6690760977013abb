package io.backupkit;

import io.backupkit.spi.ServiceController;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real child process standing in for a media server: while it runs it rewrites {@code Metadata/heartbeat} and
 * appends to {@code Logs/server.log} in its data folder every 20 ms; on SIGTERM it writes {@code stopped} into the
 * heartbeat and exits. A stubborn one ignores SIGTERM. Controlled as a {@link ServiceController} that records every
 * call in a shared journal.
 */
final class TestServer implements ServiceController {

    private final String id;
    private final Path data;
    private final boolean stubborn;
    private final List<String> journal;
    private volatile String version;
    private Process process;
    volatile Runnable onStop = () -> { };

    TestServer(String id, Path data, boolean stubborn, List<String> journal) {
        this.id = id;
        this.data = data;
        this.stubborn = stubborn;
        this.journal = journal;
    }

    static TestServer started(String id, Path data, List<String> journal) {
        TestServer s = new TestServer(id, data, false, journal);
        s.launch();
        return s;
    }

    static TestServer stubborn(String id, Path data, List<String> journal) {
        TestServer s = new TestServer(id, data, true, journal);
        s.launch();
        return s;
    }

    static List<String> journal() {
        return new CopyOnWriteArrayList<>();
    }

    TestServer version(String v) {
        this.version = v;
        return this;
    }

    private synchronized void launch() {
        String loop = "while :; do date +%s%N > \"$0/Metadata/heartbeat\"; echo tick >> \"$0/Logs/server.log\"; "
                + "sleep 0.02; done";
        String trap = stubborn ? "trap '' TERM; " : "trap 'echo stopped > \"$0/Metadata/heartbeat\"; exit 0' TERM; ";
        try {
            Files.createDirectories(data.resolve("Metadata"));
            Files.createDirectories(data.resolve("Logs"));
            process = new ProcessBuilder("sh", "-c", trap + loop, data.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(data.resolve("Metadata/heartbeat")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void stop(Duration timeout) {
        journal.add("stop " + id);
        process.destroy(); // SIGTERM
        try {
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onStop.run();
    }

    @Override
    public synchronized void start() {
        journal.add("start " + id);
        if (!isRunning()) { // a stubborn server that never stopped is already running
            launch();
        }
    }

    @Override
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** Ends the process whatever it traps; for test clean-up. */
    synchronized void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "TestServer[" + id + "]";
    }
}
