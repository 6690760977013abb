package io.backupkit.bench;

import io.backupkit.internal.Hashing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * SHA-256 of a file while reading it, as the engine hashes every file it backs up, for several read buffer sizes
 * (the library's is {@link Hashing#BUFFER_SIZE}). The file is in the page cache after the first iteration, so this
 * measures the digest and the copy out of the cache, not the disk.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar HashingBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HashingBenchmark {

    /** Read buffer size in bytes. */
    @Param({"8192", "65536", "262144", "1048576"})
    public int bufferSize;

    /** Size of the file hashed, in MiB. */
    @Param({"64"})
    public int fileMiB;

    private Path dir;
    private Path file;
    private byte[] buffer;

    @Setup(Level.Trial)
    public void createFile() throws IOException {
        dir = Files.createTempDirectory("backupkit-jmh-hash");
        file = dir.resolve("data.bin");
        byte[] data = new byte[fileMiB << 20];
        new SplittableRandom(7).nextBytes(data);
        Files.write(file, data);
        buffer = new byte[bufferSize];
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Reads the whole file through {@code Files.newInputStream} and digests every block. */
    @Benchmark
    public byte[] sha256WhileReading() throws IOException {
        MessageDigest md = Hashing.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
        }
        return md.digest();
    }
}
