package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.DestinationLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The destination's {@code .backupkit.lock}: held by one run at a time. The file records the holder (pid, host,
 * start time, operation) for error messages and is emptied on release; exclusion itself comes from an
 * operating-system lock on the file,
 * which the OS releases when the holder dies, so a lock left by a killed run is taken over at once and a live one
 * never is. Within one JVM, holders are also tracked in memory: on POSIX systems closing any channel to a file drops
 * the whole process's locks on it, so a second run in the same JVM must not even open the file.
 *
 * <pre>{@code
 * try (DestinationLock lock = DestinationLock.acquire(destination, "backup")) {
 *     ...
 * }
 * }</pre>
 */
public final class DestinationLock implements AutoCloseable {

    /** Name of the lock file in the destination. */
    public static final String FILE_NAME = ".backupkit.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DestinationLock.class);

    /** Lock files held by this JVM, by real path: the one piece of static state, needed for correctness. */
    private static final Map<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path file;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DestinationLock(Path file, Path key, FileChannel channel, FileLock lock) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param destination the destination folder; must exist
     * @param operation what the run does, recorded for other runs' messages
     * @return the held lock
     * @throws DestinationLockedException naming the holder, if another run holds it
     * @throws BackupException if the lock file cannot be written
     */
    public static DestinationLock acquire(Path destination, String operation) {
        Path file = destination.resolve(FILE_NAME);
        Path key;
        try {
            key = destination.toRealPath().resolve(FILE_NAME);
        } catch (IOException e) {
            throw new BackupException("Cannot lock destination " + destination + ": " + SourceScanner.describe(e), e);
        }
        String description = describeSelf(operation);
        String holder = HELD_IN_THIS_JVM.putIfAbsent(key, description);
        if (holder != null) {
            throw locked(destination, holder);
        }
        boolean acquired = false;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw locked(destination, readHolder(ch));
            }
            String previous = readHolder(ch);
            if (!previous.isBlank()) {
                LOG.warn("Taking over the lock on {} left by a run that ended without releasing it: {}",
                        destination, previous);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(description.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            acquired = true;
            return new DestinationLock(file, key, ch, lock);
        } catch (IOException | OverlappingFileLockException e) {
            throw new BackupException("Cannot lock destination " + destination + " (" + file + "): "
                    + (e instanceof IOException io ? SourceScanner.describe(io) : e.toString()), e);
        } finally {
            if (!acquired) {
                HELD_IN_THIS_JVM.remove(key, description);
                closeQuietly(ch);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("Ignoring failure to close a lock channel", e);
            }
        }
    }

    private static DestinationLockedException locked(Path destination, String holder) {
        return new DestinationLockedException("Destination " + destination + " is locked by another run ("
                + (holder.isBlank() ? "holder unknown" : holder) + "); wait for it to finish");
    }

    private static String readHolder(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    }

    private static String describeSelf(String operation) {
        ProcessHandle self = ProcessHandle.current();
        return "pid " + self.pid() + " on host " + hostName() + ", " + operation + " since " + Instant.now();
    }

    /**
     * @return this machine's host name, or {@code "unknown-host"}
     */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /**
     * Empties the lock file and releases the lock. The file itself stays: deleting it would let a run that opened
     * it just before lock a file no longer in the folder while a third run creates and locks a new one. An empty
     * lock file means the destination is free.
     */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            channel.force(true);
        } catch (IOException e) {
            LOG.warn("Could not clear the lock {}: {}", file, e.getMessage());
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("Ignoring failure to release {}", file, e);
            }
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(key);
        }
    }
}
