package io.backupkit.bench;

import io.backupkit.internal.zip.ZipArchiver;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Writing one zip entry with the {@code zip} archiver itself ({@link ZipArchiver#write}, through the SPI as the engine
 * calls it): STORED (what the archiver does for media: the entry is named {@code .jpg}) against DEFLATED at level 1,
 * on compressible XML-like text and on random bytes. An entry of 8 MiB is streamed by the writer, not packed ahead.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar ZipEntryBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ZipEntryBenchmark {

    /** STORED or DEFLATED (level 1). */
    @Param({"STORED", "DEFLATED"})
    public String method;

    /** text: XML-like, compresses about 5:1; random: incompressible, like JPEG or .bif files. */
    @Param({"text", "random"})
    public String content;

    /** Size of the entry, in MiB. */
    @Param({"8"})
    public int entryMiB;

    private Path dir;
    private Path archive;
    private byte[] data;
    private FileTime mtime;

    @Setup(Level.Trial)
    public void createData() throws IOException {
        dir = Files.createTempDirectory("backupkit-jmh-zip");
        archive = dir.resolve("unit.zip");
        data = new byte[entryMiB << 20];
        SplittableRandom rng = new SplittableRandom(7);
        if (content.equals("random")) {
            rng.nextBytes(data);
        } else {
            String[] words = {"movie", "title", "year", "genre", "director", "actor", "rating", "summary", "studio",
                              "tagline", "poster", "art", "thumb", "guid", "agent", "library", "metadata"};
            StringBuilder sb = new StringBuilder(data.length + 200);
            while (sb.length() < data.length) {
                sb.append("  <Role tag=\"").append(words[rng.nextInt(words.length)]).append(' ')
                        .append(words[rng.nextInt(words.length)]).append("\" key=\"").append(rng.nextInt(1_000_000))
                        .append("\" role=\"").append(words[rng.nextInt(words.length)]).append("\"/>\n");
            }
            byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, data, 0, data.length);
        }
        mtime = FileTime.fromMillis(1_600_000_000_000L);
    }

    @TearDown(Level.Invocation)
    public void deleteArchive() throws IOException {
        Files.deleteIfExists(archive);
    }

    @TearDown(Level.Trial)
    public void deleteDir() throws IOException {
        Files.deleteIfExists(archive);
        Files.deleteIfExists(dir);
    }

    /** One archive holding one entry, written and closed. */
    @Benchmark
    public long writeOneEntry() throws IOException {
        String name = "Metadata/Movies/a/0123456789abcdef.bundle/Contents/"
                + (method.equals("STORED") ? "thumb.jpg" : "Info.xml");
        UnitEntry entry = new UnitEntry(name, EntryType.FILE, data.length, mtime, 0644, null);
        new ZipArchiver().write(new ArchiveWriteRequest("Metadata", dir, archive, List.of(entry),
                Map.of("level", "1", "workers", "0"), (e, exact) -> new ByteArrayInputStream(data)));
        return Files.size(archive);
    }
}
