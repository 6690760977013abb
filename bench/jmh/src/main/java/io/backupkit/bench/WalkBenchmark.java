package io.backupkit.bench;

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
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The walk of a tree of small files (default 20,000 files, 100 per folder, in a Plex-like
 * {@code Metadata/x/hash.bundle/Contents} layout), reading each entry's attributes as a backup must (type, size,
 * modification time; POSIX mode for the {@code posix} variants): {@code Files.walkFileTree}, {@code Files.walk} plus
 * one attribute read per path, and a recursive {@code Files.newDirectoryStream} as the engine's scanner uses. The
 * tree is in the dentry and inode caches after the first iteration.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar WalkBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WalkBenchmark {

    /** Number of files in the tree. */
    @Param({"20000"})
    public int files;

    private Path root;

    @Setup(Level.Trial)
    public void createTree() throws IOException {
        root = Files.createTempDirectory("backupkit-jmh-walk");
        byte[] content = "<MediaContainer size=\"1\"/>\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < files; i++) {
            Path folder = root.resolve(String.format("Metadata/Movies/%x/%08x.bundle/Contents", (i / 100) % 16,
                    i / 100));
            Files.createDirectories(folder);
            Files.write(folder.resolve(String.format("Info-%05d.xml", i)), content);
        }
    }

    @TearDown(Level.Trial)
    public void deleteTree() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** {@code Files.walkFileTree}: the attributes come with the walk. */
    @Benchmark
    public long walkFileTree() throws IOException {
        long[] sum = new long[2];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                sum[0]++;
                sum[1] += attrs.size() + attrs.lastModifiedTime().toMillis();
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0] + sum[1];
    }

    /** {@code Files.walk}, then one {@code readAttributes} per path (the stream gives paths only). */
    @Benchmark
    public long walkStream() throws IOException {
        long sum = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                sum += a.isRegularFile() ? 1 + a.size() + a.lastModifiedTime().toMillis() : 0;
            }
        }
        return sum;
    }

    /** Recursive {@code Files.newDirectoryStream} with POSIX attributes (mode too), like the engine's scanner. */
    @Benchmark
    public long directoryStreamPosix() throws IOException {
        return scan(root);
    }

    private static long scan(Path dir) throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    sum += scan(p);
                } else {
                    sum += 1 + a.size() + a.lastModifiedTime().toMillis() + a.permissions().size();
                }
            }
        }
        return sum;
    }
}
